"""CredentialStore: keyring round trip, per server+user keys, graceful NoKeyringError handling."""

from __future__ import annotations

import keyring.errors
from keyring.backend import KeyringBackend
from keyring.backends import fail

from bo_desktop.core.credentials import SERVICE, CredentialStore, account_key


class MemoryKeyring(KeyringBackend):
    priority = 10  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.store.get((service, username))

    def set_password(self, service, username, password):
        self.store[(service, username)] = password

    def delete_password(self, service, username):
        if (service, username) not in self.store:
            raise keyring.errors.PasswordDeleteError("nothing stored")
        del self.store[(service, username)]


class LockedKeyring(MemoryKeyring):
    def get_password(self, service, username):
        raise keyring.errors.KeyringLocked("locked")

    def set_password(self, service, username, password):
        raise keyring.errors.PasswordSetError("locked")


def test_round_trip_under_service_and_server_user_key():
    backend = MemoryKeyring()
    store = CredentialStore(backend)
    assert store.available
    assert store.save_refresh_token("https://BO.example.com/", "Payments1", "rt-1")
    assert backend.store == {(SERVICE, "payments1@https://bo.example.com"): "rt-1"}
    assert store.load_refresh_token("https://bo.example.com", "payments1") == "rt-1"
    assert store.load_refresh_token("https://other.example.com", "payments1") is None
    store.forget("https://bo.example.com", "payments1")
    store.forget("https://bo.example.com", "payments1")  # twice: no error
    assert backend.store == {}


def test_fail_backend_disables_remember_me_with_a_reason():
    store = CredentialStore(fail.Keyring())
    assert not store.available
    assert "keyring" in store.unavailable_reason.lower()
    assert store.save_refresh_token("https://a", "u", "t") is False
    assert store.load_refresh_token("https://a", "u") is None
    store.forget("https://a", "u")


def test_no_keyring_error_at_call_time_disables():
    class Vanishing(MemoryKeyring):
        def set_password(self, service, username, password):
            raise keyring.errors.NoKeyringError("gone")

    store = CredentialStore(Vanishing())
    assert store.save_refresh_token("https://a", "u", "t") is False
    assert not store.available and store.unavailable_reason


def test_locked_keyring_is_not_fatal():
    store = CredentialStore(LockedKeyring())
    assert store.load_refresh_token("https://a", "u") is None
    assert store.save_refresh_token("https://a", "u", "t") is False
    assert store.available  # a locked keyring may be unlocked later


def test_account_key_normalizes():
    assert account_key("HTTPS://A.example.com/", " User ") == "user@https://a.example.com"
