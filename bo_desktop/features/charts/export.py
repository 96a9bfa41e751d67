"""Chart exports: the picture as PNG and the numbers as an Excel workbook (worker-thread code).

Both functions block and are meant for ``run_in_worker``. openpyxl is imported inside
:func:`write_workbook` because it costs ~170 ms and most sessions never export.

Excel rules: values are real numbers (money in EUR, not minor units, formatted as currency;
rates as percentages) and real dates, so the sheet can be charted and summed; any text that
Excel could read as a formula (``= + - @``, tab, CR) is stored as a string, never a formula.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtGui import QImage

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
NUMBER_FORMATS = {
    "money": '"€"#,##0.00',
    "percent": "0.0%",
    "ms": '#,##0" ms"',
    "count": "#,##0.0",
}
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True, slots=True)
class SheetData:
    title: str
    unit: str  # money | percent | ms | count
    labels: list[str]
    times: list[datetime]  # aware UTC bucket starts
    rows: list[list[float]]  # money in EUR minor units, as the API sends it


def save_png(image: QImage, path: Path) -> None:
    """Write a grabbed chart; QImage (unlike QPixmap) may be used off the GUI thread."""
    if not image.save(str(path)):  # the format follows the suffix, which the panel ensures
        raise OSError(f"could not write {path}")


def sheet_title(text: str, used: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub(" ", text).strip()[:31] or "Sheet"
    title, n = base, 2
    while title.lower() in used:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(title.lower())
    return title


def _cell_value(value: float, unit: str) -> float | None:
    if math.isnan(value):
        return None  # an empty cell, not 0: "no attempts" is not a 0 % success rate
    return value / 100 if unit == "money" else value


def write_workbook(path: Path, sheets: list[SheetData], *, title_line: str) -> int:
    """One sheet per chart; returns the number of data rows written."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    used: set[str] = set()
    written = 0

    def text(sheet: Any, value: str, *, header: bool = False) -> Any:
        cell = WriteOnlyCell(sheet, value=value)
        if value.startswith(FORMULA_PREFIXES):
            cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
        if header:
            cell.font = bold
        return cell

    for data in sheets:
        sheet = workbook.create_sheet(sheet_title(data.title, used))
        sheet.column_dimensions["A"].width = 20
        for column in range(len(data.labels)):
            sheet.column_dimensions[get_column_letter(column + 2)].width = 16
        sheet.append([text(sheet, data.title, header=True)])
        sheet.append([text(sheet, title_line)])
        sheet.append([text(sheet, "Bucket start (UTC)", header=True)] + [
            text(sheet, label, header=True) for label in data.labels
        ])  # fmt: skip
        number_format = NUMBER_FORMATS.get(data.unit, "General")
        for at, row in zip(data.times, data.rows, strict=True):
            time_cell = WriteOnlyCell(sheet, value=at.replace(tzinfo=None))  # Excel has no time zones
            time_cell.number_format = "yyyy-mm-dd hh:mm"
            cells = [time_cell]
            for value in row:
                cell = WriteOnlyCell(sheet, value=_cell_value(value, data.unit))
                cell.number_format = number_format
                cells.append(cell)
            sheet.append(cells)
            written += 1
    tmp = path.with_name(path.name + ".part")
    workbook.save(tmp)
    tmp.replace(path)  # a crash mid-write leaves no half workbook under the user's name
    return written
