"""The ticket's conversation: immutable comments as cards, and the composer with its draft.

Comment bodies are player-supplied text: every label here is ``Qt.PlainText`` (``plain_label``),
so ``<b>`` in a complaint is shown as the characters ``<b>``.

The composer never loses words. Each edit is saved as a draft (debounced, in a worker thread);
sending keeps the text in the box until the server confirmed the comment, and a failed send
leaves the text and the draft exactly as they were, with the reason shown under the box.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from bo_desktop.contract.disputes import DisputeComment
from bo_desktop.widgets.labels import mute, plain_label
from bo_desktop.widgets.naming import named

from .drafts import Draft

DRAFT_SAVE_DELAY_MS = 400


class CommentCard(QFrame):
    def __init__(self, comment: DisputeComment, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("internalComment" if comment.internal else "playerComment")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        # Internal notes look different at a glance: a reply meant for a colleague must never be
        # mistaken for what the player was told.
        if comment.internal:
            self.setStyleSheet(
                "#internalComment { background: rgba(255, 193, 7, 0.16); border-radius: 4px; }"
            )
        else:
            self.setStyleSheet("#playerComment { border-radius: 4px; }")
        who = comment.author_name + ("" if comment.author_id else " (player)")
        audience = (
            "Internal note" if comment.internal else ("To player" if comment.author_id else "From player")
        )
        when = comment.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
        head = QHBoxLayout()
        head.addWidget(named(plain_label(who), "commentAuthor"))
        head.addWidget(mute(plain_label(f"· {audience}")))
        head.addStretch(1)
        head.addWidget(mute(plain_label(when)))
        body = named(plain_label(comment.body, wrap=True), "commentBody")
        body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 8)
        layout.addLayout(head)
        layout.addWidget(body)


class ConversationView(QScrollArea):
    """Comments oldest first; scrolled to the newest when they change."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("disputeConversation")
        self.setWidgetResizable(True)
        self._inner = QWidget()
        self._layout = QVBoxLayout(self._inner)
        self._layout.setSpacing(8)
        self._layout.addStretch(1)
        self.setWidget(self._inner)

    def set_comments(self, comments: Sequence[DisputeComment]) -> None:
        while self._layout.count() > 1:
            item = self._layout.takeAt(0)
            if item is not None and (widget := item.widget()) is not None:
                widget.setParent(None)  # out of the view (and of findChildren) right away
                widget.deleteLater()
        if not comments:
            self._layout.insertWidget(0, mute(plain_label("No comments yet.")))
        for n, comment in enumerate(comments):
            self._layout.insertWidget(n, CommentCard(comment))
        QTimer.singleShot(0, lambda: self.verticalScrollBar().setValue(self.verticalScrollBar().maximum()))

    def cards(self) -> list[CommentCard]:
        return self._inner.findChildren(CommentCard)


class Composer(QWidget):
    """Comment editor with audience choice, Ctrl+Enter to send and a persistent draft."""

    #: (text, internal): the user asked to send; the owner calls :meth:`sent` or :meth:`failed`.
    send_requested = Signal(str, bool)
    #: (text, internal): the text or audience changed and the draft should be saved.
    draft_changed = Signal(str, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = named(QPlainTextEdit(), "commentEditor")
        self.editor.setPlaceholderText("Write a comment… (Ctrl+Enter sends)")
        self.editor.setTabChangesFocus(True)
        self.editor.setMinimumHeight(56)
        self.editor.setMaximumHeight(96)  # the conversation, not the empty box, gets the space
        self.editor.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.internal = named(QRadioButton("Internal note"), "commentInternal")
        self.to_player = named(QRadioButton("Reply to player"), "commentToPlayer")
        self.internal.setChecked(True)  # the safe default: nothing reaches the player by accident
        self.send_button = named(QPushButton("Send"), "commentSend")
        self.send_button.setToolTip("Send the comment (Ctrl+Enter)")
        self.status = named(mute(plain_label()), "draftStatus")
        self.error = named(plain_label(wrap=True), "commentError")
        self.error.setStyleSheet("color: #c62828;")
        self.error.hide()
        row = QHBoxLayout()
        row.addWidget(self.internal)
        row.addWidget(self.to_player)
        row.addStretch(1)
        row.addWidget(self.status)
        row.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.editor)
        layout.addWidget(self.error)
        layout.addLayout(row)
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(DRAFT_SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self._emit_draft)
        self.editor.textChanged.connect(self._edited)
        self.internal.toggled.connect(self._edited)
        self.send_button.clicked.connect(self._send)
        # An event filter rather than a QShortcut: the editor would otherwise take Ctrl+Return as
        # a line break when the window is not the active one (e.g. a second screen).
        self.editor.installEventFilter(self)
        self._sending = False
        self._online = True
        self._loading = False
        self._update_enabled()

    @property
    def text(self) -> str:
        return self.editor.toPlainText()

    @property
    def is_internal(self) -> bool:
        return self.internal.isChecked()

    def restore(self, draft: Draft | None) -> None:
        """Show a ticket's saved draft (or an empty box) without saving it back."""
        self._loading = True
        self.editor.setPlainText(draft.text if draft else "")
        (self.internal if draft is None or draft.internal else self.to_player).setChecked(True)
        self._loading = False
        self.error.hide()
        self.status.setText("Draft restored" if draft and draft.text else "")
        self._update_enabled()

    def flush(self) -> None:
        """Save a pending draft now (switching tickets, closing)."""
        if self._save_timer.isActive():
            self._save_timer.stop()
            self._emit_draft()

    def take_pending(self) -> tuple[str, bool] | None:
        """The (text, internal) of an edit still waiting for its debounced save, if any."""
        if not self._save_timer.isActive():
            return None
        self._save_timer.stop()
        return self.text, self.is_internal

    def set_online(self, online: bool) -> None:
        self._online = online
        self._update_enabled()

    def sending(self) -> None:
        self._sending = True
        self.error.hide()
        self.status.setText("Sending…")
        self._update_enabled()

    def sent(self) -> None:
        self._sending = False
        self._loading = True
        self.editor.clear()
        self._loading = False
        self.status.setText("Sent")
        self._update_enabled()

    def failed(self, message: str) -> None:
        self._sending = False
        self.error.setText(f"Not sent: {message} Your text is kept as a draft.")
        self.error.show()
        self.status.setText("Draft saved")
        self._update_enabled()

    def draft_saved(self) -> None:
        if not self._sending:
            self.status.setText("Draft saved")

    def _edited(self, *_args: object) -> None:
        self._update_enabled()
        if not self._loading:
            self._save_timer.start()

    def _emit_draft(self) -> None:
        self.draft_changed.emit(self.text, self.is_internal)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.editor and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            ctrl = event.modifiers() & Qt.KeyboardModifier.ControlModifier
            if ctrl and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._send()
                return True
        return super().eventFilter(watched, event)

    def _send(self) -> None:
        if self.send_button.isEnabled():
            self.flush()
            self.send_requested.emit(self.text, self.is_internal)

    def _update_enabled(self) -> None:
        self.send_button.setEnabled(self._online and not self._sending and bool(self.text.strip()))
        self.send_button.setToolTip(
            "Offline: the comment is kept as a draft" if not self._online else "Send (Ctrl+Enter)"
        )
