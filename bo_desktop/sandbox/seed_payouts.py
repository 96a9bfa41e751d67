"""Withdrawals: the decided history and the open review queue, each scored by ``risk.assess``."""

from __future__ import annotations

from datetime import datetime, timedelta

from bo_desktop.contract.enums import PlayerStatus

from . import db
from .reference_data import HIGH_RISK_COUNTRIES, from_eur_minor, reason_codes_for, to_eur_minor
from .risk import WithdrawalFacts, assess, requires_four_eyes
from .seed_activity import Ledger, deposit, payout_extra, psp_for_payout
from .seed_core import SeedContext
from .seed_players import PaymentAccount, PlayerProfile

FOUR_EYES_EUR_MINOR = 200_000
PAYMENTS_STAFF = ("ST-002", "ST-003")
REJECT_CODES = sorted(reason_codes_for("withdrawal_reject"))
OPEN_STATUS_WEIGHTS = {"pending": 70, "in_review": 18, "awaiting_second_approval": 12}
SETTLED_STATUS_WEIGHTS = {"paid": 91, "rejected": 3, "cancelled": 3, "failed": 3}


def facts_for(
    p: PlayerProfile, led: Ledger, at: datetime, amount_eur: int, account: PaymentAccount
) -> WithdrawalFacts:
    age = None
    if account.first_deposit_at is not None:
        age = max(0.0, (at - account.first_deposit_at).total_seconds() / 86_400)
    week_ago, day_ago, month_ago = at - timedelta(days=7), at - timedelta(days=1), at - timedelta(days=30)
    share = led.bonus_stakes_eur / led.stakes_eur if led.stakes_eur else 0.0
    return WithdrawalFacts(
        amount_eur_minor=amount_eur,
        player_status=p.status.value if at >= p.active_until else PlayerStatus.ACTIVE.value,
        kyc_status=p.kyc_status.value,
        player_country=p.country,
        recent_deposits_eur_minor=led.since_payout_deposits_eur,
        recent_wagered_eur_minor=led.since_payout_wagered_eur,
        payout_account_age_days=age,
        withdrawals_last_24h=sum(1 for t in led.withdrawal_times if t >= day_ago),
        ip_countries_7d=frozenset(c for t, c in led.ip_countries[-20:] if t >= week_ago),
        high_risk_countries=HIGH_RISK_COUNTRIES,
        bonus_share_of_stakes=share,
        bonuses_claimed_30d=sum(1 for t in led.bonus_claims if t >= month_ago),
        pep_or_sanctions_hit=p.pep,
    )


def add_withdrawal(
    ctx: SeedContext,
    p: PlayerProfile,
    led: Ledger,
    at: datetime,
    amount: int,
    status: str,
    account: PaymentAccount | None = None,
) -> str:
    rng = ctx.rng
    account = account or psp_for_payout(p)
    amount_eur = to_eur_minor(amount, p.currency)
    risk = assess(facts_for(p, led, at, amount_eur, account), threshold_eur_minor=FOUR_EYES_EUR_MINOR)
    four_eyes = requires_four_eyes(amount_eur, risk.level, FOUR_EYES_EUR_MINOR)
    if status == "awaiting_second_approval" and not four_eyes:
        status = "pending"  # one approval decides it: there is no second one to wait for
    settled = status in SETTLED_STATUS_WEIGHTS
    decided_at = at + timedelta(hours=rng.uniform(0.5, 30)) if settled else None
    tx_status = {"paid": "succeeded", "failed": "failed", "rejected": "reversed", "cancelled": "reversed"}
    extra = payout_extra(ctx, p, account, amount)
    tx_id = ctx.next_id("transaction")
    ctx.add(
        db.Transaction,
        {
            "id": tx_id,
            "player_id": p.id,
            "type": "withdrawal",
            "status": tx_status.get(status, "pending"),
            "amount_minor": amount,
            "currency": p.currency,
            "amount_eur_minor": amount_eur,
            "created_at": at,
            "game_id": None,
            "round_id": None,
            "bonus_id": None,
            "session_id": None,
            **extra,
        },
    )
    withdrawal_id = ctx.next_id("withdrawal")
    approvers: list[str] = []
    if status == "paid":
        approvers = list(PAYMENTS_STAFF) if four_eyes else [rng.choice(PAYMENTS_STAFF)]
    elif status == "awaiting_second_approval":
        approvers = [rng.choice(PAYMENTS_STAFF)]
    if approvers:
        rng.shuffle(approvers)
    for index, staff_id in enumerate(approvers):
        when = (decided_at or ctx.now - timedelta(minutes=rng.randint(5, 600))) - timedelta(
            minutes=10 * index
        )
        ctx.add(
            db.WithdrawalApproval,
            {"withdrawal_id": withdrawal_id, "staff_id": staff_id, "at": when, "comment": ""},
        )
    claimed_by = rng.choice(PAYMENTS_STAFF) if status == "in_review" else None
    if status == "awaiting_second_approval":
        claimed_by = None
    rejected = status == "rejected"
    paid_or_failed = status in ("paid", "failed")
    # Who decided: the approver who completed it (the latest approval is index 0), or for a
    # rejection one of the payments staff, picked from the id (not the rng: the seed's random
    # stream, and so every other seeded value, stays as it was).
    decided_by = None
    if approvers and settled:
        decided_by = approvers[0]
    elif rejected:
        decided_by = PAYMENTS_STAFF[ctx.counters.get("withdrawal", 0) % len(PAYMENTS_STAFF)]
    ctx.add(
        db.Withdrawal,
        {
            "id": withdrawal_id,
            "version": 1 + len(approvers) + (1 if settled else 0),
            "player_id": p.id,
            "player_name": p.name,
            "amount_minor": amount,
            "currency": p.currency,
            "amount_eur_minor": amount_eur,
            "psp": account.psp.value,
            "method": str(extra["method"]),
            "destination_masked": account.masked,
            "requested_at": at,
            "status": status,
            "risk_score": risk.score,
            "risk_level": risk.level.value,
            "risk_signals": [s.model_dump(mode="json") for s in risk.signals],
            "requires_four_eyes": four_eyes,
            "claimed_by": claimed_by,
            "claim_expires_at": ctx.now + timedelta(minutes=5) if claimed_by else None,
            "decided_at": decided_at,
            "decided_by": decided_by,
            "settled_at": decided_at + timedelta(minutes=3) if decided_at and paid_or_failed else None,
            "failure_reason": "The provider declined the payout." if status == "failed" else None,
            "reject_reason_code": rng.choice(REJECT_CODES) if rejected else None,
            "reject_comment": "Rejected after review; see reason code." if rejected else None,
            "psp_reference": extra["psp_reference"] if status in ("paid", "failed") else None,
            "transaction_id": tx_id,
            "updated_at": decided_at or at,
        },
    )
    led.withdrawal_times.append(at)
    led.last_withdrawal_id = withdrawal_id
    if status in ("paid", "pending", "in_review", "awaiting_second_approval"):
        led.balance -= amount  # open requests reserve the money
    if status == "paid":
        led.withdrawals += amount
        led.since_payout_deposits_eur = 0
        led.since_payout_wagered_eur = 0
    return withdrawal_id


def maybe_cash_out(ctx: SeedContext, p: PlayerProfile, led: Ledger, at: datetime) -> None:
    """After a session: players who are up often cash out part of their balance."""
    if at >= ctx.now - timedelta(days=3):
        return
    threshold = from_eur_minor(3_000, p.currency)
    if led.balance < threshold or ctx.rng.random() > (0.08 if p.heavy else 0.3):
        return
    amount = int(led.balance * ctx.rng.uniform(0.5, 1.0)) // 100 * 100
    status = ctx.weighted(list(SETTLED_STATUS_WEIGHTS), list(SETTLED_STATUS_WEIGHTS.values()))
    add_withdrawal(ctx, p, led, at + timedelta(minutes=ctx.rng.randint(1, 90)), amount, status)


def open_request(ctx: SeedContext, p: PlayerProfile, led: Ledger) -> bool:
    """A withdrawal in the review queue, requested in the last three days.

    A third of them follow a fresh deposit with little play (the classic AML pattern), some go
    to an account never used for deposits, some are big wins over the four-eyes threshold.
    Returns True when the payout goes to such a new account.
    """
    rng = ctx.rng
    earliest = p.registered_at + timedelta(hours=12)  # time for a deposit and some play first
    at = max(earliest, ctx.now - timedelta(minutes=rng.randint(5, 72 * 60)))
    account: PaymentAccount | None = None
    roll = rng.random()
    if roll < 0.3:
        deposited = max(p.registered_at, at - timedelta(minutes=rng.randint(20, 600)))
        deposit(ctx, p, led, deposited, int(rng.lognormvariate(5.5, 0.9) * 100))
    elif roll < 0.4 and p.pay_n_play_provider is None:
        first = p.accounts[0]
        account = PaymentAccount(
            first.psp, first.method, f"acct-{ctx.hex_id(40)}", first.masked[:-4] + "9911"
        )
    if rng.random() < 0.12 or led.balance < from_eur_minor(2_000, p.currency):
        # A big win shortly before the request: what makes people withdraw.
        target = from_eur_minor(
            int(rng.choice((2_500, 8_000, 30_000, 120_000, 260_000, 600_000))), p.currency
        )
        if target > led.balance:
            won = max(p.registered_at + timedelta(minutes=5), at - timedelta(minutes=rng.randint(10, 300)))
            _lucky_win(ctx, p, led, won, target - led.balance)
    amount = max(100, int(led.balance * rng.uniform(0.6, 1.0)) // 100 * 100)
    status = ctx.weighted(list(OPEN_STATUS_WEIGHTS), list(OPEN_STATUS_WEIGHTS.values()))
    add_withdrawal(ctx, p, led, at, amount, status, account)
    return account is not None


def _lucky_win(ctx: SeedContext, p: PlayerProfile, led: Ledger, at: datetime, gain: int) -> None:
    from .reference_data import GAMES

    game = ctx.rng.choice(GAMES)
    stake = max(100, min(led.balance, gain // 20)) if led.balance > 0 else 100
    if led.balance < stake:
        deposited = max(p.registered_at, at - timedelta(minutes=2))
        deposit(ctx, p, led, deposited, to_eur_minor(stake, p.currency) + 500)
    stake = min(stake, max(led.balance, 0)) or 100
    common = {
        "game_id": game.id,
        "round_id": f"R-{ctx.hex_id(48)}",
        "session_id": None,
        "bonus_id": None,
        "psp": None,
        "method": None,
        "psp_reference": None,
        "fee_minor": 0,
        "payment_account": None,
    }
    for kind, amount, offset in (("bet", stake, 0), ("win", gain + stake, 20)):
        ctx.add(
            db.Transaction,
            {
                "id": ctx.next_id("transaction"),
                "player_id": p.id,
                "type": kind,
                "status": "succeeded",
                "amount_minor": amount,
                "currency": p.currency,
                "amount_eur_minor": to_eur_minor(amount, p.currency),
                "created_at": at + timedelta(seconds=offset),
                **common,
            },
        )
    led.balance += gain
    led.wagered += stake
    led.ggr -= gain
    led.since_payout_wagered_eur += to_eur_minor(stake, p.currency)
