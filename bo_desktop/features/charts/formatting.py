"""How the dashboard writes numbers: money with its currency, counts, rates, axis ticks."""

from __future__ import annotations

import math

CURRENCY_SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "$", "SEK": "kr", "NOK": "kr"}


def money(minor: float, currency: str = "EUR", *, cents: bool = True) -> str:
    """``money(123456, "EUR")`` → ``€1,234.56``; ``cents=False`` rounds to whole units."""
    units = minor / 100
    sign = "-" if units < 0 else ""
    amount = f"{abs(units):,.2f}" if cents else f"{abs(units):,.0f}"
    symbol = CURRENCY_SYMBOLS.get(currency)
    if symbol and len(symbol) == 1:
        return f"{sign}{symbol}{amount}"
    return f"{sign}{amount} {currency}"


def count(value: float) -> str:
    return f"{value:,.0f}"


def percent(rate: float) -> str:
    return "—" if math.isnan(rate) else f"{rate * 100:.1f}%"


def compact_money(minor: float, currency: str = "EUR") -> str:
    """Axis ticks: ``€12.3k``, ``€1.2M`` (whole amounts stay exact in the hover readout)."""
    units = minor / 100
    symbol = CURRENCY_SYMBOLS.get(currency, "")
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(units) >= limit:
            return f"{symbol}{units / limit:.1f}{suffix}"
    return f"{symbol}{units:.0f}"
