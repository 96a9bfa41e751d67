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
