"""Chart data of one window: history buckets from ``/metrics/timeseries`` merged with live points.

Qt-free and pure, so the merge rules are unit-testable. The rules that keep history and live
seamless:

- The x-axis is the bucket start (``t`` floored to ``step_seconds``). A live point never becomes a
  point of its own: it is merged *into* its bucket, so there is no double point where history
  and live meet, and a bucket that history ends on simply keeps growing.
- Live points are 1-second deltas. Those with ``t < as_of`` are already counted in the history
  and are dropped; the rest are added. Points are remembered for a while, so a history reload
  (window switch, reconnect, or a closed bucket being reconciled) re-applies what it lacks.
- Counters are summed; ``active_players`` (a gauge) takes the newest value; PSP success rate and
  latency are averaged weighted by attempts (``psp.<code>.attempts``), as the server does.
- Closed buckets are the server's business: when a live point opens a new bucket the store asks
  for a reload (:attr:`WindowSeries.needs_reload`), so any second lost in a reconnect is
  corrected from the server within one bucket. A jump of more than one bucket (the app slept)
  also asks for a reload instead of drawing a flat line through data it never saw.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bo_desktop.contract.enums import Psp
from bo_desktop.contract.metrics import Timeseries, TimeseriesPoint

WINDOW_SPANS: dict[str, int] = {"15m": 15 * 60, "1h": 3600, "24h": 24 * 3600, "7d": 7 * 24 * 3600}
WINDOW_STEPS: dict[str, int] = {"15m": 60, "1h": 60, "24h": 15 * 60, "7d": 3600}
WINDOW_LABELS: dict[str, str] = {"15m": "15 min", "1h": "1 hour", "24h": "24 hours", "7d": "7 days"}

PSP_CODES: tuple[str, ...] = tuple(p.value for p in Psp)
COUNTERS = frozenset({"deposits_eur", "withdrawals_eur", "bets_eur", "wins_eur", "ggr_eur"})
GAUGES = frozenset({"active_players"})
KEEP_LIVE_SECONDS = 180  # how long live points are remembered for re-applying after a reload


def attempts_key(code: str) -> str:
    return f"psp.{code}.attempts"


def _weighted_key(name: str) -> str | None:
    """``psp.trustly.success_rate`` → ``psp.trustly.attempts`` (the weight); None otherwise."""
    parts = name.split(".")
    if len(parts) == 3 and parts[0] == "psp" and parts[2] in ("success_rate", "latency_ms"):
        return attempts_key(parts[1])
    return None


def to_epoch(at: datetime) -> float:
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp()


@dataclass
class WindowSeries:
    """The buckets of one window, oldest first. ``times`` are bucket starts in epoch seconds."""

    window: str
    step_seconds: int = 60
    times: list[float] = field(default_factory=list)
    buckets: list[dict[str, float]] = field(default_factory=list)
    as_of: float | None = None
    loaded: bool = False
    needs_reload: bool = False
    revision: int = 0  # bumped on every change: views redraw only when it moved
    _recent: deque[TimeseriesPoint] = field(default_factory=deque)

    @property
    def span_seconds(self) -> int:
        return WINDOW_SPANS[self.window]

    # -- history ---------------------------------------------------------------------------------

    def load(self, history: Timeseries) -> None:
        """Replace everything with ``history``, then re-apply remembered live points it lacks."""
        self.step_seconds = history.step_seconds
        self.times = [to_epoch(p.t) for p in history.points]
        self.buckets = [dict(p.values) for p in history.points]
        # Without as_of (an older server) the newest bucket start is the safe cut: live seconds
        # inside that bucket may then be missed until the next reload, but never counted twice.
        self.as_of = to_epoch(history.as_of) if history.as_of else (self.times[-1] if self.times else None)
        self.loaded = True
        self.needs_reload = False
        for point in self._recent:
            self._merge(point)
        self.revision += 1

    # -- live ------------------------------------------------------------------------------------

    def add_points(self, points: Iterable[TimeseriesPoint]) -> bool:
        """Merge live 1-second points; True when anything shown changed."""
        changed = False
        for point in points:
            self._remember(point)
            if self.loaded:
                changed |= self._merge(point)
        if changed:
            self.revision += 1
        return changed

    def _remember(self, point: TimeseriesPoint) -> None:
        self._recent.append(point)
        horizon = to_epoch(point.t) - KEEP_LIVE_SECONDS
        while self._recent and to_epoch(self._recent[0].t) < horizon:
            self._recent.popleft()

    def _merge(self, point: TimeseriesPoint) -> bool:
        t = to_epoch(point.t)
        if self.as_of is not None and t < self.as_of:
            return False  # already counted by the history
        start = math.floor(t / self.step_seconds) * self.step_seconds
        if not self.times or start > self.times[-1]:
            if self.times:
                # The previous bucket closed (or, after a sleep, whole buckets passed unseen):
                # the server has their exact values; ask for them rather than trust ours.
                self.needs_reload = True
            self.times.append(start)
            self.buckets.append({})
            self._trim(start)
        index: int | None = len(self.times) - 1
        if start != self.times[-1]:
            index = self._index_of(start)  # a late point for an older bucket (replayed after a reconnect)
        if index is None:
            return False
        _merge_values(self.buckets[index], point.values)
        return True

    def _index_of(self, start: float) -> int | None:
        for index in range(len(self.times) - 1, -1, -1):
            if self.times[index] == start:
                return index
            if self.times[index] < start:
                break
        return None

    def _trim(self, newest: float) -> None:
        oldest_allowed = newest - self.span_seconds + self.step_seconds
        drop = 0
        while drop < len(self.times) and self.times[drop] < oldest_allowed:
            drop += 1
        if drop:
            del self.times[:drop]
            del self.buckets[:drop]

    # -- reading ---------------------------------------------------------------------------------

    def column(self, name: str, *, missing: float = math.nan) -> list[float]:
        """One series over all buckets; ``missing`` where a bucket has no value (no attempts)."""
        return [bucket.get(name, missing) for bucket in self.buckets]

    def names(self) -> list[str]:
        seen: dict[str, None] = {}
        for bucket in self.buckets:
            seen.update(dict.fromkeys(bucket))
        return list(seen)


def _merge_values(bucket: dict[str, float], values: dict[str, float]) -> None:
    # Weighted series first, while the bucket still holds the old weights.
    for name, value in values.items():
        weight_key = _weighted_key(name)
        if weight_key is None:
            continue
        new_weight = values.get(weight_key, 1.0)
        old_weight = bucket.get(weight_key, 0.0) if name in bucket else 0.0
        total = old_weight + new_weight
        if total > 0:
            bucket[name] = (bucket.get(name, 0.0) * old_weight + value * new_weight) / total
    for name, value in values.items():
        if _weighted_key(name) is not None:
            continue
        if name in GAUGES:
            bucket[name] = value
        else:  # counters, attempts included
            bucket[name] = bucket.get(name, 0.0) + value
