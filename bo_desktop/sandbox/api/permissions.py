"""Who may do what, enforced server-side: role → permissions, and the ``require`` dependency.

How to use it in a route::

    @router.get("/withdrawals")
    def list_withdrawals(staff: Principal = Depends(require(Permission.WITHDRAWALS_READ))): ...

    @router.get("/me")
    def me(staff: Principal = Depends(authenticated)): ...   # any signed-in staff member

``require`` answers 401 without a valid bearer token and 403 ``forbidden`` (naming the missing
permission) when the staff member's roles do not grant it. The mapping is the one in docs/api.md;
``GET /me`` returns the same list, so the client hides exactly what the server refuses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from bo_desktop.contract.enums import Permission, Role

from .. import auth
from ..state import SandboxState
from .deps import get_state
from .problems import ApiProblem

P = Permission

_SUPPORT = {
    P.PLAYERS_READ,
    P.PLAYERS_WRITE,
    P.TRANSACTIONS_READ,
    P.DISPUTES_READ,
    P.DISPUTES_WRITE,
    P.ALERTS_READ,
}
_PAYMENTS = {
    P.PLAYERS_READ,
    P.TRANSACTIONS_READ,
    P.WITHDRAWALS_READ,
    P.WITHDRAWALS_DECIDE,
    P.DISPUTES_READ,
    P.METRICS_READ,
}
_COMPLIANCE = {
    P.PLAYERS_READ,
    P.PLAYERS_WRITE,
    P.PLAYERS_STATUS,
    P.PLAYERS_LIMITS,
    P.TRANSACTIONS_READ,
    P.WITHDRAWALS_READ,
    P.ALERTS_READ,
    P.ALERTS_AML,
    P.ALERTS_WRITE,
    P.KYC_REVIEW,
    P.AUDIT_READ,
    P.DISPUTES_READ,
    P.REPORTS_RUN,
}
# A manager oversees the payments team but does not decide withdrawals themselves: four-eyes
# would mean little if the person who breaks leases could also approve.
_MANAGER = (_SUPPORT | _PAYMENTS | _COMPLIANCE) - {P.WITHDRAWALS_DECIDE} | {
    P.WITHDRAWALS_BREAK_LEASE,
    P.DISPUTES_APPROVE_COMPENSATION,
    P.METRICS_READ,
    P.REPORTS_RUN,
    P.SEGMENTS_WRITE,
    P.REWARDS_GRANT,
    P.AUDIT_READ,
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.SUPPORT: frozenset(_SUPPORT),
    Role.PAYMENTS: frozenset(_PAYMENTS),
    Role.COMPLIANCE: frozenset(_COMPLIANCE),
    Role.MANAGER: frozenset(_MANAGER),
    Role.ADMIN: frozenset(Permission),
}


def permissions_for(roles: Iterable[str]) -> frozenset[Permission]:
    """Union of the roles' permissions; unknown role strings grant nothing."""
    granted: set[Permission] = set()
    for role in roles:
        if role in Role.__members__.values():
            granted |= ROLE_PERMISSIONS[Role(role)]
    return frozenset(granted)


@dataclass(frozen=True)
class Principal:
    """The signed-in staff member of this request."""

    staff_id: str
    username: str
    display_name: str
    roles: tuple[Role, ...]
    permissions: frozenset[Permission]
    family_id: str  # the refresh-token family (login session) the access token belongs to

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions


_bearer = HTTPBearer(auto_error=False, description="Access token from POST /auth/login")


def authenticated(
    state: Annotated[SandboxState, Depends(get_state)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """Any signed-in staff member (401 otherwise). Cached per request by FastAPI."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ApiProblem(
            401, "unauthorized", "Sign in first: no bearer token.", headers={"WWW-Authenticate": "Bearer"}
        )
    claims = auth.decode_access_token(state, credentials.credentials)
    with state.sessionmaker() as session:
        staff = auth.load_session_staff(session, claims)
        roles = tuple(Role(r) for r in staff.roles if r in Role.__members__.values())
        principal = Principal(
            staff_id=staff.id,
            username=staff.username,
            display_name=staff.display_name,
            roles=roles,
            permissions=permissions_for(staff.roles),
            family_id=claims.family_id,
        )
    return principal


def require(*needed: Permission) -> Callable[..., Principal]:
    """A dependency: the signed-in staff member, if they hold every one of ``needed``."""

    def dependency(principal: Annotated[Principal, Depends(authenticated)]) -> Principal:
        missing = [p.value for p in needed if p not in principal.permissions]
        if missing:
            raise ApiProblem(
                403,
                "forbidden",
                f"Your roles do not include the permission {', '.join(missing)}.",
            )
        return principal

    return dependency
