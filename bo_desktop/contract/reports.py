"""Reports: the catalogue (``GET /reports``), row pages (``GET /reports/{kind}``) and totals.

A report is a flat table described by its :class:`ReportDefinition`: the columns with their
types (so a client can format any report without knowing it), the filters it accepts and whether
it takes a period. Rows travel as JSON objects keyed by column ``key``; values follow the
contract conventions: money as integer minor units with the ISO currency in the column named by
``currency_key``, timestamps as aware UTC ISO-8601, dates as ``YYYY-MM-DD``, durations as
seconds, ratios as floats between 0 and 1.

``GET /reports/{kind}/totals`` returns the server's totals for the same filters, grouped by
currency when the report has money columns (summing euros and kronor is meaningless), so an
export can prove that its totals row matches the platform.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import Field

from .common import ContractModel


class ReportKind(StrEnum):
    GGR_NGR = "ggr_ngr"
    PAYMENTS_BY_PSP = "payments_by_psp"
    WITHDRAWAL_DECISIONS = "withdrawal_decisions"
    DISPUTES_SLA = "disputes_sla"
    SEGMENT_PLAYERS = "segment_players"
    ALERT_OUTCOMES = "alert_outcomes"
    PLAYER_LIABILITY = "player_liability"


class ColumnType(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    MONEY = "money"  # integer minor units; currency in the row's ``currency_key`` column
    RATIO = "ratio"  # 0..1, shown as a percentage
    DATE = "date"  # YYYY-MM-DD
    DATETIME = "datetime"  # aware UTC
    DURATION = "duration"  # seconds
    BOOLEAN = "boolean"


class TotalRule(StrEnum):
    NONE = "none"
    SUM = "sum"
    COUNT_TRUE = "count_true"  # booleans: how many rows are true
    RATIO = "ratio"  # sum(ratio_of[0]) / sum(ratio_of[1]), recomputed from the summed columns


class ReportColumn(ContractModel):
    key: str
    title: str
    type: ColumnType
    currency_key: str | None = None  # money columns: the column holding the currency code
    total: TotalRule = TotalRule.NONE
    ratio_of: tuple[str, str] | None = None  # TotalRule.RATIO: (numerator key, denominator key)


class FilterChoice(ContractModel):
    value: str
    label: str


class ReportFilter(ContractModel):
    """A query parameter the report accepts. ``choices`` empty: free text (not used yet)."""

    key: str  # the query parameter: jurisdiction, brand, currency, psp, segment, group_by, ...
    title: str
    choices: list[FilterChoice] = Field(default_factory=list)
    required: bool = False
    default: str | None = None


class ReportDefinition(ContractModel):
    kind: ReportKind
    title: str
    description: str
    columns: list[ReportColumn]
    filters: list[ReportFilter] = Field(default_factory=list)
    period: bool = True  # takes ``from`` / ``to`` (half-open, UTC); False: a snapshot "as of now"
    period_field: str = ""  # what the period applies to, in words ("transaction time")
    notes: list[str] = Field(default_factory=list)  # method notes: tax rates, attribution, ...


class ReportCatalogue(ContractModel):
    reports: list[ReportDefinition]


class TotalsGroup(ContractModel):
    """Totals of the rows with one currency (``None``: the report has no money columns)."""

    currency: str | None = None
    rows: int
    values: dict[str, Any]  # column key → total (int for sums and counts, float for ratios)


class ReportTotals(ContractModel):
    kind: ReportKind
    rows: int
    groups: list[TotalsGroup]


class ReportPage(ContractModel):
    """One page of report rows (the wire shape of ``Page[dict]``)."""

    data: list[dict[str, Any]]
    next_cursor: str | None = None
    has_more: bool = False
    total: int | None = None
