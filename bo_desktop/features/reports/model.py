"""Recent exports: a small JSON file in the user data folder and the table model that shows it.

The file also remembers the folder the user last exported to. It is read and written in a
worker thread (``run_in_worker``) and replaced atomically, like the dispute drafts: a crash while
saving never loses the list.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass
from enum import IntEnum
from pathlib import Path
from typing import Any

import platformdirs
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from bo_desktop import APP_NAME, ORG_NAME
from bo_desktop.core.workers import run_in_worker
from bo_desktop.widgets.record_table import RecordTableModel

log = logging.getLogger(__name__)
MAX_RECENT = 20
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class RecentExport:
    path: str
    report: str  # the report's title
    rows: int
    finished_at: str  # local time, as shown
    totals_match: bool | None  # None: not checked


def recent_exports_path(base: Path | None = None) -> Path:
    root = base or Path(platformdirs.user_data_dir(APP_NAME, ORG_NAME))
    return root / "report-exports.json"


class RecentExportsStore:
    def __init__(self, path: Path) -> None:
        self.path = path

    def _read(self) -> tuple[str, list[RecentExport]]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return "", []
        except (OSError, ValueError) as exc:
            log.warning("could not read %s: %s", self.path, exc)
            return "", []
        exports = []
        for item in raw.get("exports", []) if isinstance(raw, dict) else []:
            try:
                exports.append(RecentExport(**item))
            except TypeError:
                continue  # an entry from another version: skip it, keep the rest
        return str(raw.get("folder", "")), exports[:MAX_RECENT]

    def _write(self, folder: str, exports: list[RecentExport]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temp = self.path.with_suffix(".tmp")
        payload = {"folder": folder, "exports": [asdict(e) for e in exports[:MAX_RECENT]]}
        temp.write_text(json.dumps(payload, indent=1), encoding="utf-8")
        os.replace(temp, self.path)

    async def load(self) -> tuple[str, list[RecentExport]]:
        return await run_in_worker(self._read)

    async def save(self, folder: str, exports: list[RecentExport]) -> None:
        await run_in_worker(self._write, folder, list(exports))


class RecentColumn(IntEnum):
    FILE = 0
    REPORT = 1
    ROWS = 2
    FINISHED = 3
    CHECK = 4


_HEADERS = {
    RecentColumn.FILE: "File",
    RecentColumn.REPORT: "Report",
    RecentColumn.ROWS: "Rows",
    RecentColumn.FINISHED: "Finished",
    RecentColumn.CHECK: "Totals",
}


_CHECK_TEXT = {True: "match server", False: "DIFFER", None: "not checked"}


class RecentExportsModel(RecordTableModel[RecentExport]):
    def __init__(self) -> None:
        super().__init__([_HEADERS[column] for column in RecentColumn])

    @property
    def items(self) -> list[RecentExport]:
        return list(self._rows)

    def set_items(self, items: list[RecentExport]) -> None:
        self.reset_rows(items[:MAX_RECENT])

    def add(self, item: RecentExport) -> None:
        """Newest first; exporting to the same path again moves it to the top."""
        self.set_items([item, *(i for i in self._rows if i.path != item.path)])

    def item(self, row: int) -> RecentExport | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.record(index)
        if item is None:
            return None
        column = RecentColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return {
                RecentColumn.FILE: Path(item.path).name,
                RecentColumn.REPORT: item.report,
                RecentColumn.ROWS: f"{item.rows:,}",
                RecentColumn.FINISHED: item.finished_at,
                RecentColumn.CHECK: {True: "match server", False: "DIFFER", None: "not checked"}[
                    item.totals_match
                ],
            }[column]
        if role == Qt.ItemDataRole.ToolTipRole and column == RecentColumn.FILE:
            return item.path
        if role == Qt.ItemDataRole.TextAlignmentRole and column == RecentColumn.ROWS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
