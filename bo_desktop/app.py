"""Composition root: builds the services, signs the user in, shows the main window, shuts down.

The whole life of the app is one coroutine, :meth:`Application.run`, on the qasync loop:

1. optionally start the in-process sandbox platform (``--sandbox``) and wait for ``/health``;
2. resume a remembered session, or open read-only on the cached data when the server is
   unreachable (offline start), or show the login dialog;
3. build the :class:`~bo_desktop.core.context.AppContext` and the main window;
4. wait until the window is closed or Ctrl+C arrives (then shut everything down in order), or
   until the session ends while the app goes on: File → Sign out, or the server refusing the
   session. Then the window closes, the session is torn down and forgotten, and the login dialog
   comes back for the same server and user: step 2 again, as often as people sign in and out.

This is the only client module allowed to import ``bo_desktop.sandbox``.

Start-up: this module imports only what the login dialog needs. The session layer (httpx,
pydantic and the contract models, SQLAlchemy, the main window) and the feature registrations load
in a worker thread once the dialog shows, while the user types (:meth:`Application._load_session_layer`);
whatever needs them awaits that load first.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QProgressDialog

from bo_desktop.core.settings import Environment, ServerProfile, Settings, normalize_url
from bo_desktop.core.tasks import TaskRunner
from bo_desktop.core.workers import run_in_worker, shutdown_workers
from bo_desktop.shell.errors import ErrorReporter
from bo_desktop.shell.login_dialog import LoginAttempt, LoginDialog
from bo_desktop.shell.smoke import SMOKE_DATA, check_dock_data
from bo_desktop.shell.theme import ThemeManager

if TYPE_CHECKING:
    from collections.abc import Callable

    from bo_desktop.contract.auth import Me
    from bo_desktop.core.credentials import CredentialStore
    from bo_desktop.core.docks import DockRegistry
    from bo_desktop.shell.main_window import MainWindow
    from bo_desktop.shell.session import SessionServices

log = logging.getLogger(__name__)

SANDBOX_DEMO_USER = "payments1"
SMOKE_TEST_ENV = "BO_DESKTOP_SMOKE_TEST"  # auto sign-in, quit once the main window is shown
READY_MARKER = "BO_DESKTOP_MAIN_WINDOW_SHOWN"
LOGIN_MARKER = "BO_DESKTOP_LOGIN_SHOWN"


@dataclass
class Options:
    sandbox: bool = False
    server: str | None = None
    players: int = 300
    reset_layout: bool = False
    smoke_test: bool = False
    smoke_test_stay: bool = False  # smoke test that waits for Ctrl+C instead of quitting
    cache_dir: Path | None = None  # tests: keep caches in a temp dir


@dataclass(frozen=True)
class SessionEnd:
    """Why a session ended while the app keeps running; ``lost_reason`` None: the user signed out."""

    lost_reason: str | None = None


@dataclass(frozen=True)
class SignInAgain:
    """What the login dialog is pre-filled with after a session ended (never the password)."""

    profile: ServerProfile
    username: str
    notice: str = ""


def session_ended_message(reason: str) -> str:
    return f"Your session ended: {reason}. Sign in again to continue."


class Application(QObject):
    def __init__(
        self,
        qapp: QApplication,
        options: Options,
        *,
        settings: Settings | None = None,
        credentials: CredentialStore | None = None,
        registry: DockRegistry | None = None,
        log_file: Path | None = None,
    ) -> None:
        super().__init__()
        self.qapp = qapp
        self.options = options
        self.settings = settings or Settings()
        self._credentials = credentials
        self.errors = ErrorReporter(log_file)
        self.tasks = TaskRunner(self._report_task_error)
        self.theme = ThemeManager(qapp, self.settings.theme)
        # None until the session layer has loaded (the features are discovered with it).
        self.registry: DockRegistry | None = registry
        self._session_layer: asyncio.Future[None] | None = None
        self._credentials_opening: asyncio.Future[CredentialStore] | None = None
        self.sandbox: Any = None
        self.services: SessionServices | None = None
        self.window: MainWindow | None = None
        self.login_dialog: LoginDialog | None = None
        self._quit = asyncio.Event()
        self._session_end: SessionEnd | None = None
        self._session_ended = asyncio.Event()

    # -- life cycle ------------------------------------------------------------------------------

    def request_quit(self) -> None:
        """Close the window / stop waiting: called by the window, Ctrl+C and the smoke test."""
        self._quit.set()

    def request_sign_out(self) -> None:
        """File → Sign out: end the session, keep the app, ask for a sign-in again."""
        self._end_session_soon(SessionEnd())

    def _on_session_lost(self, reason: str) -> None:
        if self.window is not None and self._session_end is None:
            self.window.show_session_ended(session_ended_message(reason))
        self._end_session_soon(SessionEnd(lost_reason=reason))

    def _end_session_soon(self, end: SessionEnd) -> None:
        # Only flags it: the window that emitted the request is torn down by _run, never inside
        # its own signal.
        if self._session_end is None:
            self._session_end = end
            self._session_ended.set()

    def _report_task_error(self, exc: BaseException) -> None:
        from bo_desktop.core.api.errors import SessionExpired

        if isinstance(exc, SessionExpired):
            # A request refused because the session is gone: SessionServices.session_lost tells
            # the user once and brings the sign-in back; one error dialog per panel would not help.
            log.info("request refused: the session has ended")
            return
        self.errors.report(exc)

    async def run(self) -> int:
        loop = asyncio.get_running_loop()
        self.errors.install(loop)
        try:
            return await self._run()
        finally:
            await self.shutdown()
            self.errors.uninstall(loop)

    async def _run(self) -> int:
        if self._credentials is None:
            # Importing keyring and probing its backend (D-Bus) is slow: not on the Qt thread, and
            # not before the login dialog shows (only "Remember me" and a remembered session need it).
            self._credentials_opening = asyncio.ensure_future(run_in_worker(_open_credential_store))
        profile = await self._initial_profile()
        if profile is None:
            return 1
        services = await self._resume_remembered(profile) if not self.options.sandbox else None
        again: SignInAgain | None = None
        # One turn per session: sign in, work in the window, until quit (the end) or sign-out.
        while True:
            if services is None:
                services = await self._sign_in(profile, again)
            if services is None:
                return 0  # the user cancelled the login dialog, or quit
            self.services = services
            self._show_main_window(services)
            if self.options.smoke_test and again is None:
                # Machine-readable marker for tests/bench: wall-clock time the window was first shown.
                print(f"{READY_MARKER} {time.time():.6f}", flush=True)
                if smoke_test_requested() == SMOKE_DATA and self.window is not None:
                    # The packaged app's smoke test: quit once a dock shows data, exit 1 on timeout.
                    return await check_dock_data(self.window)
                if not self.options.smoke_test_stay:
                    QTimer.singleShot(300, self.request_quit)
            end = await self._wait_for_session_end()
            if end is None:
                return 0  # quit: shutdown() tears the session down
            again = await self._end_session(end)
            profile, services = again.profile, None

    async def _wait_for_session_end(self) -> SessionEnd | None:
        """The reason the session ended while the app goes on, or None when the app quits."""
        waits = [asyncio.ensure_future(self._quit.wait()), asyncio.ensure_future(self._session_ended.wait())]
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for wait in waits:
                wait.cancel()
        return None if self._quit.is_set() else self._session_end

    async def _end_session(self, end: SessionEnd) -> SignInAgain:
        """Sign-out or lost session: close the window, end and forget the session (bounded)."""
        services, self.services = self.services, None
        assert services is not None
        self._close_window()
        # The next start must ask for the password: forget the remembered token before anything
        # else can rotate it, and before the runner cancels a keyring write in flight.
        await services.forget_remembered()
        # The session's work (panels, event stream, reference sync) stops before the client
        # closes under it. The runner is single-use: the next session gets a fresh one.
        await self.tasks.shutdown()
        self.tasks = TaskRunner(self._report_task_error)
        # Signing out revokes the refresh token on the server; a lost session has none left.
        await services.close(logout=end.lost_reason is None)
        for _ in range(3):
            await asyncio.sleep(0)  # let closed sockets finish closing (see shutdown)
        self._session_end = None
        self._session_ended.clear()
        if end.lost_reason is None:
            log.info("signed out of %s", services.profile.url)
        notice = session_ended_message(end.lost_reason) if end.lost_reason is not None else ""
        return SignInAgain(services.profile, services.username, notice)

    async def shutdown(self) -> None:
        """Tear down in dependency order; every step is bounded so exit never hangs."""
        for pending in (self._session_layer, self._credentials_opening):
            if pending is not None and not pending.done():
                pending.cancel()  # stops the wait; shutdown_workers lets the worker finish
        if self.login_dialog is not None and shiboken6.isValid(self.login_dialog):
            self.login_dialog.reject()
        self._close_window()
        # Panels' requests first: cancelled work must not run on into a closed client and
        # report "connection closed" errors during exit.
        await self.tasks.shutdown()
        if self.services is not None:
            # Without "remember me" the refresh token dies with the app: revoke it on the server.
            await self.services.close(logout=not self.services.remember)
            self.services = None
        # Closed sockets finish closing in loop callbacks (transport.connection_lost via
        # call_soon); give the loop turns to run them before it stops, or every pooled connection
        # ends as an "unclosed transport" ResourceWarning at exit.
        for _ in range(3):
            await asyncio.sleep(0)
        if self.sandbox is not None:
            sandbox, self.sandbox = self.sandbox, None
            await run_in_worker(sandbox.stop)
        shutdown_workers()
        self.settings.sync()

    # -- loading the session layer ---------------------------------------------------------------

    def _start_loading_session_layer(self) -> asyncio.Future[None]:
        """Start (once) loading the session layer in a worker; the future is done when loaded."""
        if self._session_layer is None:
            self._session_layer = asyncio.ensure_future(self._load_session_layer())
        return self._session_layer

    async def _load_session_layer(self) -> None:
        # A failure here (a broken install) is raised to whoever awaits it: the sign-in step,
        # hence the error dialog. A feature that fails to register is reported and costs its docks.
        registry = await run_in_worker(
            _import_session_layer, discover=self.registry is None, report_error=self.errors.report
        )
        if self.registry is None:
            self.registry = registry

    async def _credential_store(self) -> CredentialStore:
        if self._credentials is None:
            assert self._credentials_opening is not None
            self._credentials = await asyncio.shield(self._credentials_opening)
        return self._credentials

    async def _session_module(self) -> Any:
        """:mod:`bo_desktop.shell.session`, once the session layer has loaded."""
        await asyncio.shield(self._start_loading_session_layer())
        return importlib.import_module(SESSION_MODULE)

    # -- where to connect ------------------------------------------------------------------------

    async def _initial_profile(self) -> ServerProfile | None:
        if self.options.sandbox:
            return await self._start_sandbox()
        if self.options.server:
            url = normalize_url(self.options.server)
            known = next((p for p in self.settings.profiles() if p.normalized_url == url), None)
            # Unknown server: assume production. A red banner by mistake is harmless; a blue one
            # on a live platform is not.
            return known or ServerProfile(
                name=url.split("://")[-1], url=url, environment=Environment.PRODUCTION
            )
        last = self.settings.profile(self.settings.last_profile)
        return last or ServerProfile(name="", url="", environment=Environment.PRODUCTION)

    async def _start_sandbox(self) -> ServerProfile | None:
        # Imported here: fastapi/uvicorn/the seed generator cost ~0.5 s and only --sandbox needs them.
        from bo_desktop.sandbox.config import SandboxConfig
        from bo_desktop.sandbox.server import SandboxServer

        progress = QProgressDialog("Starting the sandbox platform…", "", 0, 0)
        progress.setObjectName("sandboxProgress")
        progress.setWindowTitle("bo-desktop")
        progress.setCancelButton(None)
        progress.setMinimumDuration(0)
        progress.setWindowModality(Qt.WindowModality.ApplicationModal)
        progress.show()
        try:
            server = SandboxServer(SandboxConfig(port=0, players=self.options.players))
            await run_in_worker(server.start)
            self.sandbox = server
            await self._wait_for_health(server.url)
        finally:
            # Python owns this parentless dialog: closing and dropping it deletes it. A deleteLater()
            # on top makes Qt delete it a second way, which crashes at exit on xcb.
            progress.close()
        log.info("sandbox platform running at %s", server.url)
        return ServerProfile(name="Built-in sandbox", url=server.url, environment=Environment.SANDBOX)

    async def _wait_for_health(self, url: str, timeout: float = 60.0) -> None:
        session = await self._session_module()
        from bo_desktop.core.api.errors import ApiError

        api = await session.new_api_client(url)
        try:
            deadline = asyncio.get_running_loop().time() + timeout
            while True:
                try:
                    await api.health()
                    return
                except ApiError:
                    if asyncio.get_running_loop().time() > deadline:
                        raise
                    await asyncio.sleep(0.1)
        finally:
            await api.aclose()

    # -- signing in ------------------------------------------------------------------------------

    async def _resume_remembered(self, profile: ServerProfile) -> SessionServices | None:
        """Resume the last user's remembered session, online or (server unreachable) offline."""
        username = self.settings.last_username
        if not profile.url or not username or not self.settings.remember_me(profile.url, username):
            return None
        credentials = await self._credential_store()
        token = await credentials.load_refresh_token_async(profile.url, username)
        if not token:
            return None
        session = await self._session_module()
        from bo_desktop.core.api.errors import AuthError, NetworkError

        api = await session.new_api_client(profile.url)
        services = await self._services(profile, username, api, remember=True)
        try:
            await api.resume(token)
        except NetworkError:
            return await self._start_offline(services, token)
        except AuthError:
            log.info("remembered sign-in for %s was refused; asking for the password", profile.url)
            await credentials.forget_async(profile.url, username)
            await services.close()
            return None
        except BaseException:
            await services.close()
            raise
        await self._bring_online(services)
        return services

    async def _start_offline(self, services: SessionServices, token: str) -> SessionServices | None:
        session = await self._session_module()
        me = session.me_from_settings(self.settings, services.profile, services.username)
        await services.cache.open()
        if me is None or not services.cache.has_data:
            await services.close()
            return None  # nothing to show offline: let the login dialog explain the failure
        services.offline_me = me
        services.start_offline(token)
        return services

    async def _bring_online(self, services: SessionServices) -> None:
        await services.cache.open()
        await services.start_online()
        if services.cache.has_data:
            # Cached data is good enough to start with; refresh it while the user looks around.
            self.tasks.start(services.sync_reference(), name="reference-sync")
        else:
            await services.sync_reference(quiet=False)  # nothing to show without it

    async def _sign_in(
        self, profile: ServerProfile, again: SignInAgain | None = None
    ) -> SessionServices | None:
        """The login dialog; ``again``: after a sign-out or a lost session (same server and user,
        empty password, and why the session ended)."""
        # The demo sign-in (pre-filled sandbox password, smoke test) is for the first one only.
        demo = (self.options.sandbox or self.options.smoke_test) and again is None
        dialog = LoginDialog(
            self.settings,
            self.tasks,
            self._authenticate,
            # Until the credential store has opened (just after the dialog shows), "Remember me" is
            # offered as usual; a sign-in waits for the store and remembers only if it can.
            remember_available=self._credentials.available if self._credentials else True,
            remember_unavailable_reason=self._credentials.unavailable_reason if self._credentials else "",
            preset_profile=profile if profile.url else None,
            # The smoke test signs in as the sandbox demo user on --server too (bench: an external
            # sandbox), so start-up can be measured without typing.
            preset_username=again.username if again else SANDBOX_DEMO_USER if demo else "",
            # The sandbox modules are loaded already with --sandbox; on --server (smoke test) they
            # would cost ~0.25 s (pydantic) before the dialog shows: filled in once it shows.
            preset_password=self._sandbox_password() if demo and self.sandbox is not None else "",
        )
        dialog.setObjectName("loginDialog")
        if again is not None and again.notice:
            dialog.show_error(again.notice, dialog.ui.passwordEdit)
        self.login_dialog = dialog
        finished: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        dialog.finished.connect(lambda code: None if finished.done() else finished.set_result(code))
        dialog.show()
        # While the user types: the session layer loads in a worker (the sign-in step awaits it).
        self._start_loading_session_layer()
        if self.options.smoke_test and again is None:
            print(f"{LOGIN_MARKER} {time.time():.6f}", flush=True)
            if demo and self.sandbox is None:
                dialog.ui.passwordEdit.setText(await run_in_worker(_demo_password))
            QTimer.singleShot(0, dialog.submit)
        if self._credentials is None:
            credentials = await self._credential_store()
            if shiboken6.isValid(dialog):
                dialog.set_remember_available(credentials.available, credentials.unavailable_reason)
        quit_wait: asyncio.Future[Any] = asyncio.ensure_future(self._quit.wait())
        try:
            await asyncio.wait([finished, quit_wait], return_when=asyncio.FIRST_COMPLETED)
        finally:
            quit_wait.cancel()
            self.login_dialog = None
        accepted = finished.done() and finished.result() == QDialog.DialogCode.Accepted
        services: SessionServices | None = dialog.result_value if accepted else None
        dialog.close()
        # Deleted here, not "with the last reference": a failed attempt's exception traceback can
        # hold the dialog in a reference cycle, and Python's cyclic gc would then free it at some
        # arbitrary later moment (a crash in Qt's animation timer was seen that way: the busy
        # bar's style animation). No deleteLater(): Python owns the dialog and would free it twice.
        shiboken6.delete(dialog)
        return services

    async def _authenticate(self, attempt: LoginAttempt) -> SessionServices:
        """The login dialog's sign-in step: everything that must succeed before the window opens."""
        session = await self._session_module()
        credentials = await self._credential_store()
        api = await session.new_api_client(attempt.profile.url)
        remember = attempt.remember and credentials.available
        services = await self._services(attempt.profile, attempt.username, api, remember=remember)
        try:
            await api.login(attempt.username, attempt.password)
            await self._bring_online(services)
        except BaseException:
            await services.close()
            raise
        return services

    async def _services(
        self, profile: ServerProfile, username: str, api: Any, *, remember: bool
    ) -> SessionServices:
        assert self._credentials is not None
        session = await self._session_module()
        return session.SessionServices(
            profile=profile,
            username=username,
            api=api,
            cache=await session.new_reference_cache(session.cache_path(profile.url, self.options.cache_dir)),
            settings=self.settings,
            credentials=self._credentials,
            tasks=self.tasks,
            remember=remember,
        )

    def _sandbox_password(self) -> str:
        return _demo_password()

    # -- the window ------------------------------------------------------------------------------

    def _show_main_window(self, services: SessionServices) -> None:
        # Loaded by now: a session exists only once the session layer has loaded.
        from bo_desktop.core.api.observers import ConnectionState
        from bo_desktop.core.context import AppContext, SessionState
        from bo_desktop.shell.main_window import MainWindow

        assert self.registry is not None
        me: Me | None = services.api.me or services.offline_me
        assert me is not None
        session = SessionState(me, online=services.api.me is not None)
        ctx = AppContext(
            api=services.api,
            cache=services.cache,
            events=services.events,
            tasks=self.tasks,
            settings=self.settings,
            server=services.profile,
            session=session,
        )
        window = MainWindow(
            ctx, self.registry, self.theme, self.errors.report, reset_layout=self.options.reset_layout
        )
        self.window = window
        self.errors.set_parent_widget(window)
        services.connection_changed.connect(window.set_connection_state)
        services.rate_limit_wait.connect(window.status.show_rate_limit_wait)
        services.reference_synced.connect(window.status.set_reference_synced)
        services.reconnected.connect(self._on_reconnected)
        services.session_lost.connect(self._on_session_lost)
        services.reference_sync_failed.connect(ctx.notifier.warning)
        window.status.set_reference_synced(services.last_synced_at)
        window.set_connection_state(ConnectionState.ONLINE if session.online else ConnectionState.OFFLINE)
        if not session.online:
            ctx.notifier.warning("Offline — showing cached data. Reconnecting by itself.", 0)
        window.closing.connect(self.request_quit)
        window.sign_out_requested.connect(self.request_sign_out)
        window.show()

    def _on_reconnected(self, me: Me) -> None:
        if self.window is None:
            return
        session = self.window.ctx.session
        session.me = me
        session.online = True
        self.window.ctx.notifier.info("Back online.")

    def _close_window(self) -> None:
        """Close the main window (saving its layout) and delete it and its panels now."""
        self.errors.set_parent_widget(None)
        window, self.window = self.window, None
        if window is None or not shiboken6.isValid(window):
            return
        window.closing.disconnect(self.request_quit)
        window.sign_out_requested.disconnect(self.request_sign_out)
        window.close()  # saves the layout
        # Deleted here, not "with the last reference": whoever still holds the window (a test, a
        # traceback) would leave it to Python's cyclic gc, and no panel may react to a late event
        # or selection while the services are torn down. No deleteLater(): Python owns it.
        shiboken6.delete(window)


SESSION_MODULE = "bo_desktop.shell.session"


def _import_session_layer(
    *, discover: bool, report_error: Callable[[BaseException], None]
) -> DockRegistry | None:
    """Worker thread: import what a session needs, then (``discover``) the features' docks."""
    from bo_desktop.shell.session import CACHE_MODULE

    for name in (SESSION_MODULE, CACHE_MODULE, "bo_desktop.core.context", "bo_desktop.shell.main_window"):
        importlib.import_module(name)
    if not discover:
        return None
    from bo_desktop.shell.features import discover_features

    return discover_features(report_error=report_error)


def _demo_password() -> str:
    from bo_desktop.sandbox.config import DEMO_STAFF_PASSWORD

    return DEMO_STAFF_PASSWORD


def _open_credential_store() -> CredentialStore:
    from bo_desktop.core.credentials import CredentialStore

    return CredentialStore()


def smoke_test_requested() -> str:
    """``BO_DESKTOP_SMOKE_TEST``: "" (off), "1" (quit once shown), "stay" (wait for Ctrl+C) or
    "data" (quit once a dock shows data: :mod:`bo_desktop.shell.smoke`)."""
    value = os.environ.get(SMOKE_TEST_ENV, "")
    return "" if value == "0" else value
