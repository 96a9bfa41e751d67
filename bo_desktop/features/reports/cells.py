"""Wire values → Excel values and number formats, per report column type (Qt-free, no openpyxl).

Excel gets real numbers and real dates, never text that looks like one: money in major units
with the row's currency as a number format, ratios as fractions formatted as percentages,
timestamps as naive UTC datetimes (Excel has no time zones; the headers say "UTC"), durations as
fractions of a day formatted ``[h]:mm``. The rules every export shares (text that Excel would read
as a formula kept as text, control characters dropped, naive-UTC datetimes) are ``core.xlsx``'s.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from bo_desktop.contract.reports import ColumnType, ReportColumn
from bo_desktop.core.xlsx import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    INTEGER_FORMAT,
    PERCENT_FORMAT,
    money_format,
    naive_utc,
    safe_text,
)

RATIO_FORMAT = PERCENT_FORMAT
DURATION_FORMAT = "[h]:mm"


def _datetime(value: Any) -> datetime | None:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return naive_utc(moment).replace(microsecond=0)  # the sheet shows seconds; sub-second noise is not data


def _date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


Converter = Callable[[Any, Mapping[str, Any]], tuple[Any, str | None]]


def converter(column: ReportColumn, minor_units: Mapping[str, int]) -> Converter:
    """``convert(value, row) → (excel value, number format)`` for one column; None stays empty."""
    kind = column.type
    if kind == ColumnType.MONEY:
        currency_key = column.currency_key or ""

        def money(value: Any, row: Mapping[str, Any]) -> tuple[Any, str | None]:
            currency = row.get(currency_key)
            units = minor_units.get(currency or "", 2)
            return int(value) / 10**units, money_format(currency, units)

        return _skip_none(money)
    if kind == ColumnType.INTEGER:
        return _skip_none(lambda v, _r: (int(v), INTEGER_FORMAT))
    if kind == ColumnType.RATIO:
        return _skip_none(lambda v, _r: (float(v), RATIO_FORMAT))
    if kind == ColumnType.DATE:
        return _skip_none(lambda v, _r: (_date(v), DATE_FORMAT))
    if kind == ColumnType.DATETIME:
        return _skip_none(lambda v, _r: (_datetime(v), DATETIME_FORMAT))
    if kind == ColumnType.DURATION:
        return _skip_none(lambda v, _r: (float(v) / 86_400, DURATION_FORMAT))
    if kind == ColumnType.BOOLEAN:
        return _skip_none(lambda v, _r: (bool(v), None))
    return _skip_none(lambda v, _r: (safe_text(v), None))


def _skip_none(convert: Converter) -> Converter:
    def wrapped(value: Any, row: Mapping[str, Any]) -> tuple[Any, str | None]:
        if value is None or value == "":
            return None, None
        return convert(value, row)

    return wrapped


def display_width(column: ReportColumn, samples: list[Mapping[str, Any]]) -> float:
    """A column width (in characters) from the header and a sample of values: wide enough to
    read without being a wall; capped so one long rule label cannot push the rest off screen."""
    fixed = {
        ColumnType.MONEY: 16,
        ColumnType.INTEGER: 10,
        ColumnType.RATIO: 9,
        ColumnType.DATE: 12,
        ColumnType.DATETIME: 20,
        ColumnType.DURATION: 10,
        ColumnType.BOOLEAN: 8,
    }
    width = fixed.get(column.type)
    if width is None:
        longest = max((len(str(r.get(column.key) or "")) for r in samples), default=0)
        width = min(longest, 48)
    return float(max(width, len(column.title) + 3, 8))
