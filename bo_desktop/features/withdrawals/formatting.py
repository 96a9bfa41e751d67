"""How the withdrawal queue says things: money, ages, statuses and risk signals (Qt-free).

Money is integer minor units plus an ISO currency; the number of minor digits comes from the
reference cache (JPY has none, BHD three) and defaults to two.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bo_desktop.contract.enums import WithdrawalStatus

STATUS_LABELS: dict[str, str] = {
    WithdrawalStatus.PENDING: "Pending",
    WithdrawalStatus.IN_REVIEW: "In review",
    WithdrawalStatus.AWAITING_SECOND_APPROVAL: "Awaiting 2nd approver",
    WithdrawalStatus.APPROVED: "Approved",
    WithdrawalStatus.PAID: "Paid",
    WithdrawalStatus.FAILED: "Payout failed",
    WithdrawalStatus.REJECTED: "Rejected",
    WithdrawalStatus.CANCELLED: "Cancelled",
}

# Short names for the queue's "top signals" column, and what each signal means for the decision:
# the server's ``detail`` gives the facts of this case, these say why a reviewer should care.
SIGNAL_LABELS: dict[str, str] = {
    "self_excluded": "Self-excluded",
    "sanctions_pep": "Sanctions/PEP hit",
    "kyc_not_verified": "KYC not verified",
    "amount_over_threshold": "Over threshold",
    "deposits_not_wagered": "Deposits not wagered",
    "new_payment_method": "New payout account",
    "velocity": "Velocity",
    "ip_country_mismatch": "IP country mismatch",
    "bonus_abuse": "Bonus abuse",
}

SIGNAL_EXPLANATIONS: dict[str, str] = {
    "self_excluded": "The player is excluded from gambling; paying out may be required, but only "
    "after compliance has reviewed the account.",
    "sanctions_pep": "A screening list matched the player. Payouts stop until compliance clears the match.",
    "kyc_not_verified": "Identity is not verified. Licences require verified identity before "
    "paying out; at or above the threshold it is a hard stop.",
    "amount_over_threshold": "Large payouts need enhanced due diligence and two approvers.",
    "deposits_not_wagered": "Money deposited and withdrawn without being played is the classic "
    "laundering pattern (and a closed-loop rule breach).",
    "new_payment_method": "Paying out to an account the player never (or only recently) paid in "
    "from is how stolen payment details are cashed out.",
    "velocity": "Many withdrawals in a short time can mean account takeover or structuring.",
    "ip_country_mismatch": "Logins from countries other than the registration country: shared or "
    "taken-over accounts, or play from unlicensed markets.",
    "bonus_abuse": "Winnings mostly from bonus money or bonus hopping: check the bonus terms first.",
}

SEVERITY_RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3, "info": 4}


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status.replace("_", " ").capitalize())


def signal_label(code: str) -> str:
    return SIGNAL_LABELS.get(code, code.replace("_", " ").capitalize())


def signal_explanation(code: str) -> str:
    return SIGNAL_EXPLANATIONS.get(code, "")


def format_money(amount_minor: int, currency: str, minor_units: int = 2) -> str:
    """``format_money(123456, "SEK")`` → ``"SEK 1,234.56"``; exact (no float rounding)."""
    sign = "-" if amount_minor < 0 else ""
    value = abs(amount_minor)
    if minor_units <= 0:
        return f"{currency} {sign}{value:,}"
    whole, fraction = divmod(value, 10**minor_units)
    return f"{currency} {sign}{whole:,}.{fraction:0{minor_units}d}"


def format_age(seconds: float) -> str:
    """A compact age: ``45 s``, ``12 min``, ``3 h 05``, ``2 d 4 h``."""
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes:02d}"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h"


def format_countdown(seconds: float) -> str:
    """``4:05`` for a lease with 245 s left; ``0:00`` once it ran out."""
    seconds = max(0, int(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def format_time(at: datetime, now: datetime | None = None) -> str:
    """Local time: ``14:05`` today, ``24 Nov 14:05`` otherwise (the queue spans a few days)."""
    local = at.astimezone()
    today = (now or datetime.now(UTC)).astimezone().date()
    return local.strftime("%H:%M") if local.date() == today else local.strftime("%d %b %H:%M")


def format_datetime(at: datetime | None) -> str:
    return at.astimezone().strftime("%Y-%m-%d %H:%M") if at is not None else "—"
