"""Optimistic concurrency: ETag on reads, If-Match on writes (428 missing, 412 stale).

How to use it::

    @router.get("/withdrawals/{id}")
    def get_withdrawal(response: Response, ...):
        w = ...
        set_etag(response, w.version)
        return w

    @router.post("/withdrawals/{id}/approve")
    def approve(if_match: IfMatch, ...):
        require_if_match(if_match)                       # 428 before doing any work
        ...inside the transaction, with the row locked:
        check_version(if_match, row.version, lambda: to_json(row))   # 412 with `current`

``current`` on the 412 is the full current representation, so the client can show what changed
and by whom without another request. Only our own ``W/"<version>"`` (or ``"<version>"``) values
match; ``*`` is refused, since "any version" defeats the point of the check.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Header, Response

from bo_desktop.contract.common import etag_for, version_from_etag

from .problems import ApiProblem

IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        description='The ETag (W/"<version>") of the representation this change is based on.',
    ),
]
IfNoneMatch = Annotated[str | None, Header(alias="If-None-Match")]


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag_for(version)


def require_if_match(if_match: str | None) -> str:
    if not if_match or not if_match.strip():
        raise ApiProblem(
            428,
            "precondition_required",
            "This change needs an If-Match header with the ETag of the version you are changing.",
        )
    return if_match


def matches(if_match: str, version: int) -> bool:
    """RFC 9110 If-Match with weak comparison over a comma-separated list."""
    return any(version_from_etag(tag) == version for tag in if_match.split(","))


def check_version(if_match: str | None, version: int, current: Callable[[], dict[str, Any]]) -> None:
    """412 ``precondition_failed`` with ``current`` unless ``if_match`` names ``version``."""
    if not matches(require_if_match(if_match), version):
        raise ApiProblem(
            412,
            "precondition_failed",
            f"Someone changed this in the meantime (now version {version}); review and try again.",
            current=current(),
            headers={"ETag": etag_for(version)},
        )


def not_modified(if_none_match: str | None, etag: str) -> bool:
    """True when ``If-None-Match`` already names ``etag`` (weak comparison; ``*`` matches)."""
    if not if_none_match:
        return False
    wanted = version_from_etag(etag)
    for tag in if_none_match.split(","):
        tag = tag.strip()
        if tag == "*" or tag == etag or (wanted is not None and version_from_etag(tag) == wanted):
            return True
    return False
