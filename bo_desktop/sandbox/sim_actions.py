"""What the live simulator does to the database, one business event at a time.

Each action runs inside the caller's transaction, returns the events to publish after commit
(type, contract JSON) and the metric counters it moved. Player balances and KPIs change here
without bumping ``players.version``: the version guards what staff edit (status, flags, limits),
and a balance that moves every second must not make every If-Match on a player fail.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bo_desktop.contract import alerts as alert_models
from bo_desktop.contract import disputes as dispute_models
from bo_desktop.contract import payments
from bo_desktop.contract.enums import Jurisdiction, Psp
from bo_desktop.contract.events import EventType

from . import db
from .reference_data import (
    ALERT_RULES,
    DISPUTE_SLA_HOURS,
    GAMES,
    HIGH_RISK_COUNTRIES,
    JURISDICTIONS,
    PSP_PROFILES,
    from_eur_minor,
    psp_reference,
    to_eur_minor,
)
from .risk import WithdrawalFacts, assess, requires_four_eyes
from .seed_players import METHODS, PSP_WEIGHTS

Event = tuple[str, dict[str, Any]]
ADR_WEEKS = {j.code.value: j.adr_weeks for j in JURISDICTIONS}


@dataclass
class Outcome:
    events: list[Event] = field(default_factory=list)
    counters: dict[str, float] = field(default_factory=dict)

    def count(self, name: str, value: float) -> None:
        self.counters[name] = self.counters.get(name, 0.0) + value


def _transaction(
    session: Session,
    player: db.Player,
    kind: str,
    status: str,
    amount: int,
    at: datetime,
    out: Outcome,
    **extra: Any,
) -> db.Transaction:
    row = db.Transaction(
        id=db.next_id(session, "transaction"),
        player_id=player.id,
        type=kind,
        status=status,
        amount_minor=amount,
        currency=player.currency,
        amount_eur_minor=to_eur_minor(amount, player.currency),
        created_at=at,
        fee_minor=extra.pop("fee_minor", 0),
        **extra,
    )
    session.add(row)
    session.flush()
    out.events.append(
        (
            EventType.TRANSACTION_CREATED,
            payments.Transaction.model_validate(row, from_attributes=True).model_dump(mode="json"),
        )
    )
    return row


def _psp_for(rng: random.Random, player: db.Player) -> Psp:
    if player.pay_n_play_provider:
        return Psp(player.pay_n_play_provider)
    weights = PSP_WEIGHTS[Jurisdiction(player.jurisdiction)]
    return rng.choices(list(weights), list(weights.values()))[0]


def deposit(
    session: Session, rng: random.Random, player: db.Player, now: datetime, outage: frozenset[str]
) -> Outcome:
    out = Outcome()
    psp = _psp_for(rng, player)
    profile = PSP_PROFILES[psp]
    step = 5_000 if player.currency in ("SEK", "NOK") else 500
    amount = max(
        step, round(from_eur_minor(int(rng.lognormvariate(3.7, 0.7) * 100), player.currency) / step) * step
    )
    ok = psp.value not in outage and rng.random() < profile.deposit_success
    method = "pay_n_play" if player.pay_n_play else rng.choice(METHODS[psp])
    _transaction(
        session,
        player,
        "deposit",
        "succeeded" if ok else "failed",
        amount,
        now,
        out,
        psp=psp.value,
        method=method,
        psp_reference=psp_reference(psp, rng.getrandbits(64)),
        fee_minor=amount * profile.fee_bps // 10_000 + profile.fee_fixed_minor,
    )
    latency = profile.latency_ms * rng.uniform(0.6, 1.8) * (4 if psp.value in outage else 1)
    out.count(f"psp.{psp.value}.attempts", 1)
    out.count(f"psp.{psp.value}.successes", 1 if ok else 0)
    out.count(f"psp.{psp.value}.latency_ms_sum", latency)
    if ok:
        player.balance_minor += amount
        player.lifetime_deposits_minor += amount
        player.deposit_count += 1
        player.last_deposit_at = now
        out.count("deposits_eur", to_eur_minor(amount, player.currency))
        out.count("deposits_count", 1)
    return out


def play(session: Session, rng: random.Random, player: db.Player, now: datetime) -> Outcome:
    """One aggregated bet (and usually a win) on one game: a few rounds of a live session."""
    out = Outcome()
    if player.balance_minor <= 0:
        return out
    game = rng.choice(GAMES)
    stake = min(
        player.balance_minor,
        from_eur_minor(rng.choice((20, 50, 100, 200)) * rng.randint(5, 40), player.currency),
    )
    multiplier = 0.0 if rng.random() < 0.2 else rng.lognormvariate(-0.45, 1.0)
    win = int(stake * multiplier * game.rtp / 96.0)
    extra = {"game_id": game.id, "round_id": f"R-{rng.getrandbits(48):012x}"}
    _transaction(session, player, "bet", "succeeded", stake, now, out, **extra)
    if win:
        _transaction(
            session, player, "win", "succeeded", win, now + timedelta(milliseconds=400), out, **extra
        )
    player.balance_minor += win - stake
    player.lifetime_wagered_minor += stake
    player.ggr_minor += stake - win
    player.last_login_at = now
    out.count("bets_eur", to_eur_minor(stake, player.currency))
    out.count("wins_eur", to_eur_minor(win, player.currency))
    return out


def _facts(session: Session, player: db.Player, amount_eur: int, psp: str, now: datetime) -> WithdrawalFacts:
    tx = db.Transaction
    month = now - timedelta(days=30)
    # .all(): a Result has .keys(), so dict(result) would treat it as a mapping.
    sums = dict(
        session.execute(
            sa.select(tx.type, sa.func.coalesce(sa.func.sum(tx.amount_eur_minor), 0))
            .where(
                tx.player_id == player.id,
                tx.created_at >= month,
                tx.status == "succeeded",
                tx.type.in_(("deposit", "bet")),
            )
            .group_by(tx.type)
        ).all()
    )
    first_deposit = session.scalar(
        sa.select(sa.func.min(tx.created_at)).where(
            tx.player_id == player.id, tx.type == "deposit", tx.status == "succeeded", tx.psp == psp
        )
    )
    recent = session.scalar(
        sa.select(sa.func.count())
        .select_from(db.Withdrawal)
        .where(db.Withdrawal.player_id == player.id, db.Withdrawal.requested_at >= now - timedelta(days=1))
    )
    countries = session.scalars(
        sa.select(db.GameSession.ip_country)
        .where(db.GameSession.player_id == player.id, db.GameSession.started_at >= now - timedelta(days=7))
        .distinct()
    ).all()
    return WithdrawalFacts(
        amount_eur_minor=amount_eur,
        player_status=player.status,
        kyc_status=player.kyc_status,
        player_country=player.country,
        recent_deposits_eur_minor=int(sums.get("deposit", 0)),
        recent_wagered_eur_minor=int(sums.get("bet", 0)),
        payout_account_age_days=(now - first_deposit).total_seconds() / 86_400 if first_deposit else None,
        withdrawals_last_24h=int(recent or 0),
        ip_countries_7d=frozenset(countries),
        high_risk_countries=HIGH_RISK_COUNTRIES,
        pep_or_sanctions_hit=player.pep_or_sanctions_hit,
    )


def withdrawal(
    session: Session, rng: random.Random, player: db.Player, now: datetime, threshold: int
) -> Outcome:
    out = Outcome()
    if player.balance_minor < from_eur_minor(2_000, player.currency) or player.withdrawals_blocked:
        return out
    amount = int(player.balance_minor * rng.uniform(0.5, 1.0)) // 100 * 100
    psp = _psp_for(rng, player)
    amount_eur = to_eur_minor(amount, player.currency)
    risk = assess(_facts(session, player, amount_eur, psp.value, now), threshold_eur_minor=threshold)
    method = "pay_n_play" if player.pay_n_play else METHODS[psp][0]
    tx = _transaction(
        session, player, "withdrawal", "pending", amount, now, out, psp=psp.value, method=method
    )
    row = db.Withdrawal(
        id=db.next_id(session, "withdrawal"),
        version=1,
        player_id=player.id,
        player_name=f"{player.first_name} {player.last_name}",
        amount_minor=amount,
        currency=player.currency,
        amount_eur_minor=amount_eur,
        psp=psp.value,
        method=method,
        destination_masked=f"{player.country}** **** **** {rng.randrange(10_000):04d}",
        requested_at=now,
        status="pending",
        risk_score=risk.score,
        risk_level=risk.level.value,
        risk_signals=[s.model_dump(mode="json") for s in risk.signals],
        requires_four_eyes=requires_four_eyes(amount_eur, risk.level, threshold),
        transaction_id=tx.id,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    player.balance_minor -= amount
    out.count("withdrawals_eur", amount_eur)
    out.count("withdrawals_count", 1)
    model = payments.Withdrawal.model_validate(row, from_attributes=True)
    out.events.append((EventType.WITHDRAWAL_CREATED, model.model_dump(mode="json")))
    return out


def dispute(session: Session, rng: random.Random, player: db.Player, now: datetime) -> Outcome:
    from .seed_disputes import TEXTS

    out = Outcome()
    kind = rng.choice(sorted(TEXTS))
    subject, body = rng.choice(TEXTS[kind])
    priority = rng.choices(["low", "normal", "high", "urgent"], [15, 55, 22, 8])[0]
    name = f"{player.first_name} {player.last_name}"
    row = db.Dispute(
        id=db.next_id(session, "dispute"),
        version=1,
        player_id=player.id,
        player_name=name,
        jurisdiction=player.jurisdiction,
        kind=kind,
        subject=subject,
        priority=priority,
        status="new",
        created_at=now,
        last_activity_at=now,
        sla_due_at=now + timedelta(hours=DISPUTE_SLA_HOURS[priority]),
        adr_deadline=now + timedelta(weeks=ADR_WEEKS[player.jurisdiction]),
    )
    session.add(row)
    session.add(
        db.DisputeComment(
            id=db.next_id(session, "dispute_comment"),
            dispute_id=row.id,
            author_id=None,
            author_name=name,
            internal=False,
            body=body,
            created_at=now,
        )
    )
    session.flush()
    model = dispute_models.Dispute.model_validate(row, from_attributes=True)
    out.events.append((EventType.DISPUTE_CREATED, model.model_dump(mode="json")))
    return out


def alert(session: Session, rng: random.Random, player: db.Player, now: datetime) -> Outcome:
    out = Outcome()
    rule = rng.choice(sorted(ALERT_RULES))
    spec = ALERT_RULES[rule]
    amount = rng.randrange(150_000, 900_000) if spec.kind == "aml" else None
    row = db.Alert(
        id=db.next_id(session, "alert"),
        version=1,
        kind=spec.kind,
        rule=rule,
        rule_label=spec.label,
        severity=spec.severity,
        player_id=player.id,
        player_name=f"{player.first_name} {player.last_name}",
        amount_minor=amount,
        currency="EUR" if amount is not None else None,
        detail=f"Raised live by rule {rule}",
        status="open",
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    model = alert_models.Alert.model_validate(row, from_attributes=True)
    out.events.append((EventType.ALERT_CREATED, model.model_dump(mode="json")))
    return out
