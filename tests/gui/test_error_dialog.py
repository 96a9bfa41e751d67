"""The one error path: slot exceptions, task errors and loop errors reach one readable dialog."""

from __future__ import annotations

import asyncio

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QPushButton

from bo_desktop.contract import Problem
from bo_desktop.core.api.errors import Forbidden
from bo_desktop.core.tasks import TaskRunner
from bo_desktop.shell.errors import ErrorReporter
from bo_desktop.shell.logs import SCRUBBER, setup_logging, shutdown_logging


@pytest.fixture
def reporter(qasync_loop, tmp_path):
    log_file = setup_logging(directory=tmp_path / "logs")
    reporter = ErrorReporter(log_file)
    reporter.install(qasync_loop)
    yield reporter
    reporter.uninstall(qasync_loop)
    shutdown_logging()
    if reporter.dialog is not None:
        reporter.dialog.close()


@pytest.mark.qt_no_exception_capture
def test_exception_in_a_slot_shows_readable_dialog_with_copyable_details(qtbot, reporter, tmp_path):
    SCRUBBER.add_secret("hunter2-password")
    button = QPushButton("Approve")
    qtbot.addWidget(button)

    def buggy_slot():
        raise RuntimeError("lookup failed for Bearer eyJabc.def.ghi and password=hunter2-password")

    button.clicked.connect(buggy_slot)
    with qtbot.waitSignal(reporter.reported, timeout=3000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = reporter.dialog
    assert dialog is not None and dialog.isVisible()
    message = dialog.message_label.text()
    assert message.startswith("Something went wrong")
    assert dialog.details.isHidden()
    qtbot.mouseClick(dialog.details_button, Qt.MouseButton.LeftButton)
    assert dialog.details.isVisible()
    assert "buggy_slot" in dialog.details.toPlainText()  # the traceback is there for support
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    assert "buggy_slot" in copied
    for text in (message, dialog.details.toPlainText(), copied):
        assert "eyJabc" not in text and "hunter2-password" not in text
    shutdown_logging()
    log_text = (tmp_path / "logs" / "bo-desktop.log").read_text()
    assert "buggy_slot" in log_text
    assert "eyJabc" not in log_text and "hunter2-password" not in log_text


def test_task_errors_and_api_errors_reach_the_same_dialog(qtbot, reporter):
    runner = TaskRunner(reporter.report)

    async def forbidden():
        raise Forbidden(Problem(title="Forbidden", status=403, detail="You may not break leases."))

    async def bug():
        raise ZeroDivisionError("division by zero")

    with qtbot.waitSignal(reporter.reported, timeout=3000):
        runner.start(forbidden())
    assert reporter.dialog.message_label.text() == "You may not break leases."
    with qtbot.waitSignal(reporter.reported, timeout=3000):
        runner.start(bug())
    # A burst of errors: one dialog that counts them, not a stack of dialogs.
    assert "and 1 more error" in reporter.dialog.message_label.text()
    assert "ZeroDivisionError" in reporter.dialog.details.toPlainText()


def test_loop_exception_handler_routes_callback_errors(qtbot, reporter, qasync_loop):
    def bad_callback():
        raise ValueError("callback exploded")

    with qtbot.waitSignal(reporter.reported, timeout=3000):
        qasync_loop.call_soon(bad_callback)
    assert "callback exploded" in reporter.dialog.message_label.text()


def test_worker_thread_exception_is_shown_on_the_qt_thread(qtbot, reporter):
    import threading

    def work():
        raise OSError("disk full")

    with qtbot.waitSignal(reporter.reported, timeout=3000):
        threading.Thread(target=work).start()
    assert "disk full" in reporter.dialog.message_label.text()


def test_cancellation_is_not_an_error(qtbot, reporter):
    reporter.report(asyncio.CancelledError())
    qtbot.wait(50)
    assert reporter.dialog is None
