"""Live activity: deposits, play, withdrawals, disputes and alerts, plus metrics every second.

One daemon thread ticks once a second. A tick draws how many of each business event happen
(Poisson around the activity model in ``metrics`` × ``config.simulator_rate``), applies them in
one short transaction (with the payouts that are due: ``payouts.settle_due``), adds the tick's
counters to the current minute's metric bucket, and then — after the commit, so subscribers never
see uncommitted rows — publishes the entity events, ``metrics.point`` (this second's values) and
``metrics.snapshot``.

A thread rather than an asyncio task: the work is blocking SQLAlchemy, and the API's event loop
must not stall behind it. ``stop()`` sets an event the loop waits on, so it returns within one
tick even when the simulator is idle.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bo_desktop.contract.events import EventType
from bo_desktop.contract.metrics import TimeseriesPoint

from . import db, metrics, payouts, sim_actions
from .state import SandboxState

log = logging.getLogger(__name__)

PLAYER_POOL = 5_000  # active players the simulator picks from (bounded memory at any size)


class Simulator:
    """Start with ``start()``, stop with ``stop()``; ``running`` tells /health."""

    def __init__(self, state: SandboxState, *, tick_seconds: float = 1.0, seed: int | None = None) -> None:
        self._state = state
        self._tick = tick_seconds
        self._rng = random.Random(seed if seed is not None else state.config.seed)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pool: list[str] = []
        self._online = metrics.expected_online(state.config.players, datetime.now(UTC))
        self.ticks = 0
        self.errors = 0

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.running:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="sandbox-simulator", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("simulator did not stop within %.1f s", timeout)
            self._thread = None

    def _run(self) -> None:
        next_tick = time.monotonic()
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception:  # one bad tick must not end the live feed; it is logged
                self.errors += 1
                log.exception("simulator tick failed")
            next_tick += self._tick
            self._stop.wait(max(0.0, next_tick - time.monotonic()))
            next_tick = max(next_tick, time.monotonic() - self._tick)  # no catch-up burst after a stall

    def _player_pool(self, session: Session) -> list[str]:
        if not self._pool:
            self._pool = list(
                session.scalars(
                    sa.select(db.Player.id)
                    .where(db.Player.status == "active")
                    .order_by(db.Player.id)
                    .limit(PLAYER_POOL)
                )
            )
        return self._pool

    def tick(self, now: datetime | None = None) -> None:
        """One second of activity (public so tests can drive it without the thread)."""
        now = now or datetime.now(UTC)
        state = self._state
        rate = state.config.simulator_rate
        chaos = state.chaos
        outage = frozenset(chaos.psp_outage)
        rng = self._rng
        events: list[sim_actions.Event] = []
        counters: dict[str, float] = {}
        # Players online drift slowly with the time of day, like the seeded history.
        target = metrics.expected_online(state.config.players, now)
        self._online = max(1.0, self._online + (target - self._online) * 0.05 + rng.uniform(-1, 1))
        means = {action: rate * per * self._online for action, per in metrics.PER_ONLINE_PER_SECOND.items()}
        means.update({action: rate * per for action, per in metrics.FIXED_PER_SECOND.items()})
        with state.sessionmaker.begin() as session:
            pool = self._player_pool(session)
            if pool:
                for action, mean in means.items():
                    for _ in range(metrics.poisson(rng, mean * self._tick)):
                        player = session.get(db.Player, rng.choice(pool))
                        if player is None or player.status != "active":
                            continue
                        outcome = self._apply(action, session, player, now, outage)
                        events.extend(outcome.events)
                        for name, value in outcome.counters.items():
                            counters[name] = counters.get(name, 0.0) + value
            # Approved withdrawals whose PSP has answered (config.payout_delay_seconds). The test
            # sandbox sets a delay of a day, so this never races a test that approves and then
            # checks "approved"; tests settle their own payouts with payouts.settle_payouts.
            events.extend(payouts.settle_due(session, state.config, rng, now, outage))
            metrics.add_to_buckets(
                session, metrics.epoch_minute(now), counters, {"active_players": round(self._online)}
            )
        with state.sessionmaker() as session:
            snapshot = metrics.snapshot(session, chaos, now=now)
        for event_type, data in events:
            state.bus.publish(event_type, data)
        point = TimeseriesPoint(
            t=now.replace(microsecond=0),
            values=metrics.served_values({**counters, "active_players": round(self._online)}),
        )
        state.bus.publish(EventType.METRICS_POINT, point.model_dump(mode="json"))
        state.bus.publish(EventType.METRICS, snapshot.model_dump(mode="json"))
        self.ticks += 1

    def _apply(
        self, action: str, session: Session, player: db.Player, now: datetime, outage: frozenset[str]
    ) -> sim_actions.Outcome:
        rng = self._rng
        if action == "deposit":
            return sim_actions.deposit(session, rng, player, now, outage)
        if action == "play":
            return sim_actions.play(session, rng, player, now)
        if action == "withdrawal":
            threshold = self._state.config.four_eyes_threshold_eur_minor
            return sim_actions.withdrawal(session, rng, player, now, threshold)
        if action == "dispute":
            return sim_actions.dispute(session, rng, player, now)
        return sim_actions.alert(session, rng, player, now)
