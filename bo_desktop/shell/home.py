"""The central "home" area: who you are, what your role lets you do, which panels you can open.

Docks sit around it; when no panel is open (or none is installed yet) the window still tells a
new user where they are and what to do next, instead of showing an empty grey rectangle.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from bo_desktop.contract.auth import Me
from bo_desktop.contract.enums import Permission
from bo_desktop.core.docks import DockSpec
from bo_desktop.widgets.labels import mute
from bo_desktop.widgets.naming import named

# What each permission means to the person holding it, in their words. Ordered as shown.
CAPABILITIES: list[tuple[Permission, str]] = [
    (Permission.PLAYERS_READ, "Look up players and their whole history"),
    (Permission.PLAYERS_WRITE, "Add notes and flags to player accounts"),
    (Permission.PLAYERS_STATUS, "Suspend, reactivate or close player accounts"),
    (Permission.PLAYERS_LIMITS, "Set responsible-gambling limits"),
    (Permission.TRANSACTIONS_READ, "Review deposits, withdrawals, bets and chargebacks"),
    (Permission.WITHDRAWALS_DECIDE, "Claim, approve and reject withdrawals"),
    (Permission.WITHDRAWALS_BREAK_LEASE, "Release withdrawals claimed by colleagues"),
    (Permission.DISPUTES_WRITE, "Work dispute tickets against their SLA"),
    (Permission.DISPUTES_APPROVE_COMPENSATION, "Approve dispute compensation"),
    (Permission.ALERTS_READ, "Review responsible-gambling, fraud and KYC alerts"),
    (Permission.ALERTS_AML, "Work anti-money-laundering alerts"),
    (Permission.KYC_REVIEW, "Review identity (KYC) documents"),
    (Permission.METRICS_READ, "Watch live KPIs and payment-provider health"),
    (Permission.REPORTS_RUN, "Run and export reports"),
    (Permission.AUDIT_READ, "Read and verify the audit trail"),
    (Permission.SEGMENTS_WRITE, "Build player segments"),
    (Permission.REWARDS_GRANT, "Grant rewards"),
    (Permission.ADMIN_CHAOS, "Inject faults into the sandbox platform"),
]


def capabilities_for(me: Me) -> list[str]:
    granted = set(me.permissions)
    return [text for permission, text in CAPABILITIES if permission in granted]


def _heading(text: str, point_delta: int = 2) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    font = QFont(label.font())
    font.setPointSize(font.pointSize() + point_delta)
    font.setBold(True)
    label.setFont(font)
    return label


class HomeView(QScrollArea):
    """Welcome text, capabilities of the role, and a button per panel the user may open."""

    open_panel_requested = Signal(str)  # DockSpec.id

    def __init__(self, me: Me, panels: Sequence[DockSpec], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("homeView")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)

        body = named(QWidget(), "homeBody")
        column = QVBoxLayout(body)
        column.setContentsMargins(40, 32, 40, 32)
        column.setSpacing(10)

        greeting = _heading(f"Welcome, {me.display_name}", 6)
        greeting.setObjectName("homeGreeting")
        column.addWidget(greeting)
        roles = ", ".join(role.value.capitalize() for role in me.roles) or "no role"
        subtitle = named(QLabel(f"Signed in as {me.username} · role: {roles}"), "homeSubtitle")
        subtitle.setTextFormat(Qt.TextFormat.PlainText)
        mute(subtitle)
        column.addWidget(subtitle)
        column.addSpacing(18)

        column.addWidget(_heading("With your role you can"))
        self.capability_labels: list[QLabel] = []
        for text in capabilities_for(me) or ["Read-only access: ask an administrator for a role."]:
            label = QLabel(f"•  {text}")
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setWordWrap(True)
            self.capability_labels.append(label)
            column.addWidget(label)
        column.addSpacing(18)

        column.addWidget(_heading("Panels"))
        self.panel_buttons: dict[str, QPushButton] = {}
        if panels:
            grid = QGridLayout()
            grid.setHorizontalSpacing(12)
            for row, spec in enumerate(panels):
                button = named(QPushButton(spec.title), f"homeOpen.{spec.id}")
                button.clicked.connect(
                    lambda _=False, dock_id=spec.id: self.open_panel_requested.emit(dock_id)
                )
                grid.addWidget(button, row, 0)
                shortcut = QLabel(spec.shortcut or "")
                mute(shortcut)
                grid.addWidget(shortcut, row, 1)
                self.panel_buttons[spec.id] = button
            grid.setColumnStretch(2, 1)
            column.addLayout(grid)
            hint = (
                "Panels dock around this page; arrange them freely. View ▸ Reset layout restores the default."
            )
        else:
            hint = (
                "No panels are installed for your role in this version yet. "
                "Panels appear here and in the View menu as features are added."
            )
        self.panels_hint = named(QLabel(hint), "homePanelsHint")
        self.panels_hint.setTextFormat(Qt.TextFormat.PlainText)
        self.panels_hint.setWordWrap(True)
        mute(self.panels_hint)
        column.addWidget(self.panels_hint)
        column.addSpacing(18)

        column.addWidget(_heading("Getting around"))
        for text in (
            "F1 lists every keyboard shortcut.",
            "The coloured bar at the top always shows which platform you are working on.",
            "The status bar shows the connection, your role and how fresh the reference data is.",
        ):
            tip = QLabel(f"•  {text}")
            tip.setTextFormat(Qt.TextFormat.PlainText)
            tip.setWordWrap(True)
            column.addWidget(tip)
        column.addStretch(1)
        body.setMaximumWidth(860)
        # Centre the column: on a wide monitor a left-hugging page looks unfinished.
        page = named(QWidget(), "homePage")
        centring = QHBoxLayout(page)
        centring.setContentsMargins(0, 0, 0, 0)
        centring.addStretch(1)
        centring.addWidget(body, 100)
        centring.addStretch(1)
        self.setWidget(page)
