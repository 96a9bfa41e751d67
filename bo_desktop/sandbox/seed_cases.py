"""Per-player records staff work with: KYC documents, RG limits with history, loyalty, notes."""

from __future__ import annotations

from datetime import datetime, timedelta

from bo_desktop.contract.enums import Jurisdiction, KycStatus, PlayerStatus

from . import db
from .reference_data import PAY_N_PLAY_JURISDICTIONS, reason_codes_for
from .seed_activity import Ledger
from .seed_core import SeedContext
from .seed_players import PlayerProfile

COMPLIANCE, SUPPORT, MANAGER = "ST-004", "ST-001", "ST-005"
KYC_REJECT = sorted(reason_codes_for("kyc_reject"))
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
