"""Finance reports: GGR/NGR by period and game, payments by PSP, player liability.

GGR = bets − wins. NGR = GGR − bonus cost − gaming tax − provider fees. Bonus cost (bonus
credits − forfeited bonus money) belongs to a player, not to a game, so it is reported on its own
line per period, licence and currency instead of being spread over games by a guess; every money
column therefore adds up to the platform's NGR. Taxes follow each licence's rule (most tax GGR,
Germany taxes stakes) and are configurable per request (``gaming_tax_bps``, ``provider_fee_bps``).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bo_desktop.contract.enums import OPEN_WITHDRAWAL_STATUSES, Jurisdiction, WithdrawalStatus
from bo_desktop.contract.reports import (
    ColumnType,
    FilterChoice,
    ReportColumn,
    ReportDefinition,
    ReportFilter,
    ReportKind,
    TotalRule,
)

from .. import db
from ..reference_data import CURRENCIES, GAME_PROVIDERS, GAMES, JURISDICTIONS, PAYMENT_PROVIDERS
from .engine import (
    AnySelect,
    PeriodStart,
    ReportQuery,
    ReportSpec,
    brand_filter,
    brand_label,
    in_period,
    jurisdiction_clauses,
)

T, P, W = db.Transaction, db.Player, db.Withdrawal

# Money requested but not yet out of the door: the open queue plus approved payouts still with
# their PSP (the balance was debited at request time, so both are owed to the player).
UNPAID_WITHDRAWAL_STATUSES = OPEN_WITHDRAWAL_STATUSES | {WithdrawalStatus.APPROVED}

# Gaming tax per licence: (basis points, base). Defaults modelled on the regimes' headline rates.
GAMING_TAX: dict[str, tuple[int, str]] = {
    Jurisdiction.MGA: (500, "ggr"),
    Jurisdiction.UKGC: (2100, "ggr"),
    Jurisdiction.SGA: (1800, "ggr"),
    Jurisdiction.FI: (2200, "ggr"),
    Jurisdiction.GGL: (530, "stakes"),
    Jurisdiction.AGCO: (2000, "ggr"),
}
PROVIDER_FEE_BPS = 1000  # game providers' revenue share, of positive GGR
BONUS_LINE = "Bonus cost (not game-specific)"
_GAMES = {g.id: g for g in GAMES}
_PROVIDERS = {p.code: p.name for p in GAME_PROVIDERS}


def money(key: str, title: str, total: TotalRule = TotalRule.SUM) -> ReportColumn:
    return ReportColumn(key=key, title=title, type=ColumnType.MONEY, currency_key="currency", total=total)


def col(key: str, title: str, type_: ColumnType = ColumnType.TEXT, **extra: Any) -> ReportColumn:
    return ReportColumn(key=key, title=title, type=type_, **extra)


def jurisdiction_filter() -> ReportFilter:
    return ReportFilter(
        key="jurisdiction",
        title="Jurisdiction",
        choices=[FilterChoice(value=j.code.value, label=f"{j.code.value} — {j.name}") for j in JURISDICTIONS],
    )


def currency_filter() -> ReportFilter:
    return ReportFilter(
        key="currency",
        title="Currency",
        choices=[FilterChoice(value=c.code, label=c.code) for c in CURRENCIES],
    )


def psp_filter() -> ReportFilter:
    return ReportFilter(
        key="psp",
        title="Payment provider",
        choices=[FilterChoice(value=p.code.value, label=p.name) for p in PAYMENT_PROVIDERS],
    )


def _bps(query: ReportQuery, name: str) -> int | None:
    raw = query.get(name)
    return int(raw) if raw is not None else None


def _bps_choices() -> list[FilterChoice]:
    return [FilterChoice(value=str(v), label=f"{v / 100:g} %") for v in range(0, 5001, 50)]


class GgrNgr(ReportSpec):
    definition = ReportDefinition(
        kind=ReportKind.GGR_NGR,
        title="GGR and NGR by game",
        description="Bets, wins, GGR and NGR per period, licence, game provider, game and currency.",
        period_field="transaction time",
        columns=[
            col("period", "Period start", ColumnType.DATE),
            col("brand", "Brand"),
            col("jurisdiction", "Jurisdiction"),
            col("provider", "Game provider"),
            col("game", "Game"),
            col("currency", "Currency"),
            money("bets", "Bets"),
            money("wins", "Wins"),
            money("ggr", "GGR"),
            money("bonus_cost", "Bonus cost"),
            money("gaming_tax", "Gaming tax"),
            money("provider_fees", "Provider fees"),
            money("ngr", "NGR"),
        ],
        filters=[
            ReportFilter(
                key="group_by",
                title="Group by",
                choices=[
                    FilterChoice(value="day", label="Day"),
                    FilterChoice(value="month", label="Month"),
                ],
                default="month",
            ),
            jurisdiction_filter(),
            brand_filter(),
            currency_filter(),
            ReportFilter(
                key="provider",
                title="Game provider",
                choices=[FilterChoice(value=p.code, label=p.name) for p in GAME_PROVIDERS],
            ),
            ReportFilter(key="gaming_tax_bps", title="Gaming tax override (bps)", choices=_bps_choices()),
            ReportFilter(key="provider_fee_bps", title="Provider fee (bps)", choices=_bps_choices()),
        ],
        notes=[
            "GGR = bets − wins; NGR = GGR − bonus cost − gaming tax − provider fees.",
            "Gaming tax by licence: "
            + ", ".join(f"{j} {bps / 100:g} % of {base}" for j, (bps, base) in GAMING_TAX.items())
            + " (override with gaming_tax_bps, of GGR).",
            f"Provider fees: {PROVIDER_FEE_BPS / 100:g} % of positive GGR per game (provider_fee_bps).",
            f"Bonus cost (credits − forfeits) is reported on its own line: '{BONUS_LINE}'.",
        ],
    )
    sort_keys = ("period", "jurisdiction", "game_id", "currency")

    def select(self, query: ReportQuery) -> AnySelect:
        period = PeriodStart(T.created_at, query.get("group_by") or "month")
        game = sa.func.coalesce(T.game_id, "")

        def amount_of(*types: str) -> Any:
            return sa.func.sum(sa.case((T.type.in_(types), T.amount_minor), else_=0))

        stmt: AnySelect = (
            sa.select(
                period.label("period"),
                P.jurisdiction.label("jurisdiction"),
                game.label("game_id"),
                T.currency.label("currency"),
                amount_of("bet").label("bets"),
                amount_of("win").label("wins"),
                (amount_of("bonus_credit") - amount_of("bonus_forfeit")).label("bonus_cost"),
            )
            .join(P, P.id == T.player_id)
            .where(
                T.type.in_(["bet", "win", "bonus_credit", "bonus_forfeit"]),
                T.status == "succeeded",
                *in_period(T.created_at, query),
                *jurisdiction_clauses(P.jurisdiction, query),
            )
            .group_by(period, P.jurisdiction, game, T.currency)
        )
        if (currency := query.get("currency")) is not None:
            stmt = stmt.where(T.currency == currency)
        if (provider := query.get("provider")) is not None:
            stmt = stmt.where(T.game_id.like(f"{provider}-%"))
        return stmt

    def finish(self, session: Session, rows: list[sa.RowMapping], query: ReportQuery) -> list[dict[str, Any]]:
        tax_override, fee_bps = _bps(query, "gaming_tax_bps"), _bps(query, "provider_fee_bps")
        out: list[dict[str, Any]] = []
        for row in rows:
            bets, wins, bonus = int(row["bets"]), int(row["wins"]), int(row["bonus_cost"])
            ggr = bets - wins
            bps, base = GAMING_TAX.get(row["jurisdiction"], (0, "ggr"))
            if tax_override is not None:
                bps, base = tax_override, "ggr"
            taxable = bets if base == "stakes" else max(ggr, 0)
            tax = taxable * bps // 10_000
            fees = max(ggr, 0) * (PROVIDER_FEE_BPS if fee_bps is None else fee_bps) // 10_000
            game = _GAMES.get(row["game_id"])
            out.append(
                {
                    "period": row["period"],
                    "brand": brand_label(row["jurisdiction"]),
                    "jurisdiction": row["jurisdiction"],
                    "provider": _PROVIDERS.get(game.provider, game.provider) if game else "",
                    "game": game.name if game else (row["game_id"] or BONUS_LINE),
                    "game_id": row["game_id"],
                    "currency": row["currency"],
                    "bets": bets,
                    "wins": wins,
                    "ggr": ggr,
                    "bonus_cost": bonus,
                    "gaming_tax": tax,
                    "provider_fees": fees,
                    "ngr": ggr - bonus - tax - fees,
                }
            )
        return out


class PaymentsByPsp(ReportSpec):
    definition = ReportDefinition(
        kind=ReportKind.PAYMENTS_BY_PSP,
        title="Payments by provider",
        description="Deposits, withdrawals, deposit success rate and fees per payment provider and currency.",
        period_field="transaction time",
        columns=[
            col("psp", "Payment provider"),
            col("currency", "Currency"),
            col("deposit_attempts", "Deposit attempts", ColumnType.INTEGER, total=TotalRule.SUM),
            col("deposits_count", "Deposits", ColumnType.INTEGER, total=TotalRule.SUM),
            money("deposits", "Deposited"),
            col(
                "success_rate",
                "Deposit success rate",
                ColumnType.RATIO,
                total=TotalRule.RATIO,
                ratio_of=("deposits_count", "deposit_attempts"),
            ),
            col("withdrawals_count", "Withdrawals paid", ColumnType.INTEGER, total=TotalRule.SUM),
            money("withdrawals", "Withdrawn"),
            money("fees", "PSP fees"),
            money("net_flow", "Net deposits"),
        ],
        filters=[jurisdiction_filter(), brand_filter(), currency_filter(), psp_filter()],
        notes=[
            "Success rate = succeeded deposits ÷ attempts (succeeded + failed).",
            "Withdrawals paid: payouts the provider confirmed. Fees: on succeeded payments.",
        ],
    )
    sort_keys = ("psp", "currency")

    def select(self, query: ReportQuery) -> AnySelect:
        ok = T.status == "succeeded"
        deposit, withdrawal = T.type == "deposit", T.type == "withdrawal"

        def count(*cond: Any) -> Any:
            return sa.func.sum(sa.case((sa.and_(*cond), 1), else_=0))

        def total(column: Any, *cond: Any) -> Any:
            return sa.func.sum(sa.case((sa.and_(*cond), column), else_=0))

        stmt: AnySelect = (
            sa.select(
                T.psp.label("psp"),
                T.currency.label("currency"),
                count(deposit, T.status.in_(["succeeded", "failed"])).label("deposit_attempts"),
                count(deposit, ok).label("deposits_count"),
                total(T.amount_minor, deposit, ok).label("deposits"),
                count(withdrawal, ok).label("withdrawals_count"),
                total(T.amount_minor, withdrawal, ok).label("withdrawals"),
                total(T.fee_minor, ok).label("fees"),
            )
            .join(P, P.id == T.player_id)
            .where(
                T.type.in_(["deposit", "withdrawal"]),
                T.psp.is_not(None),
                *in_period(T.created_at, query),
                *jurisdiction_clauses(P.jurisdiction, query),
            )
            .group_by(T.psp, T.currency)
        )
        if (currency := query.get("currency")) is not None:
            stmt = stmt.where(T.currency == currency)
        if (psp := query.get("psp")) is not None:
            stmt = stmt.where(T.psp == psp)
        return stmt

    def finish(self, session: Session, rows: list[sa.RowMapping], query: ReportQuery) -> list[dict[str, Any]]:
        names = {p.code.value: p.name for p in PAYMENT_PROVIDERS}
        out: list[dict[str, Any]] = []
        for row in rows:
            values = {k: int(row[k]) for k in ("deposit_attempts", "deposits_count", "deposits")}
            values |= {k: int(row[k]) for k in ("withdrawals_count", "withdrawals", "fees")}
            attempts = values["deposit_attempts"]
            out.append(
                {
                    "psp": names.get(row["psp"], row["psp"]),
                    "currency": row["currency"],
                    **values,
                    "success_rate": values["deposits_count"] / attempts if attempts else None,
                    "net_flow": values["deposits"] - values["withdrawals"],
                }
            )
        return out


class PlayerLiability(ReportSpec):
    definition = ReportDefinition(
        kind=ReportKind.PLAYER_LIABILITY,
        title="Player liability",
        description="Owed to players now: cash balances plus unpaid withdrawals, by licence and currency.",
        period=False,
        columns=[
            col("brand", "Brand"),
            col("jurisdiction", "Jurisdiction"),
            col("currency", "Currency"),
            col("players", "Players with a balance", ColumnType.INTEGER, total=TotalRule.SUM),
            money("cash_balance", "Cash balances"),
            money("pending_withdrawals", "Withdrawals not yet paid"),
            money("liability", "Liability"),
            money("bonus_balance", "Bonus balances (not owed)"),
        ],
        filters=[jurisdiction_filter(), brand_filter(), currency_filter()],
        notes=["A snapshot at the time of the request; bonus money is not withdrawable, so not a liability."],
    )
    sort_keys = ("jurisdiction", "currency")

    def select(self, query: ReportQuery) -> AnySelect:
        where = jurisdiction_clauses(P.jurisdiction, query)
        if (currency := query.get("currency")) is not None:
            where.append(P.currency == currency)
        balances = (
            sa.select(
                P.jurisdiction.label("jurisdiction"),
                P.currency.label("currency"),
                sa.func.sum(sa.case((P.balance_minor > 0, 1), else_=0)).label("players"),
                sa.func.sum(P.balance_minor).label("cash_balance"),
                sa.func.sum(P.bonus_balance_minor).label("bonus_balance"),
            )
            .where(*where)
            .group_by(P.jurisdiction, P.currency)
            .subquery("balances")
        )
        pending = (
            sa.select(
                P.jurisdiction.label("jurisdiction"),
                P.currency.label("currency"),
                sa.func.sum(W.amount_minor).label("amount"),
            )
            .join(P, P.id == W.player_id)
            .where(W.status.in_(sorted(s.value for s in UNPAID_WITHDRAWAL_STATUSES)), *where)
            .group_by(P.jurisdiction, P.currency)
            .subquery("pending")
        )
        return sa.select(
            balances, sa.func.coalesce(pending.c.amount, 0).label("pending_withdrawals")
        ).outerjoin(
            pending,
            sa.and_(
                pending.c.jurisdiction == balances.c.jurisdiction, pending.c.currency == balances.c.currency
            ),
        )

    def finish(self, session: Session, rows: list[sa.RowMapping], query: ReportQuery) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for row in rows:
            cash, pending = int(row["cash_balance"]), int(row["pending_withdrawals"])
            out.append(
                {
                    "brand": brand_label(row["jurisdiction"]),
                    "jurisdiction": row["jurisdiction"],
                    "currency": row["currency"],
                    "players": int(row["players"]),
                    "cash_balance": cash,
                    "pending_withdrawals": pending,
                    "liability": cash + pending,
                    "bonus_balance": int(row["bonus_balance"]),
                }
            )
        return out
