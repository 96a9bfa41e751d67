"""Staff authentication: login, refresh-token rotation with reuse detection, logout, access tokens.

Access tokens are stateless HMAC-signed tokens (``<payload>.<signature>``, base64url) carrying the
staff id, the refresh-token *family* and the expiry; the key is ``state.token_secret`` (per
process). Checking one costs a signature check plus one indexed query that the staff member is
active and the family is not revoked — so logout and refresh-token reuse end the session's access
tokens at once, not only when they expire.

Refresh tokens are opaque random strings stored only as SHA-256 digests (``RefreshToken``). Each
refresh marks the presented token used and issues a new one in the same family; presenting a used
token again means it was copied — the whole family is revoked (OAuth 2.0 Security BCP §4.14).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bo_desktop.contract.auth import TokenPair

from .api.problems import ApiProblem
from .db import RefreshToken, Staff, hash_password, token_digest, utcnow, verify_password
from .state import SandboxState

# Checked when the username is unknown, so both failure paths cost one scrypt (no user probing
# by timing).
_DUMMY_HASH = hash_password("not-a-password", salt=b"\x00" * 16)


@dataclass(frozen=True)
class AccessClaims:
    staff_id: str
    family_id: str
    expires_at: float  # Unix time


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(secret: bytes, payload: str) -> str:
    return _b64(hmac.new(secret, payload.encode(), hashlib.sha256).digest())


def issue_access_token(state: SandboxState, staff_id: str, family_id: str) -> str:
    claims = {"sub": staff_id, "fam": family_id, "exp": time.time() + state.config.access_token_ttl}
    payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
    return f"{payload}.{_sign(state.token_secret, payload)}"


def _unauthorized(code: str, detail: str) -> ApiProblem:
    return ApiProblem(401, code, detail, headers={"WWW-Authenticate": "Bearer"})


def decode_access_token(state: SandboxState, token: str) -> AccessClaims:
    """Signature and expiry only (no database); 401 ``invalid_token`` / ``token_expired``."""
    payload, _, signature = token.partition(".")
    if not signature or not hmac.compare_digest(_sign(state.token_secret, payload), signature):
        raise _unauthorized("invalid_token", "The access token is not valid; sign in again.")
    try:
        claims = json.loads(_unb64(payload))
        result = AccessClaims(str(claims["sub"]), str(claims["fam"]), float(claims["exp"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise _unauthorized("invalid_token", "The access token is not valid; sign in again.") from exc
    if result.expires_at <= time.time():
        raise _unauthorized("token_expired", "The access token has expired; refresh it.")
    return result


def load_session_staff(session: Session, claims: AccessClaims) -> Staff:
    """The active staff member of a live token family; 401 ``session_revoked`` otherwise."""
    staff = session.get(Staff, claims.staff_id)
    revoked = session.scalar(
        sa.select(sa.func.count())
        .select_from(RefreshToken)
        .where(RefreshToken.family_id == claims.family_id, RefreshToken.revoked_at.is_not(None))
    )
    if staff is None or not staff.active or revoked:
        raise _unauthorized("session_revoked", "This session has ended; sign in again.")
    return staff


def _new_refresh_token(session: Session, state: SandboxState, staff_id: str, family_id: str) -> str:
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        RefreshToken(
            id=secrets.token_hex(16),
            token_hash=token_digest(token),
            staff_id=staff_id,
            family_id=family_id,
            issued_at=now,
            expires_at=now + timedelta(seconds=state.config.refresh_token_ttl),
            used_at=None,
            revoked_at=None,
            replaced_by=None,
        )
    )
    return token


def _pair(state: SandboxState, staff_id: str, family_id: str, refresh: str) -> TokenPair:
    return TokenPair(
        access_token=issue_access_token(state, staff_id, family_id),
        refresh_token=refresh,
        expires_in=state.config.access_token_ttl,
        refresh_expires_in=state.config.refresh_token_ttl,
    )


def login(session: Session, state: SandboxState, username: str, password: str) -> tuple[Staff, TokenPair]:
    """Check the password; 401 ``invalid_credentials``, or 429 after too many failures."""
    wait = state.login_throttle.retry_after(username)
    if wait is not None:
        raise ApiProblem(
            429,
            "rate_limited",
            f"Too many failed sign-ins for this username; try again in {wait:.0f} s.",
            retry_after=wait,
        )
    staff = session.scalar(sa.select(Staff).where(Staff.username == username))
    valid = verify_password(password, staff.password_hash if staff else _DUMMY_HASH)
    if staff is None or not valid or not staff.active:
        state.login_throttle.failed(username)
        raise _unauthorized("invalid_credentials", "Wrong username or password.")
    state.login_throttle.succeeded(username)
    family_id = secrets.token_hex(16)
    refresh = _new_refresh_token(session, state, staff.id, family_id)
    return staff, _pair(state, staff.id, family_id, refresh)


def revoke_family(session: Session, family_id: str) -> None:
    session.execute(
        sa.update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def refresh(session: Session, state: SandboxState, token: str) -> TokenPair:
    """Rotate ``token``. Reuse revokes the family; the caller must commit even then."""
    row = session.scalar(
        sa.select(RefreshToken).where(RefreshToken.token_hash == token_digest(token)).with_for_update()
    )
    now = utcnow()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        raise _unauthorized("invalid_refresh_token", "The session has ended; sign in again.")
    if row.used_at is not None:
        revoke_family(session, row.family_id)
        raise RefreshReused(row.family_id)
    staff = session.get(Staff, row.staff_id)
    if staff is None or not staff.active:
        raise _unauthorized("invalid_refresh_token", "The session has ended; sign in again.")
    new_token = _new_refresh_token(session, state, row.staff_id, row.family_id)
    row.used_at = now
    row.replaced_by = token_digest(new_token)
    return _pair(state, row.staff_id, row.family_id, new_token)


class RefreshReused(ApiProblem):
    """Raised after the family was revoked *in the session*: commit, then answer 401."""

    def __init__(self, family_id: str) -> None:
        super().__init__(
            401,
            "refresh_token_reused",
            "This refresh token was already used; the session was ended for safety. Sign in again.",
            headers={"WWW-Authenticate": "Bearer"},
        )
        self.family_id = family_id


def logout(session: Session, token: str, staff_id: str) -> None:
    """Revoke the family of ``token`` if it belongs to ``staff_id``; unknown tokens are a no-op."""
    row = session.scalar(sa.select(RefreshToken).where(RefreshToken.token_hash == token_digest(token)))
    if row is not None and row.staff_id == staff_id:
        revoke_family(session, row.family_id)
