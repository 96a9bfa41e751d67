"""``GET/PUT /admin/chaos``: the live fault-injection settings (admin only; never chaos-affected)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from bo_desktop.contract.chaos import ChaosConfig
from bo_desktop.contract.enums import Permission

from ... import audit
from ...state import SandboxState
from ..deps import get_state
from ..permissions import Principal, require

router = APIRouter(prefix="/admin", tags=["admin"])


@router.get("/chaos", response_model=ChaosConfig)
def get_chaos(
    _principal: Annotated[Principal, Depends(require(Permission.ADMIN_CHAOS))],
    state: Annotated[SandboxState, Depends(get_state)],
) -> ChaosConfig:
    return state.chaos


@router.put("/chaos", response_model=ChaosConfig)
def put_chaos(
    body: ChaosConfig,
    principal: Annotated[Principal, Depends(require(Permission.ADMIN_CHAOS))],
    state: Annotated[SandboxState, Depends(get_state)],
) -> ChaosConfig:
    before = state.chaos
    # Replace, never mutate: the middleware reads state.chaos once per request.
    state.chaos = body.model_copy(deep=True)
    with state.sessionmaker.begin() as session:
        audit.append(
            session,
            actor=principal,
            action="chaos.update",
            entity_type="chaos",
            entity_id="sandbox",
            before=before.model_dump(mode="json"),
            after=body.model_dump(mode="json"),
        )
    return state.chaos
