"""The frame every player action dialog shares (see ``dialogs`` for the actions themselves).

* the player ``version`` the user was shown goes out as If-Match; one Idempotency-Key per dialog
  (per intent) is reused on every retry, so a resend after a lost answer cannot act twice;
* 412: the dialog stays open with everything the user typed, lists what changed and who changed
  it last, adopts the new version and lets the user decide again;
* 422: each field error appears under its field; 403/409/429/offline: a sentence saying why and
  what to do. Nothing is queued while offline: the submit button is disabled.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from bo_desktop.contract.players import PlayerDetail
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

from .format import when
from .service import PlayersService, describe_changes, new_intent_key

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
        layout = self.main_layout = QVBoxLayout(self)
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
