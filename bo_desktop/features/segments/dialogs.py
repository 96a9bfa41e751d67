"""Save a segment: name, description, shared. One dialog = one intent = one Idempotency-Key.

The dialog does the call itself and stays open on failure, keeping what was typed; a retry after
a timeout reuses the key, so the server replays the first answer instead of saving twice. A 412
(someone else saved the segment in the meantime) says so and leaves the choice to the user.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from bo_desktop.contract.segments import SegmentDefinition
from bo_desktop.core.api.errors import (
    ApiError,
    Forbidden,
    NetworkError,
    PreconditionFailed,
    RateLimited,
    ValidationFailed,
)
from bo_desktop.core.tasks import TaskRunner
from bo_desktop.widgets.labels import plain_label
from bo_desktop.widgets.naming import named

SaveCall = Callable[[str, str, bool, str], Coroutine[Any, Any, SegmentDefinition]]


def failure_text(exc: ApiError) -> str:
    if isinstance(exc, Forbidden):
        return "You may not save segments (segments.write)."
    if isinstance(exc, PreconditionFailed):
        return "Someone changed this segment while you edited it. Reload it and apply your change again."
    if isinstance(exc, RateLimited):
        return "The server is busy; wait a moment and press Save again (nothing was lost)."
    if isinstance(exc, NetworkError):
        return "Offline or no answer. Press Save again when connected; it will not save twice."
    if isinstance(exc, ValidationFailed):
        return exc.problem.detail or "The server did not accept these rules."
    return exc.problem.detail or str(exc)


class SaveSegmentDialog(QDialog):
    def __init__(
        self,
        tasks: TaskRunner,
        save: SaveCall,
        *,
        existing: SegmentDefinition | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("saveSegmentDialog")
        self.setWindowTitle("Update segment" if existing else "Save segment")
        self.setMinimumWidth(420)
        self._tasks = tasks
        self._save = save
        self._key = str(uuid.uuid4())  # this intent; every retry from this dialog reuses it
        self.saved: SegmentDefinition | None = None

        self.name = named(QLineEdit(existing.name if existing else ""), "segmentName")
        self.name.setMaxLength(120)
        self.description = named(
            QPlainTextEdit(existing.description if existing else ""), "segmentDescription"
        )
        self.description.setFixedHeight(70)
        self.shared = named(QCheckBox("Share with every manager"), "segmentShared")
        self.shared.setChecked(existing.shared if existing else False)
        self.error = named(plain_label("", wrap=True), "segmentSaveError")
        self.error.setStyleSheet("color: #c62828")
        self.error.hide()

        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Description", self.description)
        form.addRow("", self.shared)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.name.textChanged.connect(self._update_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._update_button()

    def _update_button(self) -> None:
        button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        button.setEnabled(bool(self.name.text().strip()))

    def submit(self) -> None:
        self.buttons.setEnabled(False)
        self.error.hide()
        coro = self._save(
            self.name.text().strip(), self.description.toPlainText(), self.shared.isChecked(), self._key
        )
        self._tasks.start(coro, owner=self, on_result=self._done, on_error=self._failed)

    def _done(self, segment: SegmentDefinition) -> None:
        self.saved = segment
        self.accept()

    def _failed(self, exc: ApiError) -> None:
        self.buttons.setEnabled(True)
        self._update_button()
        self.error.setText(failure_text(exc))
        self.error.show()
