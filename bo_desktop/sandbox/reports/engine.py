"""The machinery every report shares: query parameters, brands, period buckets, paging, totals.

A report is a :class:`ReportSpec`: its contract definition, a SQL ``select`` whose labelled
columns include the sort keys, and ``finish`` which turns one page of SQL rows into JSON rows
(names from reference data, durations, taxes). Paging is keyset over the labelled sort keys of
the select wrapped as a subquery, so aggregated reports (GROUP BY) page exactly like row reports:
a row that existed when the export started is returned once, whatever the simulator inserts.
The cursor is the foundation's (``pagination.encode_cursor``), bound to the report kind.

Totals are the sums over every row of the same query, computed here independently of any client
(per currency, since adding kronor to euros means nothing).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeAlias

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from bo_desktop.contract.enums import Jurisdiction, Permission
from bo_desktop.contract.reports import (
    ColumnType,
    FilterChoice,
    ReportDefinition,
    ReportFilter,
    ReportTotals,
    TotalRule,
    TotalsGroup,
)

from ..api.pagination import SortOption, decode_cursor, encode_cursor
from ..api.problems import validation_problem

# A select of any columns (SQLAlchemy 2.1 types a select by its column tuple).
AnySelect: TypeAlias = sa.Select[*tuple[Any, ...]]

# --- brands ---------------------------------------------------------------------------------------
# The sandbox operator runs one brand per market group. Players belong to a brand through their
# licence (jurisdiction), which keeps the brand filter an indexed IN on players.jurisdiction.
BRANDS: dict[str, tuple[str, frozenset[Jurisdiction]]] = {
    "aurora": ("Aurora Casino", frozenset({Jurisdiction.MGA, Jurisdiction.UKGC, Jurisdiction.GGL})),
    "nordic": ("Nordic Spins", frozenset({Jurisdiction.SGA, Jurisdiction.FI})),
    "maple": ("Maple Play", frozenset({Jurisdiction.AGCO})),
}
BRAND_OF_JURISDICTION: dict[str, str] = {j.value: name for name, (_l, js) in BRANDS.items() for j in js}


def brand_label(jurisdiction: str) -> str:
    code = BRAND_OF_JURISDICTION.get(jurisdiction)
    return BRANDS[code][0] if code else ""


def brand_filter() -> ReportFilter:
    return ReportFilter(
        key="brand",
        title="Brand",
        choices=[FilterChoice(value=k, label=label) for k, (label, _j) in BRANDS.items()],
    )


# --- period buckets -------------------------------------------------------------------------------


class PeriodStart(FunctionElement[str]):
    """The first day of a timestamp's UTC day or month, as ``YYYY-MM-DD`` text, on any database.

    SQLite and PostgreSQL spell date formatting differently; the granularity is part of the
    statement (not a bind parameter) so each dialect gets a plain, indexable expression.
    """

    type = sa.String()
    inherit_cache = True
    name = "period_start"

    def __init__(self, column: Any, granularity: str) -> None:
        if granularity not in ("day", "month"):
            raise ValueError(granularity)
        self.granularity = granularity
        super().__init__(column)


@compiles(PeriodStart, "sqlite")
def _period_sqlite(element: PeriodStart, compiler: SQLCompiler, **kw: Any) -> str:
    fmt = "%Y-%m-%d" if element.granularity == "day" else "%Y-%m-01"
    return f"strftime('{fmt}', {compiler.process(element.clauses, **kw)})"


@compiles(PeriodStart, "postgresql")
def _period_postgresql(element: PeriodStart, compiler: SQLCompiler, **kw: Any) -> str:
    fmt = "YYYY-MM-DD" if element.granularity == "day" else "YYYY-MM-01"
    return f"to_char(({compiler.process(element.clauses, **kw)}) AT TIME ZONE 'UTC', '{fmt}')"


# --- the request ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportQuery:
    """Validated parameters of one report request."""

    start: datetime | None
    end: datetime | None
    filters: Mapping[str, str]
    permissions: frozenset[Permission] = field(default_factory=frozenset)

    def get(self, key: str) -> str | None:
        return self.filters.get(key)


def parse_query(
    definition: ReportDefinition,
    params: Mapping[str, str],
    permissions: frozenset[Permission],
    reserved: frozenset[str],
) -> ReportQuery:
    """Check ``params`` against the report's filters: unknown names and values are 422s."""
    errors: list[tuple[str, str]] = []
    known = {f.key: f for f in definition.filters}
    filters: dict[str, str] = {}
    for name, value in params.items():
        if name in reserved:
            continue
        spec = known.get(name)
        if spec is None:
            errors.append((name, f"not a filter of {definition.kind.value}; one of: {', '.join(known)}"))
        elif spec.choices and value not in {c.value for c in spec.choices}:
            errors.append(
                (name, f"unknown value {value!r}; one of: {', '.join(c.value for c in spec.choices)}")
            )
        elif value:
            filters[name] = value
    for spec in definition.filters:
        if spec.key not in filters and spec.default is not None:
            filters[spec.key] = spec.default
        if spec.required and spec.key not in filters:
            errors.append((spec.key, "required"))
    start, end = _moment(params, "from", errors), _moment(params, "to", errors)
    if start is not None and end is not None and end <= start:
        errors.append(("to", "must be after 'from'"))
    if errors:
        raise validation_problem(errors)
    if not definition.period:
        start = end = None  # a snapshot: the period does not apply
    return ReportQuery(start, end, filters, permissions)


def _moment(params: Mapping[str, str], name: str, errors: list[tuple[str, str]]) -> datetime | None:
    raw = params.get(name)
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        errors.append((name, "not an ISO-8601 timestamp (e.g. 2026-01-31T00:00:00Z)"))
        return None
    if value.tzinfo is None:
        errors.append((name, "needs a timezone (e.g. 2026-01-31T00:00:00Z)"))
        return None
    return value


def in_period(column: Any, query: ReportQuery) -> list[sa.ColumnElement[bool]]:
    """Half-open [from, to): consecutive periods never count a row twice."""
    clauses: list[sa.ColumnElement[bool]] = []
    if query.start is not None:
        clauses.append(column >= query.start)
    if query.end is not None:
        clauses.append(column < query.end)
    return clauses


def jurisdiction_clauses(column: Any, query: ReportQuery) -> list[sa.ColumnElement[bool]]:
    """The jurisdiction and brand filters, both applied to a jurisdiction column."""
    clauses: list[sa.ColumnElement[bool]] = []
    if (jurisdiction := query.get("jurisdiction")) is not None:
        clauses.append(column == jurisdiction)
    if (brand := query.get("brand")) is not None:
        clauses.append(column.in_(sorted(j.value for j in BRANDS[brand][1])))
    return clauses


def seconds_between(start: datetime | None, end: datetime | None) -> int | None:
    if start is None or end is None:
        return None
    return max(0, round((end - start).total_seconds()))


# --- a report -------------------------------------------------------------------------------------


class ReportSpec:
    """Base of every report. Subclasses set ``definition``/``sort_keys`` and build ``select``."""

    definition: ReportDefinition
    sort_keys: tuple[str, ...]  # labels of ``select``'s columns, unique together, never NULL

    def select(self, query: ReportQuery) -> AnySelect:
        raise NotImplementedError

    def finish(self, session: Session, rows: list[sa.RowMapping], query: ReportQuery) -> list[dict[str, Any]]:
        """One page of SQL rows → JSON rows keyed by column key (batch look-ups go here)."""
        raise NotImplementedError


@dataclass
class RowsPage:
    rows: list[dict[str, Any]]
    next_cursor: str | None
    has_more: bool
    total: int | None


def page(
    session: Session, spec: ReportSpec, query: ReportQuery, limit: int, cursor: str | None, count: bool
) -> RowsPage:
    sub = spec.select(query).subquery("report")
    order = SortOption(spec.definition.kind.value, tuple((sub.c[key], False) for key in spec.sort_keys))
    total = session.scalar(sa.select(sa.func.count()).select_from(sub)) if count else None
    stmt = sa.select(sub)
    if cursor:
        stmt = stmt.where(order.after(decode_cursor(order, cursor)))
    # One extra row says whether there is a next page without a COUNT.
    raw = session.execute(stmt.order_by(*order.order_by()).limit(limit + 1)).mappings().all()
    has_more = len(raw) > limit
    raw = raw[:limit]
    next_cursor = encode_cursor(order, [raw[-1][key] for key in spec.sort_keys]) if has_more and raw else None
    return RowsPage(spec.finish(session, list(raw), query), next_cursor, has_more, total)


def all_rows(
    session: Session, spec: ReportSpec, query: ReportQuery, chunk: int = 2000
) -> Iterator[dict[str, Any]]:
    cursor: str | None = None
    while True:
        result = page(session, spec, query, chunk, cursor, count=False)
        yield from result.rows
        if not result.has_more:
            return
        cursor = result.next_cursor


def totals(session: Session, spec: ReportSpec, query: ReportQuery) -> ReportTotals:
    definition = spec.definition
    currency_key = next((c.currency_key for c in definition.columns if c.type == ColumnType.MONEY), None)
    summed = [c for c in definition.columns if c.total in (TotalRule.SUM, TotalRule.COUNT_TRUE)]
    groups: dict[str | None, dict[str, Any]] = {}
    counts: dict[str | None, int] = {}
    for row in all_rows(session, spec, query):
        currency = row.get(currency_key) if currency_key else None
        values = groups.setdefault(currency, {c.key: 0 for c in summed})
        counts[currency] = counts.get(currency, 0) + 1
        for column in summed:
            value = row.get(column.key)
            if column.total == TotalRule.COUNT_TRUE:
                values[column.key] += 1 if value is True else 0
            elif value is not None:
                values[column.key] += value
    result: list[TotalsGroup] = []
    for currency in sorted(groups, key=lambda c: c or ""):
        values = groups[currency]
        for column in definition.columns:
            if column.total == TotalRule.RATIO and column.ratio_of:
                numerator, denominator = (values.get(k, 0) for k in column.ratio_of)
                values[column.key] = numerator / denominator if denominator else None
        result.append(TotalsGroup(currency=currency, rows=counts[currency], values=values))
    return ReportTotals(kind=definition.kind, rows=sum(counts.values()), groups=result)
