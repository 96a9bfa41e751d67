"""``GET /health`` (under /api/v1 and at the root): liveness plus what the server runs on."""

from __future__ import annotations

from functools import cache
from importlib import metadata
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends

from bo_desktop.contract.common import Health

from ...db import utcnow
from ...state import SandboxState
from ..deps import get_state

router = APIRouter(tags=["health"])
root_router = APIRouter(tags=["health"])


@cache
def app_version() -> str:
    try:
        return metadata.version("bo-desktop")
    except metadata.PackageNotFoundError:
        return "0"


@router.get("/health", response_model=Health)
@root_router.get("/health", response_model=Health, include_in_schema=False)
def health(state: Annotated[SandboxState, Depends(get_state)]) -> Health:
    # A real round trip, so "ok" means the database answers, not only that the process runs.
    with state.engine.connect() as conn:
        conn.execute(sa.text("SELECT 1"))
    return Health(
        status="ok",
        version=app_version(),
        time=utcnow(),
        database=state.database_kind,
        simulator=state.simulator_running,
    )
