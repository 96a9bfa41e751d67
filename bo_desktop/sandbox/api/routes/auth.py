"""``/auth/login``, ``/auth/refresh`` (rotation, reuse detection), ``/auth/logout``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from bo_desktop.contract.auth import LoginRequest, RefreshRequest, TokenPair

from ... import audit
from ... import auth as tokens
from ...state import SandboxState
from ..deps import get_state
from ..permissions import Principal, authenticated

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/login", response_model=TokenPair)
def login(body: LoginRequest, state: Annotated[SandboxState, Depends(get_state)]) -> TokenPair:
    with state.sessionmaker.begin() as session:
        staff, pair = tokens.login(session, state, body.username, body.password)
        # Sign-ins are part of the trail a regulator asks for ("who had access when").
        audit.append(
            session,
            actor=audit.ActorRef(staff.id, staff.display_name),
            action="staff.login",
            entity_type="staff",
            entity_id=staff.id,
        )
    return pair


@router.post("/refresh", response_model=TokenPair)
def refresh(body: RefreshRequest, state: Annotated[SandboxState, Depends(get_state)]) -> TokenPair:
    session = state.sessionmaker()
    try:
        pair = tokens.refresh(session, state, body.refresh_token)
        session.commit()
        return pair
    except tokens.RefreshReused:
        # The family revocation must stick although the request fails.
        session.commit()
        raise
    finally:
        session.close()


@router.post("/logout", status_code=204, response_class=Response)
def logout(
    body: RefreshRequest,
    principal: Annotated[Principal, Depends(authenticated)],
    state: Annotated[SandboxState, Depends(get_state)],
) -> Response:
    with state.sessionmaker.begin() as session:
        tokens.logout(session, body.refresh_token, principal.staff_id)
        tokens.revoke_family(session, principal.family_id)
        audit.append(
            session, actor=principal, action="staff.logout", entity_type="staff", entity_id=principal.staff_id
        )
    return Response(status_code=204)
