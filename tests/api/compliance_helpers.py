"""Arrange compliance rows the API cannot create (alerts come from monitoring rules, documents
from player uploads): inserted directly, each with an id nobody else knows. Results are always
checked through the API."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from bo_desktop.sandbox import db
from bo_desktop.sandbox.reference_data import ALERT_RULES

RULE_OF_KIND = {"aml": "aml.structuring", "rg": "rg.loss_chasing", "fraud": "fraud.bonus_abuse"}


def active_player(sandbox: Any, *, pay_n_play: bool = False, offset: int = 0) -> str:
    with sandbox.state.sessionmaker() as session:
        stmt = (
            sa.select(db.Player.id)
            .where(db.Player.status == "active", db.Player.pay_n_play == pay_n_play)
            .order_by(db.Player.id)
            .offset(offset)
            .limit(1)
        )
        return str(session.scalars(stmt).one())


def make_alert(
    sandbox: Any,
    *,
    kind: str = "aml",
    severity: str = "medium",
    player_id: str | None = None,
    status: str = "open",
    rule: str | None = None,
) -> str:
    rule = rule or RULE_OF_KIND[kind]
    player_id = player_id or active_player(sandbox)
    with sandbox.state.sessionmaker.begin() as session:
        player = session.get(db.Player, player_id)
        assert player is not None
        alert_id = db.next_id(session, "alert")
        now = db.utcnow()
        session.add(
            db.Alert(
                id=alert_id,
                kind=kind,
                rule=rule,
                rule_label=ALERT_RULES[rule].label,
                severity=severity,
                player_id=player_id,
                player_name=f"{player.first_name} {player.last_name}",
                amount_minor=190_000,
                currency="EUR",
                detail="test alert",
                status=status,
                created_at=now,
                updated_at=now,
            )
        )
    return alert_id


def make_document(sandbox: Any, player_id: str, kind: str = "id", status: str = "pending") -> str:
    with sandbox.state.sessionmaker.begin() as session:
        doc_id = db.next_id(session, "kyc_document")
        now = db.utcnow()
        session.add(
            db.KycDocument(
                id=doc_id,
                player_id=player_id,
                kind=kind,
                status=status,
                file_name=f"{kind}.pdf",
                uploaded_at=now if status == "pending" else None,
                requested_at=now,
            )
        )
    return doc_id


def set_player(sandbox: Any, player_id: str, **values: Any) -> None:
    with sandbox.state.sessionmaker.begin() as session:
        session.execute(sa.update(db.Player).where(db.Player.id == player_id).values(**values))
        session.execute(sa.delete(db.KycDocument).where(db.KycDocument.player_id == player_id))
