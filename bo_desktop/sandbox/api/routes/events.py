"""``GET /events``: Server-Sent Events from the event bus, resumable with Last-Event-ID.

Wire format per event: ``id: <n>``, ``event: <type>``, ``data: <json>``, blank line. The stream
opens with a ``retry:`` hint; a comment line (``: heartbeat``) goes out when nothing happened for
``HEARTBEAT_SECONDS`` so proxies and the client can tell a quiet stream from a dead one. A
Last-Event-ID older than the replay buffer (or from a previous server run) gets a ``reset``
event first. With chaos ``sse_disconnect_every = N`` the server ends the stream after N events,
to exercise the client's reconnect-and-resume path.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query
from fastapi.responses import StreamingResponse

from bo_desktop.contract.common import API_PREFIX
from bo_desktop.contract.enums import AlertKind, Permission

from ...chaos import affects
from ...events import BusEvent
from ...state import SandboxState
from ..deps import get_state
from ..permissions import Principal, authenticated

router = APIRouter(tags=["events"])

HEARTBEAT_SECONDS = 15.0
RETRY_MS = 3000


def format_event(event: BusEvent) -> str:
    data = json.dumps(event.data, separators=(",", ":"), ensure_ascii=False)
    # json.dumps never emits a raw newline, so the payload is always one "data:" line.
    return f"id: {event.id}\nevent: {event.type}\ndata: {data}\n\n"


def visible_to(principal: Principal) -> Callable[[BusEvent], bool]:
    """Which events this staff member may receive: AML alerts only with alerts.aml, as on
    ``GET /alerts`` (support must not learn from the stream that a player is under AML review)."""
    if principal.can(Permission.ALERTS_AML):
        return lambda _event: True
    return lambda event: (
        not (event.type.startswith("alert.") and event.data.get("kind") == AlertKind.AML.value)
    )


async def _stream(
    state: SandboxState, last_event_id: int, visible: Callable[[BusEvent], bool]
) -> AsyncIterator[str]:
    yield f"retry: {RETRY_MS}\n\n"
    chaos = state.chaos
    disconnect_every = chaos.sse_disconnect_every if affects(chaos, f"{API_PREFIX}/events") else 0
    sent = 0
    with state.bus.subscribe(last_event_id) as subscription:
        while True:
            batch = [event for event in await subscription.next_batch(HEARTBEAT_SECONDS) if visible(event)]
            if not batch:
                yield ": heartbeat\n\n"
                continue
            if disconnect_every:
                batch = batch[: disconnect_every - sent]
            # One write per batch, not per event: under load a batch holds thousands of events.
            yield "".join(format_event(event) for event in batch)
            sent += len(batch)
            if disconnect_every and sent >= disconnect_every:
                return  # chaos: drop the stream; the client resumes from the last event's id


def _parse_id(value: str | None) -> int | None:
    if value is None or not value.strip():
        return None
    text = value.strip()
    # An id we never issued (not a non-negative integer) cannot be resumed from: treat it as
    # "too old", which makes the bus send a reset.
    return int(text) if text.isdigit() and len(text) < 19 else -1


@router.get(
    "/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "An endless SSE stream"}},
)
async def events(
    principal: Annotated[Principal, Depends(authenticated)],
    state: Annotated[SandboxState, Depends(get_state)],
    last_event_id_header: Annotated[str | None, Header(alias="Last-Event-ID", max_length=32)] = None,
    last_event_id: Annotated[str | None, Query(max_length=32)] = None,
) -> StreamingResponse:
    resume_from = _parse_id(last_event_id_header if last_event_id_header is not None else last_event_id)
    if resume_from is None:
        # Pin "from now on" before the headers go out: a client that acts as soon as it sees the
        # 200 must get the events of its action, even though the generator subscribes later.
        resume_from = state.bus.last_id
    return StreamingResponse(
        _stream(state, resume_from, visible_to(principal)),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
