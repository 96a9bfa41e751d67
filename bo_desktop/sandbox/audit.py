"""The append-only, hash-chained audit trail: ``append`` inside a mutation, ``verify`` the chain.

How to use it in a mutation (inside ``idempotency.run_mutation``'s transaction)::

    audit.append(session, state, actor=principal, action="withdrawal.approve",
                 entity_type="withdrawal", entity_id=w.id, before=old_json, after=new_json,
                 reason=body.comment)

Each record's ``hash`` is SHA-256 over ``prev_hash`` and the canonical JSON of the record
(seq, time, actor, action, entity, before, after, reason). Changing, deleting or reordering any
stored record breaks the chain at that record, which ``verify`` reports as ``broken_at``.

The chain must never fork: two appends must not both read the same previous hash. Appends take a
lock row first (``UPDATE id_counters SET value = value + 1 WHERE kind = 'audit_chain'``): on
PostgreSQL the row lock is held until commit, so appenders queue; on SQLite every write
transaction is ``BEGIN IMMEDIATE`` (dbcore) and already serialised. ``seq`` is assigned under that
lock (previous + 1) rather than by the database sequence, because the hash covers it and a
PostgreSQL sequence skips numbers on rollback.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bo_desktop.contract.audit import AuditRecord, AuditVerification

from .db import AuditLog, IdCounter, utcnow

GENESIS_HASH = "0" * 64
_LOCK_KIND = "audit_chain"


class Actor(Protocol):
    """Who did it: a ``Principal``, or an ``ActorRef`` where there is no request principal."""

    @property
    def staff_id(self) -> str: ...

    @property
    def display_name(self) -> str: ...


@dataclass(frozen=True)
class ActorRef:
    staff_id: str
    display_name: str


def _canonical_time(at: datetime) -> str:
    # Fixed microsecond precision: both databases store microseconds, and isoformat() would
    # otherwise drop ".000000", making the text depend on the value.
    return at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def record_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev_hash + "\n" + canonical).encode()).hexdigest()


def _fields(row: AuditLog) -> dict[str, Any]:
    return {
        "seq": row.seq,
        "at": _canonical_time(row.at),
        "actor_id": row.actor_id,
        "actor_name": row.actor_name,
        "action": row.action,
        "entity_type": row.entity_type,
        "entity_id": row.entity_id,
        "before": row.before,
        "after": row.after,
        "reason": row.reason,
    }


def ensure_chain_lock(session_factory: Any) -> None:
    """Create the lock row once at startup (a concurrent creator winning is fine)."""
    with session_factory() as session:
        if session.get(IdCounter, _LOCK_KIND) is not None:
            return
        session.add(IdCounter(kind=_LOCK_KIND, value=0))
        try:
            session.commit()
        except IntegrityError:
            session.rollback()


def _lock_chain(session: Session) -> None:
    locked = session.execute(
        sa.update(IdCounter).where(IdCounter.kind == _LOCK_KIND).values(value=IdCounter.value + 1)
    )
    if locked.rowcount != 1:  # type: ignore[attr-defined]
        raise RuntimeError("audit chain lock row missing: call ensure_chain_lock at startup")


def append(
    session: Session,
    *,
    actor: Actor,
    action: str,
    entity_type: str,
    entity_id: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str | None = None,
) -> AuditLog:
    """Append one record in the caller's transaction (it becomes visible on commit)."""
    _lock_chain(session)
    last = session.execute(
        sa.select(AuditLog.seq, AuditLog.hash).order_by(AuditLog.seq.desc()).limit(1)
    ).first()
    prev_seq, prev_hash = (last[0], last[1]) if last else (0, GENESIS_HASH)
    row = AuditLog(
        seq=prev_seq + 1,
        at=utcnow(),
        actor_id=actor.staff_id,
        actor_name=actor.display_name,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        before=before,
        after=after,
        reason=reason,
        prev_hash=prev_hash,
        hash="",
    )
    row.hash = record_hash(prev_hash, _fields(row))
    session.add(row)
    session.flush()
    return row


def to_contract(row: AuditLog) -> AuditRecord:
    return AuditRecord.model_validate(row, from_attributes=True)


def _rows(session: Session, batch: int = 1000) -> Iterator[AuditLog]:
    # Keyset batches rather than one huge result: the log grows without bound.
    after = 0
    while True:
        rows = session.scalars(
            sa.select(AuditLog).where(AuditLog.seq > after).order_by(AuditLog.seq).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        after = rows[-1].seq
        session.expunge_all()


def verify(session: Session) -> AuditVerification:
    """Recompute the whole chain; ``broken_at`` is the seq of the first record that fails."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for row in _rows(session):
        if row.seq != expected_seq:
            return AuditVerification(
                ok=False,
                checked=checked,
                broken_at=expected_seq,
                detail=f"record {expected_seq} is missing (next stored record is {row.seq})",
            )
        if row.prev_hash != expected_prev:
            return AuditVerification(
                ok=False,
                checked=checked,
                broken_at=row.seq,
                detail=f"record {row.seq} does not link to the hash of record {row.seq - 1}",
            )
        if record_hash(row.prev_hash, _fields(row)) != row.hash:
            return AuditVerification(
                ok=False,
                checked=checked,
                broken_at=row.seq,
                detail=f"record {row.seq} was changed after it was written (hash mismatch)",
            )
        expected_prev = row.hash
        expected_seq += 1
        checked += 1
    return AuditVerification(ok=True, checked=checked, detail=f"{checked} records, chain intact")
