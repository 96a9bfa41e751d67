"""Audit records to .xlsx (Qt-free, blocking: run it with ``run_in_worker``).

The columns and one row per record; ``core.xlsx`` does the rest (streaming, bold frozen header,
autofilter, formula-looking text kept as text, since actors' reasons and player text end up in
these cells, and a file that appears only when complete).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from bo_desktop.contract.audit import AuditRecord
from bo_desktop.core.xlsx import Column, Sheet, write_workbook

COLUMNS = [
    Column("Record", 9),
    Column("Time (UTC)", 20),
    Column("Actor", 22),
    Column("Actor id", 10),
    Column("Action", 24),
    Column("Entity type", 14),
    Column("Entity id", 14),
    Column("Reason", 50),
    Column("Before", 50),
    Column("After", 50),
    Column("Hash", 20),
]


def _json(value: dict[str, Any] | None) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def record_row(record: AuditRecord) -> list[Any]:
    return [
        record.seq,
        record.at,  # written as naive UTC: Excel has no time zones, the header says UTC
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
    """Write every record of ``pages`` to ``target``; returns the number of records.

    Raises ``core.xlsx.ExportCancelled`` when ``cancel`` is set; no file is left then."""

    def rows() -> Iterator[list[Any]]:
        for page in pages:
            for record in page:
                yield record_row(record)

    [count] = write_workbook(target, [Sheet("Audit trail", COLUMNS, rows())], cancel=cancel)
    return count
