"""Withdrawal risk scoring: each rule fires on its own, severities add up, levels are banded."""

from __future__ import annotations

import pytest

from bo_desktop.contract.enums import RiskLevel, Severity
from bo_desktop.sandbox.risk import (
    WithdrawalFacts,
    assess,
    level_for,
    requires_four_eyes,
    signals_for,
)

CLEAN = WithdrawalFacts(
    amount_eur_minor=10_000,
    player_status="active",
    kyc_status="verified",
    player_country="SE",
    recent_deposits_eur_minor=20_000,
    recent_wagered_eur_minor=80_000,
    payout_account_age_days=200.0,
    ip_countries_7d=frozenset({"SE"}),
    high_risk_countries=frozenset({"IR", "KP"}),
)


def _with(**changes: object) -> WithdrawalFacts:
    from dataclasses import replace

    return replace(CLEAN, **changes)  # type: ignore[arg-type]


def test_clean_withdrawal_scores_zero() -> None:
    result = assess(CLEAN)
    assert result.signals == []
    assert (result.score, result.level) == (0, RiskLevel.LOW)


@pytest.mark.parametrize(
    ("changes", "code", "severity"),
    [
        ({"player_status": "self_excluded"}, "self_excluded", Severity.CRITICAL),
        ({"pep_or_sanctions_hit": True}, "sanctions_pep", Severity.CRITICAL),
        ({"kyc_status": "pending"}, "kyc_not_verified", Severity.MEDIUM),
        ({"amount_eur_minor": 200_000}, "amount_over_threshold", Severity.MEDIUM),
        ({"recent_wagered_eur_minor": 2_000}, "deposits_not_wagered", Severity.HIGH),
        ({"recent_wagered_eur_minor": 15_000}, "deposits_not_wagered", Severity.MEDIUM),
        ({"payout_account_age_days": None}, "new_payment_method", Severity.HIGH),
        ({"payout_account_age_days": 2.0}, "new_payment_method", Severity.MEDIUM),
        ({"withdrawals_last_24h": 3}, "velocity", Severity.MEDIUM),
        ({"ip_countries_7d": frozenset({"SE", "NO"})}, "ip_country_mismatch", Severity.LOW),
        ({"ip_countries_7d": frozenset({"SE", "IR"})}, "ip_country_mismatch", Severity.HIGH),
        ({"bonus_share_of_stakes": 0.8}, "bonus_abuse", Severity.MEDIUM),
        ({"bonuses_claimed_30d": 5}, "bonus_abuse", Severity.MEDIUM),
    ],
)
def test_each_rule_fires_alone(changes: dict[str, object], code: str, severity: Severity) -> None:
    signals = signals_for(_with(**changes))
    assert [(s.code, s.severity) for s in signals] == [(code, severity)]
    assert signals[0].detail


def test_unverified_kyc_is_high_over_the_threshold() -> None:
    signals = signals_for(_with(kyc_status="pending", amount_eur_minor=250_000))
    assert [(s.code, s.severity) for s in signals] == [
        ("kyc_not_verified", Severity.HIGH),
        ("amount_over_threshold", Severity.MEDIUM),
    ]


def test_amount_just_under_threshold_does_not_fire() -> None:
    assert signals_for(_with(amount_eur_minor=199_999)) == []


def test_scores_add_up_cap_at_100_and_sort_most_severe_first() -> None:
    result = assess(
        _with(
            player_status="self_excluded",
            pep_or_sanctions_hit=True,
            kyc_status="rejected",
            payout_account_age_days=None,
        )
    )
    assert result.score == 100
    assert result.level == RiskLevel.CRITICAL
    severities = [s.severity for s in result.signals]
    assert severities[:2] == [Severity.CRITICAL, Severity.CRITICAL]
    assert severities[2:] == [Severity.HIGH, Severity.MEDIUM]


def test_one_high_and_one_medium_is_high_risk() -> None:
    result = assess(_with(payout_account_age_days=None, withdrawals_last_24h=4))
    assert (result.score, result.level) == (50, RiskLevel.HIGH)


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (0, RiskLevel.LOW),
        (19, RiskLevel.LOW),
        (20, RiskLevel.MEDIUM),
        (45, RiskLevel.HIGH),
        (70, RiskLevel.CRITICAL),
    ],
)
def test_level_bands(score: int, level: RiskLevel) -> None:
    assert level_for(score) == level


def test_four_eyes_at_threshold_or_high_risk() -> None:
    assert requires_four_eyes(200_000, RiskLevel.LOW, 200_000)
    assert not requires_four_eyes(199_999, RiskLevel.MEDIUM, 200_000)
    assert requires_four_eyes(100, RiskLevel.HIGH, 200_000)
    assert requires_four_eyes(100, "critical", 200_000)
