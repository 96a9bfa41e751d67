"""The rule builder form: widgets ↔ :class:`SegmentRules` (``rules()`` / ``set_rules()``).

Every change emits ``changed``; the panel debounces it into one server evaluation (latest wins).
Optional numbers are spin boxes whose lowest value reads "Any" (Qt's special-value text), so
"no condition" and "0" stay distinct without extra checkboxes. Money is entered in whole EUR
and sent as EUR minor units, as the contract defines.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import StrEnum

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from bo_desktop.contract.enums import Jurisdiction, RiskLevel, VipTier
from bo_desktop.contract.segments import MAX_WINDOW_DAYS, RgFlag, SegmentRules
from bo_desktop.widgets.naming import named

_EUR_MAX = 10_000_000
_FLAG_LABELS = {
    RgFlag.DEPOSIT_LIMIT: "Has a deposit limit",
    RgFlag.OPEN_RG_ALERT: "Open RG alert",
    RgFlag.SELF_EXCLUDED: "Self-excluded",
    RgFlag.COOLING_OFF: "Cooling off",
    RgFlag.FLAGGED_FOR_REVIEW: "Flagged for review",
}


class OptionalSpin(QSpinBox):
    """A spin box whose minimum means "any": ``optional()`` is None there."""

    def __init__(self, name: str, low: int, high: int, suffix: str = "") -> None:
        super().__init__()
        self.setObjectName(name)
        self.setRange(low - 1, high)
        self.setSpecialValueText("Any")
        self.setSuffix(suffix)
        self.setGroupSeparatorShown(True)
        self.setValue(low - 1)

    def optional(self) -> int | None:
        return None if self.value() == self.minimum() else self.value()

    def set_optional(self, value: int | None) -> None:
        self.setValue(self.minimum() if value is None else value)


class ChoiceBoxes(QWidget):
    """A row of checkboxes over enum values (none ticked = any)."""

    toggled = Signal()

    def __init__(self, name: str, choices: Sequence[tuple[str, str]], columns: int = 4) -> None:
        super().__init__()
        self.setObjectName(name)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setHorizontalSpacing(12)
        self.boxes: dict[str, QCheckBox] = {}
        for position, (label, value) in enumerate(choices):
            box = named(QCheckBox(label), f"{name}_{value}")
            box.toggled.connect(self.toggled)
            layout.addWidget(box, position // columns, position % columns)
            self.boxes[value] = box

    def values(self) -> list[str]:
        return [value for value, box in self.boxes.items() if box.isChecked()]

    def set_values(self, values: Iterable[str]) -> None:
        wanted = set(values)
        for value, box in self.boxes.items():
            box.setChecked(value in wanted)


def _enum_choices(enum: type[StrEnum], labels: dict[str, str] | None = None) -> list[tuple[str, str]]:
    return [((labels or {}).get(m.value, m.value.replace("_", " ").capitalize()), m.value) for m in enum]


class RuleBuilder(QWidget):
    changed = Signal()

    def __init__(self, game_categories: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("segmentRuleBuilder")
        self.countries = named(QLineEdit(), "ruleCountries")
        self.countries.setPlaceholderText("Any country — or ISO codes, e.g. SE, FI, NO")
        self.jurisdictions = ChoiceBoxes("ruleJurisdictions", [(j.value, j.value) for j in Jurisdiction], 6)
        self.vip_tiers = ChoiceBoxes("ruleVipTiers", _enum_choices(VipTier, {"none": "No tier"}), 5)
        self.risk_levels = ChoiceBoxes("ruleRiskLevels", _enum_choices(RiskLevel), 4)
        self.rg_flags = ChoiceBoxes(
            "ruleRgFlags", _enum_choices(RgFlag, {f.value: label for f, label in _FLAG_LABELS.items()}), 3
        )

        self.window_days = named(QSpinBox(), "ruleWindowDays")
        self.window_days.setRange(1, MAX_WINDOW_DAYS)
        self.window_days.setValue(30)
        self.window_days.setSuffix(" days")
        self.min_deposits = OptionalSpin("ruleMinDeposits", 0, _EUR_MAX, " EUR")
        self.max_deposits = OptionalSpin("ruleMaxDeposits", 0, _EUR_MAX, " EUR")
        self.min_count = OptionalSpin("ruleMinDepositCount", 0, 100_000)
        self.max_count = OptionalSpin("ruleMaxDepositCount", 0, 100_000)
        self.min_ggr = OptionalSpin("ruleMinGgr", -_EUR_MAX, _EUR_MAX, " EUR")
        self.max_ggr = OptionalSpin("ruleMaxGgr", -_EUR_MAX, _EUR_MAX, " EUR")
        self.min_bonus = OptionalSpin("ruleMinBonusShare", 0, 100, " %")
        self.max_bonus = OptionalSpin("ruleMaxBonusShare", 0, 100, " %")
        self.category = named(QComboBox(), "ruleGameCategory")
        self.category.addItem("Any category", None)
        for category in game_categories:
            self.category.addItem(category.replace("_", " ").capitalize(), category)
        self.active_within = OptionalSpin("ruleActiveWithin", 1, MAX_WINDOW_DAYS, " days")
        self.inactive_for = OptionalSpin("ruleInactiveFor", 1, MAX_WINDOW_DAYS, " days")
        self.marketing = named(
            QCheckBox("Marketing segment: leave out RG-protected players"), "ruleMarketing"
        )
        self.marketing.setChecked(True)

        who = QGroupBox("Who")
        who_form = QFormLayout(who)
        who_form.addRow("Country", self.countries)
        who_form.addRow("Jurisdiction", self.jurisdictions)
        who_form.addRow("VIP tier", self.vip_tiers)
        who_form.addRow("Risk level", self.risk_levels)
        who_form.addRow("RG flags", self.rg_flags)

        play = QGroupBox("Money and play")
        play_form = QFormLayout(play)
        play_form.addRow("Window", self.window_days)
        play_form.addRow("Deposits", _pair(self.min_deposits, self.max_deposits))
        play_form.addRow("Deposit count", _pair(self.min_count, self.max_count))
        play_form.addRow("GGR", _pair(self.min_ggr, self.max_ggr))
        play_form.addRow("Bonus share", _pair(self.min_bonus, self.max_bonus))
        play_form.addRow("Preferred games", self.category)
        play_form.addRow("Last login within", self.active_within)
        play_form.addRow("No login for", self.inactive_for)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(who)
        layout.addWidget(play)
        layout.addWidget(self.marketing)

        self.countries.textChanged.connect(self.changed)
        for boxes in (self.jurisdictions, self.vip_tiers, self.risk_levels, self.rg_flags):
            boxes.toggled.connect(self.changed)
        for spin in self._spins():
            spin.valueChanged.connect(self.changed)
        self.category.currentIndexChanged.connect(self.changed)
        self.marketing.toggled.connect(self.changed)

    def _spins(self) -> list[QSpinBox]:
        return [
            self.window_days,
            self.min_deposits,
            self.max_deposits,
            self.min_count,
            self.max_count,
            self.min_ggr,
            self.max_ggr,
            self.min_bonus,
            self.max_bonus,
            self.active_within,
            self.inactive_for,
        ]

    def country_codes(self) -> list[str]:
        parts = self.countries.text().replace(";", ",").replace(" ", ",").split(",")
        return sorted({p.strip().upper() for p in parts if len(p.strip()) == 2})

    def rules(self) -> SegmentRules:
        """The form as rules; raises ``ValueError`` (pydantic) when a min is above its max."""

        def cents(value: int | None) -> int | None:
            return None if value is None else value * 100

        return SegmentRules(
            countries=self.country_codes(),
            jurisdictions=[Jurisdiction(v) for v in self.jurisdictions.values()],
            vip_tiers=[VipTier(v) for v in self.vip_tiers.values()],
            risk_levels=[RiskLevel(v) for v in self.risk_levels.values()],
            rg_flags=[RgFlag(v) for v in self.rg_flags.values()],
            window_days=self.window_days.value(),
            min_deposits_eur_minor=cents(self.min_deposits.optional()),
            max_deposits_eur_minor=cents(self.max_deposits.optional()),
            min_deposit_count=self.min_count.optional(),
            max_deposit_count=self.max_count.optional(),
            min_ggr_eur_minor=cents(self.min_ggr.optional()),
            max_ggr_eur_minor=cents(self.max_ggr.optional()),
            min_bonus_share_pct=self.min_bonus.optional(),
            max_bonus_share_pct=self.max_bonus.optional(),
            game_category=self.category.currentData(),
            active_within_days=self.active_within.optional(),
            inactive_for_days=self.inactive_for.optional(),
        )

    def set_rules(self, rules: SegmentRules, marketing: bool = True) -> None:
        """Load a saved segment into the form; emits ``changed`` once, not once per field."""

        def whole(value: int | None) -> int | None:
            return None if value is None else value // 100

        self.blockSignals(True)
        try:
            self.countries.setText(", ".join(rules.countries))
            self.jurisdictions.set_values(j.value for j in rules.jurisdictions)
            self.vip_tiers.set_values(t.value for t in rules.vip_tiers)
            self.risk_levels.set_values(r.value for r in rules.risk_levels)
            self.rg_flags.set_values(f.value for f in rules.rg_flags)
            self.window_days.setValue(rules.window_days)
            self.min_deposits.set_optional(whole(rules.min_deposits_eur_minor))
            self.max_deposits.set_optional(whole(rules.max_deposits_eur_minor))
            self.min_count.set_optional(rules.min_deposit_count)
            self.max_count.set_optional(rules.max_deposit_count)
            self.min_ggr.set_optional(whole(rules.min_ggr_eur_minor))
            self.max_ggr.set_optional(whole(rules.max_ggr_eur_minor))
            self.min_bonus.set_optional(rules.min_bonus_share_pct)
            self.max_bonus.set_optional(rules.max_bonus_share_pct)
            found = self.category.findData(rules.game_category)
            self.category.setCurrentIndex(max(found, 0))
            self.active_within.set_optional(rules.active_within_days)
            self.inactive_for.set_optional(rules.inactive_for_days)
            self.marketing.setChecked(marketing)
        finally:
            self.blockSignals(False)
        self.changed.emit()


def _pair(low: QSpinBox, high: QSpinBox) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(low, 1)
    layout.addWidget(high, 1)
    low.setToolTip("At least (Any: no lower bound)")
    high.setToolTip("At most (Any: no upper bound)")
    low.setPrefix("from ")
    high.setPrefix("to ")
    return row
