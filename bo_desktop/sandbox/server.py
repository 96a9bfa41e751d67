"""Run one sandbox platform in-process: database, seed, FastAPI app, uvicorn thread, simulator.

    with SandboxServer(SandboxConfig(players=300)) as server:
        httpx.get(server.api_url + "/health")

``start()`` returns once ``GET /health`` answers; ``stop()`` stops the simulator, shuts uvicorn
down, joins its thread and disposes of the engine, leaving no threads behind. Used by the CLI
(``python -m bo_desktop.sandbox``), by ``bo-desktop --sandbox`` and by the test fixtures.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import sys
import threading
import time
from pathlib import Path
from types import TracebackType

import httpx
import sqlalchemy as sa
import uvicorn
from platformdirs import user_data_dir
from sqlalchemy.engine import Engine

from bo_desktop.contract.common import API_PREFIX

from . import db
from .config import SandboxConfig
from .retention import ensure_indexes
from .seed import SCHEMA_VERSION, SeedSummary, seed_database, stored_seed
from .seed_core import Progress
from .simulator import Simulator
from .state import SandboxState

log = logging.getLogger(__name__)

START_TIMEOUT = 60.0


class SandboxError(RuntimeError):
    """The sandbox could not start (bad bind address, port in use, database unreachable...)."""


def default_database_url() -> str:
    folder = Path(user_data_dir("bo-desktop", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'sandbox.db'}"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class SandboxServer:
    def __init__(
        self, config: SandboxConfig, *, progress: Progress | None = None, log_level: str = "warning"
    ):
        if not is_loopback(config.host) and not config.allow_remote:
            raise SandboxError(
                f"refusing to bind to {config.host}: the sandbox has demo passwords; pass allow_remote "
                "(--allow-remote) to expose it beyond this machine"
            )
        self.config = config
        self._progress = progress
        self._log_level = log_level
        self._engine: Engine | None = None
        self._state: SandboxState | None = None
        self._simulator: Simulator | None = None
        self._uvicorn: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._port = 0
        self.seed_summary: SeedSummary | None = None  # set when this start seeded the database

    # -- properties -----------------------------------------------------------------------------

    @property
    def url(self) -> str:
        if not self._port:
            raise SandboxError("the sandbox is not running")
        host = self.config.host
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self._port}"

    @property
    def api_url(self) -> str:
        return self.url + API_PREFIX

    @property
    def port(self) -> int:
        return self._port

    @property
    def state(self) -> SandboxState:
        if self._state is None:
            raise SandboxError("the sandbox is not running")
        return self._state

    @property
    def staff_password(self) -> str:
        return self.config.staff_password

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> None:
        if self.running:
            return
        try:
            self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> None:
        config = self.config
        url = config.database_url or default_database_url()
        self._engine = engine = db.make_engine(url)
        self._prepare_database(engine)
        self._state = state = SandboxState.create(config, engine)
        if config.simulator:
            self._simulator = Simulator(state)
            state.simulator = self._simulator

        from .api import create_app  # FastAPI is imported only when a server really starts

        # Binding the socket here (not in uvicorn) gives the real port at once when port=0, and
        # fails fast with a clear error when the port is taken.
        sock = socket.socket(socket.AF_INET6 if ":" in config.host else socket.AF_INET)
        if sys.platform != "win32":
            # A restart on the same port must not fail on the previous run's TIME_WAIT connections
            # (uvicorn sets this too when it binds itself). On Windows the option would let two
            # servers share the port, so it stays off there.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((config.host, config.port))
        except OSError as exc:
            sock.close()
            raise SandboxError(f"cannot listen on {config.host}:{config.port}: {exc}") from exc
        self._port = sock.getsockname()[1]
        uv_config = uvicorn.Config(
            create_app(state),
            log_level=self._log_level,
            lifespan="on",
            access_log=False,
            timeout_graceful_shutdown=3,
        )
        self._uvicorn = server = uvicorn.Server(uv_config)
        self._thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="sandbox-uvicorn", daemon=True
        )
        self._thread.start()
        self._wait_until_healthy()
        if self._simulator is not None:
            self._simulator.start()

    def _prepare_database(self, engine: Engine) -> None:
        config = self.config
        meta = stored_seed(engine)
        if (
            config.reset
            or meta is None
            or meta.get("seed") != config.seed
            or meta.get("players") != config.players
            or meta.get("schema_version") != SCHEMA_VERSION  # older tables: reseed, no migrations
        ):
            self.seed_summary = seed_database(
                engine,
                seed=config.seed,
                players=config.players,
                staff_password=config.staff_password,
                progress=self._progress,
            )
            return
        # Reusing a seeded database: honour a changed --staff-password without reseeding.
        with engine.begin() as conn:
            stored = conn.execute(sa.select(db.Staff.password_hash).limit(1)).scalar_one_or_none()
            if stored is not None and not db.verify_password(config.staff_password, stored):
                conn.execute(
                    sa.update(db.Staff).values(password_hash=db.hash_password(config.staff_password))
                )
        if created := ensure_indexes(engine):  # seeded before these indexes were declared
            log.info("added indexes to the reused database: %s", ", ".join(created))

    def _wait_until_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        last_error: Exception | None = None
        with httpx.Client(timeout=2.0) as client:
            while time.monotonic() < deadline:
                if self._thread is None or not self._thread.is_alive():
                    raise SandboxError("the sandbox's web server exited during start-up (see the log)")
                try:
                    if client.get(self.url + "/health").status_code == 200:
                        return
                except httpx.TransportError as exc:
                    last_error = exc
                time.sleep(0.05)
        raise SandboxError(f"the sandbox did not answer /health within {START_TIMEOUT:.0f} s: {last_error}")

    def stop(self) -> None:
        if self._simulator is not None:
            self._simulator.stop()
            self._simulator = None
        if self._uvicorn is not None:
            self._uvicorn.should_exit = True
        if self._thread is not None:
            self._thread.join(15)
            if self._thread.is_alive():
                log.warning("uvicorn did not stop within 15 s; forcing exit")
                if self._uvicorn is not None:
                    self._uvicorn.force_exit = True
                self._thread.join(5)
            self._thread = None
        self._uvicorn = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
        self._port = 0

    def __enter__(self) -> SandboxServer:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
