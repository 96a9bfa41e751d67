"""Ticket action dialogs: assign, resolve, link.

Each action dialog stays open until the server accepted the change: on a failure the message
appears inside the dialog (field errors next to their field) and everything typed stays. One
dialog is one user intent, so its Idempotency-Key (``self.intent``) is reused on every retry.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from bo_desktop.contract.common import FieldError
from bo_desktop.contract.disputes import Dispute, DisputeAssign, DisputeResolve
from bo_desktop.contract.enums import DisputeOutcome
from bo_desktop.contract.reference import ReasonCode
from bo_desktop.core.api.errors import ApiError, PreconditionFailed, ValidationFailed
from bo_desktop.core.tasks import TaskRunner
from bo_desktop.widgets.labels import mute, plain_label
from bo_desktop.widgets.money import format_money
from bo_desktop.widgets.naming import named

from .conflict import author, current_of, when
from .domain import LINK_LABELS, OUTCOME_LABELS
from .errors import explain
from .service import Intent

COMPENSATION_APPROVAL_EUR_MINOR = 50_000  # docs/api.md: EUR 500 equivalent; the server decides
ERROR_STYLE = "color: #c62828;"
Submit = Callable[[Any, Intent], Coroutine[Any, Any, Any]]


class ActionDialog(QDialog):
    """A form whose OK sends one intent; failures keep the dialog and the input."""

    def __init__(
        self, title: str, object_name: str, tasks: TaskRunner, submit: Submit, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName(object_name)
        self.intent = Intent()
        self.result_value: Any = None
        self._tasks = tasks
        self._submit = submit
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.message = named(plain_label(wrap=True), "dialogMessage")
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setObjectName("dialogOk")
        self.buttons.accepted.connect(self._accept_clicked)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self._field_errors: dict[str, QLabel] = {}

    def add_field(self, label: str, field: str, widget: QWidget) -> None:
        """A form row with an (initially hidden) error line under it, keyed by the API field."""
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        error = named(plain_label(wrap=True), f"error_{field}")
        error.setStyleSheet(ERROR_STYLE)
        error.hide()
        column.addWidget(error)
        self._field_errors[field] = error
        self.form.addRow(label, box)

    def body(self) -> Any:
        """The request body from the form, or None after showing what is missing."""
        raise NotImplementedError

    def show_errors(self, message: str, errors: Sequence[FieldError] = ()) -> None:
        for label in self._field_errors.values():
            label.hide()
        unplaced: list[str] = []
        for error in errors:
            field_label = self._field_errors.get(error.field)
            if field_label is None:
                unplaced.append(f"{error.field}: {error.message}")
                continue
            field_label.setText(error.message)
            field_label.show()
        self.message.setText(" ".join([message, *unplaced]).strip())
        self.message.setVisible(bool(self.message.text()))

    def _accept_clicked(self) -> None:
        body = self.body()
        if body is None:
            return
        self.ok.setEnabled(False)
        self.message.setText("Sending…")
        self.message.setStyleSheet("")
        self.message.show()
        self._tasks.start(
            self._submit(body, self.intent), owner=self, on_result=self._done, on_error=self._failed
        )

    def _done(self, value: Any) -> None:
        self.result_value = value
        self.accept()

    def _failed(self, exc: ApiError) -> None:
        self.ok.setEnabled(True)
        self.message.setStyleSheet(ERROR_STYLE)
        errors = exc.errors if isinstance(exc, ValidationFailed) else []
        text = explain(exc)
        if isinstance(exc, PreconditionFailed):
            current = current_of(exc)
            if current is not None:
                text = f"{author(current)} changed this ticket{when(current.updated_at)} after you opened it."
            text += " The ticket behind this window is now up to date; press OK to apply your change to it."
        self.show_errors(text, errors)


class AssignDialog(ActionDialog):
    def __init__(
        self,
        ticket: Dispute,
        staff: Sequence[tuple[str, str]],
        reasons: Sequence[ReasonCode],
        me: str,
        tasks: TaskRunner,
        submit: Submit,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(f"Assign {ticket.id}", "assignDialog", tasks, submit, parent)
        self.assignee = named(QComboBox(), "assignAssignee")
        self.assignee.addItem("Nobody (unassigned)", None)
        for staff_id, name in staff:
            self.assignee.addItem(f"{name} (me)" if staff_id == me else name, staff_id)
        current = self.assignee.findData(me if ticket.assignee_id is None else ticket.assignee_id)
        self.assignee.setCurrentIndex(max(0, current))
        self.reason_code = named(QComboBox(), "assignReasonCode")
        self.reason_code.addItem("—", None)
        for reason in reasons:
            self.reason_code.addItem(reason.label, reason.code)
        self.reason = named(QLineEdit(), "assignReason")
        self.reason.setPlaceholderText("Why does the ticket change hands? (required)")
        self.reason.setMinimumWidth(360)
        holder = ticket.assignee_name or "nobody"
        self.form.addRow(mute(plain_label(f"Currently assigned to {holder}.")))
        self.add_field("Assign to", "assignee_id", self.assignee)
        self.add_field("Reason code", "reason_code", self.reason_code)
        self.add_field("Reason", "reason", self.reason)
        self.reason.setFocus()

    def body(self) -> DisputeAssign | None:
        if not self.reason.text().strip():
            self.show_errors("", [FieldError(field="reason", message="A reason is required.")])
            self.reason.setFocus()
            return None
        return DisputeAssign(
            assignee_id=self.assignee.currentData(),
            reason=self.reason.text().strip(),
            reason_code=self.reason_code.currentData(),
        )


def parse_amount(text: str, minor_units: int = 2) -> int | None:
    """ "1 234,50" / "1234.5" → 123450; None when it is not an amount."""
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    cleaned = cleaned.replace(",", "")
    if not cleaned:
        return 0
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    minor = value.scaleb(minor_units)
    if value < 0 or minor != minor.to_integral_value():
        return None
    return int(minor)


class ResolveDialog(ActionDialog):
    def __init__(self, ticket: Dispute, currencies: Sequence[str], eur_rate: Callable[[str], float | None],
                 default_currency: str, tasks: TaskRunner, submit: Submit,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(f"Resolve {ticket.id}", "resolveDialog", tasks, submit, parent)
        self._eur_rate = eur_rate
        self.outcome = named(QComboBox(), "resolveOutcome")
        for outcome in DisputeOutcome:
            self.outcome.addItem(OUTCOME_LABELS[outcome], outcome.value)
        self.summary = named(QPlainTextEdit(), "resolveSummary")
        self.summary.setPlaceholderText(
            "What was decided and why (goes on file; the player is told separately)"
        )
        self.summary.setTabChangesFocus(True)
        self.summary.setMinimumSize(380, 90)
        self.amount = named(QLineEdit(), "resolveAmount")
        self.amount.setPlaceholderText("0.00")
        self.currency = named(QComboBox(), "resolveCurrency")
        self.currency.addItems(list(currencies))
        self.currency.setCurrentText(default_currency)
        self.approval_hint = named(plain_label(wrap=True), "resolveApprovalHint")
        self.add_field("Outcome", "outcome", self.outcome)
        self.add_field("Summary", "summary", self.summary)
        money = QWidget()
        money_row = QHBoxLayout(money)
        money_row.setContentsMargins(0, 0, 0, 0)
        money_row.addWidget(self.amount, 1)
        money_row.addWidget(self.currency)
        self.add_field("Compensation", "compensation_minor", money)
        self.form.addRow(self.approval_hint)
        for signal in (
            self.amount.textChanged,
            self.currency.currentTextChanged,
            self.outcome.currentIndexChanged,
        ):
            signal.connect(self._update_hint)
        self._update_hint()

    def _update_hint(self, *_args: object) -> None:
        rejected = self.outcome.currentData() == DisputeOutcome.REJECTED.value
        self.amount.setEnabled(not rejected)
        self.currency.setEnabled(not rejected)
        minor = 0 if rejected else parse_amount(self.amount.text())
        rate = self._eur_rate(self.currency.currentText())
        if not minor or rate is None:
            self.approval_hint.setText("")
            return
        eur = round(minor * rate)
        if eur >= COMPENSATION_APPROVAL_EUR_MINOR:
            limit = format_money(COMPENSATION_APPROVAL_EUR_MINOR, "EUR")
            self.approval_hint.setText(
                f"About {format_money(eur, 'EUR')}: at or above {limit}, so a manager must approve "
                "the compensation before the ticket can be closed."
            )
        else:
            self.approval_hint.setText(f"About {format_money(eur, 'EUR')}: no approval needed.")

    def body(self) -> DisputeResolve | None:
        rejected = self.outcome.currentData() == DisputeOutcome.REJECTED.value
        minor = 0 if rejected else parse_amount(self.amount.text())
        problems = []
        if minor is None:
            problems.append(FieldError(field="compensation_minor", message="Enter an amount such as 125.00."))
        if not self.summary.toPlainText().strip():
            problems.append(FieldError(field="summary", message="A summary is required."))
        if problems:
            self.show_errors("", problems)
            return None
        return DisputeResolve(
            outcome=DisputeOutcome(self.outcome.currentData()),
            summary=self.summary.toPlainText().strip(),
            compensation_minor=minor or 0,
            currency=self.currency.currentText() if minor else None,
        )


class LinkDialog(ActionDialog):
    def __init__(
        self, ticket: Dispute, tasks: TaskRunner, submit: Submit, parent: QWidget | None = None
    ) -> None:
        super().__init__(f"Link to {ticket.id}", "linkDialog", tasks, submit, parent)
        self.kind = named(QComboBox(), "linkKind")
        for kind, label in LINK_LABELS.items():
            self.kind.addItem(label, kind)
        self.target = named(QLineEdit(), "linkTarget")
        self.target.setPlaceholderText("T-00001234, W-000123 or a round id")
        self.form.addRow(mute(plain_label(f"Items of {ticket.player_name} ({ticket.player_id}) only.")))
        self.add_field("Kind", "kind", self.kind)
        self.add_field("Id", "target_id", self.target)

    def body(self) -> tuple[str, str] | None:
        if not self.target.text().strip():
            self.show_errors("", [FieldError(field="target_id", message="Enter the id to link.")])
            return None
        return self.kind.currentData(), self.target.text().strip()
