"""The detail pane: one withdrawal, its risk signals and the player's context for the decision.

Everything shown here that a player or a colleague typed (names, dispute subjects, comments) goes
through plain-text labels and table cells: never rich text.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from bo_desktop.contract.enums import OPEN_WITHDRAWAL_STATUSES, WithdrawalStatus
from bo_desktop.contract.payments import Withdrawal
from bo_desktop.contract.withdrawal_context import WithdrawalContext
from bo_desktop.widgets.labels import mute, plain_label
from bo_desktop.widgets.naming import named

from . import detail_rows
from .delegates import risk_colours
from .detail_tables import RowsModel, small_table
from .formatting import (
    format_age,
    format_countdown,
    format_datetime,
    signal_explanation,
    signal_label,
    status_label,
)
from .lookups import Lookups
from .message_bar import MessageBar
from .messages import payout_text

_LIMIT_NAMES = {
    "deposit_daily": "Deposit / day",
    "deposit_weekly": "Deposit / week",
    "deposit_monthly": "Deposit / month",
    "loss_monthly": "Loss / month",
    "session_minutes": "Session",
}


def _heading(text: str) -> QLabel:
    label = plain_label(text)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


def _chip(label: QLabel, fill: str, ink: str) -> None:
    label.setStyleSheet(
        f"QLabel {{ background: {fill}; color: {ink}; border-radius: 4px; padding: 1px 6px; }}"
    )


class WithdrawalDetailPane(QScrollArea):
    open_player_requested = Signal(str)

    def __init__(self, lookups: Lookups, me_staff_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("withdrawalDetail")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        # The pane fits its width: long names wrap and the tables scroll inside themselves.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._look = lookups
        self._me = me_staff_id
        self.withdrawal: Withdrawal | None = None
        self.context: WithdrawalContext | None = None

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(6)
        self.message = MessageBar()
        layout.addWidget(self.message)

        self.placeholder = mute(
            named(plain_label("Select a withdrawal to review it.", wrap=True), "detailEmpty")
        )
        layout.addWidget(self.placeholder)

        self.content = QWidget()
        content = QVBoxLayout(self.content)
        content.setContentsMargins(0, 0, 0, 0)
        content.setSpacing(6)
        layout.addWidget(self.content, 1)

        title_row = QHBoxLayout()
        self.title = named(_heading(""), "detailTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.title.setFont(font)
        self.status = named(plain_label(), "detailStatus")
        title_row.addWidget(self.title)
        title_row.addWidget(self.status)
        title_row.addStretch(1)
        content.addLayout(title_row)
        self.amount = named(plain_label(wrap=True), "detailAmount")
        self.requested = mute(named(plain_label(), "detailRequested"))
        self.four_eyes = named(plain_label(wrap=True), "detailFourEyes")
        self.claim = named(plain_label(wrap=True), "detailClaim")
        # After the decision: who decided, and the payout (PSP reference, or why it failed).
        self.payout = named(plain_label(wrap=True), "detailPayout")
        for label in (self.amount, self.requested, self.four_eyes, self.payout, self.claim):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            content.addWidget(label)

        player_row = QHBoxLayout()
        self.player_name = named(_heading(""), "detailPlayerName")
        self.player_name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.player_name.setWordWrap(True)
        # A 170-character name must not widen the pane: it wraps (or is clipped) instead.
        self.player_name.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.open_player = named(QPushButton("Open player profile"), "openPlayerButton")
        self.open_player.setToolTip("Show this player in the Players panel")
        self.open_player.clicked.connect(self._open_player)
        player_row.addWidget(self.player_name, 1)
        player_row.addWidget(self.open_player)
        content.addSpacing(4)
        content.addLayout(player_row)
        self.player_grid = QGridLayout()
        self.player_grid.setHorizontalSpacing(14)
        self.player_grid.setVerticalSpacing(2)
        content.addLayout(self.player_grid)
        self.player_flags = named(plain_label(wrap=True), "detailPlayerFlags")
        content.addWidget(self.player_flags)

        content.addSpacing(4)
        self.signals_heading = _heading("Risk signals")
        content.addWidget(self.signals_heading)
        self.signals_box = named(QWidget(), "detailSignals")
        self.signals_layout = QVBoxLayout(self.signals_box)
        self.signals_layout.setContentsMargins(0, 0, 0, 0)
        self.signals_layout.setSpacing(4)
        content.addWidget(self.signals_box)

        self.tabs = named(QTabWidget(), "detailTabs")
        self.transactions = RowsModel(detail_rows.TRANSACTION_HEADERS, self)
        self.unwagered = RowsModel(detail_rows.UNWAGERED_HEADERS, self)
        self.accounts = RowsModel(detail_rows.ACCOUNT_HEADERS, self)
        self.cases = RowsModel(detail_rows.CASE_HEADERS, self)
        self.trail = mute(named(plain_label(wrap=True), "detailTrail"))
        unwagered_page = QWidget()
        unwagered_layout = QVBoxLayout(unwagered_page)
        unwagered_layout.setContentsMargins(4, 4, 4, 4)
        unwagered_layout.addWidget(self.trail)
        unwagered_layout.addWidget(small_table(self.unwagered, "detailUnwagered"))
        self.cases_note = mute(named(plain_label(wrap=True), "detailCasesNote"))
        cases_page = QWidget()
        cases_layout = QVBoxLayout(cases_page)
        cases_layout.setContentsMargins(4, 4, 4, 4)
        cases_layout.addWidget(self.cases_note)
        cases_layout.addWidget(small_table(self.cases, "detailCases"))
        self.tabs.addTab(small_table(self.transactions, "detailTransactions"), "Transactions")
        self.tabs.addTab(unwagered_page, "Not wagered")
        self.tabs.addTab(small_table(self.accounts, "detailAccounts"), "Payment accounts")
        self.tabs.addTab(cases_page, "Alerts && disputes")
        content.addWidget(self.tabs, 1)
        self.context_status = mute(named(plain_label(wrap=True), "detailContextStatus"))
        content.addWidget(self.context_status)

        self.setWidget(body)
        self.show_empty()

    # -- states ----------------------------------------------------------------------------------

    def show_empty(self) -> None:
        self.withdrawal = None
        self.context = None
        self.content.hide()
        self.placeholder.show()

    def show_loading(self, withdrawal_id: str) -> None:
        if self.withdrawal is None or self.withdrawal.id != withdrawal_id:
            self.placeholder.setText(f"Loading {withdrawal_id}…")
            self.content.hide()
            self.placeholder.show()

    def show_item(self, w: Withdrawal, ctx: WithdrawalContext | None) -> None:
        self.context = ctx
        self.update_withdrawal(w)
        self._render_context()
        self.placeholder.hide()
        self.content.show()

    def show_context_error(self, text: str) -> None:
        self.context_status.setText(text)
        self.context_status.show()

    # -- the withdrawal --------------------------------------------------------------------------

    def update_withdrawal(self, w: Withdrawal) -> None:
        self.withdrawal = w
        look = self._look
        self.title.setText(w.id)
        self.status.setText(status_label(w.status))
        fill, ink = {
            WithdrawalStatus.APPROVED: ("#2e7d32", "#ffffff"),
            WithdrawalStatus.PAID: ("#2e7d32", "#ffffff"),
            WithdrawalStatus.REJECTED: ("#b71c1c", "#ffffff"),
            WithdrawalStatus.FAILED: ("#e65100", "#ffffff"),
            WithdrawalStatus.AWAITING_SECOND_APPROVAL: ("#f9a825", "#1a1a1a"),
        }.get(w.status, ("#546e7a", "#ffffff"))
        _chip(self.status, fill, ink)
        method = w.method.replace("_", " ")
        self.amount.setText(
            f"{look.money(w.amount_minor, w.currency)}  ≈ {look.money(w.amount_eur_minor, 'EUR')}"
            f"  ·  {look.psp_name(w.psp.value)} · {method} · {w.destination_masked}"
        )
        age = format_age((datetime.now(UTC) - w.requested_at).total_seconds())
        self.requested.setText(f"Requested {format_datetime(w.requested_at)} ({age} ago)")
        self.four_eyes.setText(self._four_eyes_text(w))
        payout = payout_text(w)
        self.payout.setText(payout)
        self.payout.setVisible(bool(payout))
        self.set_lease_left(None)
        self._render_signals(w)
        self.player_name.setText(f"{w.player_name} ({w.player_id})")

    def _four_eyes_text(self, w: Withdrawal) -> str:
        names = ", ".join(a.staff_name for a in w.approvals)
        if w.status == WithdrawalStatus.REJECTED:
            reason = self._look.reason_label(w.reject_reason_code or "")
            by = f" by {w.decided_by_name}" if w.decided_by_name else ""
            return f"Rejected{by}: {reason}. {w.reject_comment or ''}".strip()
        if not w.requires_four_eyes:
            if names:
                return f"One approval decided it — approved by {names}."
            return "One approval decides it."
        if w.status == WithdrawalStatus.AWAITING_SECOND_APPROVAL:
            if any(a.staff_id == self._me for a in w.approvals):
                return f"Four-eyes: you gave the first approval. Awaiting a second approver ({names})."
            return (
                f"Four-eyes: 1 of 2 approvals, by {names}. Awaiting second approver: "
                "only a different payments colleague can complete it."
            )
        return f"Four-eyes: {len(w.approvals)} of 2 approvals" + (f" ({names})." if names else ".")

    def set_lease_left(self, seconds: float | None, *, renewing: bool = False) -> None:
        """The claim line; ``seconds`` is the countdown of the user's own lease."""
        w = self.withdrawal
        if w is None:
            return
        # A decided item (approved, paid, failed, rejected) has nothing left to claim.
        self.claim.setVisible(w.status in OPEN_WITHDRAWAL_STATUSES)
        now = datetime.now(UTC)
        if seconds is not None:
            suffix = " (renewing)" if renewing else ", renewed while you keep it open"
            self.claim.setText(f"Claimed by you — {format_countdown(seconds)} left{suffix}")
        elif w.claimed_by and w.claim_expires_at and w.claim_expires_at > now:
            until = w.claim_expires_at.astimezone().strftime("%H:%M:%S")
            who = "you" if w.claimed_by == self._me else (w.claimed_by_name or w.claimed_by)
            self.claim.setText(f"Claimed by {who} until {until}")
        else:
            self.claim.setText("Not claimed. Press C to claim it (Approve and Reject claim it for you).")

    def _render_signals(self, w: Withdrawal) -> None:
        while self.signals_layout.count():
            item = self.signals_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.signals_heading.setText(f"Risk signals — score {w.risk_score}/100, {w.risk_level.value}")
        if not w.risk_signals:
            self.signals_layout.addWidget(mute(plain_label("No risk signals.")))
        for signal in w.risk_signals:
            row = QWidget()
            grid = QGridLayout(row)
            grid.setContentsMargins(0, 0, 0, 0)
            grid.setHorizontalSpacing(8)
            grid.setVerticalSpacing(0)
            badge = plain_label(signal.severity.value.upper())
            badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
            level = "critical" if signal.severity.value == "critical" else signal.severity.value
            fill, ink = risk_colours(level if level in ("low", "medium", "high", "critical") else "low")
            _chip(badge, fill.name(), ink.name())
            badge.setFixedWidth(badge.fontMetrics().horizontalAdvance("CRITICAL") + 16)
            grid.addWidget(badge, 0, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(plain_label(f"{signal_label(signal.code)}: {signal.detail}", wrap=True), 0, 1)
            why = signal_explanation(signal.code)
            if why:
                grid.addWidget(mute(plain_label(why, wrap=True)), 1, 1)
            grid.setColumnStretch(1, 1)
            self.signals_layout.addWidget(row)

    # -- the context -----------------------------------------------------------------------------

    def _render_context(self) -> None:
        while self.player_grid.count():
            item = self.player_grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        ctx, look = self.context, self._look
        self.context_status.hide()
        if ctx is None:
            for model in (self.transactions, self.unwagered, self.accounts, self.cases):
                model.set_rows([])
            self.player_flags.hide()
            return
        p = ctx.player
        limits = ", ".join(
            f"{_LIMIT_NAMES.get(limit.kind.value, limit.kind.value)} "
            + (
                f"{limit.value} min"
                if limit.kind.value == "session_minutes"
                else look.money(limit.value, limit.currency)
            )
            + (" (increase pending)" if limit.status == "pending_increase" else "")
            for limit in ctx.limits
        )
        exclusion = format_datetime(p.self_exclusion_until) if p.self_exclusion_until else "none"
        facts = [
            ("Status", p.status.value.replace("_", " ")),
            ("KYC", p.kyc_status.value.replace("_", " ")),
            ("Segment", look.segment(p.segment)),
            ("VIP tier", p.vip_tier.value),
            ("Jurisdiction", f"{p.jurisdiction} ({p.country})" + (" · Pay-n-Play" if p.pay_n_play else "")),
            ("Self-exclusion", exclusion),
            ("RG limits", limits or "none set"),
            ("Lifetime deposits", look.money(p.lifetime_deposits_minor, p.currency)),
            ("Lifetime withdrawals", look.money(p.lifetime_withdrawals_minor, p.currency)),
            (
                "Balance",
                look.money(p.balance_minor, p.currency)
                + f" + bonus {look.money(p.bonus_balance_minor, p.currency)}",
            ),
        ]
        for i, (name, value) in enumerate(facts):
            row, col = divmod(i, 2)
            self.player_grid.addWidget(mute(plain_label(name)), row, col * 2)
            value_label = plain_label(value, wrap=True)
            value_label.setObjectName(f"fact.{name.lower().replace(' ', '_').replace('-', '_')}")
            self.player_grid.addWidget(value_label, row, col * 2 + 1)
        self.player_grid.setColumnStretch(1, 1)
        self.player_grid.setColumnStretch(3, 1)
        flags = [
            text
            for on, text in (
                (p.pep_or_sanctions_hit, "Sanctions/PEP screening hit"),
                (p.withdrawals_blocked, "Withdrawals blocked"),
                (p.flagged_for_review, "Flagged for review"),
                (p.status.value == "self_excluded", "Self-excluded"),
            )
            if on
        ]
        self.player_flags.setText("⚠ " + " · ".join(flags) if flags else "")
        self.player_flags.setVisible(bool(flags))
        _chip(self.player_flags, "#b71c1c", "#ffffff")

        self.transactions.set_rows(detail_rows.transaction_rows(ctx, look))
        self.unwagered.set_rows(detail_rows.unwagered_rows(ctx, look))
        self.accounts.set_rows(detail_rows.account_rows(ctx, look))
        self.cases.set_rows(detail_rows.case_rows(ctx))
        since = f"the last payout on {format_datetime(ctx.since)}" if ctx.since else "the last 30 days"
        self.trail.setText(
            f"Since {since}: deposited {look.money(ctx.deposits_since_minor, p.currency)}, "
            f"wagered {look.money(ctx.wagered_since_minor, p.currency)}. "
            "Stakes are matched to the oldest deposits first."
        )
        restricted = (
            f"{ctx.restricted_alerts} AML alert(s) on this player are visible to compliance only: "
            "ask compliance before paying out."
            if ctx.restricted_alerts
            else ""
        )
        self.cases_note.setText(restricted)
        self.cases_note.setVisible(bool(restricted))
        new = " — NEW" if ctx.payout_method_new else ""
        self.tabs.setTabText(0, f"Transactions ({len(ctx.recent_transactions)})")
        self.tabs.setTabText(1, f"Not wagered ({len(ctx.unwagered_deposits)})")
        self.tabs.setTabText(2, f"Payment accounts ({len(ctx.payment_methods)}){new}")
        cases = len(ctx.alerts) + len(ctx.disputes) + ctx.restricted_alerts
        self.tabs.setTabText(3, f"Alerts && disputes ({cases})")

    def _open_player(self) -> None:
        if self.withdrawal is not None:
            self.open_player_requested.emit(self.withdrawal.player_id)
