"""Settings of one sandbox instance (from the CLI, from ``bo-desktop --sandbox`` or from tests)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bo_desktop.contract.chaos import ChaosConfig

DEMO_STAFF_PASSWORD = "sandbox"


@dataclass
class SandboxConfig:
    host: str = "127.0.0.1"
    port: int = 0  # 0: pick a free port
    allow_remote: bool = False
    database_url: str | None = None  # None: SQLite file in the user data dir
    seed: int = 42
    players: int = 2_000  # small default: starts in a few seconds
    reset: bool = False
    staff_password: str = DEMO_STAFF_PASSWORD
    access_token_ttl: int = 900  # seconds; tests set it low to exercise refresh
    refresh_token_ttl: int = 12 * 3600
    simulator: bool = True
    simulator_rate: float = 1.0  # multiplier of the base activity rate (events per second)
    four_eyes_threshold_eur_minor: int = 200_000  # EUR 2,000
    compensation_approval_eur_minor: int = 50_000  # EUR 500
    # Seconds from the final approval until the PSP answers the payout (paid or failed); the
    # simulator settles due payouts every tick. A few seconds so trainees see it happen; the test
    # sandbox uses a day, so an approved withdrawal stays approved until a test settles it.
    payout_delay_seconds: float = 5.0
    event_buffer: int = 10_000  # events kept for Last-Event-ID resume
    chaos: ChaosConfig = field(default_factory=ChaosConfig)
