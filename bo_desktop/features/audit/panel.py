"""The audit viewer dock: filters, the records (newest first, loaded page by page), the selected
record's before/after, chain verification and the Excel export.

Verification answers in words an auditor can repeat: "Verified — N records" or "Broken at record
N". The export fetches every matching record over the API, then writes the workbook in a worker
thread (``run_in_worker``); it can be cancelled and leaves no partial file.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QDateTime, QItemSelection, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from bo_desktop.contract.audit import AuditRecord, AuditVerification
from bo_desktop.contract.common import Page
from bo_desktop.contract.reference import StaffMember
from bo_desktop.core.api.errors import ApiError
from bo_desktop.core.context import AppContext
from bo_desktop.core.workers import run_in_worker
from bo_desktop.core.xlsx import ExportCancelled
from bo_desktop.widgets.labels import mute, plain_label
from bo_desktop.widgets.naming import named
from bo_desktop.widgets.record_view import record_view

from .export import write_audit_workbook
from .model import AuditModel, Col
from .service import ENTITY_TYPES, AuditFilter, AuditService, diff, verification_text

OK_COLOUR, BROKEN_COLOUR = "#1b5e20", "#b3261e"


class AuditPanel(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("auditPanel")
        self.ctx = ctx
        self.service = AuditService(ctx.api)
        self.next_cursor: str | None = None
        self._cancel_export: threading.Event | None = None

        self.actor = named(QComboBox(), "auditActorFilter")
        self.actor.addItem("Any actor", "")
        self.actor.addItem("System", "SYSTEM")
        for staff in sorted(ctx.cache.items_as("staff", StaffMember), key=lambda s: s.display_name):
            self.actor.addItem(staff.display_name, staff.id)
        self.entity_type = named(QComboBox(), "auditEntityTypeFilter")
        self.entity_type.addItem("Any entity", "")
        for entity in ENTITY_TYPES:
            self.entity_type.addItem(entity.replace("_", " ").capitalize(), entity)
        self.entity_id = named(QLineEdit(), "auditEntityIdFilter")
        self.entity_id.setPlaceholderText("Entity id, e.g. P-000042")
        self.action = named(QLineEdit(), "auditActionFilter")
        self.action.setPlaceholderText("Action, e.g. alert.transition")
        now = QDateTime.currentDateTime()
        self.use_since = named(QCheckBox("From"), "auditUseFrom")
        self.since = named(QDateTimeEdit(now.addDays(-7)), "auditFrom")
        self.use_until = named(QCheckBox("To"), "auditUseTo")
        self.until = named(QDateTimeEdit(now.addSecs(3600)), "auditTo")
        for check, edit in ((self.use_since, self.since), (self.use_until, self.until)):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
            edit.setEnabled(False)  # a date that is not applied must not look applied
            check.toggled.connect(edit.setEnabled)
        self.apply = named(QPushButton("Apply"), "auditApply")
        filters = QHBoxLayout()
        filter_widgets: list[QWidget] = [self.actor, self.entity_type, self.entity_id, self.action]
        filter_widgets += [self.use_since, self.since, self.use_until, self.until, self.apply]
        for widget in filter_widgets:
            filters.addWidget(widget)
        filters.addStretch(1)

        self.verify = named(QPushButton("Verify chain"), "auditVerify")
        self.verification = named(plain_label(), "auditVerification")
        self.export = named(QPushButton("Export to Excel…"), "auditExport")
        self.cancel_export = named(QPushButton("Cancel export"), "auditCancelExport")
        self.cancel_export.hide()
        self.summary = mute(named(plain_label(), "auditSummary"))
        self.load_more = named(QPushButton("Load more"), "auditLoadMore")
        tools = QHBoxLayout()
        tools.addWidget(self.verify)
        tools.addWidget(self.verification)
        tools.addStretch(1)
        for tool in (self.summary, self.load_more, self.export, self.cancel_export):
            tools.addWidget(tool)

        self.model = AuditModel(self)
        self.table = record_view(
            self.model,
            "auditTable",
            sort_column=Col.SEQ,
            sort_order=Qt.SortOrder.DescendingOrder,
            widths={Col.SEQ: 64, Col.TIME: 140, Col.ACTOR: 140, Col.ACTION: 170, Col.ENTITY: 170},
        )

        self.diff = named(QTreeWidget(), "auditDiff")
        self.diff.setHeaderLabels(["Field", "Before", "After"])
        self.diff.setRootIsDecorated(False)
        self.diff.setAlternatingRowColors(True)
        self.diff.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.diff_title = named(
            plain_label("Select a record to see what it changed.", wrap=True), "auditDiffTitle"
        )
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(6, 0, 0, 0)
        side_layout.addWidget(self.diff_title)
        side_layout.addWidget(self.diff, 1)
        splitter = named(QSplitter(Qt.Orientation.Horizontal), "auditSplitter")
        splitter.addWidget(self.table)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([880, 480])

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(tools)
        layout.addWidget(splitter, 1)

        self.apply.clicked.connect(self.reload)
        for line_edit in (self.entity_id, self.action):
            line_edit.returnPressed.connect(self.reload)
        for combo in (self.actor, self.entity_type):
            combo.currentIndexChanged.connect(self.reload)
        self.load_more.clicked.connect(self._load_more)
        self.verify.clicked.connect(self._verify)
        self.export.clicked.connect(self._choose_export_path)
        self.cancel_export.clicked.connect(self._cancel)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.reload()

    # -- loading ---------------------------------------------------------------------------------

    def current_filter(self) -> AuditFilter:
        def utc(edit: QDateTimeEdit) -> datetime:
            return datetime.fromtimestamp(edit.dateTime().toSecsSinceEpoch(), UTC)

        return AuditFilter(
            actor_id=self.actor.currentData(),
            entity_type=self.entity_type.currentData(),
            entity_id=self.entity_id.text(),
            action=self.action.text(),
            since=utc(self.since) if self.use_since.isChecked() else None,
            until=utc(self.until) if self.use_until.isChecked() else None,
        )

    def reload(self) -> None:
        self.summary.setText("Loading…")
        self.load_more.setEnabled(False)
        self.ctx.tasks.latest(
            self,
            "page",
            self.service.page(self.current_filter()),
            on_result=self._first_page,
            on_error=self._failed,
        )

    def _first_page(self, page: Page[AuditRecord]) -> None:
        self.model.set_records(list(page.data))
        self._after_page(page)
        self.show_record(None)

    def _load_more(self) -> None:
        self.load_more.setEnabled(False)
        self.ctx.tasks.latest(
            self,
            "page",
            self.service.page(self.current_filter(), self.next_cursor),
            on_result=self._more,
            on_error=self._failed,
        )

    def _more(self, page: Page[AuditRecord]) -> None:
        self.model.append(list(page.data))
        self._after_page(page)

    def _after_page(self, page: Page[AuditRecord]) -> None:
        self.next_cursor = page.next_cursor if page.has_more else None
        self.load_more.setEnabled(self.next_cursor is not None)
        count = self.model.rowCount()
        more = " (more available)" if self.next_cursor else ""
        self.summary.setText(f"{count:,} record{'s' if count != 1 else ''} shown{more}")

    def _failed(self, exc: ApiError) -> None:
        self.summary.setText(f"Could not load the audit trail: {exc.user_message}")
        self.load_more.setEnabled(self.next_cursor is not None)

    # -- before/after ----------------------------------------------------------------------------

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.table.selectionModel().selectedRows()
        self.show_record(self.model.record_at(rows[0].row()) if rows else None)

    def show_record(self, record: AuditRecord | None) -> None:
        self.diff.clear()
        if record is None:
            self.diff_title.setText("Select a record to see what it changed.")
            return
        reason = f"\nReason: {record.reason}" if record.reason else ""
        self.diff_title.setText(
            f"Record {record.seq} · {record.action} · {record.entity_type} {record.entity_id}\n"
            f"by {record.actor_name} ({record.actor_id}) "
            f"at {record.at.astimezone():%Y-%m-%d %H:%M:%S}{reason}"
        )
        bold = QFont(self.diff.font())
        bold.setBold(True)
        highlight = QBrush(QColor("#fff3c4"))
        for line in diff(record):
            item = QTreeWidgetItem([line.field, line.before, line.after])
            if line.changed:
                for column in range(3):
                    item.setFont(column, bold)
                    item.setBackground(column, highlight)
                    item.setForeground(column, QBrush(QColor("#1a1a1a")))
            self.diff.addTopLevelItem(item)

    # -- verification ----------------------------------------------------------------------------

    def _verify(self) -> None:
        self.verify.setEnabled(False)
        self.verification.setStyleSheet("")
        self.verification.setText("Verifying the chain…")
        self.ctx.tasks.start(
            self.service.verify(), owner=self, on_result=self._verified, on_error=self._verify_failed
        )

    def _verified(self, result: AuditVerification) -> None:
        self.verify.setEnabled(True)
        colour = OK_COLOUR if result.ok else BROKEN_COLOUR
        self.verification.setStyleSheet(f"color: {colour}; font-weight: bold;")
        self.verification.setText(("✔ " if result.ok else "✖ ") + verification_text(result))

    def _verify_failed(self, exc: ApiError) -> None:
        self.verify.setEnabled(True)
        self.verification.setText(f"Could not verify: {exc.user_message}")

    # -- export ----------------------------------------------------------------------------------

    def _choose_export_path(self) -> None:
        default = str(Path.home() / f"audit-trail-{datetime.now():%Y%m%d-%H%M}.xlsx")
        path, _filter = QFileDialog.getSaveFileName(
            self, "Export audit trail", default, "Excel workbook (*.xlsx)"
        )
        if path:
            self.export_to(Path(path) if path.endswith(".xlsx") else Path(path + ".xlsx"))

    def export_to(self, target: Path) -> None:
        """Export every record matching the current filter (not just the loaded ones) to ``target``."""
        cancel = threading.Event()
        self._cancel_export = cancel
        self.export.setEnabled(False)
        self.cancel_export.show()
        self.summary.setText("Exporting…")
        audit_filter = self.current_filter()

        async def run() -> str:
            records: list[AuditRecord] = []
            try:
                async for page in self.service.all_pages(audit_filter):
                    if cancel.is_set():
                        raise ExportCancelled
                    records.extend(page)
                    self.summary.setText(f"Exporting… {len(records):,} records fetched")
                count = await run_in_worker(write_audit_workbook, target, [records], cancel)
            except ExportCancelled:
                return "Export cancelled; no file was written."
            except OSError as exc:  # the folder is not writable, the disk is full, ...
                return f"Export failed, no file written: {exc.strerror or exc}"
            return f"Exported {count:,} records to {target}"

        self.ctx.tasks.start(run(), owner=self, on_result=self._export_finished, on_error=self._export_failed)

    def _cancel(self) -> None:
        if self._cancel_export is not None:
            self._cancel_export.set()

    def _export_finished(self, text: str) -> None:
        self.summary.setText(text)
        self.export.setEnabled(True)
        self.cancel_export.hide()

    def _export_failed(self, exc: ApiError) -> None:
        self._export_finished(f"Export failed, no file written: {exc.user_message}")
