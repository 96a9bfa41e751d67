"""``GET /reports`` (catalogue), ``GET /reports/{kind}`` (row pages) and ``.../totals``.

Filters are query parameters named by the report's definition (``jurisdiction``, ``brand``,
``currency``, ``psp``, ``segment``, ``group_by``...), checked against it: an unknown filter or
value is a 422, not silently ignored — a report that quietly dropped a filter would be a wrong
report handed to the regulator.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from bo_desktop.contract.common import Page
from bo_desktop.contract.enums import Permission
from bo_desktop.contract.reports import ReportCatalogue, ReportKind, ReportTotals

from ...reports import REPORTS, engine
from ..deps import read_session
from ..pagination import PageParams
from ..permissions import Principal, require

router = APIRouter(prefix="/reports", tags=["reports"])

Runner = Annotated[Principal, Depends(require(Permission.REPORTS_RUN))]
# Query parameters that are not filters.
_RESERVED = frozenset({"from", "to", "limit", "cursor", "count"})
_PERIOD_DOC = "from: start (inclusive, aware ISO-8601); to: end (exclusive). Other filters per the catalogue."


@router.get("", response_model=ReportCatalogue)
def catalogue(_principal: Runner) -> ReportCatalogue:
    return ReportCatalogue(reports=[spec.definition for spec in REPORTS.values()])


def _query(kind: ReportKind, request: Request, principal: Principal) -> engine.ReportQuery:
    params = dict(request.query_params.items())
    return engine.parse_query(REPORTS[kind].definition, params, principal.permissions, _RESERVED)


@router.get("/{kind}", response_model=Page[dict[str, Any]], description=_PERIOD_DOC)
def report_rows(
    kind: ReportKind,
    request: Request,
    principal: Runner,
    session: Annotated[Session, Depends(read_session)],
    page: Annotated[PageParams, Depends()],
) -> Page[dict[str, Any]]:
    query = _query(kind, request, principal)
    result = engine.page(session, REPORTS[kind], query, page.limit, page.cursor, page.count)
    return Page[dict[str, Any]](
        data=result.rows, next_cursor=result.next_cursor, has_more=result.has_more, total=result.total
    )


@router.get("/{kind}/totals", response_model=ReportTotals, description=_PERIOD_DOC)
def report_totals(
    kind: ReportKind,
    request: Request,
    principal: Runner,
    session: Annotated[Session, Depends(read_session)],
) -> ReportTotals:
    return engine.totals(session, REPORTS[kind], _query(kind, request, principal))
