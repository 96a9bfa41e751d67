"""One signed-in session's services and their life cycle: sign-in, cache, live events, reconnect.

:class:`SessionServices` is what the composition root builds after a successful sign-in (or an
offline start) and tears down at exit. It wires the API client's observers to Qt signals, keeps
the remembered refresh token in the keyring up to date as the server rotates it, and, after an
offline start, polls ``/health`` with backoff until the server is back, then resumes the session
by itself.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib
import logging
import random
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs
from PySide6.QtCore import QObject, Signal

from bo_desktop import APP_NAME, ORG_NAME, __version__
from bo_desktop.contract.auth import Me
from bo_desktop.contract.events import EventType, ServerEvent
from bo_desktop.core.api.client import ApiClient
from bo_desktop.core.api.errors import ApiError, AuthError, NetworkError
from bo_desktop.core.api.observers import ConnectionState
from bo_desktop.core.api.sse import EventStream
from bo_desktop.core.events import EventHub, Subscription
from bo_desktop.core.settings import ServerProfile, Settings, normalize_url
from bo_desktop.core.tasks import TaskRunner
from bo_desktop.core.workers import run_in_worker
from bo_desktop.shell.logs import SCRUBBER

if TYPE_CHECKING:
    from bo_desktop.core.cache import ReferenceCache
    from bo_desktop.core.credentials import CredentialStore

log = logging.getLogger(__name__)

USER_AGENT = f"bo-desktop/{__version__}"
RECONNECT_DELAYS = (1.0, 2.0, 4.0, 8.0, 15.0, 30.0)  # then 30 s forever
#: Why a session ended when the server just says no (the refresh token is not accepted any more).
SESSION_REFUSED = (
    "the server no longer accepts your sign-in (it expired, was revoked or the server was reset)"
)


def cache_path(server_url: str, base: Path | None = None) -> Path:
    """Reference cache file of a server: one SQLite file per server URL in the user cache dir."""
    base = base or Path(platformdirs.user_cache_dir(APP_NAME, ORG_NAME))
    digest = hashlib.sha256(normalize_url(server_url).encode()).hexdigest()[:16]
    return base / "servers" / digest / "reference.sqlite3"


CACHE_MODULE = "bo_desktop.core.cache"


async def import_cache_module() -> None:
    """Import the reference cache (SQLAlchemy: ~0.3-0.5 s) in a worker, not on the Qt thread.

    Started at launch, it runs while the user types the password, so the window stays responsive
    and the import is done by the time it is needed.
    """
    await run_in_worker(importlib.import_module, CACHE_MODULE)


async def new_reference_cache(path: Path) -> ReferenceCache:
    await import_cache_module()  # instant once imported
    from bo_desktop.core.cache import ReferenceCache

    return ReferenceCache(path)


async def new_api_client(url: str) -> ApiClient:
    """Build the client in a worker: httpx loads the CA bundle into an SSL context on
    construction, ~100 ms of blocking work that would freeze the login dialog's spinner."""
    return await run_in_worker(ApiClient, url, user_agent=USER_AGENT)


class SessionServices(QObject):
    """API client, reference cache, event hub and the event stream of one session."""

    connection_changed = Signal(object)  # ConnectionState
    rate_limit_wait = Signal(float)  # seconds being waited; 0.0 when done
    reference_synced = Signal(object)  # datetime | None
    reference_sync_failed = Signal(str)  # readable reason
    #: Online again after an offline start (``me`` refreshed from the server).
    reconnected = Signal(object)  # Me
    #: The server refused the session (refresh token revoked or expired, user disabled, server
    #: reset): the user must sign in again. Carries the reason, readable; emitted at most once.
    session_lost = Signal(str)

    def __init__(
        self,
        *,
        profile: ServerProfile,
        username: str,
        api: ApiClient,
        cache: ReferenceCache,
        settings: Settings,
        credentials: CredentialStore,
        tasks: TaskRunner,
        remember: bool,
    ) -> None:
        super().__init__()
        self.profile = profile
        self.username = username
        self.api = api
        self.cache = cache
        self.events = EventHub()
        self._settings = settings
        self._credentials = credentials
        self._tasks = tasks
        self._remember = remember and credentials.available
        self._stream: EventStream | None = None
        self._stream_task: asyncio.Task[None] | None = None
        self._reconnect_task: asyncio.Task[None] | None = None
        self._token_to_save: str | None = None
        self._token_saver: asyncio.Task[None] | None = None
        self._closed = False
        self._started = False  # online or offline start done: from now on a refusal is a loss
        self._lost = False
        self._reference_subscription: Subscription | None = None
        #: The profile saved at the last sign-in, used while offline (no /me to ask).
        self.offline_me: Me | None = None
        api.connection_observers.add(self._on_connection)
        api.rate_limit_observers.add(self.rate_limit_wait.emit)
        api.on_refresh_token_changed = self._on_refresh_token
        if api.refresh_token:
            self._on_refresh_token(api.refresh_token)

    # -- keyring ---------------------------------------------------------------------------------

    def _on_refresh_token(self, token: str | None) -> None:
        SCRUBBER.add_secret(token)
        if token is None and self._started and not self._closed:
            # The client drops its tokens when the server rejects the refresh token: whichever
            # request or stream noticed it, the session is over.
            self._lose_session(SESSION_REFUSED)
            return
        if not self._remember or token is None or self._closed:
            return
        # The server rotates the token on every refresh: always store the newest, one write at a
        # time, so a slow keyring can never leave an older token behind a newer one.
        self._token_to_save = token
        if self._token_saver is None or self._token_saver.done():
            self._token_saver = self._tasks.start(self._save_tokens(), name="keyring-save")

    async def forget_remembered(self) -> None:
        """Sign-out or lost session: stop storing rotated tokens, then delete the stored one, so
        the next start asks for the password. A save in flight finishes first (bounded): it must
        not put the token back after the delete."""
        self._remember = False
        saver = self._token_saver
        if saver is not None and not saver.done():
            await asyncio.wait([saver], timeout=5)
        await self._credentials.forget_async(self.profile.url, self.username)

    async def _save_tokens(self) -> None:
        saved: str | None = None
        while self._token_to_save is not None and self._token_to_save != saved:
            saved = self._token_to_save
            await self._credentials.save_refresh_token_async(self.profile.url, self.username, saved)

    # -- start -----------------------------------------------------------------------------------

    async def start_online(self) -> None:
        """After sign-in: save the profile for offline starts, sync reference data, start events."""
        me = self.api.me
        if me is not None:
            self._settings.save_last_me(self.profile.url, self.username, me.model_dump(mode="json"))
            self._settings.set_remember_me(self.profile.url, self.username, self._remember)
        if not self._remember:
            await self._credentials.forget_async(self.profile.url, self.username)
        self._started = True
        self._start_stream()
        self.connection_changed.emit(ConnectionState.ONLINE)

    async def sync_reference(self, *, quiet: bool = True) -> None:
        """Sync every reference dataset. ``quiet``: a failure is a status message, not an error
        (the cached data stays usable and the next sync or event will catch up)."""
        try:
            result = await self.cache.sync(self.api)
        except ApiError as exc:
            if not quiet:
                raise
            log.warning("reference sync failed: %s", type(exc).__name__)
            self.reference_sync_failed.emit(exc.user_message)
            return
        if not result.ok:
            names = ", ".join(sorted(str(d) for d in result.failed))
            self.reference_sync_failed.emit(f"Some reference data could not be refreshed ({names}).")
        self.reference_synced.emit(self.last_synced_at)

    @property
    def remember(self) -> bool:
        return self._remember

    @property
    def last_synced_at(self) -> datetime | None:
        return self.cache.last_synced_at

    def start_offline(self, refresh_token: str) -> None:
        """Offline start: keep polling ``/health``; when the server answers, resume the session."""
        self.connection_changed.emit(ConnectionState.OFFLINE)
        self._started = True
        self._reconnect_task = self._tasks.start(self._reconnect(refresh_token), name="reconnect")

    async def _reconnect(self, refresh_token: str) -> None:
        attempt = 0
        while True:
            base = RECONNECT_DELAYS[min(attempt, len(RECONNECT_DELAYS) - 1)]
            # Jitter so a hundred desks do not hammer a recovering server in lock-step.
            await asyncio.sleep(base * (0.75 + random.random() * 0.5))
            attempt += 1
            try:
                await self.api.health()
            except NetworkError:
                continue
            except ApiError as exc:  # up but unhealthy (503...): keep waiting
                log.info("server answered /health with %s", exc.status)
                continue
            try:
                me = await self.api.resume(refresh_token)
            except AuthError:
                self._lose_session("your saved sign-in is no longer valid")
                return
            except NetworkError:
                continue
            log.info("reconnected to %s after %d attempt(s)", self.profile.url, attempt)
            self.reconnected.emit(me)
            await self.start_online()
            await self.sync_reference()
            return

    def _start_stream(self) -> None:
        if self._stream_task is not None and not self._stream_task.done():
            return
        if self._reference_subscription is None:
            self._reference_subscription = self.events.subscribe(
                EventType.REFERENCE_UPDATED.value, self._on_reference_updated, owner=self
            )
        self._stream = EventStream(self.api, self.events.publish)
        self._stream_task = self._tasks.start(self._run_stream(self._stream), name="event-stream")

    async def _run_stream(self, stream: EventStream) -> None:
        try:
            await stream.run()
        except AuthError:
            # Not an error dialog over a dead window: the shell brings the sign-in back.
            self._lose_session(SESSION_REFUSED)

    def _lose_session(self, reason: str) -> None:
        if self._lost or self._closed:
            return
        self._lost = True
        log.info("session on %s refused by the server; signing in again is needed", self.profile.url)
        self.session_lost.emit(reason)

    @property
    def lost(self) -> bool:
        """The server refused this session (see :attr:`session_lost`)."""
        return self._lost

    def _on_reference_updated(self, event: ServerEvent) -> None:
        dataset = event.data.get("dataset")
        if isinstance(dataset, str):
            # Latest wins per dataset: a burst of edits to one list costs one download.
            self._tasks.latest(self, f"reference:{dataset}", self._sync_dataset(dataset))

    async def _sync_dataset(self, dataset: str) -> None:
        await self.cache.sync_dataset(self.api, dataset)
        self.reference_synced.emit(self.last_synced_at)

    def _on_connection(self, state: ConnectionState) -> None:
        if not self._closed:
            self.connection_changed.emit(state)

    # -- stop ------------------------------------------------------------------------------------

    async def close(self, *, logout: bool = False) -> None:
        """Stop the event stream and reconnect loop, flush the keyring, close the client."""
        self._closed = True
        for task in (self._stream_task, self._reconnect_task):
            if task is not None and not task.done():
                task.cancel()
        pending = [t for t in (self._stream_task, self._reconnect_task, self._token_saver) if t is not None]
        if pending:
            await asyncio.wait(pending, timeout=5)
        if logout:
            await self.api.logout()
        self.api.connection_observers.remove(self._on_connection)
        self.api.on_refresh_token_changed = None
        await self.api.aclose()
        await self.cache.close()


def me_from_settings(settings: Settings, profile: ServerProfile, username: str) -> Me | None:
    raw = settings.last_me(profile.url, username)
    if raw is None:
        return None
    try:
        return Me.model_validate(raw)
    except ValueError:
        return None
