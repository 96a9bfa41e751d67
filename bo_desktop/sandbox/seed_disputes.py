"""Dispute tickets with SLA clocks, conversations (some written by players) and links."""

from __future__ import annotations

from datetime import timedelta

from . import db
from .reference_data import DISPUTE_SLA_HOURS, JURISDICTIONS
from .seed_activity import Ledger
from .seed_core import SeedContext
from .seed_players import PlayerProfile

ADR_WEEKS = {j.code: j.adr_weeks for j in JURISDICTIONS}
HANDLERS = {"ST-001": "Sam Support", "ST-005": "Max Manager"}
STATUS_WEIGHTS = {
    "new": 15,
    "open": 25,
    "waiting_on_player": 15,
    "escalated": 8,
    "resolved": 17,
    "closed": 20,
}
PRIORITY_WEIGHTS = {"low": 15, "normal": 55, "high": 22, "urgent": 8}

# kind -> (subject, what the player wrote)
TEXTS: dict[str, list[tuple[str, str]]] = {
    "payment_delay": [
        ("Withdrawal still not received", "Asked for my payout five days ago, still nothing. Where is it?"),
        ("Payout pending for a week", "Hej, my payout is still 'pending'. My bank says nothing arrived."),
    ],
    "chargeback": [
        ("Card payment disputed by bank", "My bank says a payment to you was not authorised by me."),
        ("Unknown deposit on my card", "There's a deposit on my card statement I don't recognise."),
    ],
    "bonus_dispute": [
        ("Bonus winnings removed", "You removed my winnings saying I broke the bonus terms. I did not!"),
        ("Free spins not credited", "I was promised 50 free spins with the deposit but never got them."),
    ],
    "game_malfunction": [
        ("Game froze during bonus round", "Money Train froze in the bonus round with a big win on screen."),
        ("Live game disconnected", "Lightning Roulette disconnected while my bet was on 17, which won."),
    ],
    "account_closure": [
        ("Why was my account closed?", "You closed my account without explanation. I want my balance back."),
        ("Please close my account", "I asked twice to close my account and it is still open."),
    ],
    "rg_complaint": [
        ("Limits not applied", "I set a deposit limit but I could still deposit more that week."),
        ("Marketing after self-exclusion", "I am self-excluded and still received a bonus offer by SMS."),
    ],
    "other": [
        ("Cannot log in", "Login with BankID fails with an error every time since yesterday."),
        ("Wrong name on account", 'My name is spelled wrong ("Bjorn" instead of "Björn"), please fix.'),
    ],
}  # fmt: skip

STAFF_REPLIES = (
    "Thank you for contacting us. We are looking into this and will get back to you shortly.",
    "Could you please send us a screenshot and the approximate time this happened?",
    "We have escalated this to our payments team.",
)
INTERNAL_NOTES = (
    "Checked PSP logs: payout confirmed on their side, asked player for a bank statement.",
    "Game provider ticket opened; round history requested.",
    "Bonus T&C section 4.2 applies (max bet with active bonus). Partial refund suggested.",
)


def dispute(ctx: SeedContext, p: PlayerProfile, led: Ledger, kind: str | None = None) -> None:
    rng = ctx.rng
    kind = kind or rng.choice(sorted(TEXTS))
    subject, opening = rng.choice(TEXTS[kind])
    status = ctx.weighted(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()))
    priority = ctx.weighted(list(PRIORITY_WEIGHTS), list(PRIORITY_WEIGHTS.values()))
    if kind == "chargeback" and priority in ("low", "normal"):
        priority = "high"
    age_hours = rng.uniform(0.2, 24 * (4 if status in ("new", "open") else 45))
    created = ctx.now - timedelta(hours=age_hours)
    due = created + timedelta(hours=DISPUTE_SLA_HOURS[priority])
    done = status in ("resolved", "closed")
    paused = status == "waiting_on_player"
    remaining = max(0, int((due - created).total_seconds() * rng.uniform(0.2, 0.9))) if paused else None
    breached = not done and not paused and due < ctx.now
    if breached and status in ("new", "open"):
        status = "escalated"  # overdue tickets escalate automatically
    assignee = None if status == "new" else rng.choice(sorted(HANDLERS))
    dispute_id = ctx.next_id("dispute")
    last_activity = created
    comments: list[tuple[str | None, str, bool, str]] = [(None, p.name, False, opening)]
    if status != "new":
        comments.append((assignee, HANDLERS[assignee or "ST-001"], False, rng.choice(STAFF_REPLIES)))
        if rng.random() < 0.6:
            comments.append((assignee, HANDLERS[assignee or "ST-001"], True, rng.choice(INTERNAL_NOTES)))
        if rng.random() < 0.4:
            comments.append((None, p.name, False, "Any update? It has been days."))
    for author, name, internal, body in comments:
        ctx.add(
            db.DisputeComment,
            {
                "id": ctx.next_id("dispute_comment"),
                "dispute_id": dispute_id,
                "author_id": author,
                "author_name": name,
                "internal": internal,
                "body": body,
                "created_at": last_activity,
            },
        )
        last_activity = min(ctx.now, last_activity + timedelta(hours=rng.uniform(0.5, age_hours / 4 + 0.5)))
    outcome = rng.choice(["upheld", "partially_upheld", "rejected"]) if done else None
    compensation = (
        rng.choice([0, 0, 2_000, 5_000, 20_000, 60_000]) if outcome and outcome != "rejected" else 0
    )
    ctx.add(
        db.Dispute,
        {
            "id": dispute_id,
            "version": 1 + len(comments),
            "player_id": p.id,
            "player_name": p.name,
            "jurisdiction": p.jurisdiction.value,
            "kind": kind,
            "subject": subject,
            "priority": priority,
            "status": status,
            "assignee_id": assignee,
            "created_at": created,
            "last_activity_at": last_activity,
            "sla_due_at": None if paused else due,
            "sla_paused": paused,
            "sla_remaining_seconds": remaining,
            "sla_breached": breached,
            "adr_deadline": created + timedelta(weeks=ADR_WEEKS[p.jurisdiction]),
            "resolution_outcome": outcome,
            "resolution_summary": "Reviewed with the provider's round log." if outcome else None,
            "compensation_minor": compensation,
            "compensation_currency": p.currency if compensation else None,
            "compensation_needs_approval": compensation >= 50_000,
            "compensation_approved_by": "ST-005" if compensation >= 50_000 else None,
            "resolved_at": last_activity if done else None,
        },
    )
    target = None
    if kind == "chargeback" and led.chargebacks:
        target = ("transaction", led.chargebacks[0][0])
    elif kind == "payment_delay" and led.last_withdrawal_id:
        target = ("withdrawal", led.last_withdrawal_id)
    elif led.last_deposit_tx_id:
        target = ("transaction", led.last_deposit_tx_id)
    if target:
        ctx.add(
            db.DisputeLink,
            {
                "dispute_id": dispute_id,
                "kind": target[0],
                "target_id": target[1],
                "created_at": created,
                "created_by": assignee,
            },
        )
