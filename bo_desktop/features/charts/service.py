"""What the live dashboard asks the platform, and the domain rules it applies (no widgets).

- :class:`MetricsService` wraps ``GET /metrics/snapshot`` and ``GET /metrics/timeseries``.
- :class:`ProviderHealthWatch` decides which payment providers are unhealthy (success rate below
  the provider's ``success_rate_threshold`` from the reference data, or the server says so) and
  reports only *transitions*, so a provider that stays down raises one notification, not one a
  second, and its recovery raises one more.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bo_desktop.contract.metrics import MetricsSnapshot, PspHealth, Timeseries
from bo_desktop.contract.reference import PaymentProvider
from bo_desktop.core.api.client import ApiClient

from .series import WINDOW_SPANS

DEFAULT_THRESHOLD = 0.9  # PaymentProvider's own default, used before reference data is cached
# The platform's rule too: below this many attempts in 5 minutes a low rate is noise (one failure
# out of two attempts is not an incident), so only the platform's own verdict counts.
MIN_SAMPLE = 20


class MetricsService:
    def __init__(self, api: ApiClient) -> None:
        self._api = api

    async def snapshot(self) -> MetricsSnapshot:
        return await self._api.get("metrics/snapshot", MetricsSnapshot)

    async def timeseries(self, window: str) -> Timeseries:
        if window not in WINDOW_SPANS:
            raise ValueError(f"unknown window {window!r}")
        return await self._api.get("metrics/timeseries", Timeseries, params={"window": window})


@dataclass(frozen=True, slots=True)
class ProviderStatus:
    code: str
    name: str
    success_rate: float
    latency_ms: float
    attempts: int
    threshold: float
    unhealthy: bool
    below_threshold: bool  # False while unhealthy: the platform reports an outage


@dataclass(frozen=True, slots=True)
class HealthChange:
    status: ProviderStatus
    became_unhealthy: bool  # False: it recovered

    @property
    def message(self) -> str:
        s = self.status
        if self.became_unhealthy and not s.below_threshold:
            return f"{s.name} deposits unhealthy: the platform reports an outage."
        if self.became_unhealthy:
            return (
                f"{s.name} deposits unhealthy: success rate {s.success_rate:.0%} over 5 min "
                f"is below its {s.threshold:.0%} threshold."
            )
        return f"{s.name} recovered: success rate {s.success_rate:.0%} (threshold {s.threshold:.0%})."


class ProviderHealthWatch:
    """Feed it every snapshot; it returns each provider's status and the transitions."""

    def __init__(self, providers: Callable[[], Iterable[PaymentProvider]]) -> None:
        # A callable: the reference cache may sync (new thresholds) while the dashboard is open.
        self._providers = providers
        self._unhealthy: dict[str, bool] = {}

    def update(self, health: Iterable[PspHealth]) -> tuple[list[ProviderStatus], list[HealthChange]]:
        known = {p.code.value: p for p in self._providers()}
        statuses: list[ProviderStatus] = []
        changes: list[HealthChange] = []
        for item in health:
            code = item.psp.value
            provider = known.get(code)
            threshold = provider.success_rate_threshold if provider else DEFAULT_THRESHOLD
            # The server's flag also covers an outage it already knows about (all deposits fail)
            # before five minutes of failures have dragged the average under the threshold.
            below = item.attempts_5m >= MIN_SAMPLE and item.success_rate < threshold
            unhealthy = below or not item.healthy
            status = ProviderStatus(
                code=code,
                name=provider.name if provider else code.capitalize(),
                success_rate=item.success_rate,
                latency_ms=item.latency_ms_p50,
                attempts=item.attempts_5m,
                threshold=threshold,
                unhealthy=unhealthy,
                below_threshold=below,
            )
            statuses.append(status)
            before = self._unhealthy.get(code)
            self._unhealthy[code] = unhealthy
            # The first snapshot only reports providers that are already down: a dashboard
            # opened on healthy providers has nothing to announce.
            if (before is None and unhealthy) or (before is not None and before != unhealthy):
                changes.append(HealthChange(status, became_unhealthy=unhealthy))
        return statuses, changes

    def is_unhealthy(self, code: str) -> bool:
        return self._unhealthy.get(code, False)
