"""``GET /me``: who is signed in and what they may do (the client hides what is not allowed)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from bo_desktop.contract.auth import Me

from ..permissions import Principal, authenticated

router = APIRouter(tags=["auth"])


@router.get("/me", response_model=Me)
def me(principal: Annotated[Principal, Depends(authenticated)]) -> Me:
    return Me(
        staff_id=principal.staff_id,
        username=principal.username,
        display_name=principal.display_name,
        roles=list(principal.roles),
        permissions=sorted(principal.permissions),
    )
