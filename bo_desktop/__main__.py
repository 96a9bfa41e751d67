"""``bo-desktop`` / ``python -m bo_desktop``: parse arguments, start Qt + asyncio, run the app.

Kept small and cheap to import: heavy modules load in :func:`main`, after argparse, so
``--help`` answers instantly.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Sequence


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bo-desktop",
        description="Back-office client for online-casino operators.",
    )
    target = parser.add_mutually_exclusive_group()
    target.add_argument(
        "--sandbox",
        action="store_true",
        help="start the built-in sandbox platform (training data) and sign in to it",
    )
    target.add_argument("--server", metavar="URL", help="platform server to sign in to")
    parser.add_argument(
        "--players", type=int, default=300, metavar="N", help="players in the sandbox (default 300)"
    )
    parser.add_argument("--reset-layout", action="store_true", help="forget the saved window layout")
    # For tests and benchmarks: sign in with the pre-filled sandbox user, quit once the window shows.
    parser.add_argument("--smoke-test", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    raw = list(sys.argv[1:] if argv is None else argv)
    if raw[:1] == ["report"]:  # headless Excel export for schedulers: no Qt, no window
        return _report_command(raw[1:])
    args = parse_args(argv)

    import asyncio
    import logging

    import qasync
    from PySide6.QtCore import QTimer, qVersion
    from PySide6.QtWidgets import QApplication

    from bo_desktop import APP_NAME, ORG_NAME, __version__
    from bo_desktop.app import Application, Options, smoke_test_requested
    from bo_desktop.shell.logs import setup_logging, shutdown_logging

    QApplication.setApplicationName(APP_NAME)
    QApplication.setOrganizationName(ORG_NAME)
    QApplication.setApplicationVersion(__version__)
    QApplication.setDesktopFileName(APP_NAME)
    qapp = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(qapp, QApplication)
    from PySide6.QtGui import QIcon

    from bo_desktop.resources import icon_path

    qapp.setWindowIcon(QIcon(str(icon_path("app.svg"))))
    # The app decides when to quit (after a clean shutdown), not "last window closed".
    qapp.setQuitOnLastWindowClosed(False)
    log_file = setup_logging()
    # First line of every run: which build a log (or a support ticket quoting it) came from.
    logging.getLogger("bo_desktop").info(
        "bo-desktop %s starting (Python %s, Qt %s, %s)",
        __version__,
        sys.version.split()[0],
        qVersion(),
        "bundle" if getattr(sys, "frozen", False) else "source",
    )

    options = Options(
        sandbox=args.sandbox,
        server=args.server,
        players=args.players,
        reset_layout=args.reset_layout,
        smoke_test=args.smoke_test or bool(smoke_test_requested()),
        smoke_test_stay=smoke_test_requested() == "stay",
    )
    if options.smoke_test and not options.server:
        options.sandbox = True

    app_ref: list[Application] = []

    def on_sigint(_signum: int, _frame: object) -> None:
        if app_ref:
            app_ref[0].request_quit()

    # Python runs signal handlers only between bytecodes; while Qt idles in C++ no bytecode runs,
    # so a cheap timer wakes the interpreter up often enough for Ctrl+C to feel immediate.
    signal.signal(signal.SIGINT, on_sigint)
    wake = QTimer(interval=200)
    wake.timeout.connect(lambda: None)
    wake.start()

    async def run() -> int:
        application = Application(qapp, options, log_file=log_file)
        app_ref.append(application)
        return await application.run()

    try:
        with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(qapp)) as runner:
            return runner.run(run())
    finally:
        wake.stop()
        signal.signal(signal.SIGINT, signal.default_int_handler)
        app_ref.clear()
        _release_qt_objects(qapp)
        shutdown_logging()


def _release_qt_objects(qapp: object) -> None:
    """Free the app's Qt objects while QApplication still exists.

    Our windows are parentless, hence owned by Python: dropping the last reference (the
    Application) deletes them. Left to interpreter shutdown, Python may destroy them while it
    tears down the QApplication, which segfaults on exit (seen with xcb under Xvfb).
    """
    import gc

    from PySide6.QtCore import QCoreApplication, QEvent

    gc.collect()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _report_command(argv: list[str]) -> int:
    from bo_desktop.features.reports.cli import EmbeddedServer, run_report_command

    def start_sandbox(players: int) -> EmbeddedServer:
        # The entry point is a composition root: it may start the sandbox, the feature may not.
        from bo_desktop.sandbox.config import SandboxConfig
        from bo_desktop.sandbox.server import SandboxServer

        server = SandboxServer(SandboxConfig(port=0, players=players, simulator=False))
        server.start()
        return server

    return run_report_command(argv, start_sandbox=start_sandbox)


if __name__ == "__main__":
    sys.exit(main())
