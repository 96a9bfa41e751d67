"""Rows of the detail pane's tables, built from a ``WithdrawalContext`` (no widgets here)."""

from __future__ import annotations

from datetime import datetime

from bo_desktop.contract.withdrawal_context import WithdrawalContext

from .detail_tables import Cell, Row
from .formatting import format_datetime
from .lookups import Lookups

TRANSACTION_HEADERS = ("When", "Type", "Amount", "Status", "PSP / game", "ID")
UNWAGERED_HEADERS = ("Deposited", "Amount", "Not wagered", "PSP", "Transaction")
ACCOUNT_HEADERS = ("Account", "PSP / method", "First deposit", "Deposits", "Payouts", "Last used", "")
CASE_HEADERS = ("Case", "Kind", "What", "Severity / priority", "Status", "Opened")


def _when(at: datetime) -> Cell:
    return Cell(format_datetime(at), sort=at.timestamp())


def transaction_rows(ctx: WithdrawalContext, look: Lookups) -> list[Row]:
    rows = []
    for tx in ctx.recent_transactions:
        outgoing = tx.type in ("withdrawal", "bet", "chargeback", "bonus_forfeit")
        amount = look.money(-tx.amount_minor if outgoing else tx.amount_minor, tx.currency)
        where = look.psp_name(tx.psp.value) if tx.psp else look.game(tx.game_id)
        rows.append(
            Row(
                (
                    _when(tx.created_at),
                    Cell(tx.type.value.replace("_", " ")),
                    Cell(amount, sort=-tx.amount_minor if outgoing else tx.amount_minor, right=True),
                    Cell(tx.status.value),
                    Cell(where, tooltip=tx.psp_reference),
                    Cell(tx.id),
                )
            )
        )
    return rows


def unwagered_rows(ctx: WithdrawalContext, look: Lookups) -> list[Row]:
    currency = ctx.player.currency
    return [
        Row(
            (
                _when(d.created_at),
                Cell(look.money(d.amount_minor, currency), sort=d.amount_minor, right=True),
                Cell(look.money(d.unwagered_minor, currency), sort=d.unwagered_minor, right=True),
                Cell(look.psp_name(d.psp.value) if d.psp else "—"),
                Cell(d.transaction_id),
            ),
            emphasis=d.unwagered_minor == d.amount_minor,  # not played at all
        )
        for d in ctx.unwagered_deposits
    ]


def account_rows(ctx: WithdrawalContext, look: Lookups) -> list[Row]:
    currency = ctx.player.currency
    rows = []
    for use in ctx.payment_methods:
        marks = []
        if use.is_payout_destination:
            marks.append("payout goes here")
        if use.new:
            marks.append("NEW" if use.first_deposit_at is None else "new (< 7 days)")
        method = (use.method or "").replace("_", " ")
        rows.append(
            Row(
                (
                    Cell(use.account),
                    Cell(f"{look.psp_name(use.psp.value if use.psp else None)} · {method}"),
                    Cell(
                        format_datetime(use.first_deposit_at) if use.first_deposit_at else "never",
                        sort=use.first_deposit_at.timestamp() if use.first_deposit_at else 0.0,
                    ),
                    Cell(
                        f"{use.deposits} · {look.money(use.deposits_minor, currency)}",
                        sort=use.deposits_minor,
                        right=True,
                    ),
                    Cell(
                        f"{use.withdrawals} · {look.money(use.withdrawals_minor, currency)}",
                        sort=use.withdrawals_minor,
                        right=True,
                    ),
                    _when(use.last_used_at),
                    Cell(", ".join(marks)),
                ),
                emphasis=use.is_payout_destination,
            )
        )
    return rows


def case_rows(ctx: WithdrawalContext) -> list[Row]:
    rows = [
        Row(
            (
                Cell(a.id),
                Cell(f"{a.kind.value.upper()} alert"),
                Cell(a.rule_label),
                Cell(a.severity.value),
                Cell(a.status.value.replace("_", " ")),
                _when(a.created_at),
            ),
            emphasis=a.status.value in ("open", "investigating"),
        )
        for a in ctx.alerts
    ]
    rows += [
        Row(
            (
                Cell(d.id),
                Cell("Dispute" + (" on this withdrawal" if d.links_this_withdrawal else "")),
                Cell(d.subject),
                Cell(d.priority.value),
                Cell(d.status.value.replace("_", " ")),
                _when(d.created_at),
            ),
            emphasis=d.links_this_withdrawal,
        )
        for d in ctx.disputes
    ]
    return rows
