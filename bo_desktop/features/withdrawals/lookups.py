"""Reference-data lookups the queue needs, as plain synchronous calls on the cache's memory maps."""

from __future__ import annotations

from dataclasses import dataclass

from bo_desktop.contract.reference import ReasonCode, ReferenceDataset
from bo_desktop.core.cache import ReferenceCache

from .formatting import format_money

REJECT_REASONS = "withdrawal_reject"


@dataclass(frozen=True)
class Lookups:
    cache: ReferenceCache

    def psp_name(self, code: str | None) -> str:
        return self.cache.psp_name(code) if code else "—"

    def digits(self, currency: str) -> int:
        known = self.cache.currency(currency)
        return known.minor_units if known is not None else 2

    def money(self, amount_minor: int, currency: str | None) -> str:
        if not currency:
            return f"{amount_minor:,}"
        return format_money(amount_minor, currency, self.digits(currency))

    def segment(self, segment_id: str | None) -> str:
        return self.cache.label(ReferenceDataset.SEGMENTS, segment_id) if segment_id else "—"

    def game(self, game_id: str | None) -> str:
        return self.cache.label(ReferenceDataset.GAMES, game_id) if game_id else ""

    def staff(self, staff_id: str) -> str:
        return self.cache.staff_name(staff_id)

    def reject_reasons(self) -> list[ReasonCode]:
        return self.cache.reason_codes(REJECT_REASONS)

    def reason_label(self, code: str) -> str:
        return next((r.label for r in self.reject_reasons() if r.code == code), code)

    def psp_codes(self) -> list[tuple[str, str]]:
        """(code, name) of every payment provider, by name."""
        return [
            (str(getattr(item, "code", "")), str(getattr(item, "name", "")))
            for item in self.cache.items(ReferenceDataset.PAYMENT_PROVIDERS)
        ]

    def currency_codes(self) -> list[str]:
        return sorted(
            str(getattr(item, "code", "")) for item in self.cache.items(ReferenceDataset.CURRENCIES)
        )
