"""Risk signals and score of a withdrawal request: pure functions over plain values.

The API (withdrawal detail, re-scoring after KYC changes), the seed and the simulator all call
``assess``; nothing here touches the database, so the rules are tested as a table of cases.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from bo_desktop.contract.enums import KycStatus, PlayerStatus, RiskLevel, Severity
from bo_desktop.contract.payments import RiskSignal

DEFAULT_THRESHOLD_EUR_MINOR = 200_000  # EUR 2,000: AML due diligence and four-eyes threshold

# Points per signal. One critical signal alone lands in "critical"; one high plus one medium in
# "high"; a few lows stay "medium" at most, so the queue's sort by score puts blockers first.
SEVERITY_POINTS: dict[Severity, int] = {
    Severity.CRITICAL: 70,
    Severity.HIGH: 35,
    Severity.MEDIUM: 15,
    Severity.LOW: 5,
    Severity.INFO: 0,
}

# Lower bounds of each level on the 0..100 score.
LEVEL_FLOORS: tuple[tuple[int, RiskLevel], ...] = (
    (70, RiskLevel.CRITICAL),
    (45, RiskLevel.HIGH),
    (20, RiskLevel.MEDIUM),
    (0, RiskLevel.LOW),
)

VELOCITY_MAX_PER_24H = 3
DEPOSIT_WAGER_RATIO = 1.0  # deposits must be wagered at least once before a payout
NEW_METHOD_DAYS = 7


@dataclass(frozen=True, slots=True)
class WithdrawalFacts:
    """What the scorer needs to know about one withdrawal and its player (all EUR minor units)."""

    amount_eur_minor: int
    player_status: str
    kyc_status: str
    player_country: str
    # Deposits and stakes since the previous paid withdrawal (or in the last 30 days).
    recent_deposits_eur_minor: int = 0
    recent_wagered_eur_minor: int = 0
    # Days since the destination account was first used for a successful deposit;
    # None when it never was (a payout to an account the player never paid in from).
    payout_account_age_days: float | None = 365.0
    withdrawals_last_24h: int = 0  # other requests, not counting this one
    ip_countries_7d: frozenset[str] = field(default_factory=frozenset)
    high_risk_countries: frozenset[str] = field(default_factory=frozenset)
    bonus_share_of_stakes: float = 0.0  # 0..1 of recent stakes that were bonus money
    bonuses_claimed_30d: int = 0
    pep_or_sanctions_hit: bool = False


@dataclass(frozen=True, slots=True)
class RiskAssessment:
    score: int
    level: RiskLevel
    signals: list[RiskSignal]

    def requires_four_eyes(self, amount_eur_minor: int, threshold_eur_minor: int) -> bool:
        return requires_four_eyes(amount_eur_minor, self.level, threshold_eur_minor)


def _eur(minor: int) -> str:
    return f"EUR {minor / 100:,.2f}"


def signals_for(
    facts: WithdrawalFacts, *, threshold_eur_minor: int = DEFAULT_THRESHOLD_EUR_MINOR
) -> list[RiskSignal]:
    """Every rule that fires, most severe first."""
    out: list[RiskSignal] = []

    def add(code: str, severity: Severity, detail: str) -> None:
        out.append(RiskSignal(code=code, severity=severity, detail=detail))

    if facts.player_status == PlayerStatus.SELF_EXCLUDED:
        add("self_excluded", Severity.CRITICAL, "Player is self-excluded: payouts need compliance review")
    if facts.pep_or_sanctions_hit:
        add("sanctions_pep", Severity.CRITICAL, "Screening hit on a sanctions or PEP list")
    if facts.kyc_status != KycStatus.VERIFIED:
        severity = Severity.HIGH if facts.amount_eur_minor >= threshold_eur_minor else Severity.MEDIUM
        add("kyc_not_verified", severity, f"KYC status is {facts.kyc_status}")
    if facts.amount_eur_minor >= threshold_eur_minor:
        add(
            "amount_over_threshold",
            Severity.MEDIUM,
            f"{_eur(facts.amount_eur_minor)} is at or over the {_eur(threshold_eur_minor)} threshold",
        )
    if facts.recent_deposits_eur_minor > 0:
        ratio = facts.recent_wagered_eur_minor / facts.recent_deposits_eur_minor
        if ratio < DEPOSIT_WAGER_RATIO:
            severity = Severity.HIGH if ratio < 0.25 else Severity.MEDIUM
            add(
                "deposits_not_wagered",
                severity,
                f"Wagered {ratio:.0%} of {_eur(facts.recent_deposits_eur_minor)} deposited"
                " since the last payout",
            )
    if facts.payout_account_age_days is None:
        add("new_payment_method", Severity.HIGH, "Payout account was never used for a deposit")
    elif facts.payout_account_age_days < NEW_METHOD_DAYS:
        add(
            "new_payment_method",
            Severity.MEDIUM,
            f"Payout account first used {facts.payout_account_age_days:.0f} days ago",
        )
    if facts.withdrawals_last_24h >= VELOCITY_MAX_PER_24H:
        add("velocity", Severity.MEDIUM, f"{facts.withdrawals_last_24h} other withdrawals in 24 hours")
    foreign = sorted(c for c in facts.ip_countries_7d if c != facts.player_country)
    if foreign:
        risky = [c for c in foreign if c in facts.high_risk_countries]
        severity = Severity.HIGH if risky else Severity.LOW
        add(
            "ip_country_mismatch",
            severity,
            f"Logins from {', '.join(foreign)}; registered in {facts.player_country}",
        )
    if facts.bonus_share_of_stakes >= 0.6 or facts.bonuses_claimed_30d >= 4:
        add(
            "bonus_abuse",
            Severity.MEDIUM,
            f"{facts.bonus_share_of_stakes:.0%} of stakes bonus-funded,"
            f" {facts.bonuses_claimed_30d} bonuses in 30 days",
        )
    order = list(SEVERITY_POINTS)
    out.sort(key=lambda s: order.index(s.severity))
    return out


def score_signals(signals: Iterable[RiskSignal]) -> int:
    return min(100, sum(SEVERITY_POINTS[s.severity] for s in signals))


def level_for(score: int) -> RiskLevel:
    for floor, level in LEVEL_FLOORS:
        if score >= floor:
            return level
    return RiskLevel.LOW


def assess(
    facts: WithdrawalFacts, *, threshold_eur_minor: int = DEFAULT_THRESHOLD_EUR_MINOR
) -> RiskAssessment:
    signals = signals_for(facts, threshold_eur_minor=threshold_eur_minor)
    score = score_signals(signals)
    return RiskAssessment(score=score, level=level_for(score), signals=signals)


def requires_four_eyes(amount_eur_minor: int, level: RiskLevel | str, threshold_eur_minor: int) -> bool:
    """Two distinct approvers at or over the threshold, or at high/critical risk (DESIGN §3)."""
    return amount_eur_minor >= threshold_eur_minor or level in (RiskLevel.HIGH, RiskLevel.CRITICAL)
