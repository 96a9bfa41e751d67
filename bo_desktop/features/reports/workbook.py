"""The report workbook writer: streams API pages into an .xlsx in constant memory (Qt-free).

Blocking code, meant for a worker thread (``run_in_worker``) or the headless CLI. openpyxl is
imported inside :func:`write_report` (~170 ms) so that nobody pays for it until they export.

What a finance team gets: a data sheet with a bold, frozen header, an autofilter over the data,
sensible widths, real numbers and dates (see ``cells``), and a totals row per currency computed
from the rows as they were written; then an "About" sheet that makes the file self-describing and
checkable: report, filters, when (UTC and local), who, which server, app version, row count, the
comparison with the server's own totals, and a SHA-256 of the data as received.

Crash safety: openpyxl's write-only mode keeps rows in its own temp file and assembles the zip
in ``save``; we save to a hidden ``.part`` file next to the target and ``os.replace`` it into
place only when everything succeeded, so a cancelled or failed export leaves no file at all, and
an existing file of the same name is only replaced by a complete one.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bo_desktop.contract.reports import ColumnType, ReportColumn, ReportTotals, TotalRule

from .cells import converter, display_width, is_formula_like
from .totals import TotalsAccumulator, compare_totals

CHECKSUM_METHOD = "SHA-256 over the rows as received: one JSON array per row, columns in sheet order."
MAX_SHEET_ROWS = 1_048_576 - 3  # Excel's limit, minus the header, a gap and one totals row


class ExportCancelled(Exception):
    """The user (or the CLI's Ctrl+C) cancelled; nothing was left behind."""


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
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    target = Path(target)
    # Hidden, unique, in the target folder (so the final rename is atomic on one file system);
    # created with open(..., "x") rather than mkstemp so the file gets the user's usual
    # permissions: a report is meant to be shared.
    part = target.parent / f".{target.stem}.{secrets.token_hex(4)}.xlsx.part"
    part.open("xb").close()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_safe_title(sheet_title))
    try:
        keys = [c.key for c in columns]
        converters = [converter(c, minor_units or {}) for c in columns]
        bold = Font(bold=True)
        header_fill = PatternFill("solid", fgColor="DDE4EE")
        page_iter = iter(pages)
        first = list(next(page_iter, []))
        for index, column in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = display_width(column, first[:200])
        sheet.freeze_panes = "A2"  # must precede the first row: write-only mode writes views first

        header = []
        for column in columns:
            cell = WriteOnlyCell(sheet, value=column.title)
            cell.font, cell.fill = bold, header_fill
            cell.alignment = Alignment(vertical="center", wrap_text=False)
            header.append(cell)
        sheet.append(header)

        digest = hashlib.sha256()
        accumulator = TotalsAccumulator(columns)
        rows = 0

        def write_rows(batch: Sequence[Mapping[str, Any]]) -> None:
            nonlocal rows
            for row in batch:
                if cancelled():
                    raise ExportCancelled
                if rows >= MAX_SHEET_ROWS:
                    raise OverflowError(f"more than {MAX_SHEET_ROWS:,} rows: narrow the period or filters")
                cells = []
                for convert, key in zip(converters, keys, strict=True):
                    value, number_format = convert(row.get(key), row)
                    cell = WriteOnlyCell(sheet, value=value)
                    if number_format:
                        cell.number_format = number_format
                    elif isinstance(value, str) and is_formula_like(value):
                        cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
                    cells.append(cell)
                sheet.append(cells)
                digest.update(row_digest_line(keys, row))
                accumulator.add(row)
                rows += 1

        write_rows(first)
        del first
        for batch in page_iter:
            write_rows(batch)
        if cancelled():
            raise ExportCancelled
        last_column = get_column_letter(len(columns))
        sheet.auto_filter.ref = f"A1:{last_column}{rows + 1}"

        totals = accumulator.result()
        sheet.append([])
        if rows == 0:  # an empty sheet looks like a failed export; say that it is not
            note = WriteOnlyCell(sheet, value="No rows match this report's period and filters.")
            note.font = Font(italic=True)
            sheet.append([note])
        for currency, values in totals.items():
            sheet.append(_totals_row(sheet, columns, currency, values, converters, bold, WriteOnlyCell))

        expected = server_totals()
        differences = compare_totals(totals, expected, rows) if expected is not None else []
        checksum = digest.hexdigest()
        by_currency = {c: n for c, n in accumulator.rows_by_group.items() if c}
        _write_about(workbook, about, rows, by_currency, checksum, expected is not None, differences, bold)
        if cancelled():
            raise ExportCancelled
        workbook.save(part)
        os.replace(part, target)
        return WriteResult(target, rows, checksum, totals, differences, expected is not None)
    except BaseException:
        _discard(workbook)
        with contextlib.suppress(FileNotFoundError):
            part.unlink()
        raise


def _totals_row(
    sheet: Any,
    columns: Sequence[ReportColumn],
    currency: str | None,
    values: Mapping[str, Any],
    converters: Sequence[Any],
    bold: Any,
    make_cell: Any,
) -> list[Any]:
    label = f"Total {currency}" if currency else "Total"
    row_values: dict[str, Any] = {c.key: values.get(c.key) for c in columns if c.total != TotalRule.NONE}
    currency_keys = {c.currency_key for c in columns if c.currency_key}
    for key in currency_keys:
        row_values[key] = currency
    cells = []
    for index, (column, convert) in enumerate(zip(columns, converters, strict=True)):
        if index == 0:
            cell = make_cell(sheet, value=label)
        elif column.key in row_values:
            value, number_format = convert(row_values[column.key], row_values)
            if column.type == ColumnType.BOOLEAN:  # a count of true rows, not a boolean
                value, number_format = row_values[column.key], "#,##0"
            cell = make_cell(sheet, value=value)
            if number_format:
                cell.number_format = number_format
        else:
            cell = make_cell(sheet, value=None)
        cell.font = bold
        cells.append(cell)
    return cells


def _write_about(
    workbook: Any,
    about: AboutInfo,
    rows: int,
    rows_by_currency: Mapping[str, int],
    checksum: str,
    checked: bool,
    differences: list[str],
    bold: Any,
) -> None:
    from openpyxl.cell import WriteOnlyCell

    sheet = workbook.create_sheet("About")
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = 90
    local = about.generated_at.astimezone()
    if not checked:
        check = "Not checked (the server's totals were not available)."
    elif differences:
        check = "DIFFERS from the server's totals: " + "; ".join(differences)
    else:
        check = "Matches the server's totals for the same filters."
    lines: list[tuple[str, Any]] = [
        ("Report", about.report_title),
        ("Report kind", about.kind),
        ("Period", about.period),
        *((f"Filter: {name}", value) for name, value in about.filters),
        ("Generated at (UTC)", about.generated_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")),
        ("Generated at (local)", local.strftime("%Y-%m-%d %H:%M:%S %Z (UTC%z)")),
        ("Generated by", about.generated_by),
        ("Server", about.server),
        ("App version", f"bo-desktop {about.app_version}"),
        ("Data rows", rows),
        *(
            [("Rows by currency", ", ".join(f"{c} {n:,}" for c, n in sorted(rows_by_currency.items())))]
            if len(rows_by_currency) > 1
            else []
        ),
        ("Totals check", check),
        ("Data SHA-256", checksum),
        ("Checksum method", CHECKSUM_METHOD),
        *(("Note", note) for note in about.notes),
    ]
    for label, value in lines:
        name = WriteOnlyCell(sheet, value=label)
        name.font = bold
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str) and is_formula_like(value):
            cell.data_type = "s"
        sheet.append([name, cell])


def _safe_title(text: str) -> str:
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in text).strip()
    return cleaned[:31] or "Report"


def _discard(workbook: Any) -> None:
    """Remove openpyxl's per-sheet temp files of an abandoned write-only workbook.

    openpyxl deletes them only in ``save`` or at interpreter exit; a long-running app that
    cancels exports would otherwise collect them in the temp directory.
    """
    for sheet in workbook.worksheets:
        writer = getattr(sheet, "_writer", None)
        if writer is None:
            continue  # no row was ever written: no temp file
        with contextlib.suppress(Exception):
            sheet.close()  # ends the row generator first, or its finaliser writes to a closed file
        with contextlib.suppress(Exception):
            writer.cleanup()
