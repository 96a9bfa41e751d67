"""The header of a player profile: who, standing, restrictions and balances at a glance.

Everything is a plain-text QLabel (names and e-mails are player-supplied). Badges are coloured by
meaning — red for what blocks play or needs attention, amber for pending, green for fine — so a
compliance officer sees "self-excluded until 2027-03-01" before reading anything else.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from bo_desktop.contract.players import PlayerDetail
from bo_desktop.core.cache import ReferenceCache
from bo_desktop.widgets.labels import mute, plain_label
from bo_desktop.widgets.naming import named

from .format import day, money, words

_RED, _AMBER, _GREEN, _GREY, _BLUE = "#c62828", "#b26a00", "#2e7d32", "#616161", "#1565c0"
STATUS_COLOURS = {
    "active": _GREEN,
    "suspended": _AMBER,
    "self_excluded": _RED,
    "cooling_off": _AMBER,
    "closed": _GREY,
}
KYC_COLOURS = {"verified": _GREEN, "pending": _AMBER, "not_started": _GREY, "rejected": _RED, "expired": _RED}
RISK_COLOURS = {"low": _GREEN, "medium": _AMBER, "high": _RED, "critical": _RED}


def badge(name: str) -> QLabel:
    label = named(plain_label(), name)
    label.setMargin(0)
    return label


def set_badge(label: QLabel, text: str, colour: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))
    style = f"color: white; background: {colour}; border-radius: 4px; padding: 2px 8px; font-weight: 600;"
    label.setStyleSheet(f"QLabel {{ {style} }}")


class PlayerHeader(QWidget):
    def __init__(self, cache: ReferenceCache | None = None) -> None:
        super().__init__()
        self.setObjectName("playerHeader")
        self._cache = cache
        self.name = named(plain_label(), "playerName")
        font = QFont(self.name.font())
        font.setPointSizeF(font.pointSizeF() * 1.45)
        font.setBold(True)
        self.name.setFont(font)
        self.identity = mute(named(plain_label(), "playerIdentity"))
        self.identity.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.status = badge("badgeStatus")
        self.kyc = badge("badgeKyc")
        self.risk = badge("badgeRisk")
        self.segment = badge("badgeSegment")
        self.vip = badge("badgeVip")
        self.jurisdiction = badge("badgeJurisdiction")
        self.pay_n_play = badge("badgePayNPlay")
        self.flagged = badge("badgeFlagged")
        self.restriction = badge("badgeRestriction")
        badges = QHBoxLayout()
        badges.setSpacing(6)
        for widget in (
            self.status,
            self.restriction,
            self.kyc,
            self.risk,
            self.flagged,
            self.jurisdiction,
            self.segment,
            self.vip,
            self.pay_n_play,
        ):
            badges.addWidget(widget)
        badges.addStretch(1)

        self.cash = named(plain_label(), "playerCashBalance")
        self.bonus = named(plain_label(), "playerBonusBalance")
        for label in (self.cash, self.bonus):
            value_font = QFont(label.font())
            value_font.setPointSizeF(value_font.pointSizeF() * 1.2)
            value_font.setBold(True)
            label.setFont(value_font)
        balances = QGridLayout()
        balances.setHorizontalSpacing(18)
        balances.setVerticalSpacing(0)
        balances.addWidget(mute(plain_label("Cash balance")), 0, 0)
        balances.addWidget(mute(plain_label("Bonus balance")), 0, 1)
        balances.addWidget(self.cash, 1, 0)
        balances.addWidget(self.bonus, 1, 1)

        left = QVBoxLayout()
        left.setSpacing(4)
        left.addWidget(self.name)
        left.addWidget(self.identity)
        left.addLayout(badges)
        top = QHBoxLayout(self)
        top.setContentsMargins(8, 6, 8, 6)
        top.addLayout(left, 1)
        top.addLayout(balances)

    def show_player(self, p: PlayerDetail) -> None:
        self.name.setText(f"{p.first_name} {p.last_name}")
        registered = day(p.registered_at)
        contact = f"{p.email} · {p.phone or 'no phone'}"
        self.identity.setText(f"{p.id} · {p.username} · {contact} · {p.country} · registered {registered}")
        set_badge(self.status, words(p.status), STATUS_COLOURS.get(p.status.value, _GREY))
        set_badge(self.kyc, f"KYC {words(p.kyc_status).lower()}", KYC_COLOURS.get(p.kyc_status.value, _GREY))
        set_badge(self.risk, f"{words(p.risk_level)} risk", RISK_COLOURS.get(p.risk_level.value, _GREY))
        segment = (
            self._cache.label("segments", p.segment) if self._cache is not None and p.segment else p.segment
        )
        set_badge(self.segment, f"Segment: {segment}" if segment else "", _BLUE)
        set_badge(self.vip, f"VIP {words(p.vip_tier)}" if p.vip_tier.value != "none" else "", "#6a1b9a")
        set_badge(self.jurisdiction, p.jurisdiction.value, _GREY)
        provider = f" ({words(p.pay_n_play_provider)})" if p.pay_n_play_provider else ""
        set_badge(self.pay_n_play, f"Pay-n-Play{provider}" if p.pay_n_play else "", "#00695c")
        set_badge(self.flagged, "Flagged for review" if p.flagged_for_review else "", _RED)
        if p.self_exclusion_until is not None:
            set_badge(self.restriction, f"Self-excluded until {day(p.self_exclusion_until)}", _RED)
        elif p.cooling_off_until is not None:
            set_badge(self.restriction, f"Cooling-off until {day(p.cooling_off_until)}", _AMBER)
        else:
            set_badge(self.restriction, "", _GREY)
        self.cash.setText(money(self._cache, p.balance_minor, p.currency))
        self.bonus.setText(money(self._cache, p.bonus_balance_minor, p.currency))
