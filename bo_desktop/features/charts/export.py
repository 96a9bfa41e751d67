"""Chart exports: the picture as PNG and the numbers as an Excel workbook (worker-thread code).

Both functions block and are meant for ``run_in_worker``. The workbook is written by
``core.xlsx`` (which imports openpyxl only then: it costs ~170 ms and most sessions never export).

Excel rules: values are real numbers (money in EUR, not minor units, formatted as currency;
rates as percentages) and real dates, so the sheet can be charted and summed; any text that
Excel could read as a formula (``= + - @``, tab, CR) is stored as a string, never a formula.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtGui import QImage

from bo_desktop.core import xlsx

NUMBER_FORMATS = {
    "money": '"€"#,##0.00',
    "percent": "0.0%",
    "ms": '#,##0" ms"',
    "count": "#,##0.0",
}
TIME_FORMAT = "yyyy-mm-dd hh:mm"


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


def _cell_value(value: float, unit: str) -> float | None:
    if math.isnan(value):
        return None  # an empty cell, not 0: "no attempts" is not a 0 % success rate
    return value / 100 if unit == "money" else value


def chart_sheet(data: SheetData, title_line: str) -> xlsx.Sheet:
    """The chart's title and ``title_line`` above a header, then one row per bucket."""
    number_format = NUMBER_FORMATS.get(data.unit, "General")
    columns = [
        xlsx.Column("Bucket start (UTC)", 20, TIME_FORMAT),
        *(xlsx.Column(label, 16, number_format) for label in data.labels),
    ]
    rows = (
        [at, *(_cell_value(value, data.unit) for value in row)]
        for at, row in zip(data.times, data.rows, strict=True)
    )
    preamble: list[list[Any]] = [[xlsx.Styled(data.title, bold=True)], [title_line]]
    return xlsx.Sheet(data.title, columns, rows, preamble=preamble, freeze_header=False, autofilter=False)


def write_workbook(path: Path, sheets: list[SheetData], *, title_line: str) -> int:
    """One sheet per chart; returns the number of data rows written."""
    return sum(xlsx.write_workbook(path, [chart_sheet(data, title_line) for data in sheets]))
