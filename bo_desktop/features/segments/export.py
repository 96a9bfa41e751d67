"""Segment members → .xlsx (Qt-free, blocking: run it in a worker thread).

The reports feature has a richer workbook writer, but features do not import each other, and a
member list needs none of its per-column-type machinery: one sheet of player rows, a frozen bold
header, an autofilter, and a second sheet saying what the file is. Player-supplied text (names,
usernames, e-mails) that Excel would read as a formula is stored as text, and the file appears
only when it is complete (written to a hidden ``.part`` file, then renamed).
"""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bo_desktop.contract.players import PlayerSummary

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
HEADERS = (
    ("Player ID", 12),
    ("First name", 16),
    ("Last name", 18),
    ("Username", 18),
    ("E-mail", 30),
    ("Country", 9),
    ("Jurisdiction", 12),
    ("Currency", 9),
    ("Status", 13),
    ("KYC", 12),
    ("Risk", 9),
    ("VIP tier", 10),
    ("Registered (UTC)", 20),
    ("Last login (UTC)", 20),
)


@dataclass
class MemberSheet:
    segment_name: str
    segment_id: str
    members: list[PlayerSummary]
    marketing: bool = True
    exported_at: datetime = field(default_factory=lambda: datetime.now(UTC))


def _naive_utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC).replace(tzinfo=None, microsecond=0) if moment else None


def member_values(p: PlayerSummary) -> list[Any]:
    return [
        p.id,
        p.first_name,
        p.last_name,
        p.username,
        p.email,
        p.country,
        p.jurisdiction.value,
        p.currency,
        p.status.value,
        p.kyc_status.value,
        p.risk_level.value,
        p.vip_tier.value,
        _naive_utc(p.registered_at),
        _naive_utc(p.last_login_at),
    ]


def write_members(path: Path, sheet: MemberSheet) -> None:
    from openpyxl import Workbook  # ~170 ms: only when someone exports
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    data = book.create_sheet("Members")
    data.freeze_panes = "A2"
    for position, (_title, width) in enumerate(HEADERS):
        data.column_dimensions[chr(ord("A") + position)].width = width
    bold = Font(bold=True)

    def cell(value: Any) -> WriteOnlyCell:
        if isinstance(value, str):
            value = _ILLEGAL_XML.sub("", value)
        made = WriteOnlyCell(data, value=value)
        if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
            made.data_type = "s"  # "=HYPERLINK(...)" as a name stays a name
        elif isinstance(value, datetime):
            made.number_format = "yyyy-mm-dd hh:mm:ss"
        return made

    header = []
    for title, _width in HEADERS:
        head = WriteOnlyCell(data, value=title)
        head.font = bold
        header.append(head)
    data.append(header)
    for member in sheet.members:
        data.append([cell(v) for v in member_values(member)])
    last_column = chr(ord("A") + len(HEADERS) - 1)
    data.auto_filter.ref = f"A1:{last_column}{len(sheet.members) + 1}"

    about = book.create_sheet("About")
    for key, value in (
        ("Segment", sheet.segment_name),
        ("Segment id", sheet.segment_id),
        ("Members", len(sheet.members)),
        ("Exported (UTC)", _naive_utc(sheet.exported_at)),
        (
            "RG guard",
            "Self-excluded, cooling-off and open-RG-alert players were left out by the server."
            if sheet.marketing
            else "Not a marketing segment: the RG guard does not apply to this list.",
        ),
    ):
        about.append([WriteOnlyCell(about, value=key), cell(value)])

    part = path.with_name(f".{path.name}.part")
    try:
        book.save(part)
        os.replace(part, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            part.unlink()
