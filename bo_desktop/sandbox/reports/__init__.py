"""The sandbox's reports (``GET /reports``): definitions and queries, one class per report."""

from __future__ import annotations

from bo_desktop.contract.reports import ReportKind

from .cases import AlertOutcomes, DisputesSla
from .engine import ReportSpec
from .finance import GgrNgr, PaymentsByPsp, PlayerLiability
from .operations import SegmentPlayers, WithdrawalDecisions

REPORTS: dict[ReportKind, ReportSpec] = {
    spec.definition.kind: spec
    for spec in (
        GgrNgr(),
        PaymentsByPsp(),
        WithdrawalDecisions(),
        DisputesSla(),
        SegmentPlayers(),
        AlertOutcomes(),
        PlayerLiability(),
    )
}

__all__ = ["REPORTS", "ReportSpec"]
