"""Mutations: one transaction per change, made safe to retry with ``Idempotency-Key``.

How to use it in a route (every state-changing endpoint goes through ``run_mutation``)::

    @router.post("/withdrawals/{id}/approve", response_model=Withdrawal)
    def approve(id: str, body: ApproveRequest, request: Request, key: IdempotencyKeyHeader,
                staff: Principal = Depends(require(...)), state = Depends(get_state)):
        def work(session: Session) -> Outcome:
            ...lock the row, check If-Match, change it, audit.append(...)...
            return Outcome(body=withdrawal, etag_version=row.version,
                           events=[("withdrawal.updated", withdrawal.model_dump(mode="json"))])
        return run_mutation(state, staff, request, body, key, work, key_required=True)

Protocol (DESIGN §3): the key is scoped to the staff member. The first request with a key inserts
an ``in_flight`` row and commits it on its own — the primary key (staff_id, key) makes exactly one
of any number of concurrent requests the owner; the others see the row and answer 409
``idempotency_in_flight``. The owner then runs ``work`` and stores its response *in the same
transaction as the change* (and its audit record). So a retry after any failure finds either
nothing (the change rolled back and the key was released) or the stored response, which it
replays — also after a 5xx injected after the commit: one change, one audit record. A key reused
with a different body (or on another endpoint) is 422 ``idempotency_key_reused``. Keys expire
after 24 h; an ``in_flight`` row older than ``STALE_IN_FLIGHT`` belongs to a process that died
mid-request and may be taken over.

Failures are not stored: a 4xx from ``work`` means nothing changed, and the client may retry the
same intent with the same key once it fixed the cause (e.g. after claiming the lease).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Header, Request, Response
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bo_desktop.contract.common import etag_for

from ..db import IdempotencyKey, utcnow
from ..state import SandboxState
from .permissions import Principal
from .problems import ApiProblem

KEY_TTL = timedelta(hours=24)
STALE_IN_FLIGHT = timedelta(minutes=2)
REPLAY_HEADER = "Idempotent-Replayed"

IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=128,
        pattern=r"^[\x21-\x7e]+$",
        description="One UUID per user intent, reused on every retry of it.",
    ),
]


@dataclass
class Outcome:
    """What ``work`` produced: the response body, and events to publish after the commit."""

    body: BaseModel
    status_code: int = 200
    etag_version: int | None = None
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def headers(self) -> dict[str, str]:
        return {"ETag": etag_for(self.etag_version)} if self.etag_version is not None else {}


@dataclass(frozen=True)
class _Stored:
    status: int
    body: str
    headers: dict[str, str]


def request_hash(method: str, path: str, payload: BaseModel | None) -> str:
    body = payload.model_dump(mode="json") if payload is not None else None
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


def _claim(
    state: SandboxState, staff_id: str, key: str, method: str, path: str, digest: str
) -> _Stored | None:
    """Own the key (None) or get the stored response to replay; 409/422 otherwise."""
    for _attempt in range(3):
        now = utcnow()
        with state.sessionmaker() as session:
            session.execute(sa.delete(IdempotencyKey).where(IdempotencyKey.created_at < now - KEY_TTL))
            session.add(
                IdempotencyKey(
                    staff_id=staff_id,
                    key=key,
                    method=method,
                    path=path,
                    request_hash=digest,
                    status="in_flight",
                    response_status=None,
                    response_body=None,
                    response_headers=None,
                    created_at=now,
                )
            )
            try:
                session.commit()
                return None
            except IntegrityError:
                session.rollback()
        with state.sessionmaker.begin() as session:
            existing = session.get(IdempotencyKey, (staff_id, key))
            if existing is None:
                continue  # released by its owner between our insert and this read: try again
            if existing.status == "in_flight" and existing.created_at < now - STALE_IN_FLIGHT:
                taken = session.execute(
                    sa.update(IdempotencyKey)
                    .where(
                        IdempotencyKey.staff_id == staff_id,
                        IdempotencyKey.key == key,
                        IdempotencyKey.status == "in_flight",
                        IdempotencyKey.created_at == existing.created_at,
                    )
                    .values(created_at=now, request_hash=digest, method=method, path=path)
                )
                if taken.rowcount == 1:  # type: ignore[attr-defined]
                    return None
                continue
            if existing.request_hash != digest:
                raise ApiProblem(
                    422,
                    "idempotency_key_reused",
                    "This Idempotency-Key was already used for a different request; "
                    "use a new key for a new action.",
                )
            if existing.status == "in_flight":
                raise ApiProblem(
                    409,
                    "idempotency_in_flight",
                    "The first request with this Idempotency-Key is still being processed.",
                    retry_after=1,
                )
            return _Stored(
                status=existing.response_status or 200,
                body=existing.response_body or "null",
                headers=dict(existing.response_headers or {}),
            )
    raise ApiProblem(
        409, "idempotency_in_flight", "This Idempotency-Key is busy; retry shortly.", retry_after=1
    )


def _release(state: SandboxState, staff_id: str, key: str) -> None:
    with state.sessionmaker.begin() as session:
        session.execute(
            sa.delete(IdempotencyKey).where(
                IdempotencyKey.staff_id == staff_id,
                IdempotencyKey.key == key,
                IdempotencyKey.status == "in_flight",
            )
        )


def _json_response(stored: _Stored, replayed: bool) -> Response:
    headers = dict(stored.headers)
    if replayed:
        headers[REPLAY_HEADER] = "true"
    return Response(stored.body, stored.status, headers=headers, media_type="application/json")


def run_mutation(
    state: SandboxState,
    principal: Principal,
    request: Request,
    payload: BaseModel | None,
    key: str | None,
    work: Callable[[Session], Outcome],
    *,
    key_required: bool = False,
) -> Response:
    """Run ``work`` in one transaction, idempotently when ``key`` is given; publish its events."""
    if key is None and key_required:
        raise ApiProblem(
            428,
            "precondition_required",
            "This action needs an Idempotency-Key header (one UUID per intent, reused on retries).",
        )
    method, path = request.method, request.url.path
    if key is not None:
        replay = _claim(state, principal.staff_id, key, method, path, request_hash(method, path, payload))
        if replay is not None:
            return _json_response(replay, replayed=True)
    try:
        with state.sessionmaker.begin() as session:
            outcome = work(session)
            stored = _Stored(outcome.status_code, outcome.body.model_dump_json(), outcome.headers())
            if key is not None:
                session.execute(
                    sa.update(IdempotencyKey)
                    .where(IdempotencyKey.staff_id == principal.staff_id, IdempotencyKey.key == key)
                    .values(
                        status="done",
                        response_status=stored.status,
                        response_body=stored.body,
                        response_headers=stored.headers,
                    )
                )
    except BaseException:
        if key is not None:
            _release(state, principal.staff_id, key)
        raise
    for event_type, data in outcome.events:
        state.bus.publish(event_type, data)
    return _json_response(stored, replayed=False)
