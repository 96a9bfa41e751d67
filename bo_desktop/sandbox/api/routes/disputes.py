"""Dispute tickets, reads: the inbox list with saved views, counts, a ticket, its thread.

``GET /disputes`` evaluates the inbox's saved views on the server (``view=mine|unassigned|
waiting|sla|escalated|all``) and takes explicit filters too. The mutations live in
``disputes_actions`` (create, PATCH, assign, resolve, approve) and ``disputes_thread`` (comments,
links, attachments); all of them build the representation with :func:`dispute_models`, so a GET,
an event and a 412's ``current`` always show the same thing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Query, Response
from sqlalchemy.orm import Session

from bo_desktop.contract.common import Page
from bo_desktop.contract.disputes import (
    Dispute,
    DisputeAttachment,
    DisputeComment,
    DisputeLink,
    DisputeResolution,
    DisputeViewCounts,
)
from bo_desktop.contract.enums import (
    OPEN_DISPUTE_STATUSES,
    DisputeKind,
    DisputeOutcome,
    DisputePriority,
    DisputeStatus,
    DisputeView,
    Permission,
)

from ... import db, sla
from ...db import Dispute as DisputeRow
from ...db import utcnow
from ...state import SandboxState
from ..concurrency import set_etag
from ..deps import read_session
from ..pagination import PageParams, paginate_rows, sort_options
from ..permissions import Principal, require
from ..problems import not_found

router = APIRouter(prefix="/disputes", tags=["disputes"])

D = DisputeRow
Reader = Annotated[Principal, Depends(require(Permission.DISPUTES_READ))]
ReadSession = Annotated[Session, Depends(read_session)]
OPEN_VALUES = sorted(s.value for s in OPEN_DISPUTE_STATUSES)
# Paused tickets have no due date; sorting puts them after every running one (keyset needs a
# NOT NULL key).
_NO_DUE_DATE = datetime(2999, 1, 1, tzinfo=UTC)
_SLA_KEY = sa.func.coalesce(D.sla_due_at, sa.literal(_NO_DUE_DATE, db.UTCDateTime()))
SORTS = sort_options(
    D.id,
    {
        "-last_activity_at": [(D.last_activity_at, True)],
        "last_activity_at": [(D.last_activity_at, False)],
        "-created_at": [(D.created_at, True)],
        "created_at": [(D.created_at, False)],
        "sla_due_at": [(_SLA_KEY, False)],
    },
)


def staff_names(session: Session) -> dict[str, str]:
    return {
        staff_id: name for staff_id, name in session.execute(sa.select(db.Staff.id, db.Staff.display_name))
    }


def dispute_models(
    session: Session, rows: Sequence[DisputeRow], names: dict[str, str] | None = None
) -> list[Dispute]:
    if not rows:
        return []
    names = names if names is not None else staff_names(session)
    result = []
    for row in rows:
        model = Dispute.model_validate(row, from_attributes=True)
        resolution = None
        if row.resolution_outcome:
            resolution = DisputeResolution(
                outcome=DisputeOutcome(row.resolution_outcome),
                summary=row.resolution_summary or "",
                compensation_minor=row.compensation_minor,
                currency=row.compensation_currency,
                approved_by=row.compensation_approved_by,
                needs_approval=row.compensation_needs_approval,
            )
        assignee = row.assignee_id
        result.append(
            model.model_copy(
                update={
                    "assignee_name": names.get(assignee, assignee) if assignee else None,
                    "resolution": resolution,
                }
            )
        )
    return result


def dispute_json(session: Session, row: DisputeRow) -> dict[str, Any]:
    return dispute_models(session, [row])[0].model_dump(mode="json")


def view_clause(view: DisputeView, principal: Principal) -> sa.ColumnElement[bool]:
    """The condition of one saved view (open tickets only, except ``all``)."""
    open_only = D.status.in_(OPEN_VALUES)
    match view:
        case DisputeView.MINE:
            return sa.and_(open_only, D.assignee_id == principal.staff_id)
        case DisputeView.UNASSIGNED:
            return sa.and_(open_only, D.assignee_id.is_(None))
        case DisputeView.WAITING:
            return D.status == DisputeStatus.WAITING_ON_PLAYER.value
        case DisputeView.SLA:
            return sla.attention_clause(utcnow())
        case DisputeView.ESCALATED:
            return D.status == DisputeStatus.ESCALATED.value
        case DisputeView.ALL:
            return sa.true()


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@router.get("", response_model=Page[Dispute])
def list_disputes(
    principal: Reader,
    session: ReadSession,
    page: Annotated[PageParams, Depends()],
    view: DisputeView = DisputeView.ALL,
    status: Annotated[list[DisputeStatus] | None, Query(description="Repeatable.")] = None,
    assignee_id: Annotated[
        str | None, Query(max_length=16, description="A staff id, `me` or `none`.")
    ] = None,
    priority: DisputePriority | None = None,
    kind: DisputeKind | None = None,
    sla_state: Annotated[
        str | None,
        Query(alias="sla", pattern="^(at_risk|overdue)$", description="`at_risk` includes overdue ones."),
    ] = None,
    player_id: Annotated[str | None, Query(max_length=16)] = None,
    q: Annotated[
        str | None, Query(max_length=200, description="Ticket id, player id, name or subject")
    ] = None,
    sort: Annotated[str, Query(description=f"One of: {', '.join(SORTS.names)}")] = "-last_activity_at",
) -> Page[Dispute]:
    sort_option = SORTS.get(sort)
    stmt = sa.select(D).where(view_clause(view, principal))
    if status:
        stmt = stmt.where(D.status.in_([s.value for s in status]))
    if assignee_id == "none":
        stmt = stmt.where(D.assignee_id.is_(None))
    elif assignee_id is not None:
        stmt = stmt.where(D.assignee_id == (principal.staff_id if assignee_id == "me" else assignee_id))
    if priority is not None:
        stmt = stmt.where(D.priority == priority.value)
    if kind is not None:
        stmt = stmt.where(D.kind == kind.value)
    if sla_state == "at_risk":
        stmt = stmt.where(sla.attention_clause(utcnow()))
    elif sla_state == "overdue":
        stmt = stmt.where(sla.overdue_clause(utcnow()))
    if player_id:
        stmt = stmt.where(D.player_id == player_id.upper())
    if q:
        text = q.strip()
        stmt = stmt.where(
            sa.or_(
                D.id == text.upper(),
                D.player_id == text.upper(),
                sa.func.lower(D.player_name).like(_like(text), escape="\\"),
                sa.func.lower(D.subject).like(_like(text), escape="\\"),
            )
        )
    result = paginate_rows(session, stmt, sort_option, page)
    return result.to_page(dispute_models(session, result.rows))


@router.get("/counts", response_model=DisputeViewCounts)
def count_disputes(principal: Reader, session: ReadSession) -> DisputeViewCounts:
    counts = {
        view.value: session.scalar(
            sa.select(sa.func.count()).select_from(D).where(view_clause(view, principal))
        )
        or 0
        for view in DisputeView
    }
    return DisputeViewCounts(counts=counts)


def load(session: Session, dispute_id: str) -> DisputeRow:
    row = session.get(D, dispute_id)
    if row is None:
        raise not_found("dispute", dispute_id)
    return row


@router.get("/{dispute_id}", response_model=Dispute)
def get_dispute(dispute_id: str, response: Response, _principal: Reader, session: ReadSession) -> Dispute:
    row = load(session, dispute_id)
    set_etag(response, row.version)
    return dispute_models(session, [row])[0]


@router.get("/{dispute_id}/comments", response_model=list[DisputeComment])
def list_comments(dispute_id: str, _principal: Reader, session: ReadSession) -> list[DisputeComment]:
    load(session, dispute_id)
    rows = session.scalars(
        sa.select(db.DisputeComment)
        .where(db.DisputeComment.dispute_id == dispute_id)
        .order_by(db.DisputeComment.created_at, db.DisputeComment.id)
    )
    return [DisputeComment.model_validate(r, from_attributes=True) for r in rows]


@router.get("/{dispute_id}/attachments", response_model=list[DisputeAttachment])
def list_attachments(dispute_id: str, _principal: Reader, session: ReadSession) -> list[DisputeAttachment]:
    load(session, dispute_id)
    a = db.DisputeAttachment
    rows = session.scalars(sa.select(a).where(a.dispute_id == dispute_id).order_by(a.uploaded_at, a.id))
    return [DisputeAttachment.model_validate(r, from_attributes=True) for r in rows]


@router.get("/{dispute_id}/links", response_model=list[DisputeLink])
def list_links(dispute_id: str, _principal: Reader, session: ReadSession) -> list[DisputeLink]:
    load(session, dispute_id)
    rows = session.scalars(
        sa.select(db.DisputeLink)
        .where(db.DisputeLink.dispute_id == dispute_id)
        .order_by(db.DisputeLink.created_at, db.DisputeLink.id)
    ).all()
    return describe_links(session, rows)


def describe_links(session: Session, rows: Sequence[db.DisputeLink]) -> list[DisputeLink]:
    """Links with what they point at (type, amount, status), looked up in two queries."""
    tx_ids = [r.target_id for r in rows if r.kind == "transaction"]
    wd_ids = [r.target_id for r in rows if r.kind == "withdrawal"]
    rounds = [r.target_id for r in rows if r.kind == "game_round"]
    txs = {t.id: t for t in session.scalars(sa.select(db.Transaction).where(db.Transaction.id.in_(tx_ids)))}
    wds = {w.id: w for w in session.scalars(sa.select(db.Withdrawal).where(db.Withdrawal.id.in_(wd_ids)))}
    bets = {
        t.round_id: t
        for t in session.scalars(
            sa.select(db.Transaction).where(db.Transaction.round_id.in_(rounds), db.Transaction.type == "bet")
        )
    }
    result = []
    for row in rows:
        link = DisputeLink.model_validate(row, from_attributes=True)
        extra: dict[str, Any] = {}
        if (tx := txs.get(row.target_id)) and row.kind == "transaction":
            parts = [tx.type, tx.psp or tx.game_id or "", tx.status]
            extra = {"detail": " · ".join(p for p in parts if p), "amount_minor": tx.amount_minor,
                     "currency": tx.currency, "occurred_at": tx.created_at}  # fmt: skip
        elif (wd := wds.get(row.target_id)) and row.kind == "withdrawal":
            extra = {"detail": f"withdrawal · {wd.psp} · {wd.status}", "amount_minor": wd.amount_minor,
                     "currency": wd.currency, "occurred_at": wd.requested_at}  # fmt: skip
        elif (bet := bets.get(row.target_id)) and row.kind == "game_round":
            extra = {"detail": f"round · {bet.game_id}", "amount_minor": bet.amount_minor,
                     "currency": bet.currency, "occurred_at": bet.created_at}  # fmt: skip
        result.append(link.model_copy(update=extra) if extra else link)
    return result


def add_missing_columns(engine: sa.Engine, table: sa.Table) -> list[str]:
    """Additive columns (nullable, no default) for a database seeded before they existed.

    The schema is created from metadata when the sandbox seeds; a reused database keeps its old
    tables, so a column added to the model since (``disputes.updated_by`` …) is added here.
    """
    present = {column["name"] for column in sa.inspect(engine).get_columns(table.name)}
    missing = [column for column in table.columns if column.name not in present]
    if missing:
        with engine.begin() as conn:
            for column in missing:
                kind = column.type.compile(dialect=engine.dialect)
                conn.exec_driver_sql(f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" {kind}')
    return [column.name for column in missing]


@asynccontextmanager
async def sla_escalation(state: SandboxState) -> AsyncIterator[None]:
    """For the app's lifespan: overdue tickets escalate on the server while the app runs."""
    # A database seeded before attachments existed lacks their table (created only if missing).
    db.DisputeAttachment.__table__.create(state.engine, checkfirst=True)  # type: ignore[attr-defined]
    add_missing_columns(state.engine, db.Dispute.__table__)  # type: ignore[arg-type]
    async with sla.escalation_watch(state, dispute_json):
        yield
