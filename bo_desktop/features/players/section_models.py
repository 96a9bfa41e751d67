"""The smaller profile sections (sessions, KYC, limits, bonuses, loyalty, alerts, disputes, notes,
audit) as one table model driven by column specs.

These lists hold tens to a few hundred rows, so the model keeps the contract objects and a spec
per section says how each column reads (``display``) and sorts (``raw``). Nine hand-written
models with the same ``data()`` would only differ in these two lambdas.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt

from bo_desktop.contract.alerts import Alert
from bo_desktop.contract.audit import AuditRecord
from bo_desktop.contract.disputes import Dispute
from bo_desktop.contract.players import Bonus, GameSession, KycDocument, LoyaltyEntry, Note, RgLimit
from bo_desktop.core.cache import ReferenceCache
from bo_desktop.widgets.record_table import RecordTableModel
from bo_desktop.widgets.tooltip import plain_tooltip

from .format import day, limit_value, money, when, words
from .model import ID_ROLE, SORT_ROLE, Index

_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def _ts(value: datetime | None) -> float:
    """A sort key for an optional timestamp (missing ones sort first)."""
    return value.timestamp() if value is not None else 0.0


@dataclass(frozen=True)
class Column:
    title: str
    display: Callable[[Any], str]
    raw: Callable[[Any], Any] | None = None  # sort key; defaults to the display text
    right: bool = False


def _sessions(_cache: ReferenceCache | None) -> list[Column]:
    def duration(s: GameSession) -> str:
        if s.ended_at is None:
            return "open"
        minutes = int((s.ended_at - s.started_at).total_seconds() // 60)
        return f"{minutes} min"

    return [
        Column("Started", lambda s: when(s.started_at), lambda s: s.started_at),
        Column("Duration", duration, lambda s: (s.ended_at or s.started_at) - s.started_at, right=True),
        Column("IP country", lambda s: s.ip_country),
        Column("IP", lambda s: s.ip),
        Column("Device", lambda s: words(s.device)),
        Column("User agent", lambda s: s.user_agent or ""),
    ]


def _kyc(cache: ReferenceCache | None) -> list[Column]:
    def reviewer(d: KycDocument) -> str:
        return (
            cache.staff_name(d.reviewed_by) if cache is not None and d.reviewed_by else (d.reviewed_by or "")
        )

    return [
        Column("Document", lambda d: words(d.kind)),
        Column("Status", lambda d: words(d.status)),
        Column("File", lambda d: d.file_name or ""),
        Column(
            "Uploaded",
            lambda d: when(d.uploaded_at or d.requested_at),
            lambda d: _ts(d.uploaded_at or d.requested_at),
        ),
        Column("Decided by", reviewer),
        Column("Decided", lambda d: when(d.reviewed_at), lambda d: _ts(d.reviewed_at)),
        Column("Reason", lambda d: words(d.reason_code)),
        Column("Comment", lambda d: d.comment or ""),
    ]


def _limits(cache: ReferenceCache | None) -> list[Column]:
    def who(limit: RgLimit) -> str:
        if limit.created_by is None:
            return "Player"
        return cache.staff_name(limit.created_by) if cache is not None else limit.created_by

    return [
        Column("Limit", lambda lim: words(lim.kind)),
        Column(
            "Value",
            lambda lim: limit_value(cache, lim.kind, lim.value, lim.currency),
            lambda lim: lim.value,
            True,
        ),
        Column("Status", lambda lim: words(lim.status)),
        Column("Effective", lambda lim: when(lim.effective_at), lambda lim: lim.effective_at),
        Column("Set", lambda lim: when(lim.created_at), lambda lim: lim.created_at),
        Column("By", who),
        Column("Reason", lambda lim: lim.reason or ""),
    ]


def _bonuses(cache: ReferenceCache | None) -> list[Column]:
    def progress(b: Bonus) -> str:
        if b.wagering_required_minor <= 0:
            return "—"
        share = min(100.0, 100.0 * b.wagered_minor / b.wagering_required_minor)
        done = money(cache, b.wagered_minor, b.currency)
        return f"{share:.0f}%  ({done} of {money(cache, b.wagering_required_minor, b.currency)})"

    def ratio(b: Bonus) -> float:
        return b.wagered_minor / b.wagering_required_minor if b.wagering_required_minor else 1.0

    return [
        Column("Bonus", lambda b: b.name),
        Column("Amount", lambda b: money(cache, b.amount_minor, b.currency), lambda b: b.amount_minor, True),
        Column("Status", lambda b: words(b.status)),
        Column("Wagering", progress, ratio),
        Column("Granted", lambda b: when(b.granted_at), lambda b: b.granted_at),
        Column("Expires", lambda b: day(b.expires_at), lambda b: _ts(b.expires_at)),
    ]


def _loyalty(_cache: ReferenceCache | None) -> list[Column]:
    return [
        Column("Time", lambda e: when(e.created_at), lambda e: e.created_at),
        Column("Kind", lambda e: words(e.kind)),
        Column("Points", lambda e: f"{e.points:+,}", lambda e: e.points, True),
        Column("Balance", lambda e: f"{e.balance_after:,}", lambda e: e.balance_after, True),
        Column("Reason", lambda e: e.reason),
    ]


def _alerts(cache: ReferenceCache | None) -> list[Column]:
    return [
        Column("Raised", lambda a: when(a.created_at), lambda a: a.created_at),
        Column("ID", lambda a: a.id),
        Column("Kind", lambda a: a.kind.value.upper()),
        Column("Rule", lambda a: a.rule_label),
        Column("Severity", lambda a: words(a.severity)),
        Column("Status", lambda a: words(a.status)),
        Column(
            "Amount", lambda a: money(cache, a.amount_minor, a.currency), lambda a: a.amount_minor or 0, True
        ),
        Column("Assignee", lambda a: a.assignee_name or ""),
    ]


def _disputes(_cache: ReferenceCache | None) -> list[Column]:
    return [
        Column("Opened", lambda d: when(d.created_at), lambda d: d.created_at),
        Column("ID", lambda d: d.id),
        Column("Subject", lambda d: d.subject),
        Column("Kind", lambda d: words(d.kind)),
        Column("Priority", lambda d: words(d.priority)),
        Column("Status", lambda d: words(d.status)),
        Column("Assignee", lambda d: d.assignee_name or ""),
        Column("SLA due", lambda d: when(d.sla_due_at), lambda d: _ts(d.sla_due_at)),
    ]


def _notes(_cache: ReferenceCache | None) -> list[Column]:
    return [
        Column("", lambda n: "📌" if n.pinned else "", lambda n: n.pinned),
        Column("Written", lambda n: when(n.created_at), lambda n: n.created_at),
        Column("Author", lambda n: n.author_name),
        Column("Note", lambda n: n.body.replace("\n", " ⏎ ")),
    ]


def _audit(_cache: ReferenceCache | None) -> list[Column]:
    def change(r: AuditRecord) -> str:
        before, after = r.before or {}, r.after or {}
        keys = [k for k in after if k != "version" and before.get(k) != after.get(k)]
        return ", ".join(f"{k}: {before.get(k)} → {after.get(k)}" for k in keys)

    return [
        Column("#", lambda r: str(r.seq), lambda r: r.seq, True),
        Column("Time", lambda r: when(r.at, seconds=True), lambda r: r.at),
        Column("Who", lambda r: r.actor_name),
        Column("Action", lambda r: r.action),
        Column("Entity", lambda r: f"{r.entity_type} {r.entity_id}"),
        Column("Change", change),
        Column("Reason", lambda r: r.reason or ""),
    ]


SECTION_COLUMNS: dict[str, Callable[[ReferenceCache | None], list[Column]]] = {
    "sessions": _sessions,
    "kyc": _kyc,
    "limits": _limits,
    "bonuses": _bonuses,
    "loyalty": _loyalty,
    "alerts": _alerts,
    "disputes": _disputes,
    "notes": _notes,
    "audit": _audit,
}
SECTION_ITEM_TYPES = {
    "sessions": GameSession,
    "kyc": KycDocument,
    "limits": RgLimit,
    "bonuses": Bonus,
    "loyalty": LoyaltyEntry,
    "alerts": Alert,
    "disputes": Dispute,
    "notes": Note,
    "audit": AuditRecord,
}


class RecordsModel(RecordTableModel[Any]):
    """Rows of one section; ``section`` picks the columns (a key of ``SECTION_COLUMNS``)."""

    def __init__(self, section: str, cache: ReferenceCache | None = None, parent: Any = None) -> None:
        columns = SECTION_COLUMNS[section](cache)
        super().__init__([column.title for column in columns], parent)
        self.section = section
        self._columns = columns

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.record(index)
        if item is None:
            return None
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.display(item)
        if role == Qt.ItemDataRole.ToolTipRole:  # long notes and reasons are read here in full
            return plain_tooltip(column.display(item))
        if role == SORT_ROLE:
            return column.raw(item) if column.raw is not None else column.display(item)
        if role == ID_ROLE:
            return getattr(item, "id", None)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.right:
            return _RIGHT
        return None

    def item(self, row: int) -> Any:
        return self._rows[row]

    def items(self) -> list[Any]:
        return list(self._rows)

    def reset_items(self, items: Sequence[Any] = ()) -> None:
        self.reset_rows(items)

    def clear(self) -> None:
        self.reset_rows()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        spec = self._columns[column]
        self._sort_by(spec.raw or spec.display, order)
