"""Everything one running sandbox instance shares between the API, the simulator and the server.

``server.py`` builds one :class:`SandboxState` (usually with :meth:`SandboxState.create`) and
passes it to ``bo_desktop.sandbox.api.create_app``. Route handlers reach it through the
``get_state`` dependency (``request.app.state.sandbox``); nothing in the sandbox uses globals, so
several instances can run in one process (tests do).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bo_desktop.contract.chaos import ChaosConfig

from .config import SandboxConfig
from .events import EventBus
from .throttle import LoginThrottle


class SimulatorHandle(Protocol):
    """What the API needs to know about the simulator (``/health`` reports it)."""

    @property
    def running(self) -> bool: ...


@dataclass
class SandboxState:
    config: SandboxConfig
    engine: Engine
    sessionmaker: sessionmaker[Session]
    bus: EventBus
    # The live fault-injection settings. Replaced as a whole by PUT /admin/chaos (never mutated in
    # place), so a request that read it once sees one consistent configuration.
    chaos: ChaosConfig
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    simulator: SimulatorHandle | None = None
    # Signs access tokens. Per process on purpose: a restarted sandbox invalidates access tokens
    # (clients refresh with their refresh token, which lives in the database).
    token_secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    login_throttle: LoginThrottle = field(default_factory=LoginThrottle)

    @classmethod
    def create(cls, config: SandboxConfig, engine: Engine) -> SandboxState:
        return cls(
            config=config,
            engine=engine,
            sessionmaker=sessionmaker(engine, expire_on_commit=False),
            bus=EventBus(config.event_buffer),
            chaos=config.chaos.model_copy(deep=True),
        )

    @property
    def database_kind(self) -> str:
        """``sqlite``, ``postgresql``, ... (for /health and dialect-specific locking)."""
        return self.engine.dialect.name

    @property
    def simulator_running(self) -> bool:
        return self.simulator is not None and self.simulator.running
