"""API v1 of the sandbox platform: ``create_app(state)`` builds the FastAPI application.

Conventions live in small reusable modules, each documented at its top: ``problems`` (errors),
``permissions`` (roles, ``require``), ``pagination`` (cursor lists), ``concurrency`` (ETag and
If-Match), ``idempotency`` (``run_mutation``), plus ``bo_desktop.sandbox.audit`` and ``.chaos``.
Routes are one ``APIRouter`` per domain under ``routes/``; ``app.ROUTERS`` lists them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

    from ..state import SandboxState


def create_app(state: SandboxState) -> FastAPI:
    # Imported on call: chaos.py imports .problems from this package, and an eager import of
    # .app here would make that a cycle.
    from .app import build_app

    return build_app(state)


__all__ = ["create_app"]
