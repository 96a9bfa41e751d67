"""The facts at the top of a ticket: who, what, status, priority, assignee, SLA, ADR deadline."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from bo_desktop.contract.disputes import Dispute
from bo_desktop.contract.enums import DisputePriority
from bo_desktop.widgets.labels import mute, plain_label
from bo_desktop.widgets.money import format_money
from bo_desktop.widgets.naming import named

from .domain import (
    KIND_LABELS,
    OUTCOME_LABELS,
    PRIORITY_LABELS,
    STATUS_LABELS,
    SlaClock,
    SlaState,
    sla_state,
    sla_text,
)
from .model import AT_RISK_COLOUR, OVERDUE_COLOUR, PAUSED_COLOUR


def _local(value: datetime) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M")


class TicketHeader(QWidget):
    open_player = Signal(str)
    priority_chosen = Signal(str)
    assign_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._player_id = ""
        self._ticket: Dispute | None = None
        self.title = named(plain_label(wrap=True), "ticketTitle")
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.player = named(QPushButton(), "ticketPlayer")
        self.player.setFlat(True)
        self.player.setToolTip("Open the player's profile")
        self.player.setStyleSheet("text-align: left; padding: 0;")
        self.player.clicked.connect(lambda: self.open_player.emit(self._player_id))
        self.kind = named(mute(plain_label()), "ticketKind")
        self.status = named(plain_label(), "ticketStatus")
        self.priority = named(QComboBox(), "ticketPriority")
        for priority in DisputePriority:
            self.priority.addItem(PRIORITY_LABELS[priority], priority.value)
        self.priority.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.priority.activated.connect(lambda _i: self.priority_chosen.emit(self.priority.currentData()))
        self.assignee = named(plain_label(), "ticketAssignee")
        self.assign = named(QPushButton("Assign…"), "ticketAssign")
        self.assign.setToolTip("Assign or reassign, with a reason (Ctrl+Shift+A)")
        self.assign.clicked.connect(self.assign_clicked)
        self.sla = named(plain_label(), "ticketSla")
        self.adr = named(plain_label(), "ticketAdr")
        self.adr.setToolTip("Last day before the player may refer the complaint to the ADR body")
        self.created = named(plain_label(), "ticketCreated")
        self.resolution = named(plain_label(wrap=True), "ticketResolution")

        who = QHBoxLayout()
        who.setContentsMargins(0, 0, 0, 0)
        who.addWidget(self.player)
        who.addWidget(self.kind)
        who.addStretch(1)
        assignee = QHBoxLayout()
        assignee.setContentsMargins(0, 0, 0, 0)
        assignee.addWidget(self.assignee)
        assignee.addWidget(self.assign)
        assignee.addStretch(1)
        left = QFormLayout()
        left.addRow("Status", self.status)
        left.addRow("Priority", self.priority)
        left.addRow("Assignee", assignee)
        right = QFormLayout()
        right.addRow("SLA", self.sla)
        right.addRow("ADR deadline", self.adr)
        right.addRow("Created", self.created)
        facts = QHBoxLayout()
        facts.addLayout(left, 1)
        facts.addSpacing(24)
        facts.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addLayout(who)
        layout.addLayout(facts)
        layout.addWidget(self.resolution)

    def show_ticket(self, d: Dispute, can_write: bool) -> None:
        self._ticket = d
        self._player_id = d.player_id
        self.title.setText(f"{d.id} · {d.subject}")
        self.player.setText(f"{d.player_name} ({d.player_id}) ›")
        self.kind.setText(f"· {KIND_LABELS.get(d.kind, d.kind)} · {d.jurisdiction}")
        self.status.setText(STATUS_LABELS.get(d.status, d.status))
        self.status.setStyleSheet(f"color: {OVERDUE_COLOUR.name()};" if d.status == "escalated" else "")
        self.priority.setCurrentIndex(self.priority.findData(d.priority.value))
        self.priority.setEnabled(can_write and d.status != "closed")
        self.assignee.setText(d.assignee_name or "Unassigned")
        self.assign.setVisible(can_write)
        self.assign.setEnabled(d.status not in ("resolved", "closed"))
        self.created.setText(_local(d.created_at))
        self.refresh_clock()
        self.resolution.setVisible(d.resolution is not None)
        if d.resolution is not None:
            r = d.resolution
            money = (
                f" · compensation {format_money(r.compensation_minor, r.currency)}"
                if r.compensation_minor
                else ""
            )
            approval = ""
            if r.needs_approval:
                approval = (
                    " · approved by a manager" if r.approved_by else " · waiting for a manager's approval"
                )
            self.resolution.setText(
                f"Resolution: {OUTCOME_LABELS.get(r.outcome, r.outcome)}{money}{approval}. {r.summary}"
            )

    def refresh_clock(self) -> None:
        d = self._ticket
        if d is None:
            return
        clock = SlaClock.of(d)
        state, left = sla_state(
            d.status.value, clock.priority, clock.due_epoch, clock.paused_left, clock.breached, time.time()
        )
        text = sla_text(state, left)
        if state in (SlaState.RUNNING, SlaState.AT_RISK, SlaState.OVERDUE) and d.sla_due_at:
            text += f" (due {_local(d.sla_due_at)})"
        elif state is SlaState.PAUSED:
            text += " — clock stopped while waiting on the player"
        colour = {
            SlaState.OVERDUE: OVERDUE_COLOUR,
            SlaState.AT_RISK: AT_RISK_COLOUR,
            SlaState.PAUSED: PAUSED_COLOUR,
        }.get(state)
        self.sla.setText(text)
        self.sla.setStyleSheet(f"color: {colour.name()};" if colour else "")
        if d.adr_deadline:
            days = (d.adr_deadline - datetime.now(UTC)).days
            when = f"in {days} days" if days >= 0 else f"passed {-days} days ago"
            self.adr.setText(f"{d.adr_deadline.astimezone().strftime('%Y-%m-%d')} ({when})")
        else:
            self.adr.setText("—")
