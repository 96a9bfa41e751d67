"""The shared record-table base: counts, headers, resets, appended pages, reorders keeping selection."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from bo_desktop.widgets.record_table import RecordTableModel, missing_last


class _Words(RecordTableModel[str]):
    def __init__(self) -> None:
        super().__init__(["Word", "Length"])

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        word = self.record(index)
        if word is None or role != Qt.ItemDataRole.DisplayRole:
            return None
        return word if index.column() == 0 else str(len(word))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort_by((lambda word: word) if column == 0 else len, order)


def test_counts_headers_and_records(qtmodeltester: Any) -> None:
    model = _Words()
    assert (model.rowCount(), model.columnCount()) == (0, 2)
    model.reset_rows(["pear", "fig"])
    qtmodeltester.check(model)
    assert model.rowCount() == 2
    assert model.rowCount(model.index(0, 0)) == 0
    assert model.headerData(1, Qt.Orientation.Horizontal) == "Length"
    assert model.headerData(2, Qt.Orientation.Horizontal) is None
    assert model.headerData(0, Qt.Orientation.Vertical) is None
    assert model.record(model.index(1, 0)) == "fig"
    assert model.record(QModelIndex()) is None


def test_append_is_one_insert_and_empty_pages_are_ignored(qtbot: Any) -> None:
    model = _Words()
    model.reset_rows(["a"])
    with qtbot.assertNotEmitted(model.rowsInserted):
        model.append([])
    with qtbot.waitSignal(model.rowsInserted) as inserted:
        model.append(["bb", "ccc"])
    assert inserted.args[1:] == [1, 2]
    assert [model.data(model.index(r, 0)) for r in range(3)] == ["a", "bb", "ccc"]


def test_reorder_moves_persistent_indexes_with_their_rows(qtmodeltester: Any) -> None:
    model = _Words()
    model.reset_rows(["kiwi", "apple", "fig"])
    kept = QPersistentModelIndex(model.index(1, 1))  # "apple", length column
    model.sort(0)
    assert [model.record(model.index(r, 0)) for r in range(3)] == ["apple", "fig", "kiwi"]
    assert (kept.row(), kept.column()) == (0, 1)
    model.sort(1, Qt.SortOrder.DescendingOrder)
    assert [model.record(model.index(r, 0)) for r in range(3)] == ["apple", "kiwi", "fig"]
    assert kept.row() == 0
    qtmodeltester.check(model)


def test_missing_values_sort_last_in_both_directions() -> None:
    values = [3, None, 1]
    assert sorted(values, key=lambda v: missing_last(v, False)) == [1, 3, None]
    assert sorted(values, key=lambda v: missing_last(v, True), reverse=True) == [3, 1, None]
