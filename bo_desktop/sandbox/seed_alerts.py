"""Compliance alerts derived from a generated player's history with the rules of issue 10.

Cumulative deposits over EUR 2,000, structuring just under it, deposit-then-withdraw with little
play, high-risk countries, PEP hits, loss chasing, rising deposits, shared devices, bonus abuse,
chargebacks, overdue KYC: every alert points at data that explains it. Older alerts carry a
plausible transition history (with a second review for high-severity "no action" closures).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bo_desktop.contract.enums import KycStatus

from . import db
from .reference_data import ALERT_RULES, HIGH_RISK_COUNTRIES
from .seed_activity import Ledger
from .seed_core import SeedContext
from .seed_players import PlayerProfile

COMPLIANCE, SECOND_REVIEWER = "ST-004", "ST-006"
STAFF_NAMES = {COMPLIANCE: "Connie Compliance", SECOND_REVIEWER: "Ada Admin"}
THRESHOLD_EUR = 200_000


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
    risky = [(t, c) for t, c in led.ip_countries if c in HIGH_RISK_COUNTRIES]
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
