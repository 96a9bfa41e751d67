"""The KYC review dock: the queue, the selected document beside the identity to compare it with,
and the decision (verify, or reject with a reason code and a message).

Live: ``kyc.updated`` removes a document another reviewer decided (or adds a new upload);
``player.updated`` refreshes the player's KYC state on their other documents. A failed decision
keeps the chosen reason and typed comment; the same decision retried reuses its key.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from bo_desktop.contract.compliance import KycQueueItem
from bo_desktop.contract.enums import KycDocumentKind, KycDocumentStatus
from bo_desktop.contract.events import ServerEvent
from bo_desktop.core.api.errors import ApiError, Conflict, NetworkError, PreconditionFailed
from bo_desktop.core.context import AppContext
from bo_desktop.widgets.labels import mute, plain_label
from bo_desktop.widgets.naming import named
from bo_desktop.widgets.record_view import record_view

from .model import Col, KycQueueModel
from .service import KIND_LABELS, DecisionIntents, KycService, bank_identity


def explain(exc: ApiError) -> str:
    if isinstance(exc, PreconditionFailed | Conflict):
        return "Another reviewer has already decided this document; it has left the queue."
    if isinstance(exc, NetworkError):
        return "The server cannot be reached, so nothing was decided. Try again when you are back online."
    return exc.user_message


class KycQueuePanel(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kycQueuePanel")
        self.ctx = ctx
        self.service = KycService(ctx.api)
        self.intents = DecisionIntents()
        self.current: KycQueueItem | None = None

        self.kind = named(QComboBox(), "kycKindFilter")
        self.kind.addItem("All documents", "")
        for kind, label in KIND_LABELS.items():
            if kind != KycDocumentKind.BANK_ID:
                self.kind.addItem(label, kind.value)
        self.pnp_only = named(QCheckBox("Pay-n-Play players only"), "kycPnpFilter")
        self.summary = mute(named(plain_label(), "kycSummary"))
        bar = QHBoxLayout()
        bar.addWidget(self.kind)
        bar.addWidget(self.pnp_only)
        bar.addStretch(1)
        bar.addWidget(self.summary)

        self.model = KycQueueModel(self)
        self.table = record_view(
            self.model,
            "kycQueueTable",
            sort_column=Col.WAITING,
            sort_order=Qt.SortOrder.DescendingOrder,
            widths={Col.WAITING: 64, Col.PLAYER: 190, Col.DOCUMENT: 130, Col.FILE: 190, Col.COUNTRY: 64},
        )

        splitter = named(QSplitter(Qt.Orientation.Horizontal), "kycSplitter")
        splitter.addWidget(self.table)
        splitter.addWidget(self._build_review())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([900, 420])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)

        self.kind.currentIndexChanged.connect(self.reload)
        self.pnp_only.toggled.connect(self.reload)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        ctx.events.subscribe("kyc.", self._on_kyc_event, owner=self)
        ctx.events.subscribe("player.updated", self._on_player_event, owner=self)
        ctx.events.reset.connect(self.reload)
        self.reload()
        self.show_item(None)

    def _build_review(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(6, 0, 0, 0)
        self.title = named(plain_label(wrap=True), "kycTitle")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        layout.addWidget(self.title)
        facts = QFormLayout()
        self.facts = {
            name: named(plain_label(wrap=True), f"kyc_{name}")
            for name in ("player", "file", "uploaded", "state")
        }
        for name, label in (
            ("player", "Player"),
            ("file", "File"),
            ("uploaded", "Uploaded"),
            ("state", "Player KYC"),
        ):
            facts.addRow(label, self.facts[name])
        layout.addLayout(facts)
        # Pay-n-Play: the bank already verified who this is; the reviewer compares against it.
        self.bank_box = named(QGroupBox("Bank-verified identity (Pay-n-Play)"), "kycBankIdentity")
        bank_layout = QVBoxLayout(self.bank_box)
        self.bank_identity = named(plain_label(wrap=True), "kycBankName")
        bank_layout.addWidget(self.bank_identity)
        layout.addWidget(self.bank_box)

        decision = QGroupBox("Decision")
        form = QFormLayout(decision)
        self.reason = named(QComboBox(), "kycRejectReason")
        self.reason.addItem("Choose a reason to reject…", None)
        for code in self.ctx.cache.reason_codes("kyc_reject"):
            self.reason.addItem(code.label, code.code)
        self.comment = named(QPlainTextEdit(), "kycComment")
        self.comment.setPlaceholderText("Message to the player (optional for a verification)")
        self.comment.setFixedHeight(80)
        self.comment.setTabChangesFocus(True)
        form.addRow("Reject reason", self.reason)
        form.addRow("Comment", self.comment)
        buttons = QHBoxLayout()
        self.verify = named(QPushButton("Verify"), "kycVerify")
        self.reject = named(QPushButton("Reject"), "kycReject")
        buttons.addWidget(self.verify)
        buttons.addWidget(self.reject)
        buttons.addStretch(1)
        form.addRow(buttons)
        self.error = named(plain_label(wrap=True), "kycError")
        self.error.setStyleSheet("color: #b3261e;")
        form.addRow(self.error)
        layout.addWidget(decision)
        layout.addStretch(1)
        self.verify.clicked.connect(lambda: self._decide(KycDocumentStatus.VERIFIED))
        self.reject.clicked.connect(lambda: self._decide(KycDocumentStatus.REJECTED))
        self.reason.currentIndexChanged.connect(self._sync_buttons)
        return box

    # -- loading and live updates ----------------------------------------------------------------

    def reload(self) -> None:
        params: dict[str, Any] = {}
        if self.kind.currentData():
            params["kind"] = self.kind.currentData()
        if self.pnp_only.isChecked():
            params["pay_n_play"] = "true"
        self.summary.setText("Loading…")
        self.ctx.tasks.latest(
            self, "queue", self.service.queue(params), on_result=self._loaded, on_error=self._failed
        )

    def _loaded(self, items: list[KycQueueItem]) -> None:
        selected = self.current.id if self.current else None
        self.model.set_items(items)
        self._update_summary()
        if selected and self.model.row_of(selected) >= 0:
            self.table.selectRow(self.model.row_of(selected))

    def _failed(self, exc: ApiError) -> None:
        self.summary.setText(f"Could not load the queue: {exc.user_message}")

    def _update_summary(self) -> None:
        count = self.model.rowCount()
        self.summary.setText(f"{count} document{'s' if count != 1 else ''} waiting")

    def _on_kyc_event(self, event: ServerEvent) -> None:
        item = KycQueueItem.model_validate(event.data)
        if item.status == KycDocumentStatus.PENDING and self._matches(item):
            self.model.upsert(item)
        else:
            viewing = self.current is not None and self.current.id == item.id
            self.model.remove(item.id)
            if viewing and item.reviewed_by != self.ctx.me.staff_id:
                who = self.ctx.cache.staff_name(item.reviewed_by) if item.reviewed_by else "Another reviewer"
                self.show_item(None)
                self.error.setText(f"{who} has just {item.status.value} this document; it left the queue.")
        self._update_summary()

    def _on_player_event(self, event: ServerEvent) -> None:
        data = event.data
        self.model.update_player(
            str(data.get("id")), str(data.get("kyc_status")), int(data.get("version", 0))
        )
        if self.current and self.current.player_id == data.get("id"):
            self.facts["state"].setText(str(data.get("kyc_status", "")).replace("_", " ").capitalize())

    def _matches(self, item: KycQueueItem) -> bool:
        kind = self.kind.currentData()
        return (not kind or item.kind.value == kind) and (not self.pnp_only.isChecked() or item.pay_n_play)

    # -- selection and decision ------------------------------------------------------------------

    def select(self, document_id: str) -> None:
        row = self.model.row_of(document_id)
        if row >= 0:
            self.table.selectRow(row)

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.table.selectionModel().selectedRows()
        item = self.model.item_at(rows[0].row()) if rows else None
        if item is None or self.current is None or item.id != self.current.id:
            self.show_item(item)

    def show_item(self, item: KycQueueItem | None) -> None:
        self.current = item
        self.error.setText("")
        if item is None:
            self.title.setText("Select a document to review it.")
            for label in self.facts.values():
                label.setText("")
            self.bank_box.hide()
        else:
            self.title.setText(f"{KIND_LABELS[item.kind]} · {item.id}")
            self.facts["player"].setText(f"{item.player_name} ({item.player_id}), {item.player_country}")
            self.facts["file"].setText(item.file_name or "—")
            uploaded = item.uploaded_at.astimezone().strftime("%Y-%m-%d %H:%M") if item.uploaded_at else "—"
            self.facts["uploaded"].setText(uploaded)
            self.facts["state"].setText(item.player_kyc_status.replace("_", " ").capitalize())
            self.bank_identity.setText(bank_identity(item))
            self.bank_box.setVisible(item.pay_n_play)
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        self.verify.setEnabled(self.current is not None)
        # A rejection without a reason tells the player nothing: the button waits for one.
        self.reject.setEnabled(self.current is not None and self.reason.currentData() is not None)

    def _decide(self, decision: KycDocumentStatus) -> None:
        item = self.current
        if item is None:
            return
        reason = self.reason.currentData() if decision == KycDocumentStatus.REJECTED else None
        comment = self.comment.toPlainText().strip()
        key = self.intents.key_for(item.id, decision, reason, comment)
        self.verify.setEnabled(False)
        self.reject.setEnabled(False)
        self.error.setText("")
        self.ctx.tasks.start(
            self.service.decide(item, decision, reason, comment, key),
            owner=self,
            on_result=self._decided,
            on_error=lambda exc: self._decision_failed(item, exc),
        )

    def _decided(self, result: KycQueueItem) -> None:
        self.intents.forget(result.id)
        self.model.remove(result.id)
        self._update_summary()
        self.ctx.notifier.info(
            f"{KIND_LABELS[result.kind]} of {result.player_name} {result.status.value}; "
            f"player KYC is now {result.player_kyc_status.replace('_', ' ')}."
        )
        self.comment.clear()
        self.reason.setCurrentIndex(0)
        self.show_item(None)
        if self.model.rowCount():
            self.table.selectRow(0)

    def _decision_failed(self, item: KycQueueItem, exc: ApiError) -> None:
        if isinstance(exc, PreconditionFailed | Conflict):
            self.model.remove(item.id)  # clears the selection, so the message comes after it
            self._update_summary()
        self.error.setText(explain(exc))
        self._sync_buttons()
