"""GUI test fixtures: one qasync loop for the session, isolated settings/keyring/paths per test.

STACK-NOTES: a function-scoped QEventLoop closed after each test segfaults in pytest-qt's
teardown; one session-scoped ``QEventLoop(qapp, already_running=True)`` works. Coroutines run as
tasks on it and tests wait with ``qtbot.waitUntil(task.done)``, which keeps asyncio running too.
"""

from __future__ import annotations

import asyncio
import gc
import os
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The helper modules beside this file (gui_support, app_driver) import by plain name whether or
# not tests/ is a package (with __init__.py files pytest stops putting this directory on sys.path).
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import keyring
import keyring.errors
import pytest
import qasync
from keyring.backend import KeyringBackend
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from bo_desktop.core.settings import Settings


class MemoryKeyring(KeyringBackend):
    """A keyring that lives in a dict: real keyring API, nothing leaves the test process."""

    priority = 10  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.store:
            raise keyring.errors.PasswordDeleteError("nothing stored")
        del self.store[(service, username)]


@pytest.fixture(scope="session")
def _session_qasync_loop(qapp):
    loop = qasync.QEventLoop(qapp, already_running=True)
    # already_running=True marks the loop as *the* running loop of the thread for good; other
    # suites (tests/unit, tests/api) call asyncio.run() in the same process and would fail, so
    # the mark is only set while a GUI test runs (see ``qasync_loop``).
    asyncio.events._set_running_loop(None)
    yield loop


@pytest.fixture(autouse=True)
def qasync_loop(_session_qasync_loop):
    """The qasync loop, marked running for the duration of one GUI test."""
    asyncio.events._set_running_loop(_session_qasync_loop)
    asyncio.set_event_loop(_session_qasync_loop)
    yield _session_qasync_loop
    asyncio.events._set_running_loop(None)
    asyncio.set_event_loop(None)


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Every test gets its own config/cache/log dirs and an in-memory keyring."""
    for var, sub in (
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_DATA_HOME", "data"),
    ):
        (tmp_path / sub).mkdir()
        monkeypatch.setenv(var, str(tmp_path / sub))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "config"))
    previous = keyring.get_keyring()
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    yield memory
    keyring.set_keyring(previous)


@pytest.fixture
def memory_keyring(isolated_env) -> MemoryKeyring:
    return isolated_env


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(tmp_path / "config" / "bo-desktop.ini")


@pytest.fixture
def run_async(qtbot, qasync_loop) -> Callable[..., Any]:
    """Run a coroutine on the qasync loop while Qt keeps processing events; return its result."""

    def run(coro: Coroutine[Any, Any, Any], timeout: float = 20.0) -> Any:
        task = qasync_loop.create_task(coro)
        qtbot.waitUntil(task.done, timeout=int(timeout * 1000))
        return task.result()

    return run


@pytest.fixture
def make_driver(qtbot, qasync_loop):
    """``make_driver(Options(...))`` starts the real Application; all are shut down at teardown."""
    from app_driver import AppDriver

    drivers: list[AppDriver] = []

    def make(options):
        driver = AppDriver(qtbot, qasync_loop, options)
        drivers.append(driver)
        return driver

    yield make
    for driver in drivers:
        if not driver.task.done():
            driver.app.request_quit()
            qtbot.waitUntil(driver.task.done, timeout=20_000)
    drivers.clear()
    # A finished Application leaves Qt objects in reference cycles. Left to a later automatic gc
    # run, they were destroyed in the middle of the next test's constructors and crashed the
    # process (SIGSEGV in CI, "Garbage-collecting" in ThemeManager.__init__). Collect them here,
    # between tests, where nothing is half-built, and let Qt finish the deletions they post.
    gc.collect()
    QApplication.processEvents()
