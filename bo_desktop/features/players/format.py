"""Display text for player data: enum words, timestamps and money (pure functions)."""

from __future__ import annotations

from datetime import datetime

from bo_desktop.core.cache import ReferenceCache
from bo_desktop.widgets.money import format_money

# Wire values whose plain spelling reads wrong ("Id").
_SPELLED = {"id": "ID document", "bank_id": "Bank ID", "ip": "IP"}


def words(value: object) -> str:
    """``"self_excluded"`` → ``"Self excluded"``; None → empty."""
    if value is None:
        return ""
    raw = str(getattr(value, "value", value))
    if raw in _SPELLED:
        return _SPELLED[raw]
    text = raw.replace("_", " ")
    return text[:1].upper() + text[1:]


def when(value: datetime | None, *, seconds: bool = False) -> str:
    """A timestamp in the user's local time zone; staff compare it with their own clock."""
    if value is None:
        return ""
    return value.astimezone().strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def day(value: datetime | None) -> str:
    return value.astimezone().strftime("%Y-%m-%d") if value is not None else ""


def money(cache: ReferenceCache | None, amount_minor: int | None, currency: str | None) -> str:
    if amount_minor is None:
        return ""
    known = cache.currency(currency) if cache is not None and currency else None
    return format_money(amount_minor, currency, known.minor_units if known is not None else 2)


def limit_value(cache: ReferenceCache | None, kind: str, value: int, currency: str | None) -> str:
    """Money limits in their currency, session limits in minutes."""
    if kind == "session_minutes":
        return f"{value} min"
    return money(cache, value, currency)
