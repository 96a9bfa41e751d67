"""Dialogs for alert work: a transition with its rationale, and the actions on the player.

Each dialog is one user intent: it owns one Idempotency-Key, reused if the user presses the
button again after a failure, so a retry after a lost response never acts twice. A failure is
shown inside the dialog and everything typed stays; only success closes it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from bo_desktop.contract.alerts import Alert
from bo_desktop.contract.compliance import AlertRestriction, RgInteractionChannel
from bo_desktop.contract.enums import KycDocumentKind
from bo_desktop.core.api.errors import ApiError, NetworkError, PreconditionFailed, ValidationFailed
from bo_desktop.core.context import AppContext
from bo_desktop.widgets.labels import mute, plain_label
from bo_desktop.widgets.naming import named

from .service import Step

Submit = Callable[[str], Coroutine[Any, Any, Any]]

DOCUMENT_KINDS = {
    KycDocumentKind.ID: "Identity document",
    KycDocumentKind.PROOF_OF_ADDRESS: "Proof of address",
    KycDocumentKind.SOURCE_OF_FUNDS: "Source of funds",
    KycDocumentKind.SOURCE_OF_WEALTH: "Source of wealth",
}
CHANNELS = {
    RgInteractionChannel.PHONE: "Phone call",
    RgInteractionChannel.EMAIL: "Email",
    RgInteractionChannel.CHAT: "Live chat",
    RgInteractionChannel.IN_APP: "In-app message",
}


def explain(exc: ApiError) -> str:
    if isinstance(exc, PreconditionFailed):
        return (
            "Someone changed this in the meantime. The latest version is loaded; check it, then press again."
        )
    if isinstance(exc, NetworkError):
        return "The server cannot be reached, so nothing was changed. Press again when you are back online."
    if isinstance(exc, ValidationFailed) and exc.errors:
        return "; ".join(e.message for e in exc.errors)
    return exc.user_message


class AlertActionDialog(QDialog):
    """Form + inline error + one submit; ``on_done`` gets the result after the dialog closes."""

    def __init__(
        self, ctx: AppContext, alert: Alert, title: str, intro: str, submit_text: str, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.alert = alert  # the version the user sees; moved on by the panel after a 412
        self.key = str(uuid.uuid4())
        self.result_value: Any = None
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(intro, wrap=True))
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.error = named(plain_label("", wrap=True), "actionError")
        self.error.setStyleSheet("color: #b3261e;")
        self.error.hide()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.submit_button = named(
            self.buttons.addButton(submit_text, QDialogButtonBox.ButtonRole.AcceptRole), "submit"
        )
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.submitter: Submit | None = None
        self.on_error: Callable[[ApiError], None] | None = None

    def text_area(self, name: str, placeholder: str) -> QPlainTextEdit:
        edit = named(QPlainTextEdit(), name)
        edit.setPlaceholderText(placeholder)
        edit.setTabChangesFocus(True)
        edit.setFixedHeight(96)
        return edit

    def validate(self) -> str | None:
        return None

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def _submit(self) -> None:
        problem = self.validate()
        if problem:
            self.show_error(problem)
            return
        assert self.submitter is not None
        self.submit_button.setEnabled(False)
        self.error.hide()
        self.ctx.tasks.start(
            self.submitter(self.key), owner=self, on_result=self._done, on_error=self._failed
        )

    def _done(self, value: Any) -> None:
        self.result_value = value
        self.accept()

    def _failed(self, exc: ApiError) -> None:
        self.submit_button.setEnabled(True)
        self.show_error(explain(exc))
        if self.on_error is not None:
            self.on_error(exc)


class TransitionDialog(AlertActionDialog):
    def __init__(self, ctx: AppContext, alert: Alert, step: Step, parent: QWidget | None = None) -> None:
        intro = f"{alert.id} · {alert.rule_label}\n{alert.player_name} ({alert.player_id})"
        super().__init__(ctx, alert, step.label.rstrip("…"), intro, step.label.rstrip("…"), parent)
        self.setObjectName("alertTransitionDialog")
        self.step = step
        if step.note:
            self.form.addRow(mute(named(plain_label(step.note, wrap=True), "secondReviewNote")))
        self.reference = named(QLineEdit(), "reportReference")
        self.reference.setPlaceholderText("e.g. FIU-2026-0042")
        self.reference.setMaxLength(100)
        if step.needs_reference:
            self.form.addRow("Report reference", self.reference)
        self.rationale = self.text_area("rationale", "Why — this is what an auditor will read later.")
        self.form.addRow("Rationale", self.rationale)

    def validate(self) -> str | None:
        if not self.rationale.toPlainText().strip():
            return "Every transition needs a rationale."
        if self.step.needs_reference and not self.reference.text().strip():
            return "Enter the reference of the filed suspicious-activity report."
        return None


class RestrictDialog(AlertActionDialog):
    def __init__(self, ctx: AppContext, alert: Alert, parent: QWidget | None = None) -> None:
        intro = f"Restrict {alert.player_name} ({alert.player_id}) because of {alert.id}."
        super().__init__(ctx, alert, "Restrict player", intro, "Restrict", parent)
        self.setObjectName("restrictDialog")
        self.restriction = named(QComboBox(), "restriction")
        self.restriction.addItem("Block withdrawals", AlertRestriction.BLOCK_WITHDRAWALS)
        self.restriction.addItem("Suspend the account", AlertRestriction.SUSPEND)
        self.reason = named(QComboBox(), "reasonCode")
        for code in ctx.cache.reason_codes("player_status"):
            self.reason.addItem(code.label, code.code)
        suggested = {
            "aml": "aml_investigation",
            "fraud": "fraud_suspected",
            "rg": "rg_concern",
            "kyc": "kyc_failed",
        }
        self.reason.setCurrentIndex(max(0, self.reason.findData(suggested.get(alert.kind.value))))
        self.restriction.currentIndexChanged.connect(self._sync)
        self.rationale = self.text_area("rationale", "Why the player is restricted")
        self.form.addRow("Restriction", self.restriction)
        self.form.addRow("Reason", self.reason)
        self.form.addRow("Rationale", self.rationale)
        self._sync()

    def _sync(self) -> None:
        self.reason.setEnabled(self.restriction.currentData() == AlertRestriction.SUSPEND)

    def validate(self) -> str | None:
        return None if self.rationale.toPlainText().strip() else "Say why the player is restricted."


class DocumentRequestDialog(AlertActionDialog):
    def __init__(self, ctx: AppContext, alert: Alert, parent: QWidget | None = None) -> None:
        intro = (
            f"Ask {alert.player_name} ({alert.player_id}) for a document. "
            "It appears in the KYC queue once the player uploads it."
        )
        super().__init__(ctx, alert, "Request documents", intro, "Request", parent)
        self.setObjectName("documentRequestDialog")
        self.kind = named(QComboBox(), "documentKind")
        for kind, label in DOCUMENT_KINDS.items():
            self.kind.addItem(label, kind)
        if alert.kind.value == "aml":  # AML reviews are usually about where the money comes from
            self.kind.setCurrentIndex(self.kind.findData(KycDocumentKind.SOURCE_OF_FUNDS))
        self.comment = self.text_area("comment", "What the player should send (shown to the player)")
        self.form.addRow("Document", self.kind)
        self.form.addRow("Message", self.comment)


class RgInteractionDialog(AlertActionDialog):
    def __init__(self, ctx: AppContext, alert: Alert, parent: QWidget | None = None) -> None:
        intro = f"Record a responsible-gambling conversation with {alert.player_name} ({alert.player_id})."
        super().__init__(ctx, alert, "Record RG interaction", intro, "Record", parent)
        self.setObjectName("rgInteractionDialog")
        self.channel = named(QComboBox(), "channel")
        for channel, label in CHANNELS.items():
            self.channel.addItem(label, channel)
        self.summary = self.text_area("summary", "What was discussed")
        self.outcome = named(QLineEdit(), "outcome")
        self.outcome.setPlaceholderText("e.g. deposit limit agreed, referred to support services")
        self.outcome.setMaxLength(500)
        self.form.addRow("Channel", self.channel)
        self.form.addRow("Summary", self.summary)
        self.form.addRow("Outcome", self.outcome)

    def validate(self) -> str | None:
        return None if self.summary.toPlainText().strip() else "Summarise the conversation."
