"""What compliance and support work on: KYC documents, RG limits, notes, alerts and disputes.

Alerts are derived from the generated history with the rules of issue 10 (cumulative deposits
over EUR 2,000, structuring, deposit-then-withdraw, shared devices...), so every alert points at
data that explains it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bo_desktop.contract.enums import Jurisdiction, KycStatus, PlayerStatus

from . import db
from .reference_data import (
    ALERT_RULES,
    JURISDICTIONS,
    PAY_N_PLAY_JURISDICTIONS,
    reason_codes_for,
)
from .seed_activity import Ledger
from .seed_core import SeedContext
from .seed_players import PlayerProfile

COMPLIANCE, SECOND_REVIEWER, SUPPORT, MANAGER = "ST-004", "ST-006", "ST-001", "ST-005"
STAFF_NAMES = {
    "ST-001": "Sam Support",
    "ST-004": "Connie Compliance",
    "ST-005": "Max Manager",
    "ST-006": "Ada Admin",
}
KYC_REJECT = sorted(reason_codes_for("kyc_reject"))
ADR_WEEKS = {j.code: j.adr_weeks for j in JURISDICTIONS}
THRESHOLD_EUR = 200_000


def _doc(ctx: SeedContext, p: PlayerProfile, kind: str, status: str, at: datetime, **extra: object) -> None:
    reviewed = status in ("verified", "rejected")
    row: dict[str, object] = {
        "id": ctx.next_id("kyc_document"),
        "version": 2 if reviewed else 1,
        "player_id": p.id,
        "kind": kind,
        "status": status,
        "file_name": None if status == "requested" else f"{kind}_{p.username}.pdf",
        "uploaded_at": None if status == "requested" else at,
        "requested_at": at - timedelta(days=2),
        "reviewed_by": COMPLIANCE if reviewed else None,
        "reviewed_at": at + timedelta(hours=ctx.rng.randint(1, 48)) if reviewed else None,
        "reason_code": None,
        "comment": None,
    }
    row.update(extra)
    ctx.add(db.KycDocument, row)


def kyc_documents(ctx: SeedContext, p: PlayerProfile, led: Ledger) -> None:
    rng, reg = ctx.rng, p.registered_at
    early = reg + timedelta(days=rng.randint(1, 20))
    if p.pay_n_play_provider is not None:
        _doc(
            ctx,
            p,
            "bank_id",
            "verified",
            reg,
            file_name=None,
            comment=f"Bank ID via {p.pay_n_play_provider.value}",
        )
    elif p.kyc_status == KycStatus.VERIFIED:
        _doc(ctx, p, "id", "verified", early)
        _doc(ctx, p, "proof_of_address", "verified", early + timedelta(hours=2))
    elif p.kyc_status == KycStatus.PENDING:
        _doc(ctx, p, "id", "pending", ctx.days_ago(rng.uniform(0.1, 20)))
        _doc(ctx, p, "proof_of_address", "requested", ctx.days_ago(rng.uniform(0.1, 20)))
    elif p.kyc_status == KycStatus.NOT_STARTED:
        _doc(ctx, p, "id", "requested", early)
    elif p.kyc_status == KycStatus.REJECTED:
        _doc(
            ctx,
            p,
            "id",
            "rejected",
            early,
            reason_code=rng.choice(KYC_REJECT),
            comment="Please upload a new copy.",
        )
        _doc(ctx, p, "id", "requested", early + timedelta(days=3))
    else:  # expired: verified once, the ID has since run out
        _doc(ctx, p, "id", "verified", early)
        _doc(ctx, p, "id", "requested", ctx.days_ago(rng.uniform(1, 40)), comment="ID document expired")
    if led.deposits and sum(e for _t, e in led.deposit_events) >= THRESHOLD_EUR:
        status = ctx.weighted(["verified", "pending", "requested"], [5, 3, 2])
        _doc(ctx, p, "source_of_funds", status, ctx.days_ago(rng.uniform(0.5, 60)))


def rg_limits(ctx: SeedContext, p: PlayerProfile, led: Ledger) -> str | None:
    """Deposit/session limits with history rows; returns the pending increase's time, if any."""
    rng = ctx.rng
    required = p.jurisdiction in PAY_N_PLAY_JURISDICTIONS  # SGA, FI, GGL require a deposit limit
    if not required and rng.random() > 0.3:
        return None
    kind = rng.choice(["deposit_monthly", "deposit_weekly", "deposit_daily"])
    scale = {"SEK": 11, "NOK": 11}.get(p.currency, 1)
    value = rng.choice([250, 500, 1_000, 2_000, 5_000]) * 100 * scale
    set_at = p.registered_at + timedelta(minutes=5)
    pending = None
    base = {"player_id": p.id, "kind": kind, "currency": p.currency, "created_by": None, "reason": None}
    if rng.random() < 0.3:  # changed once: the old row stays as history
        changed_at = ctx.between(set_at, ctx.now)
        ctx.add(
            db.RgLimit,
            {
                **base,
                "id": ctx.next_id("rg_limit"),
                "value": value * 2,
                "status": "superseded",
                "effective_at": set_at,
                "created_at": set_at,
                "superseded_at": changed_at,
            },
        )
        set_at = changed_at
    ctx.add(
        db.RgLimit,
        {
            **base,
            "id": ctx.next_id("rg_limit"),
            "value": value,
            "status": "active",
            "effective_at": set_at,
            "created_at": set_at,
            "superseded_at": None,
        },
    )
    if rng.random() < 0.06 and p.status == PlayerStatus.ACTIVE:
        asked = ctx.days_ago(rng.uniform(0.05, 2))
        cooling = 7 if p.jurisdiction in (Jurisdiction.UKGC, Jurisdiction.SGA) else 1
        ctx.add(
            db.RgLimit,
            {
                **base,
                "id": ctx.next_id("rg_limit"),
                "value": value * 3,
                "status": "pending_increase",
                "effective_at": asked + timedelta(days=cooling),
                "created_at": asked,
                "superseded_at": None,
            },
        )
        pending = "yes"
    if rng.random() < 0.08:
        at = ctx.between(p.registered_at, ctx.now)
        ctx.add(
            db.RgLimit,
            {
                **base,
                "id": ctx.next_id("rg_limit"),
                "kind": "session_minutes",
                "currency": None,
                "value": rng.choice([60, 120, 180, 240]),
                "status": "active",
                "effective_at": at,
                "created_at": at,
                "superseded_at": None,
            },
        )
    return pending


def loyalty(ctx: SeedContext, p: PlayerProfile, led: Ledger) -> int:
    total, balance = led.loyalty, 0
    if total <= 0 or led.last_login_at is None:
        return 0
    parts = min(6, max(1, total // 200))
    times = sorted(ctx.between(p.registered_at, led.last_login_at) for _ in range(parts))
    for index, at in enumerate(times):
        points = total // parts + (total % parts if index == parts - 1 else 0)
        balance += points
        ctx.add(
            db.LoyaltyEntry,
            {
                "id": ctx.next_id("loyalty"),
                "player_id": p.id,
                "points": points,
                "kind": "earned",
                "reason": "Points for play",
                "balance_after": balance,
                "created_at": at,
                "created_by": None,
            },
        )
        if balance >= 1_000 and ctx.rng.random() < 0.3:
            balance -= 1_000
            ctx.add(
                db.LoyaltyEntry,
                {
                    "id": ctx.next_id("loyalty"),
                    "player_id": p.id,
                    "points": -1_000,
                    "kind": "redeemed",
                    "reason": "Redeemed for 100 free spins",
                    "balance_after": balance,
                    "created_at": at + timedelta(hours=1),
                    "created_by": None,
                },
            )
    return balance


NOTE_TEXTS = (
    "Called the player about recent deposit pattern; player confirmed salary-funded play.",
    "Player asked about withdrawal times, explained the review process.",
    "Source of funds requested by e-mail, awaiting reply.",
    "Player mentioned playing to win back losses; RG interaction logged, limits offered.",
    "Account reviewed after chargeback; card blocked for deposits.",
    'Player wrote: "please close my account, I need a break" — referred to self-exclusion options.',
)


def notes(ctx: SeedContext, p: PlayerProfile) -> None:
    if p.status == PlayerStatus.ACTIVE and ctx.rng.random() > 0.05:
        return
    for _ in range(ctx.rng.randint(1, 3)):
        ctx.add(
            db.Note,
            {
                "id": ctx.next_id("note"),
                "player_id": p.id,
                "author_id": ctx.rng.choice([SUPPORT, COMPLIANCE, MANAGER]),
                "body": ctx.rng.choice(NOTE_TEXTS),
                "pinned": ctx.rng.random() < 0.2,
                "created_at": ctx.between(p.registered_at, ctx.now),
            },
        )


def alert(
    ctx: SeedContext, p: PlayerProfile, rule: str, at: datetime, detail: str, amount_eur: int | None = None
) -> None:
    rng = ctx.rng
    spec = ALERT_RULES[rule]
    at = min(at, ctx.now - timedelta(minutes=1))
    age_days = (ctx.now - at).total_seconds() / 86_400
    if age_days < 7:
        status = ctx.weighted(["open", "investigating"], [7, 3])
    else:
        options = ["closed_no_action", "closed_action_taken", "investigating", "open"]
        weights = [45, 30, 10, 5]
        if spec.kind == "aml":
            options.append("reported")
            weights.append(10)
        status = ctx.weighted(options, weights)
    alert_id = ctx.next_id("alert")
    assignee = None if status == "open" else COMPLIANCE
    path = {
        "investigating": ["investigating"],
        "closed_no_action": ["investigating", "closed_no_action"],
        "closed_action_taken": ["investigating", "closed_action_taken"],
        "reported": ["investigating", "reported"],
    }.get(status, [])
    if status == "closed_no_action" and spec.severity in ("high", "critical"):
        path = ["investigating", "awaiting_second_review", "closed_no_action"]
    previous, when = "open", at
    for step in path:
        when = min(when + timedelta(hours=rng.uniform(1, 72)), ctx.now)
        staff = SECOND_REVIEWER if previous == "awaiting_second_review" else COMPLIANCE
        ctx.add(
            db.AlertTransitionRow,
            {
                "alert_id": alert_id,
                "at": when,
                "staff_id": staff,
                "staff_name": STAFF_NAMES[staff],
                "from_status": previous,
                "to_status": step,
                "rationale": _rationale(step),
            },
        )
        previous = step
    ctx.add(
        db.Alert,
        {
            "id": alert_id,
            "version": 1 + len(path),
            "kind": spec.kind,
            "rule": rule,
            "rule_label": spec.label,
            "severity": spec.severity,
            "player_id": p.id,
            "player_name": p.name,
            "amount_minor": amount_eur,
            "currency": "EUR" if amount_eur is not None else None,
            "detail": detail,
            "status": status,
            "assignee_id": assignee,
            "created_at": at,
            "updated_at": when,
            "report_reference": f"SAR-{at:%Y}-{rng.randrange(10_000, 99_999)}"
            if status == "reported"
            else None,
            "proposed_status": None,
            "proposed_by": None,
        },
    )


def _rationale(step: str) -> str:
    return {
        "investigating": "Picked up for review; pulling transaction history.",
        "awaiting_second_review": "No indication of wrongdoing; requesting second review.",
        "closed_no_action": "Reviewed: activity consistent with the player's profile.",
        "closed_action_taken": "Limits applied and customer interaction recorded.",
        "reported": "Suspicious activity report filed with the FIU.",
    }[step]


def detect_alerts(
    ctx: SeedContext,
    p: PlayerProfile,
    led: Ledger,
    *,
    structuring: bool,
    third_party: bool,
    ring: bool,
    bonus_hunter: bool,
    limit_increase: bool,
) -> None:
    """Apply the monitoring rules to one generated player (issue 10)."""
    running = 0
    for at, eur in led.deposit_events:
        running += eur
        if running >= THRESHOLD_EUR:
            alert(ctx, p, "aml.threshold_2000", at, f"Cumulative deposits EUR {running / 100:,.2f}", running)
            break
    if structuring:
        recent = [(t, e) for t, e in led.deposit_events if 150_000 <= e < THRESHOLD_EUR]
        if recent:
            total = sum(e for _t, e in recent)
            alert(
                ctx,
                p,
                "aml.structuring",
                recent[-1][0],
                f"{len(recent)} deposits between EUR 1,500 and 2,000 (total EUR {total / 100:,.2f})",
                total,
            )
    if (
        led.since_payout_deposits_eur >= 10_000
        and led.since_payout_wagered_eur < led.since_payout_deposits_eur // 4
    ):
        alert(
            ctx,
            p,
            "aml.deposit_withdraw",
            ctx.days_ago(ctx.rng.uniform(0, 3)),
            "Withdrawal requested after wagering under 25% of the deposits",
            led.since_payout_deposits_eur,
        )
    if third_party:
        alert(
            ctx,
            p,
            "aml.third_party_method",
            ctx.days_ago(ctx.rng.uniform(0, 3)),
            "Payout account holder name does not match the player",
        )
    risky = [(t, c) for t, c in led.ip_countries if c in ("IR", "KP", "MM", "SY", "YE", "HT", "VN", "NG")]
    if risky:
        alert(ctx, p, "aml.high_risk_country", risky[-1][0], f"Login from {risky[-1][1]}")
    if p.pep:
        alert(ctx, p, "aml.sanctions_pep", p.registered_at + timedelta(days=1), "Screening: PEP list match")
    if led.chase_deposits >= 2:
        alert(
            ctx,
            p,
            "rg.loss_chasing",
            led.last_deposit_at or ctx.now,
            f"{led.chase_deposits} deposits made after running out of balance mid-session",
        )
    last30 = sum(e for t, e in led.deposit_events if t >= ctx.days_ago(30))
    prev30 = sum(e for t, e in led.deposit_events if ctx.days_ago(60) <= t < ctx.days_ago(30))
    if last30 >= 50_000 and last30 > 3 * prev30:
        alert(
            ctx,
            p,
            "rg.rising_deposits",
            ctx.days_ago(ctx.rng.uniform(0, 10)),
            f"EUR {last30 / 100:,.2f} in 30 days vs EUR {prev30 / 100:,.2f} before",
            last30,
        )
    if limit_increase:
        alert(
            ctx,
            p,
            "rg.limit_increase",
            ctx.days_ago(ctx.rng.uniform(0, 2)),
            "Player asked to raise a deposit limit",
        )
    if led.long_sessions or led.night_sessions >= 5:
        alert(
            ctx,
            p,
            "rg.long_session",
            led.last_login_at or ctx.now,
            f"{led.long_sessions} sessions over 6 h, {led.night_sessions} sessions between 00:00 and 05:00",
        )
    if ring:
        alert(
            ctx,
            p,
            "fraud.shared_device",
            ctx.days_ago(ctx.rng.uniform(0, 30)),
            "Device fingerprint seen on other accounts",
        )
    if bonus_hunter and len(led.bonus_claims) >= 3:
        alert(ctx, p, "fraud.bonus_abuse", led.bonus_claims[-1], f"{len(led.bonus_claims)} bonuses claimed")
    for _tx_id, at, _amount in led.chargebacks[:1]:
        alert(ctx, p, "fraud.chargeback_history", at, "Card deposit charged back", None)
    overdue = p.kyc_status in (KycStatus.EXPIRED, KycStatus.PENDING, KycStatus.NOT_STARTED)
    if overdue and running >= THRESHOLD_EUR:
        alert(
            ctx,
            p,
            "kyc.documents_overdue",
            ctx.days_ago(ctx.rng.uniform(0, 20)),
            f"KYC {p.kyc_status.value} with EUR {running / 100:,.2f} deposited",
        )
