"""Dispute conversation: immutable comments (internal or player-facing) and attachments.

Comments and attachments are appended, never edited or deleted, so they need no If-Match: two
handlers writing at once both succeed, in order. They do not bump the ticket's version either —
the version guards what handlers *change* (status, priority, assignee, links, resolution), and a
colleague's comment must not make everyone else's pending status change fail with 412. They do
move ``last_activity_at`` and publish ``dispute.commented`` (the comment) plus ``dispute.updated``
(the ticket) so inboxes re-sort live. An Idempotency-Key is required: a retried "send" must never
post the same words twice.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.orm import Session

from bo_desktop.contract.disputes import AttachmentCreate, CommentCreate, DisputeAttachment, DisputeComment
from bo_desktop.contract.enums import Permission
from bo_desktop.contract.events import EventType

from ... import audit, db
from ...db import utcnow
from ...state import SandboxState
from ..deps import get_state
from ..idempotency import IdempotencyKeyHeader, Outcome, run_mutation
from ..permissions import Principal, require
from ..problems import validation_problem
from .disputes import dispute_json
from .disputes_mutation import locked, writable

router = APIRouter(prefix="/disputes", tags=["disputes"])

Writer = Annotated[Principal, Depends(require(Permission.DISPUTES_WRITE))]
State = Annotated[SandboxState, Depends(get_state)]


@router.post("/{dispute_id}/comments", response_model=None, status_code=201)
def add_comment(
    dispute_id: str,
    body: CommentCreate,
    request: Request,
    principal: Writer,
    state: State,
    key: IdempotencyKeyHeader = None,
) -> Response:
    if not body.body.strip():
        raise validation_problem([("body", "write something before sending")])

    def work(session: Session) -> Outcome:
        row = locked(session, dispute_id)
        writable(row)
        now = utcnow()
        comment = db.DisputeComment(
            id=db.next_id(session, "dispute_comment"),
            dispute_id=row.id,
            author_id=principal.staff_id,
            author_name=principal.display_name,
            internal=body.internal,
            body=body.body,
            created_at=now,
        )
        session.add(comment)
        row.last_activity_at = now
        session.flush()
        audit.append(
            session,
            actor=principal,
            action="dispute.comment",
            entity_type="dispute",
            entity_id=row.id,
            after={"comment_id": comment.id, "internal": body.internal, "length": len(body.body)},
        )
        model = DisputeComment.model_validate(comment, from_attributes=True)
        events = [
            (EventType.DISPUTE_COMMENTED.value, model.model_dump(mode="json")),
            (EventType.DISPUTE_UPDATED.value, dispute_json(session, row)),
        ]
        return Outcome(body=model, status_code=201, events=events)

    return run_mutation(state, principal, request, body, key, work, key_required=True)


@router.post("/{dispute_id}/attachments", response_model=None, status_code=201)
def add_attachment(
    dispute_id: str,
    body: AttachmentCreate,
    request: Request,
    principal: Writer,
    state: State,
    key: IdempotencyKeyHeader = None,
) -> Response:
    """Register an attached file (the sandbox stores metadata only)."""

    def work(session: Session) -> Outcome:
        row = locked(session, dispute_id)
        writable(row)
        now = utcnow()
        attachment = db.DisputeAttachment(
            id=db.next_id(session, "dispute_attachment"),
            dispute_id=row.id,
            file_name=body.file_name.strip(),
            content_type=body.content_type,
            size_bytes=body.size_bytes,
            uploaded_by_id=principal.staff_id,
            uploaded_by_name=principal.display_name,
            uploaded_at=now,
        )
        session.add(attachment)
        row.last_activity_at = now
        session.flush()
        audit.append(
            session,
            actor=principal,
            action="dispute.attach",
            entity_type="dispute",
            entity_id=row.id,
            after={"attachment_id": attachment.id, "file_name": attachment.file_name},
        )
        model = DisputeAttachment.model_validate(attachment, from_attributes=True)
        event = (EventType.DISPUTE_UPDATED.value, dispute_json(session, row))
        return Outcome(body=model, status_code=201, events=[event])

    return run_mutation(state, principal, request, body, key, work, key_required=True)
