"""The queue table: keyboard triage (arrows or j/k), and a scroll position that live rows keep.

When rows arrive above what the user is reading, a plain view would push the rows they were
looking at down the screen. :meth:`QueueView.anchor` remembers the top visible row by withdrawal
id and its pixel offset; :meth:`QueueView.restore` scrolls back so it stays put.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from .columns import DEFAULT_SORT, Col
from .delegates import RiskBadgeDelegate
from .model import WithdrawalQueueModel

# Widths in average characters: enough for typical content without eliding, so the most useful
# columns (player, amounts, signals) fit a 1280-pixel window next to the detail pane.
COLUMN_CHARS: dict[Col, int] = {
    Col.ID: 10,
    Col.PLAYER: 30,
    Col.AMOUNT: 14,
    Col.AMOUNT_EUR: 13,
    Col.PSP: 29,
    Col.REQUESTED: 13,
    Col.AGE: 8,
    Col.RISK: 6,
    Col.SIGNALS: 34,
    Col.STATUS: 20,
    Col.CLAIMED_BY: 16,
    Col.APPROVALS: 9,
}


@dataclass(frozen=True)
class Anchor:
    withdrawal_id: str
    offset: int  # pixels from the viewport top to that row's top


class QueueView(QTableView):
    #: j/k or arrows moved past where a removed item was (see :meth:`set_vacated_row`).
    moved = Signal(int)

    def __init__(self, model: WithdrawalQueueModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("withdrawalQueue")
        self.setModel(model)
        self._model = model
        self._vacated_row: int | None = None
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)
        self.setItemDelegateForColumn(Col.RISK, RiskBadgeDelegate(WithdrawalQueueModel.RiskLevelRole, self))
        vertical = self.verticalHeader()
        vertical.hide()
        # Fixed row heights: with 100k rows the view never asks each row for its size.
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        average = self.fontMetrics().averageCharWidth()
        for column, chars in COLUMN_CHARS.items():
            header.resizeSection(column, chars * average + 16)
        header.setStretchLastSection(True)
        column, descending = DEFAULT_SORT
        header.setSortIndicator(
            column, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        )
        self.setSortingEnabled(True)

    # -- keyboard ----------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if modifiers == Qt.KeyboardModifier.NoModifier and event.key() in (Qt.Key.Key_J, Qt.Key.Key_K):
            self.step(1 if event.key() == Qt.Key.Key_J else -1)
            event.accept()
            return
        if (
            modifiers == Qt.KeyboardModifier.NoModifier
            and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up)
            and self._vacated_row is not None
        ):
            self.step(1 if event.key() == Qt.Key.Key_Down else -1)
            event.accept()
            return
        super().keyPressEvent(event)

    def step(self, delta: int) -> None:
        """Move the current row by ``delta`` and select only it (what j/k do)."""
        rows = self._model.rowCount()
        if rows == 0:
            return
        current = self.currentIndex()
        if self._vacated_row is not None and not current.isValid():
            # The item that was here left the queue: "next" is the row that took its place.
            target = self._vacated_row if delta > 0 else self._vacated_row - 1
        elif current.isValid():
            target = current.row() + delta
        else:
            target = 0
        self.select_row(max(0, min(rows - 1, target)))
        self.moved.emit(self.currentIndex().row())

    def select_row(self, row: int) -> None:
        self._vacated_row = None
        index = self._model.index(row, self.currentIndex().column() if self.currentIndex().isValid() else 0)
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.selectionModel().setCurrentIndex(index, flags)
        self.scrollTo(index)

    def select_id(self, withdrawal_id: str) -> bool:
        row = self._model.row_of(withdrawal_id)
        if row is None:
            return False
        self.select_row(row)
        return True

    def select_ids(self, ids: list[str]) -> None:
        """Select exactly these items (those still in the table)."""
        selection = self.selectionModel()
        selection.clear()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for withdrawal_id in ids:
            row = self._model.row_of(withdrawal_id)
            if row is not None:
                selection.select(self._model.index(row, 0), flags)

    def set_vacated_row(self, row: int) -> None:
        """The open item left the queue at ``row``: clear the cursor, remember where it was."""
        self.selectionModel().clear()
        self._vacated_row = row

    def selected_rows(self) -> list[int]:
        return sorted(index.row() for index in self.selectionModel().selectedRows())

    def current_row(self) -> int | None:
        index = self.currentIndex()
        return index.row() if index.isValid() else None

    # -- scroll anchoring --------------------------------------------------------------------------

    def anchor(self) -> Anchor | None:
        top = self.rowAt(0)
        if top < 0 or self.verticalScrollBar().value() == 0:
            return None  # at the very top: let new high-risk rows show up above
        withdrawal_id = self._model.id_at(top)
        if withdrawal_id is None:
            return None
        return Anchor(withdrawal_id, self.rowViewportPosition(top))

    def restore(self, anchor: Anchor | None) -> None:
        if anchor is None:
            return
        row = self._model.row_of(anchor.withdrawal_id)
        if row is None:
            return
        shift = self.rowViewportPosition(row) - anchor.offset
        if shift:
            bar = self.verticalScrollBar()
            bar.setValue(bar.value() + shift)

    def current_id(self) -> str | None:
        index: QModelIndex = self.currentIndex()
        return self._model.id_at(index.row()) if index.isValid() else None
