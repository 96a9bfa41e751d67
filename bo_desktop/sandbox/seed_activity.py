"""A player's history: sessions, deposits, bets and wins, bonuses, withdrawals, loyalty points.

Each player is played forward in time session by session with a running balance, so every
balance, KPI and withdrawal is backed by the ledger rows that explain it. Bets and wins are
aggregated per game per session (one bet row and one win row stand for the session's rounds on
that game): a realistic shape without millions of rows per player.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bo_desktop.contract.enums import Psp

from . import db
from .names import DEVICES
from .reference_data import (
    BONUS_TEMPLATES,
    GAMES,
    HIGH_RISK_COUNTRIES,
    PSP_PROFILES,
    from_eur_minor,
    psp_reference,
    to_eur_minor,
)
from .seed_core import SeedContext, round_amount
from .seed_players import PaymentAccount, PlayerProfile

HISTORY_SETTLED_DAYS = 3  # withdrawals older than this are decided; newer ones form the queue
FOREIGN_COUNTRIES = ("ES", "PT", "IT", "FR", "US", "NL", "DK", "PL", "CY")
USER_AGENTS = {name: agent for name, _weight, agent in DEVICES}
# Popularity: a provider's first titles are its hits; live casino is a big share of stakes.
GAME_WEIGHTS = [
    (3.0 if g.category == "live_casino" else 1.0) / (1 + i % 12) ** 0.7 for i, g in enumerate(GAMES)
]


@dataclass(slots=True)
class ActiveBonus:
    """The bonus being wagered; ``row`` is its buffered ``bonuses`` row, updated in place."""

    id: str
    amount: int
    required: int
    expires_at: datetime
    row: dict[str, object]
    wagered: int = 0

    def wager(self, stake: int) -> None:
        self.wagered += stake
        self.row["wagered_minor"] = self.wagered

    def close(self, status: str) -> None:
        self.row["status"] = status


@dataclass(slots=True)
class Ledger:
    """Running totals while a player is generated; the seed turns them into KPIs and cases."""

    balance: int = 0
    deposits: int = 0
    deposit_count: int = 0
    withdrawals: int = 0
    wagered: int = 0
    ggr: int = 0
    bonus_cost: int = 0
    loyalty: int = 0
    last_deposit_at: datetime | None = None
    last_login_at: datetime | None = None
    since_payout_deposits_eur: int = 0
    since_payout_wagered_eur: int = 0
    deposit_events: list[tuple[datetime, int]] = field(default_factory=list)  # (at, eur minor)
    withdrawal_times: list[datetime] = field(default_factory=list)
    ip_countries: list[tuple[datetime, str]] = field(default_factory=list)
    stakes_eur: int = 0
    bonus_stakes_eur: int = 0
    bonus_claims: list[datetime] = field(default_factory=list)
    active_bonus: ActiveBonus | None = None
    chargebacks: list[tuple[str, datetime, int]] = field(default_factory=list)
    long_sessions: int = 0
    night_sessions: int = 0
    chase_deposits: int = 0  # re-deposits within a losing session
    last_withdrawal_id: str | None = None
    last_deposit_tx_id: str | None = None


def _tx(
    ctx: SeedContext, p: PlayerProfile, kind: str, status: str, amount: int, at: datetime, **extra: object
) -> str:
    tx_id = ctx.next_id("transaction")
    row: dict[str, object] = {
        "id": tx_id,
        "player_id": p.id,
        "type": kind,
        "status": status,
        "amount_minor": amount,
        "currency": p.currency,
        "amount_eur_minor": to_eur_minor(amount, p.currency),
        "created_at": at,
        "psp": None,
        "method": None,
        "psp_reference": None,
        "fee_minor": 0,
        "game_id": None,
        "round_id": None,
        "bonus_id": None,
        "session_id": None,
        "payment_account": None,
    }
    row.update(extra)
    ctx.add(db.Transaction, row)
    return tx_id


def _payment_extra(
    ctx: SeedContext, account: PaymentAccount, amount: int, p: PlayerProfile
) -> dict[str, object]:
    profile = PSP_PROFILES[account.psp]
    method = "pay_n_play" if p.pay_n_play_provider else account.method
    return {
        "psp": account.psp.value,
        "method": method,
        "psp_reference": psp_reference(account.psp, ctx.rng.getrandbits(64)),
        "fee_minor": amount * profile.fee_bps // 10_000 + profile.fee_fixed_minor,
        "payment_account": account.fingerprint,
    }


def deposit(ctx: SeedContext, p: PlayerProfile, led: Ledger, at: datetime, eur_minor: int) -> bool:
    """One deposit intent: a failed attempt is often retried once. True when money arrived."""
    account = p.accounts[0] if ctx.rng.random() < 0.8 else ctx.rng.choice(p.accounts)
    step = 5_000 if p.currency in ("SEK", "NOK") else 500
    amount = round_amount(from_eur_minor(eur_minor, p.currency), step)
    for attempt in range(2):
        ok = ctx.rng.random() < PSP_PROFILES[account.psp].deposit_success
        when = at + timedelta(seconds=40 * attempt)
        tx_id = _tx(
            ctx,
            p,
            "deposit",
            "succeeded" if ok else "failed",
            amount,
            when,
            **_payment_extra(ctx, account, amount, p),
        )
        if ok:
            led.balance += amount
            led.deposits += amount
            led.deposit_count += 1
            led.last_deposit_at = when
            led.last_deposit_tx_id = tx_id
            eur = to_eur_minor(amount, p.currency)
            led.since_payout_deposits_eur += eur
            led.deposit_events.append((when, eur))
            account.first_deposit_at = account.first_deposit_at or when
            if account.method in ("visa", "mastercard") and ctx.rng.random() < 0.004:
                _chargeback(ctx, p, led, when, amount, account)
            return True
        if ctx.rng.random() < 0.4:
            return False
    return False


def _chargeback(
    ctx: SeedContext, p: PlayerProfile, led: Ledger, paid_at: datetime, amount: int, account: PaymentAccount
) -> None:
    at = paid_at + timedelta(days=ctx.rng.randint(20, 75))
    if at >= ctx.now:
        return
    tx_id = _tx(
        ctx,
        p,
        "chargeback",
        "succeeded",
        amount,
        at,
        psp=account.psp.value,
        method=account.method,
        psp_reference=psp_reference(account.psp, ctx.rng.getrandbits(64)),
        payment_account=account.fingerprint,
    )
    led.balance = max(0, led.balance - amount)
    led.chargebacks.append((tx_id, at, amount))


def _grant_bonus(ctx: SeedContext, p: PlayerProfile, led: Ledger, at: datetime, base_amount: int) -> None:
    template = ctx.rng.choice(BONUS_TEMPLATES[:3])
    cap = from_eur_minor(template.amount_minor, p.currency)
    amount = max(100, min(base_amount, cap))
    bonus_id = ctx.next_id("bonus")
    bonus: dict[str, object] = {
        "id": bonus_id,
        "player_id": p.id,
        "template_id": template.id,
        "name": template.name,
        "amount_minor": amount,
        "currency": p.currency,
        "wagering_required_minor": amount * template.wagering_multiplier,
        "wagered_minor": 0,
        "status": "active",
        "granted_at": at,
        "expires_at": at + timedelta(days=30),
        "granted_by": None,
    }
    ctx.add(db.Bonus, bonus)
    _tx(ctx, p, "bonus_credit", "succeeded", amount, at, bonus_id=bonus_id)
    led.balance += amount
    led.bonus_cost += amount
    led.bonus_claims.append(at)
    led.active_bonus = ActiveBonus(
        bonus_id, amount, amount * template.wagering_multiplier, at + timedelta(days=30), bonus
    )


def _settle_bonus(ctx: SeedContext, p: PlayerProfile, led: Ledger, at: datetime) -> None:
    bonus = led.active_bonus
    if bonus is None:
        return
    if bonus.wagered >= bonus.required:
        bonus.close("wagered")
        led.active_bonus = None
    elif bonus.expires_at <= at:
        bonus.close("expired")
        remaining = min(led.balance, bonus.amount)
        if remaining:
            _tx(ctx, p, "bonus_forfeit", "succeeded", remaining, bonus.expires_at, bonus_id=bonus.id)
            led.balance -= remaining
        led.active_bonus = None


def play_session(
    ctx: SeedContext,
    p: PlayerProfile,
    led: Ledger,
    start: datetime,
    favourites: list[int],
    bet_level: float,
    bonus_hunter: bool,
) -> None:
    rng = ctx.rng
    minutes = max(3, int(rng.lognormvariate(3.2, 0.8)))
    if rng.random() < 0.01:
        minutes = rng.randint(360, 720)  # the occasional marathon: an RG signal
    end = min(start + timedelta(minutes=minutes), ctx.now)
    session_id = ctx.next_id("session")
    device, fingerprint = rng.choice(p.devices)
    country = p.country
    if rng.random() < 0.03:
        country = rng.choice(FOREIGN_COUNTRIES)
    if p.risk_level in ("high", "critical") and rng.random() < 0.05:
        country = rng.choice(sorted(HIGH_RISK_COUNTRIES))
    ctx.add(
        db.GameSession,
        {
            "id": session_id,
            "player_id": p.id,
            "started_at": start,
            "ended_at": end,
            "ip": f"{p.home_ip_prefix if country == p.country else _foreign_prefix(ctx)}"
            f".{rng.randrange(256)}.{rng.randrange(1, 255)}",
            "ip_country": country,
            "device": device,
            "user_agent": USER_AGENTS[device],
            "device_fingerprint": fingerprint,
        },
    )
    led.last_login_at = start
    led.ip_countries.append((start, country))
    led.long_sessions += minutes >= 360
    led.night_sessions += start.hour < 5
    _settle_bonus(ctx, p, led, start)

    typical_deposit = int(rng.lognormvariate(3.7, 0.7) * 100 * bet_level)  # EUR minor, median ~40
    if led.balance < from_eur_minor(1_000, p.currency) or rng.random() < 0.2:
        first = led.deposit_count == 0
        if deposit(ctx, p, led, start, typical_deposit) and (
            (first and rng.random() < 0.35) or (bonus_hunter and rng.random() < 0.6)
        ):
            _grant_bonus(
                ctx, p, led, start + timedelta(seconds=5), led.deposits if first else typical_deposit
            )

    at = start + timedelta(minutes=1)
    step = max(1, minutes // 3)
    for game_index in rng.sample(favourites, k=min(len(favourites), rng.randint(1, 3))):
        if led.balance < from_eur_minor(100, p.currency):
            if rng.random() < 0.25 and deposit(ctx, p, led, at, typical_deposit):
                led.chase_deposits += 1
            else:
                break
        game = GAMES[game_index]
        bet = from_eur_minor(int(rng.choice((20, 40, 50, 100, 200, 500)) * bet_level), p.currency)
        stake = min(led.balance, max(bet, 1) * rng.randint(15, 250))
        multiplier = 0.0 if rng.random() < 0.15 else rng.lognormvariate(-0.54, 1.05)
        win = int(stake * multiplier * game.rtp / 96.0)
        bonus_id = led.active_bonus.id if led.active_bonus else None
        round_id = f"R-{ctx.hex_id(48)}"
        common = {"game_id": game.id, "round_id": round_id, "bonus_id": bonus_id, "session_id": session_id}
        _tx(ctx, p, "bet", "succeeded", stake, at, **common)
        if win:
            _tx(ctx, p, "win", "succeeded", win, at + timedelta(seconds=step * 30), **common)
        led.balance += win - stake
        led.wagered += stake
        led.ggr += stake - win
        stake_eur = to_eur_minor(stake, p.currency)
        led.stakes_eur += stake_eur
        led.since_payout_wagered_eur += stake_eur
        if led.active_bonus is not None:
            led.bonus_stakes_eur += stake_eur
            led.active_bonus.wager(stake)
        led.loyalty += stake_eur // 1_000  # one point per EUR 10 staked
        at += timedelta(minutes=step)


def _foreign_prefix(ctx: SeedContext) -> str:
    return f"{ctx.rng.randrange(31, 223)}.{ctx.rng.randrange(256)}"


def session_starts(ctx: SeedContext, p: PlayerProfile) -> list[datetime]:
    active_days = max(1.0, (p.active_until - p.registered_at).total_seconds() / 86_400)
    count = int(p.engagement * (0.3 + active_days / 720)) + 1
    if not p.heavy:
        count = min(count, 400)
    starts = [ctx.between(p.registered_at, p.active_until) for _ in range(count)]
    if p.active_until >= ctx.now and ctx.rng.random() < 0.55:
        # Most players still on the books played recently; uniform spreading would make them
        # look dormant.
        starts[0] = ctx.between(max(p.registered_at, ctx.days_ago(14)), ctx.now - timedelta(minutes=30))
    return sorted(starts)


def player_favourites(ctx: SeedContext) -> list[int]:
    return ctx.rng.choices(range(len(GAMES)), GAME_WEIGHTS, k=4)


def psp_for_payout(p: PlayerProfile) -> PaymentAccount:
    """Payouts go back to the account the player deposits from most (closed-loop rule)."""
    return p.accounts[0]


def payout_extra(
    ctx: SeedContext, p: PlayerProfile, account: PaymentAccount, amount: int
) -> dict[str, object]:
    return _payment_extra(ctx, account, amount, p)


def is_card(psp: Psp, method: str) -> bool:
    return psp in (Psp.ADYEN, Psp.NUVEI) and method in ("visa", "mastercard")
