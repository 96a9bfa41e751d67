"""Query-parameter encoding of filters."""

from __future__ import annotations

from datetime import UTC, datetime

from bo_desktop.contract.enums import RiskLevel
from bo_desktop.core.api.params import encode_params


def test_none_dropped_lists_repeated_values_stringified() -> None:
    encoded = encode_params(
        {
            "status": ["pending", "in_review"],
            "risk_level": RiskLevel.HIGH,
            "pay_n_play": True,
            "from": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
            "limit": 50,
            "q": None,
        }
    )
    assert encoded == (
        ("status", "pending"),
        ("status", "in_review"),
        ("risk_level", "high"),
        ("pay_n_play", "true"),
        ("from", "2026-01-02T03:04:05+00:00"),
        ("limit", "50"),
    )
    assert encode_params(None) == ()
