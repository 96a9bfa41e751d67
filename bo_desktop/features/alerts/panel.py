"""The alerts dock: filters, the alerts table, the selected alert's detail and its actions.

Loads the filtered list once (latest-wins, so quick filter changes never show a stale list), then
stays current from ``alert.*`` events: each carries the whole alert, which updates its row in
place or drops it when it no longer matches the filter. Actions open a dialog with the version the
user sees (If-Match); on a 412 the alert is reloaded so the user sees what changed.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import QItemSelection, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from bo_desktop.contract.alerts import Alert, AlertTransition
from bo_desktop.contract.enums import AlertKind, Permission, Severity
from bo_desktop.contract.events import ServerEvent
from bo_desktop.core.api.errors import ApiError, PreconditionFailed
from bo_desktop.core.context import AppContext
from bo_desktop.widgets.labels import mute, plain_label
from bo_desktop.widgets.naming import named
from bo_desktop.widgets.record_view import record_view

from .detail import AlertDetail
from .dialogs import (
    AlertActionDialog,
    DocumentRequestDialog,
    RestrictDialog,
    RgInteractionDialog,
    TransitionDialog,
)
from .model import AlertsModel, Col
from .service import ACTIVE, STATUS_LABELS, AlertsService, Step, filter_params

KIND_LABELS = {
    AlertKind.AML: "AML",
    AlertKind.RG: "Responsible gambling",
    AlertKind.FRAUD: "Fraud",
    AlertKind.KYC: "KYC",
}


class AlertsPanel(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("alertsPanel")
        self.ctx = ctx
        self.service = AlertsService(ctx.api)
        self.can_aml = ctx.can(Permission.ALERTS_AML)

        self.kind = named(QComboBox(), "alertKindFilter")
        self.kind.addItem("All kinds", "")
        for kind, label in KIND_LABELS.items():
            if kind != AlertKind.AML or self.can_aml:
                self.kind.addItem(label, kind.value)
        self.status = named(QComboBox(), "alertStatusFilter")
        self.status.addItem("Active", "active")
        self.status.addItem("All statuses", "")
        for status, label in STATUS_LABELS.items():
            self.status.addItem(label, status.value)
        self.severity = named(QComboBox(), "alertSeverityFilter")
        self.severity.addItem("Any severity", "")
        for severity in reversed(Severity):
            self.severity.addItem(severity.value.capitalize(), severity.value)
        self.player = named(QLineEdit(), "alertPlayerFilter")
        self.player.setPlaceholderText("Player id")
        self.player.setClearButtonEnabled(True)
        self.player.setMaximumWidth(130)
        self.mine = named(QCheckBox("Assigned to me"), "alertMineFilter")
        self.refresh = named(QPushButton("Refresh"), "alertRefresh")
        self.summary = mute(named(plain_label(), "alertSummary"))
        bar = QHBoxLayout()
        for widget in (self.kind, self.status, self.severity, self.player, self.mine, self.refresh):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.summary)

        self.model = AlertsModel(self)
        self.table = record_view(
            self.model,
            "alertsTable",
            sort_column=Col.AGE,
            sort_order=Qt.SortOrder.AscendingOrder,
            widths={
                Col.SEVERITY: 72,
                Col.RULE: 258,
                Col.PLAYER: 180,
                Col.AMOUNT: 95,
                Col.AGE: 56,
                Col.ASSIGNEE: 130,
            },
            alternating_rows=True,
        )
        self.detail = AlertDetail(ctx)
        splitter = named(QSplitter(Qt.Orientation.Horizontal), "alertsSplitter")
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([1000, 440])  # the table's seven columns fit; the detail keeps its room

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)

        for combo in (self.kind, self.status, self.severity):
            combo.currentIndexChanged.connect(self.reload)
        self.mine.toggled.connect(self.reload)
        self.player.returnPressed.connect(self.reload)
        self.refresh.clicked.connect(self.reload)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.detail.step_requested.connect(self._start_step)
        self.detail.action_requested.connect(self._start_action)
        ctx.events.subscribe("alert.", self._on_event, owner=self)
        ctx.events.reset.connect(self.reload)
        self.age_timer = QTimer(self)
        self.age_timer.setInterval(60_000)
        self.age_timer.timeout.connect(self.model.refresh_ages)
        self.age_timer.start()
        self.reload()

    # -- loading ---------------------------------------------------------------------------------

    def params(self) -> dict[str, Any]:
        return filter_params(
            self.kind.currentData(),
            self.status.currentData(),
            self.severity.currentData(),
            self.mine.isChecked(),
            self.player.text().strip().upper(),
        )

    def reload(self) -> None:
        self.summary.setText("Loading…")
        self.ctx.tasks.latest(
            self,
            "alerts",
            self.service.list_alerts(self.params()),
            on_result=self._loaded,
            on_error=self._load_failed,
        )

    def _loaded(self, result: tuple[list[Alert], bool]) -> None:
        alerts, cut = result
        selected = self.detail.alert.id if self.detail.alert else None
        self.model.set_alerts(alerts)
        self._update_summary(cut)
        if selected:
            self.select(selected)

    def _load_failed(self, exc: ApiError) -> None:
        self.summary.setText(f"Could not load alerts: {exc.user_message}")

    def _update_summary(self, cut: bool = False) -> None:
        count = self.model.rowCount()
        text = f"{count} alert{'s' if count != 1 else ''}"
        self.summary.setText(text + (" (first 2,000 — narrow the filter)" if cut else ""))

    def matches(self, alert: Alert) -> bool:
        """Whether a changed alert still belongs in the list the filters describe."""
        kind, status, severity = (
            self.kind.currentData(),
            self.status.currentData(),
            self.severity.currentData(),
        )
        if kind and alert.kind.value != kind:
            return False
        if status == "active" and alert.status not in ACTIVE:
            return False
        if status and status != "active" and alert.status.value != status:
            return False
        if severity and alert.severity.value != severity:
            return False
        player = self.player.text().strip().upper()
        if player and alert.player_id != player:
            return False
        return not (self.mine.isChecked() and alert.assignee_id != self.ctx.me.staff_id)

    def _on_event(self, event: ServerEvent) -> None:
        alert = Alert.model_validate(event.data)
        if alert.kind == AlertKind.AML and not self.can_aml:
            return  # the server does not send these; never show one if it did
        self.apply(alert)

    def apply(self, alert: Alert) -> None:
        self.model.upsert(alert, keep=self.matches(alert))
        self._update_summary()
        if (
            self.detail.alert
            and self.detail.alert.id == alert.id
            and alert.version >= self.detail.alert.version
        ):
            self.detail.show_alert(alert)

    # -- selection -------------------------------------------------------------------------------

    def select(self, alert_id: str) -> None:
        row = self.model.row_of(alert_id)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.table.selectionModel().selectedRows()
        self.detail.show_alert(self.model.alert_at(rows[0].row()) if rows else None)

    # -- actions ---------------------------------------------------------------------------------

    def _start_step(self, step: Step) -> None:
        alert = self.detail.alert
        if alert is None:
            return
        dialog = TransitionDialog(self.ctx, alert, step, self)

        def submit(key: str) -> Coroutine[Any, Any, Alert]:
            body = AlertTransition(
                status=step.target,
                rationale=dialog.rationale.toPlainText().strip(),
                report_reference=dialog.reference.text().strip() or None,
            )
            # The version the user decided on: a colleague's change in between is a 412, not
            # something this decision silently overrides.
            return self.service.transition(dialog.alert, body, key)

        self._run_dialog(dialog, submit, alert)

    def _start_action(self, action: str) -> None:
        alert = self.detail.alert
        if alert is None:
            return
        if action == "open_player":
            self.ctx.requests.open_player.emit(alert.player_id)
            return
        if action == "assign_me":
            self.ctx.tasks.start(
                self.service.assign(alert, self.ctx.me.staff_id),
                owner=self,
                on_result=self.apply,
                on_error=lambda exc: self._assign_failed(alert, exc),
            )
            return
        builders: dict[str, Callable[[], AlertActionDialog]] = {
            "restrict": lambda: RestrictDialog(self.ctx, alert, self),
            "documents": lambda: DocumentRequestDialog(self.ctx, alert, self),
            "rg": lambda: RgInteractionDialog(self.ctx, alert, self),
        }
        dialog = builders[action]()
        self._run_dialog(dialog, self._player_submit(dialog, alert), None)

    def _player_submit(
        self, dialog: AlertActionDialog, alert: Alert
    ) -> Callable[[str], Coroutine[Any, Any, Any]]:
        """The player's version is read when the user presses the button: these actions restrict
        or append to the player as they are now (the alert is the reason, not the player's state
        when the alert was raised), and the server refuses what no longer fits (409)."""

        async def submit(key: str) -> Any:
            player = await self.service.player(alert.player_id)
            if isinstance(dialog, RestrictDialog):
                return await self.service.restrict(
                    alert,
                    player.version,
                    dialog.restriction.currentData(),
                    dialog.rationale.toPlainText().strip(),
                    dialog.reason.currentData() if dialog.reason.isEnabled() else None,
                    key,
                )
            if isinstance(dialog, DocumentRequestDialog):
                return await self.service.request_document(
                    alert.player_id,
                    player.version,
                    dialog.kind.currentData(),
                    dialog.comment.toPlainText().strip(),
                    key,
                )
            assert isinstance(dialog, RgInteractionDialog)
            return await self.service.record_interaction(
                alert,
                player.version,
                dialog.channel.currentData(),
                dialog.summary.toPlainText().strip(),
                dialog.outcome.text().strip(),
                key,
            )

        return submit

    def _run_dialog(
        self,
        dialog: AlertActionDialog,
        submit: Callable[[str], Coroutine[Any, Any, Any]],
        alert: Alert | None,
    ) -> None:
        dialog.submitter = submit
        if alert is not None:
            dialog.on_error = lambda exc: self._refresh_after_412(dialog, exc)
        dialog.finished.connect(lambda _result: self._dialog_done(dialog))
        dialog.open()

    def _dialog_done(self, dialog: AlertActionDialog) -> None:
        if isinstance(dialog.result_value, Alert):
            self.apply(dialog.result_value)
        elif dialog.result_value is not None:
            self.ctx.notifier.info(f"{dialog.windowTitle()}: done.")
        dialog.deleteLater()

    def _refresh_after_412(self, dialog: AlertActionDialog, exc: ApiError) -> None:
        """Show the alert as it is now; the dialog keeps the text and acts on that version next."""
        if isinstance(exc, PreconditionFailed) and exc.current.get("id") == dialog.alert.id:
            current = Alert.model_validate(exc.current)
            dialog.alert = current
            self.apply(current)

    def _assign_failed(self, alert: Alert, exc: ApiError) -> None:
        if isinstance(exc, PreconditionFailed) and exc.current.get("id") == alert.id:
            self.apply(Alert.model_validate(exc.current))
        self.ctx.notifier.warning(f"{alert.id} was not assigned: {exc.user_message}")
