"""Reference datasets of the sandbox, as data: served by ``GET /reference/{dataset}``.

Each dataset is a list of contract models (``bo_desktop.contract.reference``), so what the API
serves is validated by the same classes the client parses it with. ``PSP_PROFILES`` and
``JURISDICTION_COUNTRIES`` are not served: they describe how the seed and the simulator behave.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bo_desktop.contract.common import ContractModel
from bo_desktop.contract.enums import Jurisdiction, Psp, Role
from bo_desktop.contract.reference import (
    BonusTemplate,
    Country,
    Currency,
    Game,
    GameProvider,
    JurisdictionInfo,
    PaymentProvider,
    ReasonCode,
    ReferenceDataset,
    Segment,
    StaffMember,
)

COUNTRIES: list[Country] = [
    Country(code=code, name=name, high_risk=high_risk)
    for code, name, high_risk in [
        ("AT", "Austria", False),
        ("BE", "Belgium", False),
        ("CA", "Canada", False),
        ("CY", "Cyprus", False),
        ("DE", "Germany", False),
        ("DK", "Denmark", False),
        ("EE", "Estonia", False),
        ("ES", "Spain", False),
        ("FI", "Finland", False),
        ("FR", "France", False),
        ("GB", "United Kingdom", False),
        ("IE", "Ireland", False),
        ("IT", "Italy", False),
        ("LT", "Lithuania", False),
        ("LU", "Luxembourg", False),
        ("LV", "Latvia", False),
        ("MT", "Malta", False),
        ("NL", "Netherlands", False),
        ("NO", "Norway", False),
        ("NZ", "New Zealand", False),
        ("PL", "Poland", False),
        ("PT", "Portugal", False),
        ("SE", "Sweden", False),
        ("US", "United States", False),
        # FATF "black list" and "increased monitoring" style entries the AML rules key on.
        ("IR", "Iran", True),
        ("KP", "North Korea", True),
        ("MM", "Myanmar", True),
        ("SY", "Syria", True),
        ("YE", "Yemen", True),
        ("HT", "Haiti", True),
        ("VN", "Vietnam", True),
        ("NG", "Nigeria", True),
    ]
]
HIGH_RISK_COUNTRIES = frozenset(c.code for c in COUNTRIES if c.high_risk)

CURRENCIES: list[Currency] = [
    Currency(code="EUR", name="Euro", eur_rate=1.0),
    Currency(code="GBP", name="Pound sterling", eur_rate=1.17),
    Currency(code="SEK", name="Swedish krona", eur_rate=0.087),
    Currency(code="NOK", name="Norwegian krone", eur_rate=0.085),
    Currency(code="CAD", name="Canadian dollar", eur_rate=0.68),
]
EUR_RATES: dict[str, float] = {c.code: c.eur_rate for c in CURRENCIES}


def to_eur_minor(amount_minor: int, currency: str) -> int:
    """Reporting conversion (all our currencies have 2 minor units)."""
    return round(amount_minor * EUR_RATES[currency])


def from_eur_minor(amount_eur_minor: int, currency: str) -> int:
    return round(amount_eur_minor / EUR_RATES[currency])


PAYMENT_PROVIDERS: list[PaymentProvider] = [
    PaymentProvider(
        code=Psp.TRUSTLY,
        name="Trustly",
        methods=["bank_transfer", "pay_n_play"],
        pay_n_play=True,
        success_rate_threshold=0.92,
    ),
    PaymentProvider(
        code=Psp.ZIMPLER,
        name="Zimpler",
        methods=["bank_transfer", "pay_n_play", "invoice"],
        pay_n_play=True,
        success_rate_threshold=0.9,
    ),
    PaymentProvider(
        code=Psp.ADYEN,
        name="Adyen",
        methods=["visa", "mastercard", "apple_pay", "google_pay"],
        success_rate_threshold=0.85,
    ),
    PaymentProvider(code=Psp.ECOPAYZ, name="ecoPayz", methods=["ewallet"], success_rate_threshold=0.9),
    PaymentProvider(
        code=Psp.NUVEI,
        name="Nuvei",
        methods=["visa", "mastercard", "interac", "paysafecard"],
        success_rate_threshold=0.85,
    ),
]


@dataclass(frozen=True, slots=True)
class PspProfile:
    """How a provider behaves in the seed and the simulator (not served to the client)."""

    deposit_success: float  # share of deposit attempts that succeed
    withdrawal_success: float  # share of approved payouts the PSP confirms
    fee_bps: int  # fee in basis points of the amount
    fee_fixed_minor: int
    latency_ms: float  # median authorisation latency


PSP_PROFILES: dict[Psp, PspProfile] = {
    Psp.TRUSTLY: PspProfile(0.965, 0.995, 60, 0, 850.0),
    Psp.ZIMPLER: PspProfile(0.95, 0.99, 150, 0, 1100.0),
    Psp.ADYEN: PspProfile(0.88, 0.985, 140, 12, 420.0),
    Psp.ECOPAYZ: PspProfile(0.93, 0.99, 250, 0, 650.0),
    Psp.NUVEI: PspProfile(0.89, 0.98, 180, 15, 520.0),
}


def psp_reference(psp: Psp | str, number: int) -> str:
    """The provider's reference for a payment, in that provider's format, from a 64-bit number."""
    match psp:
        case Psp.TRUSTLY:
            return f"{number % 10**10:010d}"
        case Psp.ZIMPLER:
            return f"ZMP-{number:016x}"[:16]
        case Psp.ADYEN:
            return f"{number:016x}"[-16:]
        case Psp.ECOPAYZ:
            return f"EP{number % 10**12:012d}"
        case _:
            return f"NV-{number % 10**9:09d}"


# A PSP reference is something support staff paste into the player search: make it recognisable.
PSP_REFERENCE_PATTERNS: dict[Psp, re.Pattern[str]] = {
    Psp.TRUSTLY: re.compile(r"^\d{10}$"),
    Psp.ZIMPLER: re.compile(r"^ZMP-[0-9a-f]{12}$"),
    Psp.ADYEN: re.compile(r"^[0-9a-f]{16}$"),
    Psp.ECOPAYZ: re.compile(r"^EP\d{12}$"),
    Psp.NUVEI: re.compile(r"^NV-\d{9}$"),
}

GAME_PROVIDERS: list[GameProvider] = [
    GameProvider(code=code, name=name)
    for code, name in [
        ("netent", "NetEnt"),
        ("evolution", "Evolution"),
        ("playngo", "Play'n GO"),
        ("pragmatic", "Pragmatic Play"),
        ("yggdrasil", "Yggdrasil"),
        ("relax", "Relax Gaming"),
        ("push", "Push Gaming"),
        ("hacksaw", "Hacksaw Gaming"),
        ("nolimit", "Nolimit City"),
        ("redtiger", "Red Tiger"),
    ]
]

# (provider, category, rtp, names). RTPs are the providers' usual default configurations.
_GAME_TABLE: list[tuple[str, str, float, list[str]]] = [
    ("netent", "slots", 96.1, ["Starburst", "Gonzo's Quest", "Dead or Alive 2", "Twin Spin",
                               "Jack Hammer", "Blood Suckers", "Divine Fortune", "Reel Rush",
                               "Finn and the Swirly Spin", "Narcos", "Vikings",
                               "Gordon Ramsay Hell's Kitchen"]),
    ("netent", "jackpot", 88.1, ["Mega Fortune", "Hall of Gods", "Mega Fortune Dreams"]),
    ("netent", "table", 98.6, ["Blackjack Classic", "European Roulette", "French Roulette"]),
    ("evolution", "live_casino", 97.3, ["Lightning Roulette", "Crazy Time", "Monopoly Live",
                                        "Dream Catcher", "Infinite Blackjack", "Speed Baccarat",
                                        "Immersive Roulette", "Lightning Dice", "Funky Time",
                                        "XXXtreme Lightning Roulette", "Gonzo's Treasure Hunt",
                                        "Power Blackjack", "Lightning Baccarat", "Crazy Coin Flip",
                                        "Auto Roulette", "Dragon Tiger"]),
    ("playngo", "slots", 96.2, ["Book of Dead", "Reactoonz", "Rise of Olympus", "Legacy of Dead",
                                "Fire Joker", "Moon Princess", "Rich Wilde and the Tome of Madness",
                                "Gemix", "Hugo", "Sweet Alchemy", "Tower Quest", "Golden Ticket",
                                "Reactoonz 2", "Legacy of Egypt", "Honey Rush", "Viking Runecraft"]),
    ("pragmatic", "slots", 96.5, ["Gates of Olympus", "Sweet Bonanza", "The Dog House",
                                  "Big Bass Bonanza", "Wolf Gold", "Sugar Rush", "Starlight Princess",
                                  "Fruit Party", "Great Rhino Megaways", "John Hunter and the Tomb",
                                  "Buffalo King", "Wild West Gold", "Madame Destiny Megaways",
                                  "Big Bass Splash", "Zeus vs Hades", "Gates of Olympus 1000",
                                  "Sweet Bonanza Xmas", "Floating Dragon"]),
    ("pragmatic", "live_casino", 96.5, ["Mega Wheel", "Sweet Bonanza CandyLand", "PowerUP Roulette",
                                        "Mega Roulette"]),
    ("yggdrasil", "slots", 96.0, ["Vikings Go Berzerk", "Valley of the Gods", "Jungle Books",
                                  "Hades Gigablox", "Raptor Doublemax", "Golden Fish Tank",
                                  "Vikings Go Wild", "Lucky Neko", "Easter Island", "Joker Millions",
                                  "Penguin City", "Ozwin's Jackpots"]),
    ("relax", "slots", 96.2, ["Money Train 2", "Money Train 3", "Temple Tumble", "Snake Arena",
                              "Iron Bank", "Dead Man's Trail", "Marching Legions", "Hellcatraz",
                              "Beast Mode", "Tower of Fortuna", "Money Train 4", "Shark Wash"]),
    ("relax", "jackpot", 94.0, ["Book of 99 Jackpot", "Mega Masks Dream Drop"]),
    ("push", "slots", 96.4, ["Jammin' Jars", "Razor Shark", "Fat Rabbit", "Mount Magmas",
                             "Wild Swarm", "Retro Tapes", "Big Bamboo", "Fat Santa", "Jammin' Jars 2",
                             "Razor Returns", "Wild Swarm 2", "Bison Battle"]),
    ("hacksaw", "slots", 96.3, ["Wanted Dead or a Wild", "Chaos Crew", "Hand of Anubis",
                                "Stick 'Em", "RIP City", "Dork Unit", "Stack 'Em", "Itero",
                                "Le Bandit", "Joker Bombs", "Cubes 2", "Aztec Twist"]),
    ("nolimit", "slots", 96.1, ["Mental", "San Quentin xWays", "Tombstone RIP", "Fire in the Hole",
                                "Deadwood", "Punk Rocker", "Xways Hoarder", "East Coast vs West Coast",
                                "Das xBoot", "Misery Mining"]),
    ("redtiger", "slots", 95.7, ["Gonzo's Quest Megaways", "Pirates' Plenty", "Dragon's Fire",
                                 "Mystery Reels", "Rainbow Jackpots", "Piggy Riches Megaways",
                                 "Primate King", "Dynamite Riches", "Laser Fruit", "Reel King Mega",
                                 "Gems Gone Wild", "Lucky Fortune Cat"]),
    ("redtiger", "jackpot", 94.0, ["Mystery Reels Daily Jackpot", "Gonzo's Quest Daily Drop"]),
]  # fmt: skip


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _games() -> list[Game]:
    games: list[Game] = []
    for provider, category, base_rtp, names in _GAME_TABLE:
        for index, name in enumerate(names):
            # Small, fixed spread around the provider's default so the RTP column is not flat.
            rtp = round(base_rtp + ((index * 37) % 9 - 4) * 0.1, 2)
            games.append(
                Game(id=f"{provider}-{_slug(name)}", name=name, provider=provider, category=category, rtp=rtp)
            )
    return games


GAMES: list[Game] = _games()

REASON_CODES: list[ReasonCode] = [
    ReasonCode(code=code, applies_to=applies_to, label=label)
    for applies_to, entries in {
        "withdrawal_reject": [
            ("kyc_incomplete", "KYC documents missing or not verified"),
            ("payment_method_mismatch", "Payout method differs from the deposit method"),
            ("third_party_account", "Destination account belongs to a third party"),
            ("bonus_terms_breach", "Bonus terms breached"),
            ("suspected_fraud", "Suspected fraud"),
            ("aml_review", "Pending AML review / source of funds"),
            ("self_excluded", "Player is self-excluded"),
            ("duplicate_request", "Duplicate withdrawal request"),
        ],
        "player_status": [
            ("rg_concern", "Responsible-gambling concern"),
            ("aml_investigation", "AML investigation"),
            ("fraud_suspected", "Suspected fraud"),
            ("kyc_failed", "KYC failed"),
            ("duplicate_account", "Duplicate account"),
            ("player_request", "At the player's request"),
            ("review_completed", "Review completed, reactivated"),
        ],
        "alert_close": [
            ("false_positive", "False positive"),
            ("source_of_funds_verified", "Explained by verified source of funds"),
            ("customer_interaction", "Customer interaction completed"),
            ("account_restricted", "Account restricted"),
            ("sar_filed", "Suspicious activity report filed"),
            ("duplicate_alert", "Duplicate of another alert"),
        ],
        "dispute_reassign": [
            ("workload", "Balancing workload"),
            ("expertise", "Needs specific expertise"),
            ("escalation", "Escalated to a senior handler"),
            ("absence", "Handler absent"),
        ],
        "kyc_reject": [
            ("document_expired", "Document expired"),
            ("unreadable", "Document unreadable"),
            ("name_mismatch", "Name does not match the account"),
            ("address_mismatch", "Address does not match the account"),
            ("wrong_document_type", "Wrong document type"),
            ("suspected_forgery", "Suspected forgery"),
        ],
    }.items()
    for code, label in entries
]

BONUS_TEMPLATES: list[BonusTemplate] = [
    BonusTemplate(id="welcome-100", name="Welcome 100% up to €200", kind="deposit_match",
                  amount_minor=20_000, currency="EUR", wagering_multiplier=35),
    BonusTemplate(id="reload-50", name="Weekend reload 50% up to €100", kind="deposit_match",
                  amount_minor=10_000, currency="EUR", wagering_multiplier=30),
    BonusTemplate(id="spins-50", name="50 free spins", kind="free_spins",
                  amount_minor=1_000, currency="EUR", wagering_multiplier=40),
    BonusTemplate(id="cashback-10", name="10% weekly cashback", kind="cashback",
                  amount_minor=5_000, currency="EUR", wagering_multiplier=1),
    BonusTemplate(id="nodep-10", name="€10 no-deposit bonus", kind="no_deposit",
                  amount_minor=1_000, currency="EUR", wagering_multiplier=50),
    BonusTemplate(id="vip-gift", name="VIP birthday gift", kind="no_deposit",
                  amount_minor=5_000, currency="EUR", wagering_multiplier=1),
]  # fmt: skip

SEGMENTS: list[Segment] = [
    Segment(id="new", name="New players", description="Registered in the last 30 days"),
    Segment(id="active", name="Active", description="Played in the last 14 days"),
    Segment(id="vip", name="VIP", description="High lifetime deposits or a VIP tier"),
    Segment(id="churn_risk", name="Churn risk", description="Activity dropped sharply in 30 days"),
    Segment(id="dormant", name="Dormant", description="No play for 90 days or more"),
    Segment(id="bonus_hunters", name="Bonus hunters", description="Mostly bonus-funded play"),
]

JURISDICTIONS: list[JurisdictionInfo] = [
    JurisdictionInfo(code=Jurisdiction.MGA, name="Malta", regulator="Malta Gaming Authority",
                     currencies=["EUR", "NOK"], adr_weeks=8),
    JurisdictionInfo(code=Jurisdiction.UKGC, name="Great Britain", regulator="UK Gambling Commission",
                     currencies=["GBP"], adr_weeks=8),
    JurisdictionInfo(code=Jurisdiction.SGA, name="Sweden", regulator="Spelinspektionen",
                     currencies=["SEK"], adr_weeks=8, deposit_limit_required=True),
    JurisdictionInfo(code=Jurisdiction.FI, name="Finland", regulator="Poliisihallitus",
                     currencies=["EUR"], adr_weeks=8, deposit_limit_required=True),
    JurisdictionInfo(code=Jurisdiction.GGL, name="Germany",
                     regulator="Gemeinsame Glücksspielbehörde der Länder",
                     currencies=["EUR"], adr_weeks=8, deposit_limit_required=True),
    JurisdictionInfo(code=Jurisdiction.AGCO, name="Ontario",
                     regulator="Alcohol and Gaming Commission of Ontario",
                     currencies=["CAD"], adr_weeks=8),
]  # fmt: skip

# Where each jurisdiction's players live (weights) and the currency they hold.
JURISDICTION_COUNTRIES: dict[Jurisdiction, list[tuple[str, str, int]]] = {
    Jurisdiction.MGA: [("MT", "EUR", 5), ("IE", "EUR", 20), ("AT", "EUR", 15), ("NO", "NOK", 35),
                       ("NZ", "EUR", 10), ("LU", "EUR", 5), ("EE", "EUR", 10)],
    Jurisdiction.UKGC: [("GB", "GBP", 1)],
    Jurisdiction.SGA: [("SE", "SEK", 1)],
    Jurisdiction.FI: [("FI", "EUR", 1)],
    Jurisdiction.GGL: [("DE", "EUR", 1)],
    Jurisdiction.AGCO: [("CA", "CAD", 1)],
}  # fmt: skip

# Pay-n-Play (bank-ID registration) exists where BankID-style identification is common.
PAY_N_PLAY_JURISDICTIONS = frozenset({Jurisdiction.SGA, Jurisdiction.FI, Jurisdiction.GGL})


@dataclass(frozen=True, slots=True)
class DemoStaff:
    id: str
    username: str
    display_name: str
    role: Role


DEMO_STAFF: list[DemoStaff] = [
    DemoStaff("ST-001", "support", "Sam Support", Role.SUPPORT),
    DemoStaff("ST-002", "payments1", "Pia Payments", Role.PAYMENTS),
    DemoStaff("ST-003", "payments2", "Per Payments", Role.PAYMENTS),
    DemoStaff("ST-004", "compliance", "Connie Compliance", Role.COMPLIANCE),
    DemoStaff("ST-005", "manager", "Max Manager", Role.MANAGER),
    DemoStaff("ST-006", "admin", "Ada Admin", Role.ADMIN),
]

STAFF: list[StaffMember] = [
    StaffMember(id=s.id, username=s.username, display_name=s.display_name, roles=[s.role]) for s in DEMO_STAFF
]

DATASETS: dict[ReferenceDataset, list[ContractModel]] = {
    ReferenceDataset.COUNTRIES: list(COUNTRIES),
    ReferenceDataset.CURRENCIES: list(CURRENCIES),
    ReferenceDataset.PAYMENT_PROVIDERS: list(PAYMENT_PROVIDERS),
    ReferenceDataset.GAMES: list(GAMES),
    ReferenceDataset.GAME_PROVIDERS: list(GAME_PROVIDERS),
    ReferenceDataset.REASON_CODES: list(REASON_CODES),
    ReferenceDataset.BONUS_TEMPLATES: list(BONUS_TEMPLATES),
    ReferenceDataset.SEGMENTS: list(SEGMENTS),
    ReferenceDataset.STAFF: list(STAFF),
    ReferenceDataset.JURISDICTIONS: list(JURISDICTIONS),
}


def dataset_items(dataset: ReferenceDataset) -> list[dict[str, object]]:
    """The JSON items of a dataset, as ``ReferenceList.items`` carries them.

    Staff and segments also live in the database (they can change at runtime); the API may
    prefer those tables over this static list.
    """
    return [item.model_dump(mode="json") for item in DATASETS[dataset]]


def reason_codes_for(applies_to: str) -> frozenset[str]:
    return frozenset(r.code for r in REASON_CODES if r.applies_to == applies_to)


@dataclass(frozen=True, slots=True)
class AlertRule:
    """A monitoring rule behind alerts (issue 10): its kind, label and default severity."""

    kind: str  # AlertKind value
    label: str
    severity: str  # Severity value


ALERT_RULES: dict[str, AlertRule] = {
    "aml.threshold_2000": AlertRule("aml", "Cumulative deposits reached EUR 2,000 (due diligence)", "medium"),
    "aml.structuring": AlertRule("aml", "Deposits structured just under EUR 2,000", "high"),
    "aml.deposit_withdraw": AlertRule("aml", "Deposit then withdrawal with little play", "high"),
    "aml.third_party_method": AlertRule("aml", "Payout to a third-party payment method", "high"),
    "aml.high_risk_country": AlertRule("aml", "Activity from a high-risk country", "high"),
    "aml.sanctions_pep": AlertRule("aml", "Sanctions or PEP screening hit", "critical"),
    "rg.loss_chasing": AlertRule("rg", "Loss chasing: re-deposits within a losing session", "medium"),
    "rg.rising_deposits": AlertRule("rg", "Deposits rising sharply month over month", "medium"),
    "rg.limit_increase": AlertRule("rg", "Deposit limit increase requested", "low"),
    "rg.long_session": AlertRule("rg", "Long or night-time sessions", "low"),
    "fraud.shared_device": AlertRule("fraud", "Device shared with other accounts", "high"),
    "fraud.shared_payment_method": AlertRule("fraud", "Payment method shared with other accounts", "high"),
    "fraud.bonus_abuse": AlertRule("fraud", "Bonus abuse pattern", "medium"),
    "fraud.chargeback_history": AlertRule("fraud", "Chargeback on a card deposit", "high"),
    "kyc.documents_overdue": AlertRule("kyc", "KYC documents overdue after the threshold", "medium"),
}

# Dispute SLA by priority (hours until the first resolution is due; paused while waiting on the
# player). The API's SLA clock uses the same table.
DISPUTE_SLA_HOURS: dict[str, int] = {"urgent": 4, "high": 24, "normal": 72, "low": 168}
