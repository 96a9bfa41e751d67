"""The Rewards dock: template results, granted bonuses (wagering progress), loyalty per tier.

Three tabs over three read endpoints, loaded together on Refresh. Granting and cancelling need
rewards.grant: without it the buttons are not there. Double-clicking a bonus opens its player
through the shell (``ctx.requests.open_player``).
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from bo_desktop.contract.common import Page
from bo_desktop.contract.enums import BonusStatus, Permission
from bo_desktop.contract.players import Bonus
from bo_desktop.contract.reference import BonusTemplate, ReferenceDataset, StaffMember
from bo_desktop.contract.rewards import LoyaltyTierStats, TemplateStats
from bo_desktop.contract.segments import SegmentDefinition
from bo_desktop.core.api.errors import ApiError
from bo_desktop.core.context import AppContext
from bo_desktop.widgets.labels import mute, plain_label
from bo_desktop.widgets.naming import named

from .dialogs import CancelBonusDialog, GrantDialog, failure_text
from .model import BonusColumn, BonusModel, LoyaltyTierModel, TemplateStatsModel
from .service import RewardsService


def _table(name: str, model: QAbstractTableModel) -> QTableView:
    table = named(QTableView(), name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSortingEnabled(True)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class RewardsPanel(QWidget):
    def __init__(self, ctx: AppContext, service: RewardsService | None = None) -> None:
        super().__init__()
        self.setObjectName("rewardsPanel")
        self.ctx = ctx
        self.service = service or RewardsService(ctx.api)
        self.can_grant = ctx.can(Permission.REWARDS_GRANT)
        self._cursor: str | None = None
        self.grant_dialog: GrantDialog | None = None
        self.cancel_dialog: CancelBonusDialog | None = None

        staff = {s.id: s.display_name for s in ctx.cache.items_as(ReferenceDataset.STAFF, StaffMember)}
        self.templates = TemplateStatsModel(self)
        self.bonuses = BonusModel(staff, self)
        self.tiers = LoyaltyTierModel(self)
        self.template_table = _table("rewardTemplates", self.templates)
        self.bonus_table = _table("rewardBonuses", self.bonuses)
        self.tier_table = _table("rewardLoyaltyTiers", self.tiers)
        self.bonus_table.sortByColumn(BonusColumn.GRANTED, Qt.SortOrder.DescendingOrder)
        self.bonus_table.activated.connect(self._open_player)
        self.bonus_table.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())

        self.status_filter = named(QComboBox(), "rewardBonusStatus")
        self.status_filter.addItem("All statuses", None)
        for status in BonusStatus:
            self.status_filter.addItem(status.value.capitalize(), status.value)  # Qt keeps str, not the enum
        self.status_filter.currentIndexChanged.connect(lambda _index: self.load_bonuses())
        self.more = named(QPushButton("Load more"), "rewardBonusesMore")
        self.more.clicked.connect(lambda: self.load_bonuses(more=True))
        bonus_tab = QWidget()
        bonus_layout = QVBoxLayout(bonus_tab)
        filters = QHBoxLayout()
        filters.addWidget(self.status_filter)
        filters.addStretch(1)
        filters.addWidget(self.more)
        bonus_layout.addLayout(filters)
        bonus_layout.addWidget(self.bonus_table, 1)

        self.tabs = named(QTabWidget(), "rewardTabs")
        self.tabs.addTab(self.template_table, "Bonus templates")
        self.tabs.addTab(bonus_tab, "Granted bonuses")
        self.tabs.addTab(self.tier_table, "Loyalty by tier")

        self.grant_button = named(QPushButton("Grant…"), "rewardGrant")
        self.cancel_button = named(QPushButton("Cancel bonus…"), "rewardCancelBonus")
        self.refresh = named(QPushButton("Refresh"), "rewardRefresh")
        for button in (self.grant_button, self.cancel_button):
            button.setVisible(self.can_grant)
        self.grant_button.clicked.connect(self.open_grant_dialog)
        self.cancel_button.clicked.connect(self.open_cancel_dialog)
        self.refresh.clicked.connect(self.reload)
        self.status = mute(named(plain_label("", wrap=True), "rewardStatus"))
        actions = QHBoxLayout()
        for button in (self.grant_button, self.cancel_button, self.refresh):
            actions.addWidget(button)
        actions.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addLayout(actions)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status)
        self._update_actions()
        self.reload()

    # -- loading ---------------------------------------------------------------------------------

    def reload(self) -> None:
        self.status.setText("Loading…")
        tasks = self.ctx.tasks
        tasks.latest(
            self, "templates", self.service.templates(), on_result=self._templates, on_error=self._failed
        )
        tasks.latest(self, "loyalty", self.service.loyalty(), on_result=self._tiers, on_error=self._failed)
        self.load_bonuses()

    def load_bonuses(self, more: bool = False) -> None:
        value = self.status_filter.currentData()
        status = BonusStatus(value) if value else None
        cursor = self._cursor if more else None
        coro = self.service.bonuses(status, cursor)
        self.ctx.tasks.latest(
            self, "bonuses", coro, on_result=lambda page: self._bonuses(page, more), on_error=self._failed
        )

    def _templates(self, rows: list[TemplateStats]) -> None:
        self.templates.reset_rows(rows)
        granted = sum(r.granted for r in rows)
        cost = sum(r.cost_eur_minor for r in rows) / 100
        self.status.setText(f"{granted:,} bonuses granted in all, EUR {cost:,.2f} credited.")

    def _tiers(self, rows: list[LoyaltyTierStats]) -> None:
        self.tiers.reset_rows(rows)

    def _bonuses(self, page: Page[Bonus], more: bool) -> None:
        if more:
            self.bonuses.append(page.data)
        else:
            self.bonuses.reset_rows(page.data)
        self._cursor = page.next_cursor
        self.more.setEnabled(page.has_more)
        self._update_actions()

    def _failed(self, exc: ApiError) -> None:
        self.status.setText(f"Could not load: {failure_text(exc)}")

    # -- actions ---------------------------------------------------------------------------------

    def selected_bonus(self) -> Bonus | None:
        rows = self.bonus_table.selectionModel().selectedRows()
        return self.bonuses.rows[rows[0].row()] if rows else None

    def _update_actions(self) -> None:
        bonus = self.selected_bonus()
        self.cancel_button.setEnabled(bonus is not None and bonus.status is BonusStatus.ACTIVE)

    def _open_player(self, index: QModelIndex) -> None:
        self.ctx.requests.open_player.emit(self.bonuses.rows[index.row()].player_id)

    def open_grant_dialog(self) -> None:
        templates = self.ctx.cache.items_as(ReferenceDataset.BONUS_TEMPLATES, BonusTemplate)
        bonus = self.selected_bonus()

        def show(segments: list[SegmentDefinition]) -> None:
            dialog = GrantDialog(
                self.ctx.tasks,
                self.service,
                templates,
                segments,
                player_id=bonus.player_id if bonus else "",
                parent=self,
            )
            dialog.finished.connect(lambda _code: self._after_grant(dialog))
            self.grant_dialog = dialog
            dialog.open()

        self.ctx.tasks.latest(
            self, "grant-segments", self.service.segments(), on_result=show, on_error=self._failed
        )

    def _after_grant(self, dialog: GrantDialog) -> None:
        if dialog.outcome is not None:
            self.ctx.notifier.info(dialog.message.text())
            self.reload()

    def open_cancel_dialog(self) -> None:
        bonus = self.selected_bonus()
        if bonus is None:
            return
        dialog = CancelBonusDialog(self.ctx.tasks, self.service, bonus, parent=self)
        dialog.accepted.connect(self.reload)
        self.cancel_dialog = dialog
        dialog.open()
