"""Totals of exported rows, per currency, and their comparison with the server's (Qt-free).

Sums are over integer minor units (exact); ratio totals are recomputed from the summed columns,
never averaged. The comparison is what lets a manager trust the file: the totals row is what the
rows above it add up to, and the About sheet says whether that equals what the platform says.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from bo_desktop.contract.reports import ColumnType, ReportColumn, ReportTotals, TotalRule


class TotalsAccumulator:
    def __init__(self, columns: Sequence[ReportColumn]) -> None:
        self._columns = columns
        self._currency_key = next((c.currency_key for c in columns if c.type == ColumnType.MONEY), None)
        self._summed = [c for c in columns if c.total in (TotalRule.SUM, TotalRule.COUNT_TRUE)]
        self._ratios = [c for c in columns if c.total == TotalRule.RATIO and c.ratio_of]
        self._groups: dict[str | None, dict[str, Any]] = {}
        self.rows_by_group: dict[str | None, int] = {}

    def add(self, row: Mapping[str, Any]) -> None:
        currency = row.get(self._currency_key) if self._currency_key else None
        values = self._groups.get(currency)
        if values is None:
            values = self._groups[currency] = {c.key: 0 for c in self._summed}
            self.rows_by_group[currency] = 0
        self.rows_by_group[currency] += 1
        for column in self._summed:
            value = row.get(column.key)
            if column.total == TotalRule.COUNT_TRUE:
                values[column.key] += value is True
            elif value is not None:
                values[column.key] += int(value)

    def result(self) -> dict[str | None, dict[str, Any]]:
        """Totals per currency (sorted by code; ``None`` for reports without money)."""
        out: dict[str | None, dict[str, Any]] = {}
        for currency in sorted(self._groups, key=lambda c: c or ""):
            values = dict(self._groups[currency])
            for column in self._ratios:
                assert column.ratio_of is not None
                numerator, denominator = (values.get(k, 0) for k in column.ratio_of)
                values[column.key] = numerator / denominator if denominator else None
            out[currency] = values
        return out


def compare_totals(
    ours: Mapping[str | None, Mapping[str, Any]], server: ReportTotals, rows: int
) -> list[str]:
    """Differences between our totals and the server's, in words (empty when they agree)."""
    problems: list[str] = []
    if server.rows != rows:
        problems.append(f"{rows:,} rows written, the server counts {server.rows:,}")
    theirs = {g.currency: g.values for g in server.groups}
    for currency in sorted(set(ours) | set(theirs), key=lambda c: c or ""):
        label = currency or "all rows"
        mine, other = ours.get(currency), theirs.get(currency)
        if mine is None or other is None:
            problems.append(f"{label}: only in {'the server' if mine is None else 'the file'}")
            continue
        for key in sorted(set(mine) | set(other)):
            a, b = mine.get(key), other.get(key)
            if isinstance(a, float) or isinstance(b, float):
                same = a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
                same = same or (a is None and b is None)
            else:
                same = a == b
            if not same:
                problems.append(f"{label} {key}: file {a}, server {b}")
    return problems
