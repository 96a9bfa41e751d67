"""The Segments dock: rule builder with a live member count, saved segments, members out.

Editing a rule restarts a short debounce; when it fires, one ``POST /segments/evaluate`` runs
with ``tasks.latest`` so an older answer can never overwrite a newer one. The count line always
says how many players the responsible-gambling guard left out. Opening members goes through the
shell (``ctx.requests.open_segment``): the players panel shows them, this feature never imports it.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError
from PySide6.QtCore import QItemSelection, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from bo_desktop.contract.enums import Permission
from bo_desktop.contract.events import EventType, ServerEvent
from bo_desktop.contract.reference import Game, ReferenceDataset, StaffMember
from bo_desktop.contract.segments import SegmentCreate, SegmentDefinition, SegmentEvaluation, SegmentUpdate
from bo_desktop.core.api.errors import ApiError, NetworkError
from bo_desktop.core.context import AppContext
from bo_desktop.widgets.labels import mute, plain_label
from bo_desktop.widgets.naming import named

from .builder import RuleBuilder
from .dialogs import SaveSegmentDialog, failure_text
from .model import SegmentColumn, SegmentListModel
from .service import SegmentsService

DEBOUNCE_MS = 300


def count_text(evaluation: SegmentEvaluation) -> str:
    text = f"{evaluation.members:,} players match"
    if evaluation.marketing:
        text += (
            f" · {evaluation.excluded_by_rg_guard:,} left out by the RG guard"
            " (self-excluded, cooling off or open RG alert)"
        )
    else:
        text += " · not a marketing segment: the RG guard does not apply"
    return text


class SegmentsPanel(QWidget):
    def __init__(self, ctx: AppContext, service: SegmentsService | None = None) -> None:
        super().__init__()
        self.setObjectName("segmentsPanel")
        self.ctx = ctx
        self.service = service or SegmentsService(ctx.api)
        self.can_write = ctx.can(Permission.SEGMENTS_WRITE)
        self.evaluations = 0  # answers shown (tests check that stale ones are not)

        games = ctx.cache.items_as(ReferenceDataset.GAMES, Game)
        self.builder = RuleBuilder(sorted({g.category for g in games}))
        self.count = named(plain_label("Counting…", wrap=True), "segmentCount")
        font = self.count.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.count.setFont(font)
        self.save_new = named(QPushButton("Save as new segment…"), "segmentSaveNew")
        self.update_selected = named(QPushButton("Save changes to selected"), "segmentUpdate")
        for button in (self.save_new, self.update_selected):
            button.setVisible(self.can_write)  # hidden, not just disabled: the role never may

        builder_box = QWidget()
        builder_layout = QVBoxLayout(builder_box)
        builder_layout.addWidget(self.builder)
        builder_layout.addStretch(1)
        scroll = named(QScrollArea(), "segmentBuilderScroll")
        scroll.setWidget(builder_box)
        scroll.setWidgetResizable(True)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(scroll, 1)
        left_layout.addWidget(self.count)
        save_row = QHBoxLayout()
        save_row.addWidget(self.save_new)
        save_row.addWidget(self.update_selected)
        save_row.addStretch(1)
        left_layout.addLayout(save_row)

        staff = {s.id: s.display_name for s in ctx.cache.items_as(ReferenceDataset.STAFF, StaffMember)}
        self.model = SegmentListModel(staff, self)
        self.table = named(QTableView(), "segmentList")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(SegmentColumn.NAME, Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(SegmentColumn.NAME, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.open_members = named(QPushButton("Open members in Players"), "segmentOpenMembers")
        self.export = named(QPushButton("Export members…"), "segmentExport")
        self.refresh = named(QPushButton("Refresh"), "segmentRefresh")
        self.list_status = mute(named(plain_label("", wrap=True), "segmentListStatus"))
        self.open_members.clicked.connect(self._open_members)
        self.export.clicked.connect(self._choose_export_file)
        self.refresh.clicked.connect(self.reload)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.table, 1)
        actions = QHBoxLayout()
        for button in (self.open_members, self.export, self.refresh):
            actions.addWidget(button)
        actions.addStretch(1)
        right_layout.addLayout(actions)
        right_layout.addWidget(self.list_status)

        splitter = named(QSplitter(), "segmentSplitter")
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([560, 560])  # the list needs room for segment names, not just counts
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.evaluate_now)
        self.builder.changed.connect(self._debounce.start)
        self.save_new.clicked.connect(lambda: self._open_save_dialog(None))
        self.update_selected.clicked.connect(lambda: self._open_save_dialog(self.selected()))
        ctx.events.subscribe(EventType.REFERENCE_UPDATED.value, self._on_reference_updated, owner=self)
        self._update_actions()
        self.evaluate_now()
        self.reload()

    # -- live count ------------------------------------------------------------------------------

    def evaluate_now(self) -> None:
        self._debounce.stop()
        try:
            rules = self.builder.rules()
        except ValidationError as exc:
            self.ctx.tasks.cancel_owner(self.builder)
            message = exc.errors()[0].get("msg", "These rules contradict each other.")
            self.count.setText(f"Check the rules: {str(message).removeprefix('Value error, ')}.")
            return
        self.count.setText("Counting…")
        coro = self.service.evaluate(rules, marketing=self.builder.marketing.isChecked())
        # Owned by the builder so that only evaluations compete for "latest", not list loads.
        self.ctx.tasks.latest(
            self.builder, "evaluate", coro, on_result=self._show_count, on_error=self._count_failed
        )

    def _show_count(self, evaluation: SegmentEvaluation) -> None:
        self.evaluations += 1
        self.count.setText(count_text(evaluation))
        self.count.setToolTip(f"Counted by the server in {evaluation.server_ms:.0f} ms")

    def _count_failed(self, exc: ApiError) -> None:
        if isinstance(exc, NetworkError):
            self.count.setText("Offline: the count will update when you change a rule again.")
        else:
            self.count.setText(f"Could not count: {failure_text(exc)}")

    # -- saved segments --------------------------------------------------------------------------

    def reload(self) -> None:
        self.list_status.setText("Loading segments…")
        self.ctx.tasks.latest(
            self,
            "list",
            self.service.segments_with_counts(),
            on_result=self._show_list,
            on_error=self._list_failed,
        )

    def _show_list(self, rows: list[tuple[SegmentDefinition, SegmentEvaluation]]) -> None:
        selected = self.selected()
        self.model.reset_rows(rows)
        header = self.table.horizontalHeader()
        self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        if selected is not None and (row := self.model.row_of(selected.id)) >= 0:
            # Keep the selection without reloading its rules: the user may be editing them.
            selection = self.table.selectionModel()
            selection.blockSignals(True)
            self.table.selectRow(row)
            selection.blockSignals(False)
            self.table.viewport().update()
        self.list_status.setText(f"{len(rows)} segments. Counts exclude RG-protected players.")
        self._update_actions()

    def _list_failed(self, exc: ApiError) -> None:
        self.list_status.setText(f"Could not load segments: {failure_text(exc)}")

    def _on_reference_updated(self, event: ServerEvent) -> None:
        if event.data.get("dataset") == ReferenceDataset.SEGMENTS.value:
            self.reload()  # someone saved or shared a segment

    def selected(self) -> SegmentDefinition | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.segment(rows[0].row()) if rows else None

    def select_segment(self, segment_id: str) -> None:
        row = self.model.row_of(segment_id)
        if row >= 0:
            self.table.selectRow(row)

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        segment = self.selected()
        if segment is not None and segment.rules is not None:
            self.builder.set_rules(segment.rules, segment.marketing)
        self._update_actions()

    def _update_actions(self) -> None:
        segment = self.selected()
        for button in (self.open_members, self.export):
            button.setEnabled(segment is not None)
        self.update_selected.setEnabled(segment is not None and not segment.builtin)
        self.update_selected.setToolTip(
            "" if segment is None or not segment.builtin else "Built-ins cannot change"
        )

    # -- saving ----------------------------------------------------------------------------------

    def _open_save_dialog(self, existing: SegmentDefinition | None) -> SaveSegmentDialog | None:
        try:
            rules = self.builder.rules()
        except ValidationError:
            self.evaluate_now()  # shows what is wrong
            return None
        marketing = self.builder.marketing.isChecked()

        async def save(name: str, description: str, shared: bool, key: str) -> SegmentDefinition:
            if existing is None:
                body = SegmentCreate(
                    name=name, description=description, shared=shared, marketing=marketing, rules=rules
                )
                return await self.service.create(body, key)
            update = SegmentUpdate(
                name=name, description=description, shared=shared, marketing=marketing, rules=rules
            )
            return await self.service.update(existing, update, key)

        dialog = SaveSegmentDialog(self.ctx.tasks, save, existing=existing, parent=self)
        dialog.accepted.connect(lambda: self._saved(dialog.saved))
        dialog.open()
        return dialog

    def _saved(self, segment: SegmentDefinition | None) -> None:
        if segment is None:
            return
        self.ctx.notifier.info(f"Segment “{segment.name}” saved")
        self.reload()

    # -- members ---------------------------------------------------------------------------------

    def _open_members(self) -> None:
        segment = self.selected()
        if segment is not None:
            self.ctx.requests.open_segment.emit(segment.id, segment.name)

    def _choose_export_file(self) -> None:
        segment = self.selected()
        if segment is None:
            return
        suggested = str(Path.home() / f"{segment.name.replace('/', '-')} members.xlsx")
        path, _filter = QFileDialog.getSaveFileName(
            self, "Export members", suggested, "Excel workbook (*.xlsx)"
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        segment = self.selected()
        if segment is None:
            return
        self.export.setEnabled(False)
        self.list_status.setText(f"Exporting the members of {segment.name}…")

        def progress(rows: int) -> None:
            self.list_status.setText(f"Exporting the members of {segment.name}: {rows:,} rows so far…")

        def done(rows: int) -> None:
            self.export.setEnabled(True)
            self.list_status.setText(f"Exported {rows:,} members to {path}")

        def failed(exc: ApiError) -> None:
            self.export.setEnabled(True)
            self.list_status.setText(f"Export failed: {failure_text(exc)} (no file was written)")

        coro = self.service.export_members(segment, path, progress=progress)
        self.ctx.tasks.latest(self, "export", coro, on_result=done, on_error=failed)
