"""Small shared dependencies: the sandbox state, DB sessions, and hostile-input screening.

``get_state`` gives a route the :class:`SandboxState`; ``read_session`` a session for GETs (the
transaction ends with the request). Mutations use ``idempotency.run_mutation`` (one transaction
including the audit record and the idempotency record) instead — never both in one route: on
SQLite every transaction is ``BEGIN IMMEDIATE``, so the open read transaction would hold the write
lock that the mutation's transaction waits for. For the same reason streaming routes (SSE) must
not depend on ``read_session``: the transaction would stay open as long as the stream.

``reject_unstorable_text`` runs for every request (installed in ``create_app``): strings with NUL
(U+0000) or lone UTF-16 surrogates are refused with a 422 naming the field, because PostgreSQL
cannot store NUL in text and neither database driver can encode a lone surrogate — without this
check such input becomes a 500 deep inside the driver.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from ..state import SandboxState
from .problems import validation_problem


def get_state(request: Request) -> SandboxState:
    state: SandboxState = request.app.state.sandbox
    return state


def read_session(state: Annotated[SandboxState, Depends(get_state)]) -> Iterator[Session]:
    with state.sessionmaker() as session:
        yield session


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _message(value: str) -> str:
    if "\x00" in value:
        return "must not contain NUL (U+0000) characters: PostgreSQL text cannot store them"
    return "must not contain unpaired UTF-16 surrogates: they are not valid Unicode text"


def _scan(value: Any, path: str, found: list[tuple[str, str]]) -> None:
    if isinstance(value, str):
        if _UNSTORABLE.search(value):
            found.append((path or "body", _message(value)))
    elif isinstance(value, dict):
        for key, item in value.items():
            _scan(key, path, found)
            _scan(item, f"{path}.{key}" if path else str(key), found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _scan(item, f"{path}.{index}" if path else str(index), found)


async def reject_unstorable_text(request: Request) -> None:
    found: list[tuple[str, str]] = []
    for name, value in request.query_params.multi_items():
        _scan(name, name, found)
        _scan(value, name, found)
    for name, value in request.path_params.items():
        _scan(value, name, found)
    if request.method in {"POST", "PUT", "PATCH", "DELETE"}:
        body = await request.body()  # cached by Starlette: the route still gets it
        if body and "json" in request.headers.get("content-type", ""):
            try:
                parsed = json.loads(body)
            except ValueError:
                parsed = None  # malformed JSON: FastAPI's own validation answers it
            _scan(parsed, "", found)
    if found:
        raise validation_problem(found)
