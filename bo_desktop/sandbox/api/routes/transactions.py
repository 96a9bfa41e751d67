"""The payment and game ledger: ``GET /transactions`` (and the filters a player's list shares).

Newest first by default. ``(player_id, created_at, id)`` is indexed, so one player's history —
50k rows for a heavy player — pages as an index range scan whatever the page.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from bo_desktop.contract.common import Page
from bo_desktop.contract.enums import Permission, Psp, TransactionStatus, TransactionType
from bo_desktop.contract.payments import Transaction

from ...db import Transaction as TransactionRow
from ..deps import read_session
from ..pagination import PageParams, paginate, sort_options
from ..permissions import Principal, require
from ..problems import validation_problem

router = APIRouter(prefix="/transactions", tags=["transactions"])

T = TransactionRow
SORTS = sort_options(
    T.id,
    {
        "-created_at": [(T.created_at, True)],
        "created_at": [(T.created_at, False)],
    },
)
TxReader = Annotated[Principal, Depends(require(Permission.TRANSACTIONS_READ))]


def transaction_model(row: TransactionRow) -> Transaction:
    return Transaction.model_validate(row, from_attributes=True)


def filter_transactions(
    stmt: sa.Select[Any],
    *,
    types: list[TransactionType] | None,
    psp: Psp | None,
    status: TransactionStatus | None,
    from_: datetime | None,
    to: datetime | None,
) -> sa.Select[Any]:
    """Apply the list filters shared by ``/transactions`` and ``/players/{id}/transactions``."""
    for name, moment in (("from", from_), ("to", to)):
        if moment is not None and moment.tzinfo is None:
            raise validation_problem([(name, "needs a timezone (e.g. 2026-01-31T12:00:00Z)")])
    if from_ is not None and to is not None and to < from_:
        raise validation_problem([("to", "must not be before 'from'")])
    if types:
        stmt = stmt.where(T.type.in_([t.value for t in types]))
    if psp is not None:
        stmt = stmt.where(T.psp == psp.value)
    if status is not None:
        stmt = stmt.where(T.status == status.value)
    if from_ is not None:
        stmt = stmt.where(T.created_at >= from_)
    if to is not None:
        stmt = stmt.where(T.created_at < to)  # half-open: consecutive ranges never overlap
    return stmt


TypeFilter = Annotated[list[TransactionType] | None, Query(alias="type", description="Repeatable.")]
FromFilter = Annotated[datetime | None, Query(alias="from", description="created_at at or after")]
ToFilter = Annotated[datetime | None, Query(description="created_at before (exclusive)")]
SortParam = Annotated[str, Query(description=f"One of: {', '.join(SORTS.names)}")]


@router.get("", response_model=Page[Transaction])
def list_transactions(
    _principal: TxReader,
    session: Annotated[Session, Depends(read_session)],
    page: Annotated[PageParams, Depends()],
    player_id: Annotated[str | None, Query(max_length=16)] = None,
    types: TypeFilter = None,
    psp: Psp | None = None,
    status: TransactionStatus | None = None,
    from_: FromFilter = None,
    to: ToFilter = None,
    currency: Annotated[str | None, Query(min_length=3, max_length=3)] = None,
    sort: SortParam = "-created_at",
) -> Page[Transaction]:
    sort_option = SORTS.get(sort)
    stmt = filter_transactions(sa.select(T), types=types, psp=psp, status=status, from_=from_, to=to)
    if player_id is not None:
        stmt = stmt.where(T.player_id == player_id.upper())
    if currency is not None:
        stmt = stmt.where(T.currency == currency.upper())
    return paginate(session, stmt, sort_option, page, transaction_model)
