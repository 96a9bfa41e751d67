"""Live metrics: a snapshot of KPIs and time series for charts."""

from __future__ import annotations

from datetime import datetime

from .common import ContractModel
from .enums import Psp


class PspHealth(ContractModel):
    psp: Psp
    success_rate: float  # 0..1 over the last 5 minutes
    latency_ms_p50: float
    attempts_5m: int
    healthy: bool


class MetricsSnapshot(ContractModel):
    at: datetime
    players_online: int
    deposits_per_minute: int
    withdrawals_per_minute: int
    deposits_today_eur_minor: int
    withdrawals_today_eur_minor: int
    ggr_today_eur_minor: int
    ngr_today_eur_minor: int
    pending_withdrawals: int
    open_disputes: int
    sla_breaches: int
    open_aml_alerts: int
    psp_health: list[PspHealth]


class TimeseriesPoint(ContractModel):
    t: datetime  # start of the bucket
    values: dict[str, float]  # series name -> value (money in EUR minor units)


class Timeseries(ContractModel):
    window: str  # 15m | 1h | 24h | 7d
    step_seconds: int
    series: list[str]
    points: list[TimeseriesPoint]
    # The server time the history was read, truncated to the second. Live ``metrics.point``
    # events (1-second deltas) with ``t >= as_of`` are not in ``points`` yet: a client merges
    # exactly those into the last bucket, so history and live neither overlap nor leave a gap.
    as_of: datetime | None = None
