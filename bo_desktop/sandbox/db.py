"""The sandbox platform's database schema (SQLAlchemy 2 typed ORM), portable SQLite/PostgreSQL.

Columns mirror the contract models (``bo_desktop.contract``) by name, so mapping a row is mostly
``Model.model_validate(row, from_attributes=True)`` plus a few joined names. Enum-valued columns
are plain strings holding the contract's wire values (no native enums: adding a value must not
need a migration). Public ids are the primary keys ("P-000123"); new ones come from
``next_id``. Lists are indexed for the filters and sorts in docs/api.md, always with ``id`` as the
last column so cursor pagination (sort key, id) is an index range scan.

Plumbing (engine, UTC type, ids, password hashing) lives in ``dbcore`` and is re-exported here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from .dbcore import (
    ID_FORMATS,
    BigIntPK,
    UTCDateTime,
    database_kind,
    format_id,
    hash_password,
    make_engine,
    make_session_factory,
    parse_id,
    token_digest,
    utcnow,
    verify_password,
)

__all__ = [
    "ID_FORMATS",
    "Base",
    "BigIntPK",
    "UTCDateTime",
    "create_schema",
    "database_kind",
    "drop_schema",
    "format_id",
    "hash_password",
    "make_engine",
    "make_session_factory",
    "next_id",
    "parse_id",
    "token_digest",
    "utcnow",
    "verify_password",
]

Money = sa.BigInteger  # integer minor units, never floats


def _str(length: int = 64) -> sa.String:
    return sa.String(length)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: sa.JSON(), list[Any]: sa.JSON()}


# --------------------------------------------------------------------------------------------- meta


class SandboxMeta(Base):
    """Key/value facts about the stored data: seed, players, base_time, schema_version."""

    __tablename__ = "sandbox_meta"
    key: Mapped[str] = mapped_column(_str(64), primary_key=True)
    value: Mapped[Any] = mapped_column(sa.JSON)


class IdCounter(Base):
    """The last number handed out per id kind (see ``next_id``)."""

    __tablename__ = "id_counters"
    kind: Mapped[str] = mapped_column(_str(32), primary_key=True)
    value: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class ReferenceRevision(Base):
    """Revision of each reference dataset: the ETag of ``GET /reference/{dataset}``."""

    __tablename__ = "reference_revisions"
    dataset: Mapped[str] = mapped_column(_str(40), primary_key=True)
    revision: Mapped[int] = mapped_column(sa.Integer, default=1)
    updated_at: Mapped[datetime]


# --------------------------------------------------------------------------------------------- staff


class Staff(Base):
    __tablename__ = "staff"
    id: Mapped[str] = mapped_column(_str(16), primary_key=True)
    username: Mapped[str] = mapped_column(_str(64), unique=True)
    display_name: Mapped[str] = mapped_column(_str(120))
    roles: Mapped[list[Any]]  # Role wire values
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str] = mapped_column(_str(200))
    created_at: Mapped[datetime]


class RefreshToken(Base):
    """One issued refresh token. Rotation marks it used; reuse of a used one revokes the family."""

    __tablename__ = "refresh_tokens"
    id: Mapped[str] = mapped_column(_str(64), primary_key=True)
    token_hash: Mapped[str] = mapped_column(_str(64), unique=True)  # token_digest(token)
    staff_id: Mapped[str] = mapped_column(sa.ForeignKey("staff.id"), index=True)
    family_id: Mapped[str] = mapped_column(_str(64), index=True)
    issued_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    replaced_by: Mapped[str | None] = mapped_column(_str(64))


# --------------------------------------------------------------------------------------------- players


class Player(Base):
    __tablename__ = "players"
    id: Mapped[str] = mapped_column(_str(16), primary_key=True)
    version: Mapped[int] = mapped_column(default=1)
    username: Mapped[str] = mapped_column(_str(64), unique=True)
    first_name: Mapped[str] = mapped_column(_str(80))
    last_name: Mapped[str] = mapped_column(_str(80))
    email: Mapped[str] = mapped_column(_str(160))
    phone: Mapped[str | None] = mapped_column(_str(32))
    country: Mapped[str] = mapped_column(_str(2))
    jurisdiction: Mapped[str] = mapped_column(_str(8))
    currency: Mapped[str] = mapped_column(_str(3))
    status: Mapped[str] = mapped_column(_str(16))
    kyc_status: Mapped[str] = mapped_column(_str(16))
    risk_level: Mapped[str] = mapped_column(_str(16))
    segment: Mapped[str | None] = mapped_column(_str(32))
    vip_tier: Mapped[str] = mapped_column(_str(16), default="none")
    pay_n_play: Mapped[bool] = mapped_column(default=False)
    registered_at: Mapped[datetime]
    last_login_at: Mapped[datetime | None]
    balance_minor: Mapped[int] = mapped_column(Money, default=0)
    bonus_balance_minor: Mapped[int] = mapped_column(Money, default=0)
    date_of_birth: Mapped[str | None] = mapped_column(_str(10))  # ISO date
    address_city: Mapped[str | None] = mapped_column(_str(80))
    self_exclusion_until: Mapped[datetime | None]
    cooling_off_until: Mapped[datetime | None]
    pay_n_play_provider: Mapped[str | None] = mapped_column(_str(16))
    bank_verified_name: Mapped[str | None] = mapped_column(_str(160))
    acquisition_source: Mapped[str | None] = mapped_column(_str(32))
    affiliate_id: Mapped[str | None] = mapped_column(_str(32))
    campaign: Mapped[str | None] = mapped_column(_str(64))
    flagged_for_review: Mapped[bool] = mapped_column(default=False)
    withdrawals_blocked: Mapped[bool] = mapped_column(default=False)
    pep_or_sanctions_hit: Mapped[bool] = mapped_column(default=False)
    loyalty_points: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    # Denormalised KPIs (PlayerKpis), kept current by the seed and the simulator so a profile and
    # the risk scorer never aggregate a player's whole transaction history.
    lifetime_deposits_minor: Mapped[int] = mapped_column(Money, default=0)
    lifetime_withdrawals_minor: Mapped[int] = mapped_column(Money, default=0)
    lifetime_wagered_minor: Mapped[int] = mapped_column(Money, default=0)
    ggr_minor: Mapped[int] = mapped_column(Money, default=0)
    bonus_cost_minor: Mapped[int] = mapped_column(Money, default=0)
    deposit_count: Mapped[int] = mapped_column(default=0)
    last_deposit_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]

    __table_args__ = (
        sa.Index("ix_players_last_name", "last_name", "first_name", "id"),  # the API sorts by full name
        sa.Index("ix_players_email", "email"),
        sa.Index("ix_players_phone", "phone"),
        sa.Index("ix_players_registered", "registered_at", "id"),
        sa.Index("ix_players_status", "status", "id"),
        sa.Index("ix_players_country", "country", "id"),
        sa.Index("ix_players_jurisdiction", "jurisdiction", "id"),
        sa.Index("ix_players_segment", "segment", "id"),
        sa.Index("ix_players_kyc", "kyc_status", "id"),
        sa.Index("ix_players_risk", "risk_level", "id"),
    )


class Segment(Base):
    """Built-in segments (reference data) and ones managers define with rules."""

    __tablename__ = "segments"
    id: Mapped[str] = mapped_column(_str(32), primary_key=True)
    name: Mapped[str] = mapped_column(_str(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    builtin: Mapped[bool] = mapped_column(default=False)
    marketing: Mapped[bool] = mapped_column(default=True)
    rules: Mapped[dict[str, Any] | None]
    created_by: Mapped[str | None] = mapped_column(_str(16))
    created_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1)


class Transaction(Base):
    __tablename__ = "transactions"
    id: Mapped[str] = mapped_column(_str(16), primary_key=True)
    player_id: Mapped[str] = mapped_column(sa.ForeignKey("players.id"))
    type: Mapped[str] = mapped_column(_str(16))
    status: Mapped[str] = mapped_column(_str(16))
    amount_minor: Mapped[int] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(_str(3))
    amount_eur_minor: Mapped[int] = mapped_column(Money)
    created_at: Mapped[datetime]
    psp: Mapped[str | None] = mapped_column(_str(16))
    method: Mapped[str | None] = mapped_column(_str(32))
    psp_reference: Mapped[str | None] = mapped_column(_str(64))
    fee_minor: Mapped[int] = mapped_column(Money, default=0)
    game_id: Mapped[str | None] = mapped_column(_str(48))
    round_id: Mapped[str | None] = mapped_column(_str(32))
    bonus_id: Mapped[str | None] = mapped_column(_str(16))
    session_id: Mapped[str | None] = mapped_column(_str(16))
    # Pseudonymous account/card fingerprint: "new payment method" and shared-method fraud rules.
    payment_account: Mapped[str | None] = mapped_column(_str(64))

    __table_args__ = (
        sa.Index("ix_tx_player_created", "player_id", "created_at", "id"),
        sa.Index("ix_tx_created", "created_at", "id"),
        sa.Index("ix_tx_type_created", "type", "created_at"),
        sa.Index("ix_tx_psp_reference", "psp_reference"),
        # Retention cohorts (sandbox.retention): first succeeded deposit per player from the index
        # alone, and the per-player scan of a period window without table lookups.
        sa.Index("ix_tx_first_deposit", "type", "status", "player_id", "created_at"),
        sa.Index("ix_tx_player_activity", "player_id", "created_at", "status", "type", "amount_eur_minor"),
    )


class GameSession(Base):
    __tablename__ = "game_sessions"
    id: Mapped[str] = mapped_column(_str(16), primary_key=True)
    player_id: Mapped[str] = mapped_column(sa.ForeignKey("players.id"))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    ip: Mapped[str] = mapped_column(_str(45))
    ip_country: Mapped[str] = mapped_column(_str(2))
    device: Mapped[str] = mapped_column(_str(16))
    user_agent: Mapped[str | None] = mapped_column(_str(300))
    device_fingerprint: Mapped[str | None] = mapped_column(_str(64))

    __table_args__ = (
        sa.Index("ix_sessions_player_started", "player_id", "started_at", "id"),
        sa.Index("ix_sessions_fingerprint", "device_fingerprint"),
    )


class Note(Base):
    __tablename__ = "notes"
    id: Mapped[str] = mapped_column(_str(16), primary_key=True)
    player_id: Mapped[str] = mapped_column(sa.ForeignKey("players.id"))
    author_id: Mapped[str] = mapped_column(sa.ForeignKey("staff.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    pinned: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]

    __table_args__ = (sa.Index("ix_notes_player_created", "player_id", "created_at", "id"),)


class KycDocument(Base):
    __tablename__ = "kyc_documents"
    id: Mapped[str] = mapped_column(_str(16), primary_key=True)
    version: Mapped[int] = mapped_column(default=1)
    player_id: Mapped[str] = mapped_column(sa.ForeignKey("players.id"), index=True)
    kind: Mapped[str] = mapped_column(_str(24))
    status: Mapped[str] = mapped_column(_str(16))
    file_name: Mapped[str | None] = mapped_column(_str(200))
    uploaded_at: Mapped[datetime | None]
    requested_at: Mapped[datetime | None]
    reviewed_by: Mapped[str | None] = mapped_column(_str(16))
    reviewed_at: Mapped[datetime | None]
    reason_code: Mapped[str | None] = mapped_column(_str(48))
    comment: Mapped[str | None] = mapped_column(sa.Text)

    __table_args__ = (sa.Index("ix_kyc_status_uploaded", "status", "uploaded_at", "id"),)


class RgLimit(Base):
    """Every version of a limit is a row: ``superseded``/``removed`` rows are the history."""

    __tablename__ = "rg_limits"
    id: Mapped[str] = mapped_column(_str(16), primary_key=True)
    player_id: Mapped[str] = mapped_column(sa.ForeignKey("players.id"))
    kind: Mapped[str] = mapped_column(_str(24))
    value: Mapped[int] = mapped_column(sa.BigInteger)  # minor units, or minutes for sessions
    currency: Mapped[str | None] = mapped_column(_str(3))
    status: Mapped[str] = mapped_column(_str(20))  # active | pending_increase | superseded | removed
    effective_at: Mapped[datetime]
    created_at: Mapped[datetime]
    created_by: Mapped[str | None] = mapped_column(_str(16))  # None: set by the player
    reason: Mapped[str | None] = mapped_column(sa.Text)
    superseded_at: Mapped[datetime | None]

    __table_args__ = (sa.Index("ix_limits_player_kind", "player_id", "kind", "created_at"),)


class Bonus(Base):
    __tablename__ = "bonuses"
    id: Mapped[str] = mapped_column(_str(16), primary_key=True)
    player_id: Mapped[str] = mapped_column(sa.ForeignKey("players.id"))
    template_id: Mapped[str | None] = mapped_column(_str(32))
    name: Mapped[str] = mapped_column(_str(120))
    amount_minor: Mapped[int] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(_str(3))
    wagering_required_minor: Mapped[int] = mapped_column(Money)
    wagered_minor: Mapped[int] = mapped_column(Money, default=0)
    status: Mapped[str] = mapped_column(_str(16))
    granted_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    granted_by: Mapped[str | None] = mapped_column(_str(16))

    __table_args__ = (sa.Index("ix_bonuses_player_granted", "player_id", "granted_at", "id"),)


class LoyaltyEntry(Base):
    __tablename__ = "loyalty_ledger"
    id: Mapped[str] = mapped_column(_str(16), primary_key=True)
    player_id: Mapped[str] = mapped_column(sa.ForeignKey("players.id"))
    points: Mapped[int] = mapped_column(sa.BigInteger)
    kind: Mapped[str] = mapped_column(_str(16))  # earned | redeemed | expired | adjusted
    reason: Mapped[str] = mapped_column(_str(200))
    balance_after: Mapped[int] = mapped_column(sa.BigInteger)
    created_at: Mapped[datetime]
    created_by: Mapped[str | None] = mapped_column(_str(16))

    __table_args__ = (sa.Index("ix_loyalty_player_created", "player_id", "created_at", "id"),)


# --------------------------------------------------------------------------------------------- payments


class Withdrawal(Base):
    __tablename__ = "withdrawals"
    id: Mapped[str] = mapped_column(_str(16), primary_key=True)
    version: Mapped[int] = mapped_column(default=1)
    player_id: Mapped[str] = mapped_column(sa.ForeignKey("players.id"), index=True)
    player_name: Mapped[str] = mapped_column(_str(170))  # denormalised: the queue shows it
    amount_minor: Mapped[int] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(_str(3))
    amount_eur_minor: Mapped[int] = mapped_column(Money)
    psp: Mapped[str] = mapped_column(_str(16))
    method: Mapped[str] = mapped_column(_str(32))
    destination_masked: Mapped[str] = mapped_column(_str(64))
    requested_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(_str(32))
    risk_score: Mapped[int] = mapped_column(default=0)
    risk_level: Mapped[str] = mapped_column(_str(16))
    risk_signals: Mapped[list[Any]] = mapped_column(default=list)  # [RiskSignal JSON]
    requires_four_eyes: Mapped[bool] = mapped_column(default=False)
    claimed_by: Mapped[str | None] = mapped_column(_str(16), index=True)
    claim_expires_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(_str(16))  # rejecter or final approver
    reject_reason_code: Mapped[str | None] = mapped_column(_str(48))
    reject_comment: Mapped[str | None] = mapped_column(sa.Text)
    psp_reference: Mapped[str | None] = mapped_column(_str(64))
    settled_at: Mapped[datetime | None]  # the PSP's answer to the payout (paid or failed)
    failure_reason: Mapped[str | None] = mapped_column(_str(200))
    transaction_id: Mapped[str | None] = mapped_column(_str(16))  # the ledger row it debits
    updated_at: Mapped[datetime]

    __table_args__ = (
        sa.Index("ix_wd_status_risk", "status", "risk_score", "requested_at", "id"),
        sa.Index("ix_wd_status_requested", "status", "requested_at", "id"),
        sa.Index("ix_wd_status_amount", "status", "amount_eur_minor"),
    )


class WithdrawalApproval(Base):
    """Four-eyes approvals; the unique key makes "same approver twice" impossible in storage too."""

    __tablename__ = "withdrawal_approvals"
    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    withdrawal_id: Mapped[str] = mapped_column(sa.ForeignKey("withdrawals.id"))
    staff_id: Mapped[str] = mapped_column(sa.ForeignKey("staff.id"))
    at: Mapped[datetime]
    comment: Mapped[str] = mapped_column(sa.Text, default="")

    __table_args__ = (sa.UniqueConstraint("withdrawal_id", "staff_id", name="uq_approval_staff"),)


# --------------------------------------------------------------------------------------------- disputes


class Dispute(Base):
    __tablename__ = "disputes"
    id: Mapped[str] = mapped_column(_str(16), primary_key=True)
    version: Mapped[int] = mapped_column(default=1)
    player_id: Mapped[str] = mapped_column(sa.ForeignKey("players.id"), index=True)
    player_name: Mapped[str] = mapped_column(_str(170))
    jurisdiction: Mapped[str] = mapped_column(_str(8))
    kind: Mapped[str] = mapped_column(_str(24))
    subject: Mapped[str] = mapped_column(_str(300))
    priority: Mapped[str] = mapped_column(_str(16))
    status: Mapped[str] = mapped_column(_str(24))
    assignee_id: Mapped[str | None] = mapped_column(_str(16), index=True)
    created_at: Mapped[datetime]
    last_activity_at: Mapped[datetime]
    sla_due_at: Mapped[datetime | None]
    sla_paused: Mapped[bool] = mapped_column(default=False)
    sla_remaining_seconds: Mapped[int | None]
    sla_breached: Mapped[bool] = mapped_column(default=False)
    adr_deadline: Mapped[datetime | None]
    resolution_outcome: Mapped[str | None] = mapped_column(_str(24))
    resolution_summary: Mapped[str | None] = mapped_column(sa.Text)
    compensation_minor: Mapped[int] = mapped_column(Money, default=0)
    compensation_currency: Mapped[str | None] = mapped_column(_str(3))
    compensation_needs_approval: Mapped[bool] = mapped_column(default=False)
    compensation_approved_by: Mapped[str | None] = mapped_column(_str(16))
    resolved_at: Mapped[datetime | None]
    # Who made the current version (staff id or "SYSTEM"), their name then, and when.
    updated_at: Mapped[datetime | None]
    updated_by: Mapped[str | None] = mapped_column(_str(16))
    updated_by_name: Mapped[str | None] = mapped_column(_str(120))

    __table_args__ = (
        sa.Index("ix_disputes_status_sla", "status", "sla_due_at", "id"),
        sa.Index("ix_disputes_created", "created_at", "id"),
    )


class DisputeComment(Base):
    __tablename__ = "dispute_comments"
    id: Mapped[str] = mapped_column(_str(16), primary_key=True)
    dispute_id: Mapped[str] = mapped_column(sa.ForeignKey("disputes.id"))
    author_id: Mapped[str | None] = mapped_column(_str(16))  # None: written by the player
    author_name: Mapped[str] = mapped_column(_str(170))
    internal: Mapped[bool] = mapped_column(default=True)
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime]

    __table_args__ = (sa.Index("ix_dcomments_dispute", "dispute_id", "created_at", "id"),)


class DisputeLink(Base):
    __tablename__ = "dispute_links"
    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    dispute_id: Mapped[str] = mapped_column(sa.ForeignKey("disputes.id"))
    kind: Mapped[str] = mapped_column(_str(24))  # transaction | withdrawal | game_round
    target_id: Mapped[str] = mapped_column(_str(32))
    created_at: Mapped[datetime]
    created_by: Mapped[str | None] = mapped_column(_str(16))

    __table_args__ = (sa.UniqueConstraint("dispute_id", "kind", "target_id", name="uq_dispute_link"),)


class DisputeAttachment(Base):
    """Metadata of a file attached to a dispute (the sandbox keeps no file contents)."""

    __tablename__ = "dispute_attachments"
    id: Mapped[str] = mapped_column(_str(16), primary_key=True)
    dispute_id: Mapped[str] = mapped_column(sa.ForeignKey("disputes.id"))
    file_name: Mapped[str] = mapped_column(_str(200))
    content_type: Mapped[str] = mapped_column(_str(100))
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger)
    uploaded_by_id: Mapped[str | None] = mapped_column(_str(16))  # None: uploaded by the player
    uploaded_by_name: Mapped[str] = mapped_column(_str(170))
    uploaded_at: Mapped[datetime]

    __table_args__ = (sa.Index("ix_dattachments_dispute", "dispute_id", "uploaded_at", "id"),)


# --------------------------------------------------------------------------------------------- alerts


class Alert(Base):
    __tablename__ = "alerts"
    id: Mapped[str] = mapped_column(_str(16), primary_key=True)
    version: Mapped[int] = mapped_column(default=1)
    kind: Mapped[str] = mapped_column(_str(16))
    rule: Mapped[str] = mapped_column(_str(48))
    rule_label: Mapped[str] = mapped_column(_str(160))
    severity: Mapped[str] = mapped_column(_str(16))
    player_id: Mapped[str] = mapped_column(sa.ForeignKey("players.id"), index=True)
    player_name: Mapped[str] = mapped_column(_str(170))
    amount_minor: Mapped[int | None] = mapped_column(Money)
    currency: Mapped[str | None] = mapped_column(_str(3))
    detail: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(_str(32))
    assignee_id: Mapped[str | None] = mapped_column(_str(16), index=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    report_reference: Mapped[str | None] = mapped_column(_str(100))
    # Set when a high/critical alert waits for a second reviewer: who proposed what.
    proposed_status: Mapped[str | None] = mapped_column(_str(32))
    proposed_by: Mapped[str | None] = mapped_column(_str(16))

    __table_args__ = (
        sa.Index("ix_alerts_kind_status", "kind", "status", "created_at", "id"),
        sa.Index("ix_alerts_status_created", "status", "created_at", "id"),
    )


class AlertTransitionRow(Base):
    __tablename__ = "alert_transitions"
    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    alert_id: Mapped[str] = mapped_column(sa.ForeignKey("alerts.id"), index=True)
    at: Mapped[datetime]
    staff_id: Mapped[str] = mapped_column(_str(16))
    staff_name: Mapped[str] = mapped_column(_str(120))
    from_status: Mapped[str] = mapped_column(_str(32))
    to_status: Mapped[str] = mapped_column(_str(32))
    rationale: Mapped[str] = mapped_column(sa.Text)


class RgInteraction(Base):
    """A responsible-gambling conversation with the player (issue 10): append-only, audited."""

    __tablename__ = "rg_interactions"
    id: Mapped[str] = mapped_column(_str(16), primary_key=True)
    player_id: Mapped[str] = mapped_column(sa.ForeignKey("players.id"), index=True)
    alert_id: Mapped[str | None] = mapped_column(_str(16))
    channel: Mapped[str] = mapped_column(_str(16))
    summary: Mapped[str] = mapped_column(sa.Text)
    outcome: Mapped[str] = mapped_column(_str(500), default="")
    staff_id: Mapped[str] = mapped_column(_str(16))
    created_at: Mapped[datetime]


# --------------------------------------------------------------------------------------------- audit


class AuditLog(Base):
    """Append-only; ``hash`` = H(prev_hash + canonical record). Written only by the audit module."""

    __tablename__ = "audit_log"
    seq: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    actor_id: Mapped[str] = mapped_column(_str(16))
    actor_name: Mapped[str] = mapped_column(_str(120))
    action: Mapped[str] = mapped_column(_str(64))
    entity_type: Mapped[str] = mapped_column(_str(32))
    entity_id: Mapped[str] = mapped_column(_str(32))
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]
    reason: Mapped[str | None] = mapped_column(sa.Text)
    prev_hash: Mapped[str] = mapped_column(_str(64))
    hash: Mapped[str] = mapped_column(_str(64))

    __table_args__ = (
        sa.Index("ix_audit_entity", "entity_type", "entity_id", "seq"),
        sa.Index("ix_audit_actor", "actor_id", "seq"),
        sa.Index("ix_audit_action", "action", "seq"),
        sa.Index("ix_audit_at", "at"),
    )


class IdempotencyKey(Base):
    __tablename__ = "idempotency_keys"
    staff_id: Mapped[str] = mapped_column(_str(16), primary_key=True)
    key: Mapped[str] = mapped_column(_str(128), primary_key=True)
    method: Mapped[str] = mapped_column(_str(8))
    path: Mapped[str] = mapped_column(_str(300))
    request_hash: Mapped[str] = mapped_column(_str(64))
    status: Mapped[str] = mapped_column(_str(16))  # in_flight | done
    response_status: Mapped[int | None]
    response_body: Mapped[str | None] = mapped_column(sa.Text)
    response_headers: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime] = mapped_column(index=True)  # expiry after 24 h


# --------------------------------------------------------------------------------------------- metrics


class MetricBucket(Base):
    """One series' value for one minute.

    ``minute`` is minutes since the Unix epoch (an integer, not a timestamp) so that grouping a
    window into coarser steps is portable integer arithmetic (``minute // 60``) in SQL.
    Counters (``*.count``, ``*_eur``, ``psp.*.attempts``...) are summed; gauges
    (``active_players``) are averaged; rates are derived from counters when read (metrics.py).
    """

    __tablename__ = "metric_buckets"
    minute: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    name: Mapped[str] = mapped_column(_str(48), primary_key=True)
    value: Mapped[float] = mapped_column(sa.Float)


# --------------------------------------------------------------------------------------------- helpers


def next_id(session: Session, kind: str) -> str:
    """Allocate the next public id of ``kind`` (a key of ``ID_FORMATS``) in this transaction.

    UPDATE ... RETURNING holds the counter's row lock until commit, so concurrent writers get
    distinct numbers on PostgreSQL; on SQLite BEGIN IMMEDIATE already serialises writers.
    """
    stmt = (
        sa.update(IdCounter)
        .where(IdCounter.kind == kind)
        .values(value=IdCounter.value + 1)
        .returning(IdCounter.value)
    )
    number = session.execute(stmt).scalar_one_or_none()
    if number is None:
        session.add(IdCounter(kind=kind, value=1))
        session.flush()
        number = 1
    return format_id(kind, number)


def set_id_counters(conn: sa.Connection, values: dict[str, int]) -> None:
    """After a bulk load with explicit ids: continue numbering after the highest one."""
    conn.execute(sa.delete(IdCounter).where(IdCounter.kind.in_(list(values))))
    if values:
        conn.execute(sa.insert(IdCounter), [{"kind": k, "value": v} for k, v in values.items()])


def create_schema(engine: Engine) -> None:
    Base.metadata.create_all(engine)


def drop_schema(engine: Engine) -> None:
    Base.metadata.drop_all(engine)
