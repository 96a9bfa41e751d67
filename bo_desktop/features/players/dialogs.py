"""Action dialogs on a player: add note, change status, set a limit, flag for review.

One frame (:class:`PlayerActionDialog`) gives every action the same behaviour:

* the player ``version`` the user was shown goes out as If-Match; one Idempotency-Key per dialog
  (per intent) is reused on every retry, so a resend after a lost answer cannot act twice;
* 412: the dialog stays open with everything the user typed, lists what changed and who changed
  it last, adopts the new version and lets the user decide again;
* 422: each field error appears under its field; 403/409/429/offline: a sentence saying why and
  what to do. Nothing is queued while offline: the submit button is disabled.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from bo_desktop.contract.enums import LimitKind
from bo_desktop.contract.players import PlayerDetail, RgLimit
from bo_desktop.core.api.errors import (
    ApiError,
    Conflict,
    Forbidden,
    NetworkError,
    PreconditionFailed,
    RateLimited,
    ValidationFailed,
)
from bo_desktop.core.context import AppContext
from bo_desktop.widgets.labels import mute, plain_label
from bo_desktop.widgets.naming import named

from .format import limit_value, when, words
from .service import PlayersService, describe_changes, limit_is_increase, new_intent_key, status_targets

_ERROR_STYLE = "color: #c62828;"


def _error_label(name: str) -> QLabel:
    label = named(plain_label(wrap=True), name)
    label.setStyleSheet(_ERROR_STYLE)
    label.hide()
    return label


class PlayerActionDialog(QDialog):
    """Base of the player actions; subclasses add fields and implement :meth:`perform`."""

    submit_text = "Save"

    def __init__(
        self, ctx: AppContext, service: PlayersService, player: PlayerDetail, on_done: Callable[[Any], None]
    ) -> None:
        super().__init__()
        self.ctx = ctx
        self.service = service
        self.player = player  # what the user is acting on; replaced after a 412
        self.on_done = on_done
        self.intent_key = new_intent_key()
        self.field_errors: dict[str, QLabel] = {}
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.subject = mute(
            named(plain_label(f"{player.first_name} {player.last_name} · {player.id}"), "dialogSubject")
        )
        self.message = named(plain_label(wrap=True), "dialogMessage")
        self.message.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.submit = named(
            self.buttons.addButton(self.submit_text, QDialogButtonBox.ButtonRole.AcceptRole), "dialogSubmit"
        )
        self.submit.setDefault(True)
        self.buttons.accepted.connect(self.send)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.subject)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)
        ctx.session.online_changed.connect(self._online_changed)
        self.finished.connect(lambda _result: ctx.api.rate_limit_observers.remove(self._rate_limited))
        self._sending = False
        self._online_changed(ctx.online)

    # -- building --------------------------------------------------------------------------------

    def add_field(self, field: str, title: str, widget: QWidget) -> None:
        """A form row with its own error label underneath (for 422 field errors)."""
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        error = _error_label(f"error_{field}")
        column.addWidget(error)
        self.field_errors[field] = error
        self.form.addRow(title, box)

    # -- sending ---------------------------------------------------------------------------------

    def perform(self, version: int, key: str) -> Coroutine[Any, Any, Any]:
        raise NotImplementedError

    def validate(self) -> dict[str, str]:
        """Local checks before sending (field → message); the server checks again."""
        return {}

    def send(self) -> None:
        if self._sending or not self.ctx.online:
            return
        self._clear_errors()
        local = self.validate()
        if local:
            self._show_field_errors(local)
            return
        self._sending = True
        self.submit.setEnabled(False)
        self._say("Sending…", error=False)
        self.ctx.api.rate_limit_observers.add(self._rate_limited)
        self.ctx.tasks.start(
            self.perform(self.player.version, self.intent_key),
            owner=self,
            on_result=self._succeeded,
            on_error=self._failed,
        )

    def _rate_limited(self, seconds: float) -> None:
        # The client waits out a 429 by itself (same Idempotency-Key); say why nothing happens.
        if self._sending and seconds > 0:
            self._say(f"The server is busy: waiting {seconds:.0f} s, then sending again…", error=False)
        elif self._sending:
            self._say("Sending…", error=False)

    def _finished_sending(self) -> None:
        self._sending = False
        self.ctx.api.rate_limit_observers.remove(self._rate_limited)

    def _succeeded(self, result: Any) -> None:
        self._finished_sending()
        self.accept()  # first: the profile tells a finished action from a 412 refresh by this
        self.on_done(result)

    def _failed(self, exc: ApiError) -> None:
        self._finished_sending()
        self.submit.setEnabled(self.ctx.online)
        if isinstance(exc, PreconditionFailed):
            self._stale(exc)
        elif isinstance(exc, ValidationFailed) and exc.errors:
            self._show_field_errors({e.field: e.message for e in exc.errors}, fallback=exc.user_message)
        elif isinstance(exc, Forbidden):
            self.submit.setEnabled(False)
            self._say(f"You are not allowed to do this. {exc.user_message}")
        elif isinstance(exc, RateLimited):
            self._say(f"{exc.user_message} Your input is kept; press {self.submit_text} again then.")
        elif isinstance(exc, NetworkError):
            self._say(
                f"Not sent: {exc.user_message} Nothing was queued. Your input is kept; "
                f"press {self.submit_text} again when the connection is back."
            )
        elif isinstance(exc, Conflict):
            self._say(exc.user_message)
        else:
            self._say(exc.user_message)

    def _stale(self, exc: PreconditionFailed) -> None:
        shown = self.player
        try:
            current = PlayerDetail.model_validate(exc.current)
        except ValueError:
            self._say(
                "Someone changed this player in the meantime. Close this dialog and reload the profile."
            )
            return
        changes = describe_changes(shown, current)
        self.player = current
        self.adopt(current)
        self.on_done(current)  # the profile shows the new state behind the dialog
        lines = "\n".join(f"• {line}" for line in changes)
        self._say(
            f"Someone changed this player after you opened this dialog:\n{lines}\n"
            f"Check that your action still makes sense, then press {self.submit_text} again."
        )
        self.ctx.tasks.start(
            self.service.last_change(current.id),
            owner=self,
            on_result=self._who_changed,
            on_error=lambda _e: None,
        )

    def _who_changed(self, record: Any) -> None:
        if record is not None and self.message.isVisible():
            self.message.setText(
                self.message.text()
                + f"\nLast change: {record.action} by {record.actor_name} at {when(record.at)}."
            )

    def adopt(self, current: PlayerDetail) -> None:
        """Refresh choices that depend on the player's state (e.g. status targets) after a 412."""

    # -- messages --------------------------------------------------------------------------------

    def _say(self, text: str, *, error: bool = True) -> None:
        self.message.setStyleSheet(_ERROR_STYLE if error else "")
        self.message.setText(text)
        self.message.show()

    def _clear_errors(self) -> None:
        for label in self.field_errors.values():
            label.hide()
        self.message.hide()

    def _show_field_errors(self, errors: dict[str, str], fallback: str = "") -> None:
        unplaced = []
        for field, text in errors.items():
            label = self.field_errors.get(field)
            if label is None:
                unplaced.append(f"{field}: {text}" if field else text)
            else:
                label.setText(text)
                label.show()
        if unplaced or fallback:
            self._say("; ".join(unplaced) or fallback)

    def _online_changed(self, online: bool) -> None:
        self.submit.setEnabled(online and not self._sending)
        if not online:
            self._say("Offline: this action is disabled until the connection is back. Nothing is queued.")
        elif self.message.text().startswith("Offline"):
            self.message.hide()


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
        self.layout().insertWidget(2, self.hint)
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
