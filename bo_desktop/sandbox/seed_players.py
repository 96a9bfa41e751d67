"""Synthetic player identities: who they are, where they play, how they pay and log in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bo_desktop.contract.enums import Jurisdiction, KycStatus, PlayerStatus, Psp, RiskLevel

from .names import AFFILIATES, CAMPAIGNS, DEVICES, LOCALES, ascii_slug, mail_domains
from .reference_data import JURISDICTION_COUNTRIES, PAY_N_PLAY_JURISDICTIONS
from .seed_core import SeedContext

JURISDICTION_WEIGHTS: dict[Jurisdiction, int] = {
    Jurisdiction.MGA: 24,
    Jurisdiction.UKGC: 24,
    Jurisdiction.SGA: 16,
    Jurisdiction.FI: 10,
    Jurisdiction.GGL: 15,
    Jurisdiction.AGCO: 11,
}

STATUS_WEIGHTS: dict[PlayerStatus, int] = {
    PlayerStatus.ACTIVE: 86,
    PlayerStatus.SUSPENDED: 3,
    PlayerStatus.SELF_EXCLUDED: 4,
    PlayerStatus.COOLING_OFF: 2,
    PlayerStatus.CLOSED: 5,
}

KYC_WEIGHTS: dict[KycStatus, int] = {
    KycStatus.VERIFIED: 68,
    KycStatus.PENDING: 12,
    KycStatus.NOT_STARTED: 11,
    KycStatus.REJECTED: 3,
    KycStatus.EXPIRED: 6,
}

# Which providers each market uses (weights); bank-based PSPs dominate the Nordics and Germany.
PSP_WEIGHTS: dict[Jurisdiction, dict[Psp, int]] = {
    Jurisdiction.MGA: {Psp.TRUSTLY: 25, Psp.ZIMPLER: 10, Psp.ADYEN: 30, Psp.ECOPAYZ: 20, Psp.NUVEI: 15},
    Jurisdiction.UKGC: {Psp.TRUSTLY: 15, Psp.ADYEN: 45, Psp.ECOPAYZ: 10, Psp.NUVEI: 30},
    Jurisdiction.SGA: {Psp.TRUSTLY: 55, Psp.ZIMPLER: 30, Psp.ADYEN: 15},
    Jurisdiction.FI: {Psp.TRUSTLY: 45, Psp.ZIMPLER: 35, Psp.ADYEN: 20},
    Jurisdiction.GGL: {Psp.TRUSTLY: 40, Psp.ADYEN: 30, Psp.NUVEI: 15, Psp.ECOPAYZ: 15},
    Jurisdiction.AGCO: {Psp.NUVEI: 60, Psp.ADYEN: 35, Psp.ECOPAYZ: 5},
}

METHODS: dict[Psp, tuple[str, ...]] = {
    Psp.TRUSTLY: ("bank_transfer",),
    Psp.ZIMPLER: ("bank_transfer",),
    Psp.ADYEN: ("visa", "mastercard", "apple_pay", "google_pay"),
    Psp.ECOPAYZ: ("ewallet",),
    Psp.NUVEI: ("visa", "mastercard", "interac"),
}

ACQUISITION_WEIGHTS = {
    "affiliate": 35,
    "paid_search": 20,
    "organic": 20,
    "social": 10,
    "referral": 10,
    "tv": 5,
}


@dataclass(slots=True)
class PaymentAccount:
    psp: Psp
    method: str
    fingerprint: str  # pseudonymous account id, shared only by multi-accounting rings
    masked: str
    first_deposit_at: datetime | None = None


@dataclass(slots=True)
class PlayerProfile:
    id: str
    number: int
    first_name: str
    last_name: str
    username: str
    country: str
    jurisdiction: Jurisdiction
    currency: str
    status: PlayerStatus
    kyc_status: KycStatus
    registered_at: datetime
    active_until: datetime  # no play after this (closure, exclusion, dormancy)
    engagement: float  # expected sessions, before the registration-age factor
    pay_n_play_provider: Psp | None
    accounts: list[PaymentAccount]
    devices: list[tuple[str, str]]  # (device, fingerprint)
    home_ip_prefix: str
    risk_level: RiskLevel
    pep: bool
    heavy: bool = False
    row: dict[str, object] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


def _masked(ctx: SeedContext, method: str, country: str) -> str:
    if method in ("visa", "mastercard", "apple_pay", "google_pay"):
        return f"{'4' if method == 'visa' else '5'}*** **** **** {ctx.rng.randrange(10_000):04d}"
    if method == "ewallet":
        return f"ecoPayz ****{ctx.rng.randrange(10_000):04d}"
    if method == "interac":
        return f"Interac ****{ctx.rng.randrange(10_000):04d}"
    return f"{country}** **** **** {ctx.rng.randrange(10_000):04d}"  # IBAN-like bank account


def make_player(ctx: SeedContext, number: int, *, heavy: bool = False) -> PlayerProfile:
    rng = ctx.rng
    jurisdiction = ctx.weighted(list(JURISDICTION_WEIGHTS), list(JURISDICTION_WEIGHTS.values()))
    options = JURISDICTION_COUNTRIES[jurisdiction]
    country, currency, _w = ctx.weighted(options, [w for _c, _cur, w in options])
    locale = LOCALES[country]
    first, last = rng.choice(locale.first_names), rng.choice(locale.last_names)
    player_id = ctx.next_id("player")
    username = f"{ascii_slug(first)}.{ascii_slug(last)}{number}"
    status = (
        PlayerStatus.ACTIVE if heavy else ctx.weighted(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()))
    )

    # Registrations grow over time: more recent players than old ones (triangular skew).
    age_days = 2 + int(1_095 * rng.triangular(0, 1, 0.0))
    if heavy:
        age_days = 900
    registered_at = ctx.days_ago(age_days) + timedelta(seconds=rng.randrange(86_400))
    dormant = not heavy and rng.random() < 0.12 and age_days > 120
    active_until = ctx.now
    if status in (PlayerStatus.CLOSED, PlayerStatus.SELF_EXCLUDED, PlayerStatus.SUSPENDED) or dormant:
        active_until = ctx.between(registered_at, ctx.now - timedelta(days=1 if not dormant else 95))

    pnp = None
    if jurisdiction in PAY_N_PLAY_JURISDICTIONS and rng.random() < 0.45:
        pnp = Psp.TRUSTLY if rng.random() < 0.6 else Psp.ZIMPLER
    kyc = KycStatus.VERIFIED if pnp else ctx.weighted(list(KYC_WEIGHTS), list(KYC_WEIGHTS.values()))
    if heavy:
        kyc = KycStatus.VERIFIED

    weights = PSP_WEIGHTS[jurisdiction]
    psps = [pnp] if pnp else rng.choices(list(weights), list(weights.values()), k=1 + (rng.random() < 0.3))
    accounts = []
    for psp in dict.fromkeys(psps):
        method = rng.choice(METHODS[psp])
        accounts.append(PaymentAccount(psp, method, f"acct-{ctx.hex_id(40)}", _masked(ctx, method, country)))

    device_names = [name for name, _weight, _agent in DEVICES]
    device_weights = [weight for _name, weight, _agent in DEVICES]
    devices = [
        (ctx.weighted(device_names, device_weights), f"dev-{ctx.hex_id(40)}")
        for _ in range(1 + (rng.random() < 0.35))
    ]
    engagement = 1_200.0 if heavy else rng.lognormvariate(0.9, 1.0)
    risk = ctx.weighted(list(RiskLevel), [76, 17, 5, 2])
    pep = rng.random() < 0.004
    if pep:
        risk = RiskLevel.HIGH
    profile = PlayerProfile(
        id=player_id,
        number=number,
        first_name=first,
        last_name=last,
        username=username,
        country=country,
        jurisdiction=jurisdiction,
        currency=currency,
        status=status,
        kyc_status=kyc,
        registered_at=registered_at,
        active_until=active_until,
        engagement=engagement,
        pay_n_play_provider=pnp,
        accounts=accounts,
        devices=devices,
        home_ip_prefix=f"{rng.randrange(31, 223)}.{rng.randrange(256)}",
        risk_level=risk,
        pep=pep,
        heavy=heavy,
    )
    profile.row = _player_row(ctx, profile)
    return profile


def _player_row(ctx: SeedContext, p: PlayerProfile) -> dict[str, object]:
    rng = ctx.rng
    locale = LOCALES[p.country]
    source = ctx.weighted(list(ACQUISITION_WEIGHTS), list(ACQUISITION_WEIGHTS.values()))
    birth_year = p.registered_at.year - rng.randint(18, 72)
    until = None
    if p.status == PlayerStatus.SELF_EXCLUDED:
        until = p.active_until + timedelta(days=rng.choice([180, 365, 1825]))
    cooling = ctx.now + timedelta(hours=rng.randint(2, 160)) if p.status == PlayerStatus.COOLING_OFF else None
    return {
        "id": p.id,
        "version": 1,
        "username": p.username,
        "first_name": p.first_name,
        "last_name": p.last_name,
        "email": f"{p.username}@{rng.choice(mail_domains(p.country))}",
        "phone": None if rng.random() < 0.08 else f"{locale.phone_prefix} {rng.randrange(10**7, 10**9)}",
        "country": p.country,
        "jurisdiction": p.jurisdiction.value,
        "currency": p.currency,
        "status": p.status.value,
        "kyc_status": p.kyc_status.value,
        "risk_level": p.risk_level.value,
        "segment": None,
        "vip_tier": "none",
        "pay_n_play": p.pay_n_play_provider is not None,
        "registered_at": p.registered_at,
        "last_login_at": None,
        "balance_minor": 0,
        "bonus_balance_minor": 0,
        "date_of_birth": f"{birth_year:04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "address_city": rng.choice(locale.cities),
        "self_exclusion_until": until,
        "cooling_off_until": cooling,
        "pay_n_play_provider": p.pay_n_play_provider.value if p.pay_n_play_provider else None,
        # Banks return the legal name in their own style; it is what KYC compares against.
        "bank_verified_name": f"{p.last_name.upper()}, {p.first_name.upper()}"
        if p.pay_n_play_provider
        else None,
        "acquisition_source": source,
        "affiliate_id": rng.choice(AFFILIATES) if source == "affiliate" else None,
        "campaign": rng.choice(CAMPAIGNS) if source in ("affiliate", "paid_search", "social", "tv") else None,
        "flagged_for_review": False,
        "withdrawals_blocked": False,
        "pep_or_sanctions_hit": p.pep,
        "loyalty_points": 0,
        "lifetime_deposits_minor": 0,
        "lifetime_withdrawals_minor": 0,
        "lifetime_wagered_minor": 0,
        "ggr_minor": 0,
        "bonus_cost_minor": 0,
        "deposit_count": 0,
        "last_deposit_at": None,
        "updated_at": ctx.now,
    }
