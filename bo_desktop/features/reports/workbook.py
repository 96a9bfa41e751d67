"""The report workbook writer: streams API pages into an .xlsx in constant memory (Qt-free).

Blocking code, meant for a worker thread (``run_in_worker``) or the headless CLI. openpyxl is
imported inside :func:`write_report` (~170 ms) so that nobody pays for it until they export.

What a finance team gets: a data sheet with a bold, frozen header, an autofilter over the data,
sensible widths, real numbers and dates (see ``cells``), and a totals row per currency computed
from the rows as they were written; then an "About" sheet that makes the file self-describing and
checkable: report, filters, when (UTC and local), who, which server, app version, row count, the
comparison with the server's own totals, and a SHA-256 of the data as received.

Writing itself (streaming in openpyxl's write-only mode, the header, the cell rules, the
``.part`` file renamed into place only when complete, cancelling, the About sheet) is
``core.xlsx``'s; this module adds what is the report's own: columns and number formats from the
report contract, the totals rows, and the About facts.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bo_desktop.contract.reports import ColumnType, ReportColumn, ReportTotals, TotalRule
from bo_desktop.core import xlsx
from bo_desktop.core.xlsx import ExportCancelled, Styled

from .cells import Converter, converter, display_width
from .totals import TotalsAccumulator, compare_totals

__all__ = ["AboutInfo", "ExportCancelled", "WriteResult", "row_digest_line", "write_report"]

CHECKSUM_METHOD = "SHA-256 over the rows as received: one JSON array per row, columns in sheet order."
MAX_SHEET_ROWS = 1_048_576 - 3  # Excel's limit, minus the header, a gap and one totals row
NO_ROWS = "No rows match this report's period and filters."


@dataclass(frozen=True)
class AboutInfo:
    report_title: str
    kind: str
    period: str  # in words, e.g. "2026-10-01 to 2026-10-31 (UTC, end exclusive)"
    filters: Sequence[tuple[str, str]]  # (filter title, chosen value label)
    generated_by: str
    server: str
    app_version: str
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    notes: Sequence[str] = ()


@dataclass(frozen=True)
class WriteResult:
    path: Path
    rows: int
    checksum: str  # SHA-256 hex of the data rows as received (see :func:`row_digest_line`)
    totals: dict[str | None, dict[str, Any]]
    totals_differences: list[str]  # empty: the server's totals matched; None-server: not checked
    totals_checked: bool


def row_digest_line(keys: Sequence[str], row: Mapping[str, Any]) -> bytes:
    """One row as hashed: a JSON array of the wire values in column order, newline-terminated.

    Anyone with API access can recompute the checksum from the same pages without Excel."""
    values = [row.get(key) for key in keys]
    return json.dumps(values, separators=(",", ":"), ensure_ascii=False, default=str).encode() + b"\n"


def write_report(
    target: Path,
    columns: Sequence[ReportColumn],
    pages: Iterable[Sequence[Mapping[str, Any]]],
    about: AboutInfo,
    *,
    server_totals: Callable[[], ReportTotals | None] = lambda: None,
    cancelled: Callable[[], bool] = lambda: False,
    minor_units: Mapping[str, int] | None = None,
    sheet_title: str = "Report",
) -> WriteResult:
    """Write ``pages`` (lists of wire rows) to ``target``; raises ExportCancelled or the error.

    ``server_totals`` is called once after the last page (the platform's totals for the same
    filters) and compared with the totals of the rows written. ``cancelled`` is polled between
    rows, so cancelling takes effect within one row.
    """
    target = Path(target)
    keys = [c.key for c in columns]
    converters = [converter(c, minor_units or {}) for c in columns]
    page_iter = iter(pages)
    first = list(next(page_iter, []))
    # Widths from the first page: write-only mode writes them before the first row.
    sheet_columns = [xlsx.Column(c.title, display_width(c, first[:200])) for c in columns]
    tally = _Tally(columns)

    def batches() -> Iterator[Sequence[Mapping[str, Any]]]:
        nonlocal first
        batch, first = first, []  # the first page is not kept for the whole export
        yield batch
        yield from page_iter

    def rows() -> Iterator[list[Any]]:
        for batch in batches():
            for row in batch:
                cells = [
                    _cell(convert(row.get(key), row)) for convert, key in zip(converters, keys, strict=True)
                ]
                tally.digest.update(row_digest_line(keys, row))
                tally.accumulator.add(row)
                yield cells

    def footer(written: int) -> list[list[Any]]:
        tally.rows, tally.totals = written, tally.accumulator.result()
        lines: list[list[Any]] = []
        if written == 0:  # an empty sheet looks like a failed export; say that it is not
            lines.append([Styled(NO_ROWS, italic=True)])
        for currency, values in tally.totals.items():
            lines.append(_totals_row(columns, currency, values, converters))
        return lines

    def about_lines() -> list[tuple[str, Any]]:
        expected = server_totals()
        tally.checked = expected is not None
        if expected is not None:
            tally.differences = compare_totals(tally.totals, expected, tally.rows)
        return _about_lines(about, tally)

    sheet = xlsx.Sheet(
        sheet_title,
        sheet_columns,
        rows(),
        header_fill=xlsx.HEADER_FILL,
        footer=footer,
        max_rows=MAX_SHEET_ROWS,
        title_fallback="Report",
    )
    xlsx.write_workbook(target, [sheet], about=about_lines, cancel=_Polled(cancelled))
    checksum = tally.digest.hexdigest()
    return WriteResult(target, tally.rows, checksum, tally.totals, tally.differences, tally.checked)


class _Tally:
    """What writing the rows learns: their checksum and totals, and the check against the server's."""

    def __init__(self, columns: Sequence[ReportColumn]) -> None:
        self.digest = hashlib.sha256()
        self.accumulator = TotalsAccumulator(columns)
        self.rows = 0
        self.totals: dict[str | None, dict[str, Any]] = {}
        self.checked = False
        self.differences: list[str] = []


@dataclass(frozen=True)
class _Polled:
    """A ``cancelled()`` callable as the flag ``core.xlsx`` polls."""

    cancelled: Callable[[], bool]

    def is_set(self) -> bool:
        return self.cancelled()


def _cell(converted: tuple[Any, str | None]) -> Any:
    value, number_format = converted
    return Styled(value, number_format) if number_format else value


def _totals_row(
    columns: Sequence[ReportColumn],
    currency: str | None,
    values: Mapping[str, Any],
    converters: Sequence[Converter],
) -> list[Any]:
    label = f"Total {currency}" if currency else "Total"
    row_values: dict[str, Any] = {c.key: values.get(c.key) for c in columns if c.total != TotalRule.NONE}
    currency_keys = {c.currency_key for c in columns if c.currency_key}
    for key in currency_keys:
        row_values[key] = currency
    cells: list[Any] = []
    for index, (column, convert) in enumerate(zip(columns, converters, strict=True)):
        if index == 0:
            cells.append(label)
        elif column.key in row_values:
            converted = convert(row_values[column.key], row_values)
            if column.type == ColumnType.BOOLEAN:  # a count of true rows, not a boolean
                converted = row_values[column.key], xlsx.INTEGER_FORMAT
            cells.append(_cell(converted))
        else:
            cells.append(None)
    return cells


def _about_lines(about: AboutInfo, tally: _Tally) -> list[tuple[str, Any]]:
    rows_by_currency = {c: n for c, n in tally.accumulator.rows_by_group.items() if c}
    local = about.generated_at.astimezone()
    if not tally.checked:
        check = "Not checked (the server's totals were not available)."
    elif tally.differences:
        check = "DIFFERS from the server's totals: " + "; ".join(tally.differences)
    else:
        check = "Matches the server's totals for the same filters."
    return [
        ("Report", about.report_title),
        ("Report kind", about.kind),
        ("Period", about.period),
        *((f"Filter: {name}", value) for name, value in about.filters),
        ("Generated at (UTC)", about.generated_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")),
        ("Generated at (local)", local.strftime("%Y-%m-%d %H:%M:%S %Z (UTC%z)")),
        ("Generated by", about.generated_by),
        ("Server", about.server),
        ("App version", f"bo-desktop {about.app_version}"),
        ("Data rows", tally.rows),
        *(
            [("Rows by currency", ", ".join(f"{c} {n:,}" for c, n in sorted(rows_by_currency.items())))]
            if len(rows_by_currency) > 1
            else []
        ),
        ("Totals check", check),
        ("Data SHA-256", tally.digest.hexdigest()),
        ("Checksum method", CHECKSUM_METHOD),
        *(("Note", note) for note in about.notes),
    ]
