"""The one error path: every unhandled exception ends up here, is logged and shown readably.

Sources routed here: ``sys.excepthook`` (exceptions escaping Qt slots), ``threading.excepthook``
(worker threads), the asyncio loop's exception handler (callbacks, never-retrieved futures) and
:class:`~bo_desktop.core.tasks.TaskRunner` (tasks nobody handled). Reports from other threads are
marshalled to the Qt thread through a queued signal.

The dialog is opened with ``open()`` (window-modal, no nested event loop): a nested ``exec()``
inside qasync would re-enter the asyncio loop.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from bo_desktop.shell.logs import SCRUBBER
from bo_desktop.widgets.labels import mute
from bo_desktop.widgets.naming import named

log = logging.getLogger("bo_desktop.errors")


def readable_message(exc: BaseException) -> str:
    """What a person should read: the server's explanation for API errors, a plain sentence else."""
    # Imported here: the error path must not pull httpx/pydantic onto the start-up path.
    from bo_desktop.core.api.errors import ApiError

    if isinstance(exc, ApiError):
        return SCRUBBER.scrub(exc.user_message)
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return SCRUBBER.scrub(f"Something went wrong that the application did not expect: {text}")


def error_details(exc: BaseException) -> str:
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    problem = getattr(exc, "problem", None)
    if problem is not None:
        text = f"Server problem: {problem!r}\n\n{text}"
    return SCRUBBER.scrub(text)


class ErrorDialog(QDialog):
    """Readable message on top, copyable technical details below (collapsed)."""

    def __init__(self, parent: QWidget | None = None, log_file: Path | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorDialog")
        self.setWindowTitle("Error — bo-desktop")
        self.setMinimumWidth(520)
        self._count = 0

        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical).pixmap(40, 40))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.message_label = named(QLabel(), "errorMessage")
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)  # may quote server/player text
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        hint = "The details were written to the log file"
        hint += f":\n{log_file}" if log_file else "."
        self.hint_label = named(QLabel(hint), "errorHint")
        self.hint_label.setTextFormat(Qt.TextFormat.PlainText)
        self.hint_label.setWordWrap(True)
        mute(self.hint_label)

        top = QHBoxLayout()
        top.addWidget(icon)
        text_column = QVBoxLayout()
        text_column.addWidget(self.message_label)
        text_column.addWidget(self.hint_label)
        top.addLayout(text_column, 1)

        self.details = named(QPlainTextEdit(), "errorDetails")
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.details.setMinimumHeight(180)
        self.details.hide()

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.details_button = named(QPushButton("Show details"), "errorShowDetails")
        self.details_button.setCheckable(True)
        self.details_button.toggled.connect(self._toggle_details)
        self.copy_button = named(QPushButton("Copy details"), "errorCopyDetails")
        self.copy_button.clicked.connect(self.copy_details)
        buttons.addButton(self.details_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)

    def add_error(self, message: str, details: str) -> None:
        self._count += 1
        if self._count == 1:
            self.message_label.setText(message)
            self.details.setPlainText(details)
        else:
            # Errors often come in bursts; one dialog that counts them beats a stack of dialogs.
            first = self.message_label.text().split("\n\n(")[0]
            self.message_label.setText(f"{first}\n\n(and {self._count - 1} more error(s); see details)")
            self.details.appendPlainText("\n" + "-" * 60 + "\n" + details)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(f"{self.message_label.text()}\n\n{self.details.toPlainText()}")

    def _toggle_details(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self.details_button.setText("Hide details" if shown else "Show details")
        self.adjustSize()


class ErrorReporter(QObject):
    """Receives every unhandled error, logs it (scrubbed) and shows one :class:`ErrorDialog`."""

    _report_requested = Signal(object)
    #: Emitted after a report was shown (tests and the status bar listen).
    reported = Signal(object)

    def __init__(self, log_file: Path | None = None) -> None:
        super().__init__()
        self._log_file = log_file
        self._dialog: ErrorDialog | None = None
        self._parent: QWidget | None = None
        self._previous_excepthook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        # Queued when emitted from a worker thread: the dialog is always built on the Qt thread.
        self._report_requested.connect(self._show, Qt.ConnectionType.QueuedConnection)

    @property
    def dialog(self) -> ErrorDialog | None:
        return self._dialog

    def set_parent_widget(self, parent: QWidget | None) -> None:
        self._parent = parent

    def install(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        sys.excepthook = self._excepthook
        threading.excepthook = self._thread_excepthook
        if loop is not None:
            loop.set_exception_handler(self._loop_exception_handler)

    def uninstall(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        sys.excepthook = self._previous_excepthook
        threading.excepthook = self._previous_thread_hook
        if loop is not None and not loop.is_closed():
            loop.set_exception_handler(None)

    def report(self, exc: BaseException) -> None:
        """Log ``exc`` and show it; callable from any thread."""
        if isinstance(exc, (KeyboardInterrupt, SystemExit, asyncio.CancelledError)):
            return
        log.error("unhandled error: %s", readable_message(exc), exc_info=exc)
        self._report_requested.emit(exc)

    @Slot(object)
    def _show(self, exc: BaseException) -> None:
        try:
            self._show_dialog(exc)
        except Exception:
            # Never let the error path feed itself (a failing dialog -> excepthook -> dialog...).
            log.exception("could not show the error dialog")

    def _show_dialog(self, exc: BaseException) -> None:
        if self._dialog is None or not self._dialog.isVisible():
            parent = self._parent if self._parent is not None and shiboken6.isValid(self._parent) else None
            self._dialog = ErrorDialog(parent, self._log_file)
            self._dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self._dialog.destroyed.connect(self._dialog_gone)
            self._dialog.add_error(readable_message(exc), error_details(exc))
            self._dialog.open()
        else:
            self._dialog.add_error(readable_message(exc), error_details(exc))
        self.reported.emit(exc)

    def _dialog_gone(self, *_: Any) -> None:
        self._dialog = None

    def _excepthook(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            self._previous_excepthook(exc_type, exc, tb)
            return
        self.report(exc.with_traceback(tb))

    def _thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            self.report(args.exc_value)

    def _loop_exception_handler(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        if isinstance(exc, BaseException):
            self.report(exc)
        else:
            log.error("asyncio: %s", SCRUBBER.scrub(str(context.get("message", context))))
