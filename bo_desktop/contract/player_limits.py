"""Responsible-gambling limit changes: what ``POST /players/{id}/limits`` answers.

A decrease (or a first limit) protects the player and applies at once; an increase waits out the
jurisdiction's cooling-off period as ``pending_increase``. The answer says which one happened, so
the client can tell the user "in force now" or "takes effect on <date>" without guessing the rule.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from .common import ContractModel
from .players import RgLimit


class RgLimitChange(ContractModel):
    limit: RgLimit  # the row just written (active, or pending_increase)
    applied_now: bool
    cooling_off_hours: int = 0  # 0 when applied_now
    effective_at: datetime
    player_version: int  # the player's new version (also the response's ETag)
    limits: list[RgLimit] = Field(default_factory=list)  # every limit of the player, history included
