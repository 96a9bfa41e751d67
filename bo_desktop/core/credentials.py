"""The OS keyring: the only place a secret (the "remember me" refresh token) is stored.

Passwords are never stored at all. A refresh token is stored only when the user ticks
"remember me", under service ``bo-desktop`` and an account key made of the server URL and the
username, so two servers or two users never share a token.

Headless machines (CI, a fresh Linux box without a Secret Service) get keyring's ``fail`` backend,
where every call raises :class:`keyring.errors.NoKeyringError`. That is a normal situation, not an
error: :attr:`CredentialStore.available` becomes False and the login dialog disables "remember me"
with :attr:`CredentialStore.unavailable_reason` as the tooltip. We deliberately never fall back
to ``keyrings.alt``: it stores secrets in a plain file.

Keyring backends may block (D-Bus round trips, an unlock prompt), so the UI uses the ``*_async``
variants, which run in a worker thread.
"""

from __future__ import annotations

import logging

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

from bo_desktop.core.settings import normalize_url
from bo_desktop.core.workers import run_in_worker

log = logging.getLogger(__name__)

SERVICE = "bo-desktop"


def account_key(server_url: str, username: str) -> str:
    """The keyring account for a user on a server: ``payments1@https://bo.example.com``."""
    return f"{username.strip().lower()}@{normalize_url(server_url)}"


class CredentialStore:
    """Refresh tokens in the OS keyring, with graceful degradation when there is none."""

    def __init__(self, backend: KeyringBackend | None = None) -> None:
        # ``backend`` lets tests pass one explicitly; normally keyring picks the OS one.
        self._backend = backend
        self.available = True
        self.unavailable_reason = ""
        self._probe()

    def _keyring(self) -> KeyringBackend:
        return self._backend if self._backend is not None else keyring.get_keyring()

    def _probe(self) -> None:
        try:
            backend = self._keyring()
        except keyring.errors.KeyringError as exc:
            self._disable(f"The system keyring could not be opened ({type(exc).__name__}).")
            return
        # The fail backend (priority 0) is what keyring returns when it found nothing usable;
        # asking it would only raise NoKeyringError on every call.
        if type(backend).__module__ == "keyring.backends.fail" or getattr(backend, "priority", 1) <= 0:
            self._disable(
                "No system keyring is available on this computer (for example no Secret Service "
                "on Linux), so the sign-in cannot be remembered safely."
            )

    def _disable(self, reason: str) -> None:
        self.available = False
        self.unavailable_reason = reason
        log.info("remember me unavailable: %s", reason)

    # -- blocking API (run in a worker from the UI) ----------------------------------------------

    def load_refresh_token(self, server_url: str, username: str) -> str | None:
        if not self.available:
            return None
        try:
            return self._keyring().get_password(SERVICE, account_key(server_url, username))
        except keyring.errors.NoKeyringError as exc:
            self._disable(f"The system keyring is not available ({type(exc).__name__}).")
        except keyring.errors.KeyringError as exc:
            # Locked or broken keyring: treat as "nothing remembered"; never log the value.
            log.warning("could not read from the keyring: %s", type(exc).__name__)
        return None

    def save_refresh_token(self, server_url: str, username: str, token: str) -> bool:
        """Store (or replace) the token; False when the keyring refused."""
        if not self.available:
            return False
        try:
            self._keyring().set_password(SERVICE, account_key(server_url, username), token)
            return True
        except keyring.errors.NoKeyringError as exc:
            self._disable(f"The system keyring is not available ({type(exc).__name__}).")
        except keyring.errors.KeyringError as exc:
            log.warning("could not write to the keyring: %s", type(exc).__name__)
        return False

    def forget(self, server_url: str, username: str) -> None:
        """Remove the stored token, if any (sign out, "remember me" unticked, token rejected)."""
        if not self.available:
            return
        try:
            self._keyring().delete_password(SERVICE, account_key(server_url, username))
        except keyring.errors.PasswordDeleteError:
            pass  # nothing was stored: fine
        except keyring.errors.KeyringError as exc:
            log.warning("could not delete from the keyring: %s", type(exc).__name__)

    # -- async wrappers for the Qt thread --------------------------------------------------------

    async def load_refresh_token_async(self, server_url: str, username: str) -> str | None:
        return await run_in_worker(self.load_refresh_token, server_url, username)

    async def save_refresh_token_async(self, server_url: str, username: str, token: str) -> bool:
        return await run_in_worker(self.save_refresh_token, server_url, username, token)

    async def forget_async(self, server_url: str, username: str) -> None:
        await run_in_worker(self.forget, server_url, username)
