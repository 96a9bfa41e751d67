"""Dispute tickets."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from .common import ContractModel, Versioned
from .enums import DisputeKind, DisputeOutcome, DisputePriority, DisputeStatus


class DisputeResolution(ContractModel):
    outcome: DisputeOutcome
    summary: str
    compensation_minor: int = 0
    currency: str | None = None
    approved_by: str | None = None  # manager staff id, when compensation needed approval
    needs_approval: bool = False


class Dispute(Versioned):
    id: str  # "D-000123"
    player_id: str
    player_name: str
    jurisdiction: str
    kind: DisputeKind
    subject: str
    priority: DisputePriority
    status: DisputeStatus
    assignee_id: str | None = None
    assignee_name: str | None = None
    created_at: datetime
    last_activity_at: datetime
    sla_due_at: datetime | None = None
    sla_paused: bool = False
    sla_remaining_seconds: int | None = None  # frozen value while paused
    sla_breached: bool = False
    adr_deadline: datetime | None = None
    resolution: DisputeResolution | None = None
    # Who made this version, and when: a 412's ``current`` names the colleague whose change won.
    # ``updated_by`` is a staff id, or ``SYSTEM`` for the server's own changes (the SLA clock
    # escalating an overdue ticket); None on tickets no one has changed through the API yet.
    # Comments and attachments do not make a new version, so they do not change these.
    updated_at: datetime | None = None
    updated_by: str | None = None
    updated_by_name: str | None = None


SYSTEM_ACTOR = "SYSTEM"  # ``updated_by`` of a change the server made by itself


class DisputeComment(ContractModel):
    id: str
    dispute_id: str
    author_id: str | None  # None: written by the player
    author_name: str
    internal: bool
    body: str
    created_at: datetime


class DisputeLink(ContractModel):
    kind: str  # transaction | withdrawal | game_round
    target_id: str
    created_at: datetime | None = None
    created_by: str | None = None
    # What the linked item is, so a ticket can list it without a request per link (set by GET).
    detail: str | None = None  # "deposit · Trustly · succeeded"
    amount_minor: int | None = None
    currency: str | None = None
    occurred_at: datetime | None = None


class DisputeCreate(ContractModel):
    player_id: str
    kind: DisputeKind
    subject: str = Field(min_length=1, max_length=300)
    priority: DisputePriority = DisputePriority.NORMAL
    body: str = Field(default="", max_length=20_000)
    links: list[DisputeLink] = Field(default_factory=list)


class DisputeUpdate(ContractModel):
    """PATCH body: only the fields that are set change."""

    status: DisputeStatus | None = None
    priority: DisputePriority | None = None
    subject: str | None = Field(default=None, max_length=300)


class DisputeAssign(ContractModel):
    assignee_id: str | None
    reason: str = Field(min_length=1, max_length=2000)
    reason_code: str | None = None  # one of the ``dispute_reassign`` reason codes, when given


class CommentCreate(ContractModel):
    body: str = Field(min_length=1, max_length=20_000)
    internal: bool = True


class DisputeResolve(ContractModel):
    outcome: DisputeOutcome
    summary: str = Field(min_length=1, max_length=5000)
    compensation_minor: int = Field(default=0, ge=0)
    currency: str | None = None


class DisputeAttachment(ContractModel):
    """A file the player or a handler attached (metadata; the file itself lives in storage)."""

    id: str
    dispute_id: str
    file_name: str
    content_type: str
    size_bytes: int
    uploaded_by_id: str | None  # None: uploaded by the player
    uploaded_by_name: str
    uploaded_at: datetime


class AttachmentCreate(ContractModel):
    file_name: str = Field(min_length=1, max_length=200)
    content_type: str = Field(min_length=3, max_length=100)
    size_bytes: int = Field(ge=0, le=50_000_000)


class DisputeViewCounts(ContractModel):
    """``GET /disputes/counts``: tickets per saved view (keys are ``DisputeView`` values)."""

    counts: dict[str, int]
