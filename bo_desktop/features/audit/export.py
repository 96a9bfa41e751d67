"""Audit records to .xlsx (Qt-free, blocking: run it with ``run_in_worker``).

A small writer of its own: the reports feature's workbook writer cannot be imported from here
(features never import each other). openpyxl write-only mode keeps memory flat however long the
trail; text that a spreadsheet would run as a formula (= + - @, tab, CR first) is written as an
explicit string cell, since actors' reasons and player text end up in these cells. The file is
written to a hidden ``.part`` next to the target and renamed into place only when complete.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from bo_desktop.contract.audit import AuditRecord

COLUMNS = [
    ("Record", 9),
    ("Time (UTC)", 20),
    ("Actor", 22),
    ("Actor id", 10),
    ("Action", 24),
    ("Entity type", 14),
    ("Entity id", 14),
    ("Reason", 50),
    ("Before", 50),
    ("After", 50),
    ("Hash", 20),
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ExportCancelled(Exception):
    pass


def _json(value: dict[str, Any] | None) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def record_row(record: AuditRecord) -> list[Any]:
    return [
        record.seq,
        record.at.replace(tzinfo=None),  # Excel has no time zones: the header says UTC
        record.actor_name,
        record.actor_id,
        record.action,
        record.entity_type,
        record.entity_id,
        record.reason or "",
        _json(record.before),
        _json(record.after),
        record.hash,
    ]


def write_audit_workbook(
    target: Path, pages: Iterable[Sequence[AuditRecord]], cancel: threading.Event | None = None
) -> int:
    """Write every record of ``pages`` to ``target``; returns the number of records."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    target = Path(target)
    part = target.parent / f".{target.stem}.{secrets.token_hex(4)}.xlsx.part"
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Audit trail")
    for index, (_title, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for title, _width in COLUMNS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    try:
        for page in pages:
            for record in page:
                if cancel is not None and cancel.is_set():
                    raise ExportCancelled
                row: list[Any] = []
                for value in record_row(record):
                    if isinstance(value, str) and value.startswith(FORMULA_START):
                        cell = WriteOnlyCell(sheet, value=value)
                        cell.data_type = "s"  # a string, never a formula
                        row.append(cell)
                    else:
                        row.append(value)
                sheet.append(row)
                count += 1
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{count + 1}"
        workbook.save(part)
        os.replace(part, target)
    finally:
        if part.exists():
            part.unlink()
    return count
