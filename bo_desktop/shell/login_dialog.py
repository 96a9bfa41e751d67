"""The sign-in dialog (form: ``ui/login.ui``).

The dialog owns the form and its feedback; *how* to sign in is injected as an async
``authenticate`` callable, so the dialog never builds an API client itself and tests can drive it
against a real sandbox. Failures appear inline under the form and nothing typed is lost; the
dialog stays responsive while connecting (the attempt is a task, Cancel aborts it).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLineEdit, QWidget

from bo_desktop.core.settings import Environment, ServerProfile, Settings
from bo_desktop.core.tasks import TaskRunner
from bo_desktop.forms.ui_login import Ui_LoginDialog
from bo_desktop.shell.logs import SCRUBBER
from bo_desktop.widgets.labels import mute

if TYPE_CHECKING:
    from bo_desktop.core.api.errors import ApiError

log = logging.getLogger(__name__)

ENVIRONMENT_LABELS = {
    Environment.SANDBOX: "Sandbox (training data)",
    Environment.STAGING: "Staging (test platform)",
    Environment.PRODUCTION: "Production (live)",
}


@dataclass(frozen=True)
class LoginAttempt:
    profile: ServerProfile
    username: str
    password: str
    remember: bool


Authenticator = Callable[[LoginAttempt], Awaitable[Any]]


def message_for(exc: ApiError, url: str) -> str:
    """The inline message for a failed sign-in: what happened and what to do about it."""
    # Imported here, not at module level: the dialog shows before httpx/pydantic are loaded.
    from bo_desktop.core.api.errors import (
        InvalidCredentials,
        Offline,
        RateLimited,
        RequestTimeout,
        ServerError,
        TlsError,
    )

    if isinstance(exc, InvalidCredentials):
        return "Wrong username or password. Check both and try again (passwords are case-sensitive)."
    if isinstance(exc, TlsError):
        return (
            f"The secure connection to {url} failed: the server's certificate could not be verified. "
            "Check the address, or ask IT whether this server's certificate is trusted."
        )
    if isinstance(exc, Offline):
        return f"Cannot reach the server at {url}. Check the address and your network connection."
    if isinstance(exc, RequestTimeout):
        return f"The server at {url} did not answer in time. Try again in a moment."
    if isinstance(exc, ServerError):
        return f"The server had a problem ({exc.status}) and could not sign you in. Try again in a moment."
    if isinstance(exc, RateLimited):
        return exc.user_message
    return exc.user_message


class LoginDialog(QDialog):
    def __init__(
        self,
        settings: Settings,
        tasks: TaskRunner,
        authenticate: Authenticator,
        *,
        remember_available: bool = True,
        remember_unavailable_reason: str = "",
        preset_profile: ServerProfile | None = None,
        preset_username: str = "",
        preset_password: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ui = Ui_LoginDialog()
        self.ui.setupUi(self)
        self._settings = settings
        self._tasks = tasks
        self._authenticate = authenticate
        self._busy = False
        #: What ``authenticate`` returned, once the dialog was accepted.
        self.result_value: Any = None
        self.last_attempt: LoginAttempt | None = None

        title_font = QFont(self.ui.titleLabel.font())
        title_font.setPointSize(title_font.pointSize() + 4)
        title_font.setBold(True)
        self.ui.titleLabel.setFont(title_font)
        mute(self.ui.subtitleLabel)
        self.ui.errorLabel.setStyleSheet(
            "QLabel { color: #b3261e; background: rgba(179, 38, 30, 0.08);"
            " border: 1px solid rgba(179, 38, 30, 0.45); border-radius: 4px; padding: 6px 8px; }"
        )
        self.ui.errorLabel.hide()
        self.ui.busyBar.hide()
        self.ui.statusLabel.hide()

        for env, label in ENVIRONMENT_LABELS.items():
            self.ui.environmentCombo.addItem(label, env.value)
        self.ok_button.setText("Sign in")
        self.ok_button.setObjectName("signInButton")
        self.ui.buttonBox.accepted.connect(self.submit)
        self.ui.buttonBox.rejected.connect(self._cancel)

        self.set_remember_available(remember_available, remember_unavailable_reason)

        # Two form layouts size their label columns independently; line the fields up.
        labels = [
            self.ui.profileLabel,
            self.ui.urlLabel,
            self.ui.environmentLabel,
            self.ui.usernameLabel,
            self.ui.passwordLabel,
        ]
        label_width = max(form_label.sizeHint().width() for form_label in labels)
        for form_label in labels:
            form_label.setMinimumWidth(label_width)

        self._load_profiles(preset_profile)
        self.ui.profileCombo.currentIndexChanged.connect(self._profile_selected)
        self.ui.usernameEdit.setText(preset_username or settings.last_username)
        self.ui.passwordEdit.setText(preset_password)
        for edit in (self.ui.urlEdit, self.ui.usernameEdit, self.ui.passwordEdit):
            edit.textEdited.connect(self._clear_error)
        # Start where the user has to type: the first empty field.
        first_empty: QWidget = next(
            (e for e in (self.ui.urlEdit, self.ui.usernameEdit, self.ui.passwordEdit) if not e.text()),
            self.ok_button,  # everything pre-filled (sandbox): Enter or Space signs in
        )
        first_empty.setFocus()
        self.adjustSize()  # the .ui's size is a Designer default; fit the content instead

    # -- form state ------------------------------------------------------------------------------

    @property
    def ok_button(self) -> Any:
        return self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Ok)

    def _load_profiles(self, preset: ServerProfile | None) -> None:
        combo = self.ui.profileCombo
        combo.clear()
        profiles = self._settings.profiles()
        if preset is not None and all(p.name != preset.name for p in profiles):
            profiles.insert(0, preset)
        elif preset is not None:
            profiles = [preset if p.name == preset.name else p for p in profiles]
        for profile in profiles:
            combo.addItem(profile.name, profile)
        wanted = preset.name if preset is not None else self._settings.last_profile
        index = combo.findText(wanted) if wanted else -1
        combo.setCurrentIndex(index if index >= 0 else (0 if profiles else -1))
        self._profile_selected(combo.currentIndex())

    def _profile_selected(self, index: int) -> None:
        profile = self.ui.profileCombo.itemData(index)
        if isinstance(profile, ServerProfile):
            self.ui.urlEdit.setText(profile.url)
            env_index = self.ui.environmentCombo.findData(profile.environment.value)
            self.ui.environmentCombo.setCurrentIndex(max(0, env_index))

    def current_profile(self) -> ServerProfile:
        name = self.ui.profileCombo.currentText().strip()
        url = self.ui.urlEdit.text().strip()
        env = Environment(self.ui.environmentCombo.currentData() or Environment.PRODUCTION.value)
        return ServerProfile(name=name or url, url=url, environment=env)

    # -- submitting ------------------------------------------------------------------------------

    def submit(self) -> None:
        """Validate, then start the sign-in attempt (Enter and the Sign in button land here)."""
        if self._busy:
            return
        profile = self.current_profile()
        username = self.ui.usernameEdit.text().strip()
        password = self.ui.passwordEdit.text()
        if not profile.url.lower().startswith(("http://", "https://")):
            self.show_error("Enter the server address, starting with https://", self.ui.urlEdit)
            return
        if not username:
            self.show_error("Enter your username.", self.ui.usernameEdit)
            return
        if not password:
            self.show_error("Enter your password.", self.ui.passwordEdit)
            return
        SCRUBBER.add_secret(password)
        attempt = LoginAttempt(profile, username, password, self.ui.rememberCheck.isChecked())
        self.last_attempt = attempt
        self._set_busy(True, f"Connecting to {profile.url}…")
        self._tasks.latest(self, "login", self._attempt(attempt))

    async def _attempt(self, attempt: LoginAttempt) -> None:
        try:
            result = await self._authenticate(attempt)
        except BaseException as exc:
            # Imported here, not at module level: the dialog shows before httpx/pydantic load,
            # and an ApiError can only have been raised once the authenticator loaded them.
            from bo_desktop.core.api.errors import ApiError, InvalidCredentials

            self._set_busy(False)
            if not isinstance(exc, ApiError):
                raise  # cancellation, or a bug: the latter reaches the error dialog via the runner
            # Expected failures: inline, with everything typed left in place.
            log.info("sign-in to %s failed: %s", attempt.profile.url, type(exc).__name__)
            focus = self.ui.passwordEdit if isinstance(exc, InvalidCredentials) else self.ui.urlEdit
            self.show_error(message_for(exc, attempt.profile.url), focus)
            return
        self._remember_profile(attempt)
        self.result_value = result
        self.ui.passwordEdit.clear()  # the password is not needed any more; do not keep it around
        self._set_busy(False)
        self.accept()

    def set_remember_available(self, available: bool, unavailable_reason: str = "") -> None:
        """Whether "Remember me" can work (a system keyring exists); may come after the dialog shows."""
        if not available:
            self.ui.rememberCheck.setChecked(False)
            self.ui.rememberCheck.setEnabled(False)
            self.ui.rememberCheck.setToolTip(unavailable_reason or "No system keyring available.")
        else:
            self.ui.rememberCheck.setEnabled(True)
            self.ui.rememberCheck.setToolTip(
                "Stores a sign-in token in the system keyring (never your password). Untick to forget it."
            )

    def _remember_profile(self, attempt: LoginAttempt) -> None:
        self._settings.save_profile(attempt.profile)
        self._settings.last_profile = attempt.profile.name
        self._settings.last_username = attempt.username
        self._settings.sync()

    def _cancel(self) -> None:
        if self._busy:
            self._tasks.cancel_owner(self)
            self._set_busy(False)
            self.ui.statusLabel.setText("Cancelled.")
            self.ui.statusLabel.show()
        else:
            self.reject()

    def reject(self) -> None:
        # Escape or closing the window mid-attempt: the attempt must not finish behind our back.
        self._tasks.cancel_owner(self)
        self._set_busy(False)
        super().reject()

    # -- feedback --------------------------------------------------------------------------------

    def show_error(self, message: str, focus: QLineEdit | None = None) -> None:
        self.ui.errorLabel.setText(message)
        self.ui.errorLabel.show()
        self.adjustSize()
        if focus is not None:
            focus.setFocus(Qt.FocusReason.OtherFocusReason)
            focus.selectAll()

    @property
    def error_text(self) -> str:
        return self.ui.errorLabel.text() if self.ui.errorLabel.isVisible() else ""

    def _clear_error(self) -> None:
        self.ui.errorLabel.hide()

    def _set_busy(self, busy: bool, message: str = "") -> None:
        self._busy = busy
        for widget in (self.ui.serverGroup, self.ui.accountGroup, self.ok_button):
            widget.setEnabled(not busy)
        self.ui.busyBar.setVisible(busy)
        self.ui.statusLabel.setVisible(busy)
        self.ui.statusLabel.setText(message)
        if busy:
            self.ui.errorLabel.hide()

    @property
    def busy(self) -> bool:
        return self._busy
