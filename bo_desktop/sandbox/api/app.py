"""The FastAPI application of one sandbox instance.

Adding a domain is one line in ``ROUTERS``: every router is mounted under ``/api/v1`` with the
problem+json error responses documented, behind the chaos middleware and the hostile-text check.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, Depends, FastAPI
from fastapi.openapi.utils import get_openapi

from bo_desktop.contract.common import API_PREFIX, Problem

from .. import audit
from ..chaos import ChaosMiddleware
from ..state import SandboxState
from .deps import reject_unstorable_text
from .problems import PROBLEM_RESPONSES, install_problem_handlers
from .routes import (
    admin,
    alerts,
    alerts_actions,
    alerts_workflow,
    audit_log,
    auth,
    disputes,
    disputes_actions,
    disputes_links,
    disputes_thread,
    events,
    health,
    kyc,
    leads,
    me,
    metrics,
    players,
    players_actions,
    players_limits,
    players_notes,
    players_sections,
    reference,
    reports,
    retention,
    rewards,
    segments,
    transactions,
    withdrawal_actions,
    withdrawal_context,
    withdrawals,
)

ROUTERS: list[APIRouter] = [
    health.router,
    auth.router,
    me.router,
    reference.router,
    players.router,
    players_sections.router,
    players_notes.router,
    players_notes.kyc_router,
    players_limits.router,
    players_actions.router,
    transactions.router,
    withdrawals.router,
    withdrawal_actions.router,
    withdrawal_context.router,
    disputes.router,
    disputes_actions.router,
    disputes_links.router,
    disputes_thread.router,
    metrics.router,
    reports.router,
    segments.router,
    rewards.router,
    retention.router,
    leads.router,
    events.router,
    alerts.router,
    alerts_workflow.router,
    alerts_actions.router,
    kyc.router,
    audit_log.router,
    admin.router,
]


def build_app(state: SandboxState) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        audit.ensure_chain_lock(state.sessionmaker)
        async with disputes.sla_escalation(state):
            yield

    app = FastAPI(
        title="bo-desktop sandbox platform",
        version=health.app_version(),
        description="API v1 of the casino back-office platform (sandbox implementation).",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
        lifespan=lifespan,
        dependencies=[Depends(reject_unstorable_text)],
    )
    app.state.sandbox = state
    install_problem_handlers(app)
    app.add_middleware(ChaosMiddleware, get_chaos=lambda: state.chaos)

    for router in ROUTERS:
        app.include_router(router, prefix=API_PREFIX, responses=PROBLEM_RESPONSES)
    app.include_router(health.root_router)  # /health without the prefix, for load balancers
    _document_problem_schema(app)
    return app


def _document_problem_schema(app: FastAPI) -> None:
    """Add ``Problem`` to the OpenAPI components (the routes reference it for 4XX/5XX)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            defs = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components.update(defs.pop("$defs", {}))
            components["Problem"] = defs
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
