"""What a chart shows: its series, unit and how its values read (no matplotlib here)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from . import formatting


@dataclass(frozen=True, slots=True)
class SeriesSpec:
    key: str  # name in the metrics series, e.g. "deposits_eur"
    label: str
    color: str


@dataclass(frozen=True, slots=True)
class ChartSpec:
    id: str  # stable: objectName "chart.<id>", export file names
    title: str
    unit: str  # money | count | percent | ms
    series: tuple[SeriesSpec, ...]

    def format_value(self, value: float) -> str:
        if math.isnan(value):
            return "—"
        if self.unit == "money":
            return formatting.money(value, "EUR")
        if self.unit == "percent":
            return formatting.percent(value)
        if self.unit == "ms":
            return f"{value:,.0f} ms"
        return formatting.count(value)

    def format_tick(self, value: float) -> str:
        if self.unit == "money":
            return formatting.compact_money(value, "EUR")
        if self.unit == "percent":
            return f"{value * 100:.0f}%"
        return f"{value:,.0f}"
