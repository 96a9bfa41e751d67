"""The selected alert: facts, transition history, workflow buttons and actions on the player.

Only plain text: rule details and rationales may quote player-supplied text. The buttons are
rebuilt for each alert from ``service.next_steps`` (what this user may do now); actions the user's
permissions do not cover are hidden, not merely disabled, as the server would refuse them anyway.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from bo_desktop.contract.alerts import Alert
from bo_desktop.contract.enums import Permission
from bo_desktop.core.context import AppContext
from bo_desktop.widgets.labels import mute, plain_label
from bo_desktop.widgets.money import format_money
from bo_desktop.widgets.naming import named

from .service import ACTIVE, STATUS_LABELS, Step, alert_proposer, next_steps


def _when(at: datetime) -> str:
    return at.astimezone().strftime("%Y-%m-%d %H:%M")


class AlertDetail(QWidget):
    step_requested = Signal(object)  # Step
    action_requested = Signal(str)  # assign_me | open_player | restrict | documents | rg

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("alertDetail")
        self.ctx = ctx
        self.alert: Alert | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 0, 0, 0)
        self.title = named(plain_label("Select an alert to see its details.", wrap=True), "alertTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.title.setFont(font)
        layout.addWidget(self.title)

        facts = QFormLayout()
        facts.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.fields = {
            name: named(plain_label(wrap=True), f"alert_{name}")
            for name in (
                "status",
                "severity",
                "player",
                "amount",
                "assignee",
                "created",
                "reference",
                "detail",
            )
        }
        for name, label in (
            ("status", "Status"),
            ("severity", "Severity"),
            ("player", "Player"),
            ("amount", "Amount"),
            ("assignee", "Assignee"),
            ("created", "Raised"),
            ("reference", "Report ref."),
            ("detail", "Detail"),
        ):
            self.fields[name].setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            facts.addRow(label, self.fields[name])
        layout.addLayout(facts)

        self.review_note = mute(named(plain_label(wrap=True), "secondReviewBanner"))
        layout.addWidget(self.review_note)
        self.steps_row = QHBoxLayout()
        layout.addLayout(self.steps_row)
        self.step_buttons: list[QPushButton] = []

        actions = QGroupBox("Actions")
        # Two rows, so the detail stays narrow enough for the table beside it to show every column.
        grid = QGridLayout(actions)
        self.action_buttons: dict[str, QPushButton] = {}
        for key, text, name, permission in (
            ("assign_me", "Assign to me", "alertAssignMe", Permission.ALERTS_WRITE),
            ("open_player", "Open player", "alertOpenPlayer", Permission.PLAYERS_READ),
            ("restrict", "Restrict…", "alertRestrict", Permission.PLAYERS_STATUS),
            ("documents", "Request documents…", "alertRequestDocs", Permission.KYC_REVIEW),
            ("rg", "RG interaction…", "alertRgInteraction", Permission.ALERTS_WRITE),
        ):
            button = named(QPushButton(text), name)
            button.setVisible(ctx.can(permission))
            button.clicked.connect(lambda _checked=False, k=key: self.action_requested.emit(k))
            index = len(self.action_buttons)
            grid.addWidget(button, 0 if index < 2 else 1, index if index < 2 else index - 2)
            self.action_buttons[key] = button
        grid.setColumnStretch(3, 1)
        layout.addWidget(actions)

        layout.addWidget(plain_label("History"))
        # Plain text that wraps: an auditor reads each rationale in full, however long it is.
        self.history = named(QPlainTextEdit(), "alertHistory")
        self.history.setReadOnly(True)
        self.history.setPlaceholderText("No transitions yet.")
        layout.addWidget(self.history, 1)
        self.show_alert(None)

    def show_alert(self, alert: Alert | None) -> None:
        self.alert = alert
        while self.steps_row.count():
            item = self.steps_row.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.setObjectName("")  # deleted later: must not be found by name meanwhile
                widget.deleteLater()
        self.step_buttons = []
        self.history.clear()
        for button in self.action_buttons.values():
            button.setEnabled(alert is not None)
        if alert is None:
            self.title.setText("Select an alert to see its details.")
            for label in self.fields.values():
                label.setText("")
            self.review_note.setText("")
            return
        self.title.setText(f"{alert.id} · {alert.rule_label}")
        amount = format_money(alert.amount_minor, alert.currency) if alert.amount_minor is not None else "—"
        values = {
            "status": STATUS_LABELS[alert.status],
            "severity": alert.severity.value.capitalize(),
            "player": f"{alert.player_name} ({alert.player_id})",
            "amount": amount,
            "assignee": alert.assignee_name or "Unassigned",
            "created": _when(alert.created_at),
            "reference": alert.report_reference or "—",
            "detail": alert.detail or "—",
        }
        for name, text in values.items():
            self.fields[name].setText(text)
        self.review_note.setText(self._review_text(alert))
        for step in next_steps(alert, self.ctx.me.staff_id, set(self.ctx.me.permissions)):
            self._add_step(step)
        self.steps_row.addStretch(1)
        active = alert.status in ACTIVE
        self.action_buttons["assign_me"].setEnabled(active and alert.assignee_id != self.ctx.me.staff_id)
        self.action_buttons["rg"].setEnabled(active)
        entries = []
        for record in alert.history:
            change = f"{STATUS_LABELS[record.from_status]} → {STATUS_LABELS[record.to_status]}"
            entries.append(f"{_when(record.at)} · {record.staff_name} · {change}\n{record.rationale}")
        self.history.setPlainText("\n\n".join(entries))

    def _review_text(self, alert: Alert) -> str:
        if alert.status.value != "awaiting_second_review":
            return ""
        proposer = alert_proposer(alert)
        if proposer == self.ctx.me.staff_id:
            return (
                "You proposed closing this alert with no action; another compliance officer must confirm it."
            )
        who = self.ctx.cache.staff_name(proposer) if proposer else "A colleague"
        return f"{who} proposed closing this alert with no action. Confirm it, or send it back."

    def _add_step(self, step: Step) -> None:
        button = named(QPushButton(step.label), step.object_name)
        button.clicked.connect(lambda _checked=False, s=step: self.step_requested.emit(s))
        self.steps_row.addWidget(button)
        self.step_buttons.append(button)
