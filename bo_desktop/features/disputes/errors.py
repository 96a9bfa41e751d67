"""What to tell a handler when a ticket action fails, in one place."""

from __future__ import annotations

from bo_desktop.core.api.errors import (
    ApiError,
    Conflict,
    Forbidden,
    NetworkError,
    PreconditionFailed,
    RateLimited,
    ValidationFailed,
)


def explain(exc: ApiError) -> str:
    """One or two sentences; field errors of a 422 are shown next to their fields as well."""
    if isinstance(exc, PreconditionFailed):
        return "Someone changed this ticket after you opened it. Review what changed, then try again."
    if isinstance(exc, NetworkError):
        return "The server cannot be reached, so nothing was changed. Try again when you are back online."
    if isinstance(exc, RateLimited):
        return exc.user_message
    if isinstance(exc, Forbidden):
        return f"Not allowed: {exc.user_message}"
    if isinstance(exc, ValidationFailed):
        return exc.problem.detail or "Please correct the highlighted fields."
    if isinstance(exc, Conflict):
        return exc.user_message
    return exc.user_message
