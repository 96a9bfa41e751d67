"""The report chooser: report, period and the chosen report's own filters (built from the catalogue).

Nothing here knows a particular report: the filters a report takes, their choices and defaults
come from ``GET /reports``, so a report added on the server appears with its filters without a
client release.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QFormLayout, QHBoxLayout, QLabel, QWidget

from bo_desktop.contract.reports import ReportDefinition, ReportKind
from bo_desktop.widgets.labels import mute, plain_label
from bo_desktop.widgets.naming import named

from .service import ReportRequest

ALL = ""  # the combo value meaning "no filter"
PRESETS = ["Last month", "This month", "Last 7 days", "Yesterday", "Year to date", "Custom"]


def preset_days(name: str, today: date) -> tuple[date, date] | None:
    """(first day, last day), both inclusive, for a period preset; None for "Custom"."""
    first_of_month = today.replace(day=1)
    if name == "Last month":
        last = first_of_month - timedelta(days=1)
        return last.replace(day=1), last
    if name == "This month":
        return first_of_month, today
    if name == "Last 7 days":
        return today - timedelta(days=7), today - timedelta(days=1)
    if name == "Yesterday":
        return today - timedelta(days=1), today - timedelta(days=1)
    if name == "Year to date":
        return today.replace(month=1, day=1), today
    return None


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _day(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class ReportChooser(QWidget):
    """Emits ``changed`` whenever the request it describes changes."""

    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._definitions: list[ReportDefinition] = []
        self._filter_combos: dict[str, QComboBox] = {}
        self._filter_labels: list[QWidget] = []
        self._updating = False

        self.report = named(QComboBox(), "reportKind")
        self.description = mute(named(plain_label(wrap=True), "reportDescription"))
        self.preset = named(QComboBox(), "periodPreset")
        self.preset.addItems(PRESETS)
        self.first = self._date_edit("periodFrom")
        self.last = self._date_edit("periodTo")
        self.period_note = mute(named(plain_label(wrap=True), "periodNote"))
        dates = QHBoxLayout()
        dates.addWidget(self.preset)
        dates.addWidget(self.first, 1)
        dates.addWidget(QLabel("to"))
        dates.addWidget(self.last, 1)

        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.addRow("&Report", self.report)
        self.form.addRow("", self.description)
        self.form.addRow("Period (UTC)", dates)
        self.form.addRow("", self.period_note)

        self.report.currentIndexChanged.connect(self._report_changed)
        self.preset.currentTextChanged.connect(self._preset_changed)
        self.first.dateChanged.connect(self._dates_edited)
        self.last.dateChanged.connect(self._dates_edited)
        self._preset_changed(self.preset.currentText())

    def _date_edit(self, name: str) -> QDateEdit:
        edit = named(QDateEdit(), name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        return edit

    # -- catalogue ---------------------------------------------------------------------------------

    def set_definitions(self, definitions: list[ReportDefinition]) -> None:
        self._definitions = list(definitions)
        self.report.blockSignals(True)
        self.report.clear()
        for definition in definitions:
            self.report.addItem(definition.title, definition.kind.value)
        self.report.blockSignals(False)
        self._report_changed()

    @property
    def definition(self) -> ReportDefinition | None:
        index = self.report.currentIndex()
        return self._definitions[index] if 0 <= index < len(self._definitions) else None

    def select_report(self, kind: ReportKind) -> None:
        self.report.setCurrentIndex(self.report.findData(kind.value))

    def filter_combo(self, key: str) -> QComboBox | None:
        return self._filter_combos.get(key)

    # -- the request -----------------------------------------------------------------------------

    def request(self) -> ReportRequest | None:
        definition = self.definition
        if definition is None:
            return None
        filters = {key: str(combo.currentData() or "") for key, combo in self._filter_combos.items()}
        if not definition.period:
            return ReportRequest(definition.kind, None, None, {k: v for k, v in filters.items() if v})
        first, last = _day(self.first.date()), _day(self.last.date())
        return ReportRequest(definition.kind, first, last, {k: v for k, v in filters.items() if v})

    def filter_labels(self) -> list[tuple[str, str]]:
        """(title, chosen label) of every filter, "All" included: the About sheet lists them."""
        definition = self.definition
        if definition is None:
            return []
        titles = {f.key: f.title for f in definition.filters}
        return [(titles[key], combo.currentText()) for key, combo in self._filter_combos.items()]

    # -- internals -------------------------------------------------------------------------------

    def _report_changed(self) -> None:
        definition = self.definition
        for widget in self._filter_labels:
            self.form.removeRow(widget)  # removes the combo in the same row too
        self._filter_labels.clear()
        self._filter_combos.clear()
        if definition is None:
            self.description.setText("")
            return
        self.description.setText(definition.description)
        takes_period = definition.period
        for widget in (self.preset, self.first, self.last):
            widget.setEnabled(takes_period)
        self.period_note.setText(
            f"Applies to the {definition.period_field}; both days included."
            if takes_period
            else "A snapshot of now: this report takes no period."
        )
        for spec in definition.filters:
            combo = named(QComboBox(), f"filter_{spec.key}")
            if not spec.required:
                # Rate overrides are "not set" (the platform's rates apply), other filters "all".
                combo.addItem("Default rates" if spec.key.endswith("_bps") else "All", ALL)
            for choice in spec.choices:
                combo.addItem(choice.label, choice.value)
            if spec.default is not None:
                combo.setCurrentIndex(max(0, combo.findData(spec.default)))
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
            label = QLabel(f"{spec.title}")
            label.setBuddy(combo)
            self.form.addRow(label, combo)
            self._filter_labels.append(label)
            self._filter_combos[spec.key] = combo
        self.changed.emit()

    def _preset_changed(self, name: str) -> None:
        days = preset_days(name, datetime.now(UTC).date())
        if days is None:
            return
        self._updating = True
        self.first.setDate(_qdate(days[0]))
        self.last.setDate(_qdate(days[1]))
        self._updating = False
        self.changed.emit()

    def _dates_edited(self) -> None:
        if self._updating:
            return
        if self.last.date() < self.first.date():
            self.last.setDate(self.first.date())
        self.preset.blockSignals(True)
        self.preset.setCurrentText("Custom")
        self.preset.blockSignals(False)
        self.changed.emit()
