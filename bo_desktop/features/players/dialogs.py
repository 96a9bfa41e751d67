"""Action dialogs on a player: add note, change status, set a limit, flag for review.

Their common behaviour (If-Match, one Idempotency-Key per intent, the 412/422/403/429/offline
paths) is :class:`~.action_dialog.PlayerActionDialog`; each class here adds its fields, local
checks and the one service call it makes.
"""

from __future__ import annotations

from collections.abc import Coroutine
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit

from bo_desktop.contract.enums import KycDocumentKind, LimitKind
from bo_desktop.contract.players import PlayerDetail, RgLimit
from bo_desktop.widgets.labels import mute, plain_label
from bo_desktop.widgets.naming import named

from .action_dialog import PlayerActionDialog
from .format import limit_value, words
from .service import limit_is_increase, status_targets

__all__ = [
    "FlagDialog",
    "KycRequestDialog",
    "LimitDialog",
    "NoteDialog",
    "PlayerActionDialog",
    "StatusDialog",
]


class NoteDialog(PlayerActionDialog):
    submit_text = "Add note"

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.setWindowTitle("Add note")
        self.setObjectName("noteDialog")
        self.body = named(QPlainTextEdit(), "noteBody")
        self.body.setPlaceholderText("What happened, what was agreed. Notes cannot be edited later.")
        self.body.setMinimumHeight(120)
        self.pinned = named(QCheckBox("Pin to the top of the notes"), "notePinned")
        self.add_field("body", "Note", self.body)
        self.form.addRow("", self.pinned)
        self.body.setFocus()

    def validate(self) -> dict[str, str]:
        return {} if self.body.toPlainText().strip() else {"body": "Write something first."}

    def perform(self, version: int, key: str) -> Coroutine[Any, Any, Any]:
        return self.service.add_note(
            self.player.id, version, self.body.toPlainText(), self.pinned.isChecked(), key
        )


class StatusDialog(PlayerActionDialog):
    submit_text = "Change status"

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.setWindowTitle("Change player status")
        self.setObjectName("statusDialog")
        self.current = named(plain_label(), "statusCurrent")
        self.target = named(QComboBox(), "statusTarget")
        self.reason = named(QComboBox(), "statusReason")
        self.reason.addItem("Choose a reason…", None)
        for code in self.ctx.cache.reason_codes("player_status"):
            self.reason.addItem(code.label, code.code)
        self.comment = named(QPlainTextEdit(), "statusComment")
        self.comment.setPlaceholderText("Optional: context for the audit trail")
        self.comment.setMaximumHeight(90)
        self.form.addRow("Now", self.current)
        self.add_field("status", "New status", self.target)
        self.add_field("reason_code", "Reason", self.reason)
        self.add_field("comment", "Comment", self.comment)
        self.adopt(self.player)

    def adopt(self, current: PlayerDetail) -> None:
        chosen = self.target.currentData()
        self.current.setText(words(current.status))
        self.target.clear()
        for status in status_targets(current.status.value):
            self.target.addItem(words(status), status)
        if chosen is not None and self.target.findData(chosen) >= 0:
            self.target.setCurrentIndex(self.target.findData(chosen))
        if self.target.count() == 0:
            self.target.addItem(f"No change possible from {words(current.status).lower()}", None)
            self.submit.setEnabled(False)

    def validate(self) -> dict[str, str]:
        errors = {}
        if self.target.currentData() is None:
            errors["status"] = "No status change is possible."
        if self.reason.currentData() is None:
            errors["reason_code"] = "A reason code is required."
        return errors

    def perform(self, version: int, key: str) -> Coroutine[Any, Any, Any]:
        return self.service.change_status(
            self.player.id,
            version,
            self.target.currentData(),
            self.reason.currentData(),
            self.comment.toPlainText(),
            key,
        )


class KycRequestDialog(PlayerActionDialog):
    submit_text = "Request document"

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.setWindowTitle("Request a KYC document")
        self.setObjectName("kycRequestDialog")
        self.kind = named(QComboBox(), "kycKind")
        for kind in KycDocumentKind:
            if kind != KycDocumentKind.BANK_ID:  # bank-ID comes from the bank, nobody requests it
                self.kind.addItem(words(kind), kind.value)
        self.comment = named(QPlainTextEdit(), "kycComment")
        self.comment.setPlaceholderText("What the player is asked for, e.g. payslips for the last 3 months")
        self.comment.setMaximumHeight(90)
        self.add_field("kind", "Document", self.kind)
        self.add_field("comment", "Message", self.comment)

    def perform(self, version: int, key: str) -> Coroutine[Any, Any, Any]:
        kind = KycDocumentKind(self.kind.currentData())
        return self.service.request_kyc(self.player.id, version, kind, self.comment.toPlainText(), key)


class FlagDialog(PlayerActionDialog):
    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.flag = not self.player.flagged_for_review
        self.submit.setText("Flag for review" if self.flag else "Remove flag")
        self.submit_text = self.submit.text()
        self.setWindowTitle(self.submit_text)
        self.setObjectName("flagDialog")
        self.reason = named(QLineEdit(), "flagReason")
        self.reason.setPlaceholderText("Why (kept in the audit trail)")
        self.add_field("reason", "Reason", self.reason)

    def validate(self) -> dict[str, str]:
        return {} if self.reason.text().strip() else {"reason": "A reason is required."}

    def perform(self, version: int, key: str) -> Coroutine[Any, Any, Any]:
        return self.service.flag(self.player.id, version, self.flag, self.reason.text(), key)


class LimitDialog(PlayerActionDialog):
    submit_text = "Set limit"

    def __init__(self, *args: Any, limits: list[RgLimit]) -> None:
        super().__init__(*args)
        self.setWindowTitle("Set responsible-gambling limit")
        self.setObjectName("limitDialog")
        self.limits = limits
        self.kind = named(QComboBox(), "limitKind")
        for kind in LimitKind:
            self.kind.addItem(words(kind), kind.value)
        self.value = named(QLineEdit(), "limitValue")
        self.active = mute(named(plain_label(), "limitActive"))
        self.hint = named(plain_label(wrap=True), "limitHint")
        self.reason = named(QLineEdit(), "limitReason")
        self.reason.setPlaceholderText("E.g. the player asked by phone")
        self.add_field("kind", "Limit", self.kind)
        self.add_field("value", "New value", self.value)
        self.form.addRow("Active now", self.active)
        self.add_field("reason", "Reason", self.reason)
        # Below the form, not in a form row: a wrapped label in QFormLayout gets one line's height.
        self.main_layout.insertWidget(2, self.hint)
        self.kind.currentIndexChanged.connect(self._update_hint)
        self.value.textChanged.connect(self._update_hint)
        self._update_hint()

    def _is_money(self) -> bool:
        return self.kind.currentData() != LimitKind.SESSION_MINUTES.value

    def parsed_value(self) -> int | None:
        """Minor units for money limits (typed in major units), minutes for session limits."""
        text = self.value.text().strip().replace(",", "").replace(" ", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None
        if number < 0 or not number.is_finite():
            return None
        if self._is_money():
            minor = number * 100
            return int(minor) if minor == minor.to_integral_value() else None
        return int(number) if number == number.to_integral_value() else None

    def _update_hint(self) -> None:
        kind = self.kind.currentData()
        unit = self.player.currency if self._is_money() else "minutes"
        self.value.setPlaceholderText(f"Amount in {unit}")
        active = next((lim for lim in self.limits if lim.kind == kind and lim.status == "active"), None)
        self.active.setText(
            limit_value(self.ctx.cache, kind, active.value, active.currency) if active else "No limit"
        )
        value = self.parsed_value()
        if value is None:
            self.hint.setText("")
        elif limit_is_increase(kind, value, self.limits):
            self.hint.setText("This loosens the limit: it takes effect only after the cooling-off period.")
        else:
            self.hint.setText("This tightens the limit (or sets a new one): it applies at once.")

    def validate(self) -> dict[str, str]:
        errors = {}
        if self.parsed_value() is None:
            errors["value"] = (
                "Enter a positive amount (at most 2 decimals)."
                if self._is_money()
                else "Enter whole minutes."
            )
        if not self.reason.text().strip():
            errors["reason"] = "A reason is required."
        return errors

    def perform(self, version: int, key: str) -> Coroutine[Any, Any, Any]:
        value = self.parsed_value()
        assert value is not None  # validate() ran first
        return self.service.set_limit(
            self.player.id, version, LimitKind(self.kind.currentData()), value, self.reason.text(), key
        )
