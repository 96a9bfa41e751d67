"""Segment members → .xlsx (Qt-free, blocking: run it in a worker thread).

One sheet of player rows and an "About" sheet saying what the file is; ``core.xlsx`` writes them
(frozen bold header, autofilter, player-supplied text that Excel would read as a formula kept as
text, a file that appears only when complete).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bo_desktop.contract.players import PlayerSummary
from bo_desktop.core.xlsx import Column, Sheet, write_workbook

COLUMNS = (
    Column("Player ID", 12),
    Column("First name", 16),
    Column("Last name", 18),
    Column("Username", 18),
    Column("E-mail", 30),
    Column("Country", 9),
    Column("Jurisdiction", 12),
    Column("Currency", 9),
    Column("Status", 13),
    Column("KYC", 12),
    Column("Risk", 9),
    Column("VIP tier", 10),
    Column("Registered (UTC)", 20),
    Column("Last login (UTC)", 20),
)


@dataclass
class MemberSheet:
    segment_name: str
    segment_id: str
    members: list[PlayerSummary]
    marketing: bool = True
    exported_at: datetime = field(default_factory=lambda: datetime.now(UTC))


def _to_second(moment: datetime | None) -> datetime | None:
    return moment.replace(microsecond=0) if moment else None


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
        _to_second(p.registered_at),
        _to_second(p.last_login_at),
    ]


def write_members(path: Path, sheet: MemberSheet) -> None:
    rg_guard = (
        "Self-excluded, cooling-off and open-RG-alert players were left out by the server."
        if sheet.marketing
        else "Not a marketing segment: the RG guard does not apply to this list."
    )
    about = [
        ("Segment", sheet.segment_name),
        ("Segment id", sheet.segment_id),
        ("Members", len(sheet.members)),
        ("Exported (UTC)", _to_second(sheet.exported_at)),
        ("RG guard", rg_guard),
    ]
    rows = (member_values(member) for member in sheet.members)
    write_workbook(path, [Sheet("Members", COLUMNS, rows)], about=about)
