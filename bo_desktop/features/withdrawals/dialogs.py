"""Confirmations for money actions and the bulk result list.

:class:`DecisionDialog` stays open while its request runs: a refusal (412, 409, 422, 429, no
connection) is shown inside it, next to the field when the server names one, and nothing the
user typed is lost. It closes only when the decision is recorded or the user cancels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from bo_desktop.contract.payments import ApproveRequest, RejectRequest
from bo_desktop.contract.reference import ReasonCode
from bo_desktop.widgets.labels import mute, plain_label
from bo_desktop.widgets.naming import named

from .detail_tables import Cell, Row, RowsModel, small_table
from .message_bar import Level, MessageBar
from .service import Action

MAX_COMMENT = 2000


class DecisionDialog(QDialog):
    """Approve or reject one or more withdrawals; emits :attr:`submitted` with the request body."""

    submitted = Signal(object)  # ApproveRequest | RejectRequest

    def __init__(
        self,
        action: Action,
        title: str,
        summary: str,
        reasons: Sequence[ReasonCode] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.action = action
        self.setObjectName(f"{action.value}Dialog")
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        self.summary = named(plain_label(summary, wrap=True), "decisionSummary")
        layout.addWidget(self.summary)
        self.message = MessageBar()
        layout.addWidget(self.message)

        form = QFormLayout()
        self.reason = named(QComboBox(), "rejectReason")
        self.reason_error = self._field_error("rejectReasonError")
        if action is Action.REJECT:
            self.reason.addItem("Choose a reason…", None)
            for reason in reasons:
                self.reason.addItem(reason.label, reason.code)
            form.addRow(plain_label("Reason (required)"), self.reason)
            form.addRow("", self.reason_error)
            self.reason.currentIndexChanged.connect(self._validate)
        self.comment = named(QPlainTextEdit(), "decisionComment")
        self.comment.setTabChangesFocus(True)
        self.comment.setPlaceholderText(
            "Why (kept in the audit trail). Ctrl+Enter sends."
            if action is Action.REJECT
            else "Optional note for the audit trail. Ctrl+Enter sends."
        )
        self.comment.setFixedHeight(self.comment.fontMetrics().height() * 4 + 12)
        self.comment.textChanged.connect(self._validate)
        self.comment_error = self._field_error("decisionCommentError")
        form.addRow(plain_label("Comment"), self.comment)
        form.addRow("", self.comment_error)
        layout.addLayout(form)

        self.buttons = QDialogButtonBox()
        verb = "Approve" if action is Action.APPROVE else "Reject"
        self.confirm = named(
            self.buttons.addButton(verb, QDialogButtonBox.ButtonRole.AcceptRole), "confirmButton"
        )
        self.cancel = named(self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel), "cancelButton")
        if self.confirm is not None:
            self.confirm.setDefault(True)
        self.buttons.accepted.connect(self._submit)
        # Enter in the comment is a new line; Ctrl+Enter confirms from anywhere in the dialog.
        send = QShortcut(QKeySequence("Ctrl+Return"), self)
        send.activated.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._busy = False
        self._validate()
        (self.reason if action is Action.REJECT else self.comment).setFocus()

    @staticmethod
    def _field_error(name: str) -> QWidget:
        label = named(plain_label(wrap=True), name)
        label.setStyleSheet("color: #c62828;")
        label.hide()
        return label

    # -- input -----------------------------------------------------------------------------------

    def body(self) -> ApproveRequest | RejectRequest:
        comment = self.comment.toPlainText().strip()
        if self.action is Action.APPROVE:
            return ApproveRequest(comment=comment)
        return RejectRequest(reason_code=str(self.reason.currentData() or ""), comment=comment)

    def _validate(self) -> None:
        too_long = len(self.comment.toPlainText()) > MAX_COMMENT
        self._set_field_error(self.comment_error, f"At most {MAX_COMMENT} characters." if too_long else "")
        ok = not too_long and (self.action is Action.APPROVE or self.reason.currentData() is not None)
        if self.confirm is not None:
            self.confirm.setEnabled(ok and not self._busy)

    def _submit(self) -> None:
        if self.confirm is not None and self.confirm.isEnabled():
            self.submitted.emit(self.body())

    def reject(self) -> None:
        # While the decision is on its way the dialog stays: closing it would hide the outcome
        # of a money action (Escape and the window's close button both come here).
        if not self._busy:
            super().reject()

    # -- what the controller tells it -------------------------------------------------------------

    def set_busy(self, busy: bool, text: str = "") -> None:
        self._busy = busy
        self.reason.setEnabled(not busy)
        self.comment.setReadOnly(busy)
        if busy:
            self.message.show_message(text or "Sending…", Level.INFO)
        self._validate()

    def set_summary(self, text: str) -> None:
        self.summary.setText(text)
        self._fit()

    def show_problem(
        self, text: str, level: Level = Level.ERROR, fields: dict[str, str] | None = None
    ) -> None:
        self.set_busy(False)
        fields = fields or {}
        self._set_field_error(self.reason_error, fields.get("reason_code", ""))
        self._set_field_error(self.comment_error, fields.get("comment", ""))
        self.message.show_message(text, level)
        self._fit()

    def _fit(self) -> None:
        # A dialog does not grow by itself when a message appears: make room for all of it.
        layout = self.layout()
        if layout is not None:
            layout.activate()
        hint = self.sizeHint()
        self.resize(max(self.width(), hint.width()), max(self.height(), hint.height()))

    @staticmethod
    def _set_field_error(label: QWidget, text: str) -> None:
        label.setText(text)  # type: ignore[attr-defined]
        label.setVisible(bool(text))


@dataclass(frozen=True)
class BulkLine:
    withdrawal_id: str
    ok: bool
    result: str  # "Approved", "Awaiting 2nd approver", "Not approved"...
    detail: str


class BulkResultDialog(QDialog):
    """Per-item results of a bulk decision. Failed items are listed, never retried by themselves."""

    select_failed = Signal(list)  # withdrawal ids

    def __init__(self, title: str, lines: Sequence[BulkLine], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bulkResultDialog")
        self.setWindowTitle(title)
        self.resize(720, 360)
        layout = QVBoxLayout(self)
        failed = [line for line in lines if not line.ok]
        done = len(lines) - len(failed)
        self.summary = named(
            plain_label(f"{done} of {len(lines)} done, {len(failed)} not done.", wrap=True), "bulkSummary"
        )
        layout.addWidget(self.summary)
        if failed:
            layout.addWidget(
                mute(
                    plain_label(
                        "Items that were not done were left as they are: review them one by one.", wrap=True
                    )
                )
            )
        self.model = RowsModel(("Withdrawal", "Result", "Details"), self)
        self.model.set_rows(
            [
                Row(
                    (Cell(line.withdrawal_id), Cell(line.result), Cell(line.detail, tooltip=line.detail)),
                    not line.ok,
                )
                for line in lines
            ]
        )
        self.table = small_table(self.model, "bulkResults", self)
        self.table.setWordWrap(True)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.select_button: QPushButton | None = None
        if failed:
            self.select_button = named(
                buttons.addButton("Select the ones not done", QDialogButtonBox.ButtonRole.ActionRole),
                "selectFailedButton",
            )
            ids = [line.withdrawal_id for line in failed]

            def select_them() -> None:
                self.select_failed.emit(ids)
                self.accept()

            self.select_button.clicked.connect(select_them)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # Row heights for wrapped details can only be measured once the columns have their width.
        self.table.resizeRowsToContents()
