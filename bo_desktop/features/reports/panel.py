"""The Reports dock: choose a report, see how many rows it has, export it, find past exports.

The row-count preview follows every change (debounced, latest wins). An export runs as an
:class:`~.export.ExportJob`: pages are fetched on the event loop, the workbook is written in a
worker thread, the progress bar counts rows, Cancel stops both and leaves no file. Finished
exports go to the top of "Recent exports", whose "Open folder" hands the folder to the desktop.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from bo_desktop import __version__
from bo_desktop.contract.reference import Currency, ReferenceDataset
from bo_desktop.contract.reports import ReportDefinition
from bo_desktop.core.api.errors import ApiError
from bo_desktop.core.context import AppContext
from bo_desktop.widgets.labels import plain_label
from bo_desktop.widgets.naming import named

from .export import ExportJob
from .filters_form import ReportChooser
from .model import RecentExport, RecentExportsModel, RecentExportsStore, recent_exports_path
from .service import ReportRequest, ReportsService
from .workbook import AboutInfo, ExportCancelled, WriteResult

PREVIEW_DELAY_MS = 250


class ReportsPanel(QWidget):
    def __init__(self, ctx: AppContext, *, store: RecentExportsStore | None = None) -> None:
        super().__init__()
        self.setObjectName("reportsPanel")
        self.ctx = ctx
        self.service = ReportsService(ctx.api)
        self.store = store or RecentExportsStore(recent_exports_path())
        self.job: ExportJob | None = None
        self.last_result: WriteResult | None = None

        self.chooser = named(ReportChooser(), "reportChooser")
        self.row_count = named(plain_label(), "rowCount")
        self.folder = named(QLineEdit(), "outputFolder")
        self.folder.setPlaceholderText("Folder for the workbook")
        self.folder.setText(
            QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        )
        self.browse = named(QPushButton("Browse…"), "browseFolder")
        self.export_button = named(QPushButton("Export to Excel"), "exportButton")
        self.export_button.setDefault(True)
        self.cancel_button = named(QPushButton("Cancel"), "cancelExport")
        self.cancel_button.setEnabled(False)
        self.progress = named(QProgressBar(), "exportProgress")
        self.progress.setVisible(False)
        self.progress.setFormat("%v of %m rows")
        self.status = named(plain_label(wrap=True), "exportStatus")
        self.recent_model = RecentExportsModel()
        self.recent = named(QTableView(), "recentExports")
        self.recent.setModel(self.recent_model)
        self.recent.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.recent.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.recent.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.recent.verticalHeader().setVisible(False)
        self.recent.setWordWrap(False)
        self.recent.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # file names differ at the end
        header = self.recent.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.open_folder = named(QPushButton("Open folder"), "openFolder")
        self.open_file = named(QPushButton("Open file"), "openFile")
        self._build_layout()

        self._preview_timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self._preview)
        self.chooser.changed.connect(self._preview_timer.start)
        self.browse.clicked.connect(self._browse)
        self.export_button.clicked.connect(self.start_export)
        self.cancel_button.clicked.connect(self.cancel_export)
        self.open_folder.clicked.connect(self._open_folder)
        self.open_file.clicked.connect(self._open_file)
        self.recent.doubleClicked.connect(lambda _i: self._open_file())
        self.recent.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        ctx.session.online_changed.connect(lambda _online: self._update_buttons())
        self._update_buttons()
        ctx.tasks.start(self._load(), owner=self, on_error=self._load_failed, name="reports-catalogue")

    def _build_layout(self) -> None:
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.browse)
        actions = QHBoxLayout()
        actions.addWidget(self.row_count, 1)
        actions.addWidget(self.cancel_button)
        actions.addWidget(self.export_button)
        recent_buttons = QHBoxLayout()
        recent_buttons.addStretch(1)
        recent_buttons.addWidget(self.open_file)
        recent_buttons.addWidget(self.open_folder)

        choose = QGroupBox("Report")
        choose_layout = QVBoxLayout(choose)
        choose_layout.addWidget(self.chooser)
        output = QGroupBox("Export")
        output_layout = QVBoxLayout(output)
        output_layout.addLayout(folder_row)
        output_layout.addLayout(actions)
        output_layout.addWidget(self.progress)
        output_layout.addWidget(self.status)
        recent = QGroupBox("Recent exports")
        recent_layout = QVBoxLayout(recent)
        recent_layout.addWidget(self.recent, 1)
        recent_layout.addLayout(recent_buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(choose)
        layout.addWidget(output)
        layout.addWidget(recent, 1)

    # -- loading and preview -----------------------------------------------------------------------

    async def _load(self) -> None:
        definitions = await self.service.catalogue()
        folder, recent = await self.store.load()
        self.chooser.set_definitions(definitions)
        if folder:
            self.folder.setText(folder)
        self.recent_model.set_items(recent)
        self._update_buttons()

    def _load_failed(self, exc: ApiError) -> None:
        self._say(f"Could not load the reports: {exc.user_message}", error=True)
        self._update_buttons()

    def _preview(self) -> None:
        request = self.chooser.request()
        if request is None:
            return
        self.row_count.setText("Counting rows…")
        self.ctx.tasks.latest(
            self,
            "preview",
            self.service.count(request),
            on_result=self._show_count,
            on_error=self._count_failed,
        )

    def _show_count(self, count: int) -> None:
        self.row_count.setText(f"{count:,} row{'s' if count != 1 else ''} to export")

    def _count_failed(self, exc: ApiError) -> None:
        self.row_count.setText(f"Row count unavailable: {exc.user_message}")

    # -- export ------------------------------------------------------------------------------------

    def target_path(self, request: ReportRequest) -> Path:
        """A new file in the chosen folder: ``<kind>_<first>_<last>.xlsx``, never overwriting."""
        folder = Path(self.folder.text().strip()).expanduser()
        candidate = folder / f"{request.file_stem()}.xlsx"
        number = 2
        while candidate.exists():
            candidate = folder / f"{request.file_stem()}-{number}.xlsx"
            number += 1
        return candidate

    def start_export(self) -> None:
        request, definition = self.chooser.request(), self.chooser.definition
        if request is None or definition is None or self.job is not None:
            return
        folder = Path(self.folder.text().strip()).expanduser()
        if not folder.is_dir():
            self._say(f"The folder {folder} does not exist. Choose another one.", error=True)
            return
        # A period reaching into today ends now: rows arriving during the export stay out.
        request = request.frozen_at(datetime.now(UTC))
        job = ExportJob(
            self.service,
            request,
            self.target_path(request),
            self._about(definition, request),
            minor_units={c.code: c.minor_units for c in self._currencies()},
            on_progress=self._on_progress,
        )
        self.job = job
        self.progress.setRange(0, 0)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self._say(f"Exporting {definition.title} to {job.target.name}…")
        self._update_buttons()
        self.ctx.tasks.start(self._run(job, definition), owner=self, name="report-export")

    def cancel_export(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self._say("Cancelling…")

    async def _run(self, job: ExportJob, definition: ReportDefinition) -> None:
        try:
            result = await job.run()
        except ExportCancelled:  # the Cancel button; closing the dock cancels the task instead
            self._finish()
            self._say("Export cancelled. No file was written.")
            return
        except ApiError as exc:
            self._finish()
            self._say(f"Export failed: {exc.user_message} No file was written.", error=True)
            return
        except OSError as exc:
            self._finish()
            self._say(
                f"Could not write {job.target}: {exc.strerror or exc}. No file was written.", error=True
            )
            return
        self._finish()
        self.last_result = result
        when = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
        match = None if not result.totals_checked else not result.totals_differences
        self.recent_model.add(RecentExport(str(result.path), definition.title, result.rows, when, match))
        self.recent.selectRow(0)
        check = {
            True: "Totals match the server.",
            False: "Totals DIFFER from the server's (see the About sheet).",
            None: "Totals not checked.",
        }[match]
        self._say(f"Exported {result.rows:,} rows to {result.path.name}. {check}", error=match is False)
        self.ctx.tasks.start(self.store.save(self.folder.text().strip(), self.recent_model.items), owner=self)

    def _finish(self) -> None:
        self.job = None
        self.progress.setVisible(False)
        self._update_buttons()

    def _on_progress(self, rows: int, expected: int | None) -> None:
        if expected:
            self.progress.setRange(0, expected)
            self.progress.setValue(min(rows, expected))

    def _about(self, definition: ReportDefinition, request: ReportRequest) -> AboutInfo:
        me = self.ctx.me
        return AboutInfo(
            report_title=definition.title,
            kind=definition.kind.value,
            period=request.period_text(definition),
            filters=self.chooser.filter_labels() or [("Filters", "none")],
            generated_by=f"{me.display_name} ({me.username})",
            server=f"{self.ctx.server.name} — {self.ctx.server.url}",
            app_version=__version__,
            notes=definition.notes,
        )

    def _currencies(self) -> list[Currency]:
        # An empty cache is fine: the writer assumes 2 decimals for a currency it does not know.
        return self.ctx.cache.items_as(ReferenceDataset.CURRENCIES, Currency)

    # -- recent exports ----------------------------------------------------------------------------

    def _selected(self) -> RecentExport | None:
        rows = self.recent.selectionModel().selectedRows()
        return self.recent_model.item(rows[0].row()) if rows else None

    def _open_folder(self) -> None:
        item = self._selected()
        folder = Path(item.path).parent if item else Path(self.folder.text().strip())
        if not folder.is_dir():
            self._say(f"The folder {folder} no longer exists.", error=True)
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def _open_file(self) -> None:
        item = self._selected()
        if item is None:
            return
        if not Path(item.path).is_file():
            self._say(f"{Path(item.path).name} was moved or deleted.", error=True)
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(item.path))

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export reports to", self.folder.text())
        if folder:
            self.folder.setText(folder)

    # -- state -------------------------------------------------------------------------------------

    def _update_buttons(self) -> None:
        running = self.job is not None
        ready = self.chooser.definition is not None and self.ctx.online
        self.export_button.setEnabled(ready and not running)
        self.export_button.setToolTip("" if self.ctx.online else "Offline: reports need the server.")
        self.cancel_button.setEnabled(running)
        self.chooser.setEnabled(not running)
        self.folder.setEnabled(not running)
        self.browse.setEnabled(not running)
        self.open_file.setEnabled(self._selected() is not None)
        self.open_folder.setEnabled(self._selected() is not None or bool(self.folder.text().strip()))

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        # A fixed red reads on both light and dark themes; other text follows the palette.
        self.status.setStyleSheet("color: #c62828;" if error else "")
