"""After a remembered session, no secret is anywhere but the keyring: not in QSettings, the
reference cache, the logs, or exception text."""

from __future__ import annotations

import logging
from pathlib import Path

from gui_support import GUI_PLAYERS, STAFF_PASSWORD

from bo_desktop.app import Options
from bo_desktop.core.api.errors import ApiError
from bo_desktop.core.credentials import SERVICE, account_key
from bo_desktop.shell.errors import error_details, readable_message
from bo_desktop.shell.logs import SecretScrubber, setup_logging, shutdown_logging

WRONG_PASSWORD = "Wrong-Secret-93xq"


def test_secrets_only_in_the_keyring(
    qtbot, qasync_loop, make_driver, fresh_sandbox, memory_keyring, tmp_path, monkeypatch
):
    seen: list[str] = []
    original_add = SecretScrubber.add_secret

    def spy(self, value):
        if value:
            seen.append(value)  # every password and token the app handled
        original_add(self, value)

    monkeypatch.setattr(SecretScrubber, "add_secret", spy)
    log_file = setup_logging(logging.DEBUG, directory=tmp_path / "state" / "bo-desktop" / "log")
    url = fresh_sandbox(players=GUI_PLAYERS, staff_password=STAFF_PASSWORD).url
    try:
        driver = make_driver(Options(server=url))
        dialog = driver.login_dialog()
        driver.sign_in(dialog, url=url, username="compliance", password=WRONG_PASSWORD)
        qtbot.waitUntil(lambda: dialog.error_text != "", timeout=10_000)
        driver.type_into(dialog.ui.passwordEdit, STAFF_PASSWORD)
        qtbot.mouseClick(dialog.ui.rememberCheck, _left())
        qtbot.keyClick(dialog.ui.passwordEdit, _return())
        driver.main_window()
        key = (SERVICE, account_key(url, "compliance"))
        qtbot.waitUntil(lambda: key in memory_keyring.store, timeout=10_000)
        services = driver.app.services
        assert services is not None
        access_token = services.api._session.access_token
        assert access_token

        # Exception text: a failing API call carries none of the secrets either.
        from bo_desktop.contract.common import Health

        async def failing_call():
            try:
                await services.api.get("players/P-DOES-NOT-EXIST", Health)
            except ApiError as exc:
                return exc
            return None

        task = qasync_loop.create_task(failing_call())
        qtbot.waitUntil(task.done, timeout=10_000)
        exc = task.result()
        assert isinstance(exc, ApiError)
        exception_texts = [str(exc), repr(exc), readable_message(exc), error_details(exc)]
        assert driver.quit() == 0
    finally:
        shutdown_logging()

    secrets = {STAFF_PASSWORD, WRONG_PASSWORD, access_token, *seen, *memory_keyring.store.values()}
    assert any(s.startswith(STAFF_PASSWORD) for s in secrets) and len(secrets) >= 3
    files = [p for p in Path(tmp_path).rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert "bo-desktop.ini" in names, names  # QSettings
    assert any(n.startswith("reference.sqlite3") for n in names), names  # cache (+ -wal/-shm)
    assert log_file.exists() and log_file.stat().st_size > 0
    for path in files:
        data = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in data, f"a secret leaked into {path.relative_to(tmp_path)}"
    for text in exception_texts:
        for secret in secrets:
            assert secret not in text


def _left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def _return():
    from PySide6.QtCore import Qt

    return Qt.Key.Key_Return
