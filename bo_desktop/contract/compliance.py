"""Compliance-desk additions (issue 10): the KYC review queue, actions from an alert, and
responsible-gambling customer interactions. Additive: nothing existing changes shape."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from .common import ContractModel
from .players import KycDocument


class KycQueueItem(KycDocument):
    """A pending document with what the reviewer needs beside it, without another request."""

    player_name: str
    player_country: str
    player_kyc_status: str
    player_version: int  # If-Match for actions on the player taken from the queue
    pay_n_play: bool = False
    pay_n_play_provider: str | None = None  # trustly | zimpler
    bank_verified_name: str | None = None  # identity as the player's bank confirmed it


class AlertRestriction(StrEnum):
    BLOCK_WITHDRAWALS = "block_withdrawals"
    SUSPEND = "suspend"


class AlertRestrict(ContractModel):
    """Restrict the alert's player. If-Match carries the *player's* version."""

    restriction: AlertRestriction
    rationale: str = Field(min_length=1, max_length=5000)
    reason_code: str | None = None  # required for suspend (reason-codes applies_to player_status)


class RgInteractionChannel(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    CHAT = "chat"
    IN_APP = "in_app"


class RgInteractionCreate(ContractModel):
    channel: RgInteractionChannel
    summary: str = Field(min_length=1, max_length=5000)
    outcome: str = Field(default="", max_length=500)
    alert_id: str | None = Field(default=None, max_length=16)


class RgInteraction(ContractModel):
    id: str  # "RG-0000001"
    player_id: str
    alert_id: str | None = None
    channel: RgInteractionChannel
    summary: str
    outcome: str = ""
    staff_id: str
    staff_name: str
    created_at: datetime
