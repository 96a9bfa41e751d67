"""Cursor (keyset) pagination for every list endpoint: ``?limit=&cursor=`` → ``Page[T]``.

How to use it in a route::

    SORTS = sort_options(
        Withdrawal.id,  # the unique tie-breaker, always last
        {"requested_at": [(Withdrawal.requested_at, False)],
         "-risk_score": [(Withdrawal.risk_score, True), (Withdrawal.requested_at, False)]},
    )

    @router.get("/withdrawals")
    def list_withdrawals(page: PageParams = Depends(), sort: str = "-risk_score", ...):
        stmt = select(Withdrawal).where(...filters...)
        return paginate(session, stmt, SORTS.get(sort), page, to_item=withdrawal_json)

Why keyset and not OFFSET: the simulator inserts rows all the time. With OFFSET an insert before
the current page shifts every later row by one (a row is shown twice or never); with a cursor
over (sort key, id) every row that existed when paging started is returned exactly once, as long
as its sort key does not change. The cursor is opaque to the client (base64url JSON) and bound to
the sort it was made for. Sort columns must be NOT NULL: NULL never compares equal in SQL, so a
row with a NULL key could fall between two pages.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from fastapi import Query
from sqlalchemy import ColumnElement, Select, SQLColumnExpression, and_, func, or_, select
from sqlalchemy.orm import Session

from bo_desktop.contract.common import Page

from .problems import ApiProblem, validation_problem

T = TypeVar("T")
# (expression, descending) pairs, most significant first.
SortKeys = Sequence[tuple[SQLColumnExpression[Any], bool]]

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


@dataclass(frozen=True)
class PageParams:
    """The ``limit``/``cursor``/``count`` query parameters of every list (``Depends()``)."""

    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Page size, 1..500.")
    cursor: str | None = Query(None, max_length=2000, description="next_cursor of the previous page.")
    count: bool = Query(False, description="Also return the total number of matching rows.")


@dataclass(frozen=True)
class SortOption:
    """One value of a list's ``sort`` parameter: (expression, descending) pairs, then the id."""

    name: str
    keys: tuple[tuple[SQLColumnExpression[Any], bool], ...]

    def order_by(self) -> list[ColumnElement[Any]]:
        return [expr.desc() if desc else expr.asc() for expr, desc in self.keys]

    def after(self, values: Sequence[Any]) -> ColumnElement[bool]:
        """Rows strictly after ``values`` in this order (the keyset condition).

        Expanded as (k1 > v1) OR (k1 = v1 AND k2 > v2) OR ...; the tuple comparison
        ``(k1, k2) > (v1, v2)`` would be shorter but cannot mix ascending and descending keys.
        """
        clauses: list[ColumnElement[bool]] = []
        for i, (expr, desc) in enumerate(self.keys):
            equal_prefix = [self.keys[j][0] == values[j] for j in range(i)]
            beyond = expr < values[i] if desc else expr > values[i]
            clauses.append(and_(*equal_prefix, beyond))
        return or_(*clauses)


class SortOptions:
    """The sorts a list accepts; each one is made total by appending the unique id column."""

    def __init__(
        self,
        id_column: SQLColumnExpression[Any],
        options: Mapping[str, SortKeys],
    ) -> None:
        self._options: dict[str, SortOption] = {}
        for name, keys in options.items():
            if keys and keys[-1][0] is id_column:  # already total
                self._options[name] = SortOption(name, tuple(keys))
                continue
            descending_id = bool(keys) and keys[-1][1]  # ties follow the direction of the last key
            self._options[name] = SortOption(name, (*keys, (id_column, descending_id)))

    @property
    def names(self) -> list[str]:
        return list(self._options)

    def get(self, name: str) -> SortOption:
        try:
            return self._options[name]
        except KeyError:
            raise validation_problem(
                [("sort", f"unknown sort {name!r}; one of: {', '.join(self._options)}")]
            ) from None


def sort_options(id_column: SQLColumnExpression[Any], options: Mapping[str, SortKeys]) -> SortOptions:
    return SortOptions(id_column, options)


# --- cursor encoding: JSON with tagged datetimes, so values come back with their type ---------


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"dt": value.isoformat()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if hasattr(value, "value"):  # enums
        return value.value
    raise TypeError(f"cannot put {type(value).__name__} into a cursor")


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict):
        return datetime.fromisoformat(value["dt"])
    return value


def encode_cursor(sort: SortOption, values: Sequence[Any]) -> str:
    payload = {"s": sort.name, "k": [_encode_value(v) for v in values]}
    raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(sort: SortOption, cursor: str) -> list[Any]:
    bad = ApiProblem(
        422,
        "invalid_cursor",
        "The cursor is not valid for this list and sort; start again without a cursor.",
    )
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        payload = json.loads(raw)
        values = [_decode_value(v) for v in payload["k"]]
    except (binascii.Error, ValueError, KeyError, TypeError) as exc:
        raise bad from exc
    if payload.get("s") != sort.name or len(values) != len(sort.keys):
        raise bad
    return values


@dataclass
class RowPage:
    """A page of ORM rows, before they are turned into contract models."""

    rows: list[Any]
    next_cursor: str | None
    has_more: bool
    total: int | None

    def to_page(self, items: Sequence[T]) -> Page[T]:
        return Page[T](
            data=list(items), next_cursor=self.next_cursor, has_more=self.has_more, total=self.total
        )


def paginate_rows(session: Session, stmt: Select[Any], sort: SortOption, page: PageParams) -> RowPage:
    """One page of ``stmt`` (a select of one ORM entity, already filtered) in ``sort`` order.

    Use this when items need batch lookups (e.g. child rows for the whole page); otherwise
    ``paginate``.
    """
    total: int | None = None
    if page.count:
        total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    keyed = stmt.add_columns(*(expr for expr, _desc in sort.keys))
    if page.cursor:
        keyed = keyed.where(sort.after(decode_cursor(sort, page.cursor)))
    # One extra row tells whether there is a next page without a COUNT.
    rows = session.execute(keyed.order_by(*sort.order_by()).limit(page.limit + 1)).all()
    has_more = len(rows) > page.limit
    rows = rows[: page.limit]
    next_cursor = encode_cursor(sort, list(rows[-1][1:])) if has_more and rows else None
    return RowPage([row[0] for row in rows], next_cursor, has_more, total)


def paginate(
    session: Session,
    stmt: Select[Any],
    sort: SortOption,
    page: PageParams,
    to_item: Callable[[Any], T],
) -> Page[T]:
    """One page of ``stmt`` in ``sort`` order, each row mapped by ``to_item``."""
    result = paginate_rows(session, stmt, sort, page)
    return result.to_page([to_item(row) for row in result.rows])
