"""Excel workbooks (.xlsx) the one way every export writes them (Qt-free, blocking).

Meant for a worker thread (``run_in_worker``) or the headless CLI. openpyxl is imported inside
:func:`write_workbook` because it costs ~170 ms and most sessions never export.

The rules, once for every feature:

- openpyxl's write-only mode, so rows stream from an iterable (API pages) in constant memory;
- a bold header row, frozen, with an autofilter over the data and set column widths;
- text that Excel would read as a formula (``= + - @``, tab, CR first) is stored as a string
  cell, never a formula: player names, reasons and labels end up in these cells;
- control characters XML 1.0 cannot carry are dropped (openpyxl would raise on them);
- datetimes are written as naive UTC (Excel has no time zones; the headers say "UTC") with a
  number format, so they are real dates a user can sort and filter;
- the file is written to a hidden ``.part`` next to the target and renamed into place only when
  complete, so a cancelled or failed export leaves nothing behind and an existing file of the
  same name is only ever replaced by a complete one;
- cancelling (a flag polled between rows) raises :class:`ExportCancelled`;
- an optional "About" sheet of (key, value) pairs makes the file say what it is.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# XML 1.0 cannot carry these control characters; openpyxl raises on them, so they are dropped.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

EXCEL_MAX_ROWS = 1_048_576
INTEGER_FORMAT = "#,##0"
PERCENT_FORMAT = "0.0%"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
HEADER_FILL = "DDE4EE"

AboutLines = Sequence[tuple[str, Any]]


class ExportCancelled(Exception):
    """The user (or the CLI's Ctrl+C) cancelled; nothing was left behind."""


class CancelFlag(Protocol):
    """What the writer polls between rows; a ``threading.Event`` is one."""

    def is_set(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its header, its width in characters (None: Excel's default) and the number
    format of its non-empty data cells (None: dates and datetimes get the default ones)."""

    title: str
    width: float | None = None
    number_format: str | None = None


@dataclass(frozen=True, slots=True)
class Styled:
    """A cell value with a style of its own, for what varies by row (a currency per row) or for
    rows around the data (a bold title, an italic note)."""

    value: Any
    number_format: str | None = None
    bold: bool = False
    italic: bool = False


@dataclass
class Sheet:
    """One worksheet: optional lines above the header, the header, the data rows, a footer.

    ``rows`` is any iterable of row value lists, consumed once while writing, so a generator over
    API pages keeps memory constant. ``footer`` is called with the number of data rows once they
    are written (totals computed while streaming); its rows follow a blank row, in bold, with the
    columns' number formats. ``max_rows`` caps the data rows (default: what Excel can hold below
    the header).
    """

    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    preamble: Sequence[Sequence[Any]] = ()
    freeze_header: bool = True
    frozen_columns: int = 0
    autofilter: bool = True
    header_fill: str | None = None
    footer: Callable[[int], Iterable[Sequence[Any]]] | None = None
    max_rows: int | None = None
    title_fallback: str = "Sheet"


def is_formula_like(text: str) -> bool:
    """Whether Excel (or LibreOffice) would read ``text`` as a formula if typed into a cell."""
    return text.startswith(FORMULA_PREFIXES)


def safe_text(value: Any) -> str:
    """``value`` as text XML can carry: control characters other than tab, LF and CR dropped."""
    return _ILLEGAL_XML.sub("", value if isinstance(value, str) else str(value))


def naive_utc(moment: datetime) -> datetime:
    """An aware datetime as naive UTC (what Excel stores); a naive one is taken as UTC already."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def money_format(currency: str | None, minor_units: int = 2) -> str:
    """``#,##0.00 [$EUR]``: a currency format Excel and LibreOffice both render as "1,234.50 EUR"."""
    decimals = "." + "0" * minor_units if minor_units else ""
    if not currency:
        return f"#,##0{decimals}"
    return f"#,##0{decimals} [${currency}]"


def sheet_title(text: str, used: set[str] | None = None, fallback: str = "Sheet") -> str:
    """A valid, unique (case-insensitively, within ``used``) sheet title of at most 31 characters."""
    base = _SHEET_FORBIDDEN.sub(" ", text).strip()[:31] or fallback
    if used is None:
        return base
    title, n = base, 2
    while title.lower() in used:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(title.lower())
    return title


def write_workbook(
    target: Path,
    sheets: Iterable[Sheet],
    *,
    about: AboutLines | Callable[[], AboutLines] | None = None,
    cancel: CancelFlag | None = None,
) -> list[int]:
    """Write ``sheets`` (then an "About" sheet) to ``target``; returns the data rows per sheet.

    ``about`` may be a callable, called after the last sheet, for facts known only then (row
    counts, checksums). Raises :class:`ExportCancelled` when ``cancel`` is set, or the error that
    stopped the export (from the rows iterable, the disk...); either way no file and no ``.part``
    are left, and an existing ``target`` is untouched.
    """
    from openpyxl import Workbook

    target = Path(target)
    # Hidden, unique, in the target folder (so the final rename is atomic on one file system);
    # created with open(..., "x") rather than mkstemp so the file gets the user's usual
    # permissions: an export is meant to be shared.
    part = target.parent / f".{target.stem}.{secrets.token_hex(4)}{target.suffix}.part"
    part.open("xb").close()
    workbook = Workbook(write_only=True)
    try:
        writer = _Writer(workbook, cancel)
        counts = [writer.sheet(spec) for spec in sheets]
        if about is not None:
            writer.about(about() if callable(about) else about)
        writer.check_cancel()
        workbook.save(part)
        os.replace(part, target)
        return counts
    except BaseException:
        _discard(workbook)
        with contextlib.suppress(FileNotFoundError):
            part.unlink()
        raise


class _Writer:
    def __init__(self, workbook: Any, cancel: CancelFlag | None) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font, PatternFill

        self.make_cell = WriteOnlyCell
        self.workbook = workbook
        self.cancel = cancel
        self.used: set[str] = set()
        self.bold, self.italic = Font(bold=True), Font(italic=True)
        self.fill = PatternFill
        self.header_alignment = Alignment(vertical="center", wrap_text=False)

    def check_cancel(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise ExportCancelled

    def sheet(self, spec: Sheet) -> int:
        from openpyxl.utils import get_column_letter

        sheet = self.workbook.create_sheet(sheet_title(spec.title, self.used, spec.title_fallback))
        # Widths and panes must precede the first row: write-only mode writes them first.
        for index, column in enumerate(spec.columns, start=1):
            if column.width is not None:
                sheet.column_dimensions[get_column_letter(index)].width = column.width
        header_row = len(spec.preamble) + 1
        if spec.freeze_header:
            sheet.freeze_panes = f"{get_column_letter(spec.frozen_columns + 1)}{header_row + 1}"
        for line in spec.preamble:
            sheet.append([self.cell(sheet, value) for value in line])
        fill = self.fill("solid", fgColor=spec.header_fill) if spec.header_fill else None
        header = []
        for column in spec.columns:
            cell = self.cell(sheet, column.title, font=self.bold)
            cell.alignment = self.header_alignment
            if fill is not None:
                cell.fill = fill
            header.append(cell)
        sheet.append(header)

        limit = spec.max_rows if spec.max_rows is not None else EXCEL_MAX_ROWS - header_row
        formats = [column.number_format for column in spec.columns]
        rows = 0
        for values in spec.rows:
            self.check_cancel()
            if rows >= limit:
                raise OverflowError(f"more than {limit:,} rows: narrow the period or filters")
            sheet.append([self.cell(sheet, v, f) for v, f in zip(values, formats, strict=False)])
            rows += 1
        self.check_cancel()
        if spec.autofilter and spec.columns:
            last = get_column_letter(len(spec.columns))
            sheet.auto_filter.ref = f"A{header_row}:{last}{header_row + rows}"
        if spec.footer is not None:
            sheet.append([])
            for line in spec.footer(rows):
                cells = zip(line, formats, strict=False)
                sheet.append([self.cell(sheet, v, f, font=self.bold) for v, f in cells])
        return rows

    def about(self, lines: AboutLines) -> None:
        sheet = self.workbook.create_sheet(sheet_title("About", self.used))
        sheet.column_dimensions["A"].width = 26
        sheet.column_dimensions["B"].width = 90
        for key, value in lines:
            sheet.append([self.cell(sheet, key, font=self.bold), self.cell(sheet, value)])

    def cell(self, sheet: Any, value: Any, number_format: str | None = None, font: Any = None) -> Any:
        """One write-only cell with the rules applied; a :class:`Styled` value brings its own style."""
        if isinstance(value, Styled):
            number_format = value.number_format or number_format
            if value.bold:
                font = self.bold
            elif value.italic:
                font = self.italic
            value = value.value
        if isinstance(value, str):
            value = safe_text(value)
        elif isinstance(value, datetime):
            value, number_format = naive_utc(value), number_format or DATETIME_FORMAT
        elif isinstance(value, date):
            number_format = number_format or DATE_FORMAT
        cell = self.make_cell(sheet, value=value)
        if isinstance(value, str):
            if is_formula_like(value):
                cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
        elif number_format:
            cell.number_format = number_format
        if font is not None:
            cell.font = font
        return cell


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
