"""Reference datasets: small, slowly changing lists served with ETag and cached by the client."""

from __future__ import annotations

from enum import StrEnum

from .common import ContractModel
from .enums import Jurisdiction, Psp, Role


class ReferenceDataset(StrEnum):
    COUNTRIES = "countries"
    CURRENCIES = "currencies"
    PAYMENT_PROVIDERS = "payment-providers"
    GAMES = "games"
    GAME_PROVIDERS = "game-providers"
    REASON_CODES = "reason-codes"
    BONUS_TEMPLATES = "bonus-templates"
    SEGMENTS = "segments"
    STAFF = "staff"
    JURISDICTIONS = "jurisdictions"


class Country(ContractModel):
    code: str  # ISO 3166-1 alpha-2
    name: str
    high_risk: bool = False  # FATF grey/black list style flag used by AML rules


class Currency(ContractModel):
    code: str  # ISO 4217
    name: str
    minor_units: int = 2
    eur_rate: float  # units of EUR per 1 unit of this currency, for reporting only


class PaymentProvider(ContractModel):
    code: Psp
    name: str
    methods: list[str]
    pay_n_play: bool = False
    success_rate_threshold: float = 0.9  # below this the provider is unhealthy


class GameProvider(ContractModel):
    code: str
    name: str


class Game(ContractModel):
    id: str
    name: str
    provider: str  # GameProvider.code
    category: str  # slots, live_casino, table, jackpot, ...
    rtp: float


class ReasonCode(ContractModel):
    code: str
    applies_to: str  # "withdrawal_reject" | "player_status" | "alert_close" | "dispute_reassign" | ...
    label: str


class BonusTemplate(ContractModel):
    id: str
    name: str
    kind: str  # deposit_match, free_spins, cashback, no_deposit
    amount_minor: int
    currency: str
    wagering_multiplier: int


class Segment(ContractModel):
    id: str
    name: str
    description: str = ""
    builtin: bool = True
    marketing: bool = True  # RG guard applies to marketing segments


class StaffMember(ContractModel):
    id: str
    username: str
    display_name: str
    roles: list[Role]
    active: bool = True


class JurisdictionInfo(ContractModel):
    code: Jurisdiction
    name: str
    regulator: str
    currencies: list[str]
    adr_weeks: int  # weeks the player has to take a complaint to ADR
    deposit_limit_required: bool = False


class ReferenceList(ContractModel):
    """The body of ``GET /reference/{dataset}``; the ETag header identifies ``revision``."""

    dataset: ReferenceDataset
    revision: int
    items: list[dict[str, object]]


REFERENCE_MODELS: dict[ReferenceDataset, type[ContractModel]] = {
    ReferenceDataset.COUNTRIES: Country,
    ReferenceDataset.CURRENCIES: Currency,
    ReferenceDataset.PAYMENT_PROVIDERS: PaymentProvider,
    ReferenceDataset.GAMES: Game,
    ReferenceDataset.GAME_PROVIDERS: GameProvider,
    ReferenceDataset.REASON_CODES: ReasonCode,
    ReferenceDataset.BONUS_TEMPLATES: BonusTemplate,
    ReferenceDataset.SEGMENTS: Segment,
    ReferenceDataset.STAFF: StaffMember,
    ReferenceDataset.JURISDICTIONS: JurisdictionInfo,
}
