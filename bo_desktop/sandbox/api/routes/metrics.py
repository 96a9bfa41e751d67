"""``GET /metrics/snapshot`` (live KPI tiles) and ``GET /metrics/timeseries`` (chart history).

The numbers come from ``sandbox.metrics`` (minute buckets written by the simulator and the seed);
this module only adds permissions and parameter validation. Both are plain reads: nothing here is
cached, because the dashboard asks at most once per window switch and the live part arrives as
``metrics.point`` / ``metrics.snapshot`` events.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal, get_args

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from bo_desktop.contract.enums import Permission
from bo_desktop.contract.metrics import MetricsSnapshot, Timeseries

from ... import metrics
from ...state import SandboxState
from ..deps import get_state, read_session
from ..permissions import Principal, require

router = APIRouter(prefix="/metrics", tags=["metrics"])

# A Literal (not a free string) so an unknown window is a 422 naming the parameter, and the
# OpenAPI document lists the allowed values.
WindowName = Literal["15m", "1h", "24h", "7d"]
assert set(get_args(WindowName)) == set(metrics.WINDOWS), "route and metrics.WINDOWS disagree"


@router.get("/snapshot", response_model=MetricsSnapshot)
def get_snapshot(
    _principal: Annotated[Principal, Depends(require(Permission.METRICS_READ))],
    state: Annotated[SandboxState, Depends(get_state)],
    session: Annotated[Session, Depends(read_session)],
) -> MetricsSnapshot:
    # state.chaos is read once: a PSP under a chaos outage is unhealthy even before its success
    # rate has had time to fall below the threshold.
    return metrics.snapshot(session, state.chaos)


@router.get("/timeseries", response_model=Timeseries)
def get_timeseries(
    _principal: Annotated[Principal, Depends(require(Permission.METRICS_READ))],
    session: Annotated[Session, Depends(read_session)],
    window: Annotated[
        WindowName, Query(description="15m and 1h: 1-minute steps; 24h: 15 min; 7d: 1 h")
    ] = "1h",
) -> Timeseries:
    now = datetime.now(UTC)
    history = metrics.timeseries(session, window, now=now)
    # Seconds before as_of are in the buckets; a tick of the same second may or may not be
    # (it commits a few ms after its timestamp), and we err on "not yet": the client adds it.
    return history.model_copy(update={"as_of": now.replace(microsecond=0)})
