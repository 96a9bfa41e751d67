"""Money as people read it: integer minor units plus the currency, never a float on the way.

``format_money(123456, "SEK")`` → ``"SEK 1,234.56"``. Decimal arithmetic keeps large amounts
exact (a float loses cents above ~90 trillion minor units and rounds .005 unpredictably).
"""

from __future__ import annotations

from decimal import Decimal


def format_money(amount_minor: int, currency: str | None, minor_units: int = 2, *, sign: bool = False) -> str:
    """``amount_minor`` in ``currency`` with thousands separators; ``sign`` forces a leading +."""
    value = Decimal(amount_minor).scaleb(-minor_units)
    text = f"{value:,.{minor_units}f}"
    if sign and amount_minor > 0:
        text = "+" + text
    return f"{currency} {text}" if currency else text
