"""Signing in through the real login dialog against a real sandbox."""

from __future__ import annotations

import socket
import ssl
import subprocess
import threading
from pathlib import Path

import keyring
import pytest
import shiboken6
from keyring.backends import fail

from bo_desktop.app import Options
from bo_desktop.core.credentials import SERVICE, account_key
from bo_desktop.sandbox.config import DEMO_STAFF_PASSWORD


def _closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nothing listens there any more


def test_good_password_opens_the_main_window(qtbot, make_driver, sandbox, memory_keyring):
    driver = make_driver(Options(server=sandbox.url))
    dialog = driver.login_dialog()
    assert dialog.ui.urlEdit.text() == sandbox.url.rstrip("/")
    driver.sign_in(dialog, url=sandbox.url, username="payments1", password=DEMO_STAFF_PASSWORD)
    window = driver.main_window()
    assert "Online" in window.status.connection_label.text()
    assert "(payments)" in window.status.user_label.text()
    qtbot.waitUntil(lambda: "never" not in window.status.sync_label.text(), timeout=10_000)
    assert driver.app.services is not None and driver.app.services.cache.has_data
    assert driver.quit() == 0
    assert memory_keyring.store == {}  # "remember me" was not ticked
    assert driver.settings.last_username == "payments1"


def test_wrong_password_is_inline_and_keeps_what_was_typed(qtbot, make_driver, sandbox):
    driver = make_driver(Options(server=sandbox.url))
    dialog = driver.login_dialog()
    driver.sign_in(dialog, url=sandbox.url, username="payments1", password="not-the-password")
    driver.wait_not_busy(dialog)
    qtbot.waitUntil(lambda: dialog.error_text != "", timeout=10_000)
    assert "Wrong username or password" in dialog.error_text
    assert dialog.isVisible()
    assert dialog.ui.usernameEdit.text() == "payments1"
    assert dialog.ui.passwordEdit.text() == "not-the-password"
    assert dialog.ui.urlEdit.text() == sandbox.url
    # Fix the password and go on: the dialog is still fully usable.
    driver.type_into(dialog.ui.passwordEdit, DEMO_STAFF_PASSWORD)
    assert dialog.error_text == ""  # typing clears the stale message
    qtbot.mouseClick(dialog.ok_button, qtbot_left())
    driver.main_window()
    assert driver.quit() == 0


def qtbot_left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_unreachable_server_is_inline_and_keeps_what_was_typed(qtbot, make_driver):
    url = _closed_port_url()
    driver = make_driver(Options(server=url))
    dialog = driver.login_dialog()
    driver.sign_in(dialog, url=url, username="payments1", password="whatever-1")
    qtbot.waitUntil(lambda: dialog.error_text != "", timeout=20_000)
    assert f"Cannot reach the server at {url}" in dialog.error_text
    assert not dialog.busy and dialog.ui.serverGroup.isEnabled()
    assert (dialog.ui.usernameEdit.text(), dialog.ui.passwordEdit.text()) == ("payments1", "whatever-1")
    assert driver.quit() == 0


def test_empty_fields_are_explained_before_any_request(qtbot, make_driver):
    driver = make_driver(Options(server="https://bo.example.invalid"))
    dialog = driver.login_dialog()
    driver.type_into(dialog.ui.usernameEdit, "payments1")
    driver.type_into(dialog.ui.passwordEdit, "")
    qtbot.mouseClick(dialog.ok_button, qtbot_left())
    assert dialog.error_text == "Enter your password."
    assert not dialog.busy
    assert driver.quit() == 0


@pytest.fixture
def self_signed_tls_server(tmp_path: Path):
    """A TLS server whose certificate nobody trusts: the handshake must fail verification."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            try:
                with context.wrap_socket(conn, server_side=True):
                    pass
            except (ssl.SSLError, OSError):
                pass  # the client aborts the handshake: expected

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join(timeout=5)
    listener.close()


def test_untrusted_certificate_is_explained(qtbot, make_driver, self_signed_tls_server):
    url = self_signed_tls_server
    driver = make_driver(Options(server=url))
    dialog = driver.login_dialog()
    driver.sign_in(dialog, url=url, username="payments1", password="whatever-1")
    qtbot.waitUntil(lambda: dialog.error_text != "", timeout=20_000)
    assert "certificate could not be verified" in dialog.error_text
    assert dialog.ui.usernameEdit.text() == "payments1"
    assert driver.quit() == 0
    # Deleted when the login ends, not left to the cyclic gc (which once crashed the process).
    assert not shiboken6.isValid(dialog)


def test_remember_me_round_trip_via_keyring(qtbot, make_driver, sandbox, memory_keyring):
    url = sandbox.url
    first = make_driver(Options(server=url))
    dialog = first.login_dialog()
    assert dialog.ui.rememberCheck.isEnabled()
    first.sign_in(dialog, url=url, username="payments1", password=DEMO_STAFF_PASSWORD, remember=True)
    first.main_window()
    key = (SERVICE, account_key(url, "payments1"))
    qtbot.waitUntil(lambda: key in memory_keyring.store, timeout=10_000)
    stored = memory_keyring.store[key]
    assert first.quit() == 0

    # Next start: no password asked, the remembered session resumes (and the token rotates).
    second = make_driver(Options(server=url))
    window = second.main_window()
    assert second.app.login_dialog is None
    assert "Online" in window.status.connection_label.text()
    qtbot.waitUntil(lambda: memory_keyring.store.get(key) not in (None, stored), timeout=10_000)
    assert second.quit() == 0


def test_no_keyring_disables_remember_me_and_still_signs_in(qtbot, make_driver, sandbox):
    keyring.set_keyring(fail.Keyring())  # a headless machine
    driver = make_driver(Options(server=sandbox.url))
    dialog = driver.login_dialog()
    check = dialog.ui.rememberCheck
    assert not check.isEnabled() and not check.isChecked()
    assert "keyring" in check.toolTip().lower()
    driver.sign_in(dialog, url=sandbox.url, username="payments1", password=DEMO_STAFF_PASSWORD)
    driver.main_window()
    assert driver.quit() == 0
