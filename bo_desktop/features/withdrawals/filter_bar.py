"""The queue's filters: status, PSP, currency, EUR amount range, risk, my claims, free text."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from bo_desktop.contract.enums import WithdrawalStatus
from bo_desktop.widgets.naming import named

from .formatting import status_label
from .lookups import Lookups
from .queue_store import QueueFilter

RISK_CHOICES: list[tuple[str, frozenset[str]]] = [
    ("Any risk", frozenset()),
    ("Medium and above", frozenset({"medium", "high", "critical"})),
    ("High and above", frozenset({"high", "critical"})),
    ("Critical only", frozenset({"critical"})),
    ("Low only", frozenset({"low"})),
]
STATUS_CHOICES = [
    WithdrawalStatus.PENDING,
    WithdrawalStatus.IN_REVIEW,
    WithdrawalStatus.AWAITING_SECOND_APPROVAL,
]
TEXT_DEBOUNCE_MS = 150  # typing "W-0001" refilters once, not six times
MAX_EUR = 10_000_000


def _euro_box(name: str, label: str) -> QSpinBox:
    box = named(QSpinBox(), name)
    box.setRange(0, MAX_EUR)
    box.setSingleStep(100)
    box.setPrefix("€ ")
    box.setSpecialValueText(label)  # shown at 0: "no bound"
    box.setGroupSeparatorShown(True)
    box.setAccelerated(True)
    box.setToolTip(f"{label.capitalize()} amount in EUR equivalent (0 = no bound)")
    return box


class FilterBar(QWidget):
    changed = Signal(object)  # QueueFilter

    def __init__(self, lookups: Lookups, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("withdrawalFilters")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(4)
        first, second = QHBoxLayout(), QHBoxLayout()
        outer.addLayout(first)
        outer.addLayout(second)

        self.search = named(QLineEdit(), "withdrawalSearch")
        self.search.setPlaceholderText("Search id, player, PSP reference, account…  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.status = named(QComboBox(), "statusFilter")
        self.status.addItem("All open", None)
        for status in STATUS_CHOICES:
            self.status.addItem(status_label(status), status.value)
        self.psp = named(QComboBox(), "pspFilter")
        self.psp.addItem("All PSPs", None)
        for code, name in lookups.psp_codes():
            self.psp.addItem(name, code)
        self.currency = named(QComboBox(), "currencyFilter")
        self.currency.addItem("All currencies", None)
        for code in lookups.currency_codes():
            self.currency.addItem(code, code)
        self.risk = named(QComboBox(), "riskFilter")
        for text, levels in RISK_CHOICES:
            self.risk.addItem(text, levels)
        for combo in (self.status, self.psp, self.currency, self.risk):
            # Let a narrow dock squeeze the combos instead of growing the window.
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
        first.addWidget(self.search, 3)
        first.addWidget(self.status, 1)
        first.addWidget(self.risk, 1)

        self.min_eur = _euro_box("minEur", "min")
        self.max_eur = _euro_box("maxEur", "max")
        self.mine = named(QCheckBox("Claimed by me"), "claimedByMe")
        self.awaiting_me = named(QCheckBox("Awaiting my 2nd approval"), "awaitingMyApproval")
        self.awaiting_me.setToolTip(
            "Four-eyes items a colleague approved first: you can give the second approval"
        )
        second.addWidget(self.psp)
        second.addWidget(self.currency)
        second.addWidget(QLabel("EUR"))
        second.addWidget(self.min_eur)
        second.addWidget(QLabel("–"))
        second.addWidget(self.max_eur)
        second.addSpacing(8)
        second.addWidget(self.mine)
        second.addWidget(self.awaiting_me)
        second.addStretch(1)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(TEXT_DEBOUNCE_MS)
        self._debounce.timeout.connect(self._emit)
        self.search.textChanged.connect(lambda _text: self._debounce.start())
        for combo in (self.status, self.psp, self.currency, self.risk):
            combo.currentIndexChanged.connect(self._emit)
        for box in (self.min_eur, self.max_eur):
            box.valueChanged.connect(lambda _value: self._debounce.start())
        for check in (self.mine, self.awaiting_me):
            check.toggled.connect(self._emit)

    def current(self) -> QueueFilter:
        status = self.status.currentData()
        return QueueFilter(
            statuses=frozenset({status}) if status else frozenset(),
            psp=self.psp.currentData(),
            currency=self.currency.currentData(),
            min_eur_minor=self.min_eur.value() * 100 if self.min_eur.value() else None,
            max_eur_minor=self.max_eur.value() * 100 if self.max_eur.value() else None,
            risk_levels=self.risk.currentData() or frozenset(),
            claimed_by_me=self.mine.isChecked(),
            awaiting_my_approval=self.awaiting_me.isChecked(),
            text=self.search.text(),
        )

    def flush(self) -> None:
        """Apply a pending (debounced) change now."""
        if self._debounce.isActive():
            self._debounce.stop()
            self._emit()

    def _emit(self) -> None:
        self._debounce.stop()
        self.changed.emit(self.current())
