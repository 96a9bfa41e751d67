"""``bo-desktop report KIND --from DATE --to DATE --out FILE``: exports for schedulers (Qt-free).

Runs on plain asyncio with the same service, export job and workbook writer as the dock. Without
``--server`` it starts the embedded sandbox platform (the entry point injects the starter: only
the composition root may import the sandbox). Against a real server the password comes from
``BO_PASSWORD``, or else the keyring's remembered session of ``--user``; the rotated refresh
token is stored back so the desktop app's "remember me" keeps working.

Exit codes are part of the interface (a scheduler alerts on them); see ``EXIT_CODES``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Protocol

from bo_desktop import __version__
from bo_desktop.contract.reference import Currency, ReferenceDataset
from bo_desktop.contract.reports import ReportDefinition, ReportKind
from bo_desktop.core.api.client import ApiClient
from bo_desktop.core.api.errors import (
    ApiError,
    AuthError,
    Forbidden,
    NetworkError,
)

from .export import ExportJob
from .service import ReportRequest, ReportsService
from .workbook import AboutInfo, ExportCancelled, WriteResult

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_SIGN_IN = 3
EXIT_FORBIDDEN = 4
EXIT_UNREACHABLE = 5
EXIT_REJECTED = 6
EXIT_WRITE = 7
EXIT_TOTALS_DIFFER = 8
EXIT_INTERRUPTED = 130
EXIT_CODES = {
    EXIT_OK: "the workbook was written and its totals match the server's",
    EXIT_USAGE: "bad arguments",
    EXIT_SIGN_IN: "could not sign in (wrong password, no remembered session, session expired)",
    EXIT_FORBIDDEN: "the user may not run reports (reports.run)",
    EXIT_UNREACHABLE: "the server could not be reached",
    EXIT_REJECTED: "the server rejected the request or failed",
    EXIT_WRITE: "the file could not be written",
    EXIT_TOTALS_DIFFER: "written, but its totals differ from the server's",
    EXIT_INTERRUPTED: "interrupted; no file was left behind",
}
PASSWORD_ENV = "BO_PASSWORD"
USER_ENV = "BO_USER"
EMBEDDED_USER = "manager"
SHORTCUT_FILTERS = ("jurisdiction", "brand", "currency", "psp", "segment", "group_by")


class EmbeddedServer(Protocol):
    @property
    def url(self) -> str: ...
    @property
    def staff_password(self) -> str: ...
    def stop(self) -> None: ...


SandboxStarter = Callable[[int], EmbeddedServer]


class CliError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bo-desktop report",
        description="Export a report to an Excel workbook, without the window.",
        epilog="Exit codes: " + "; ".join(f"{code} {text}" for code, text in EXIT_CODES.items()),
    )
    parser.add_argument("kind", choices=[k.value for k in ReportKind], help="the report")
    parser.add_argument("--from", dest="first_day", type=date.fromisoformat, metavar="DATE",
                        help="first day (YYYY-MM-DD, UTC, inclusive)")  # fmt: skip
    parser.add_argument("--to", dest="last_day", type=date.fromisoformat, metavar="DATE",
                        help="last day (YYYY-MM-DD, UTC, inclusive)")  # fmt: skip
    parser.add_argument("--out", required=True, type=Path, metavar="FILE", help="the .xlsx to write")
    parser.add_argument("--server", metavar="URL", help="platform server (default: the embedded sandbox)")
    default_user = f"default ${USER_ENV}, or {EMBEDDED_USER} on the embedded sandbox"
    parser.add_argument("--user", metavar="U", help=f"staff username ({default_user})")
    for name in SHORTCUT_FILTERS:
        parser.add_argument(
            f"--{name.replace('_', '-')}", dest=f"filter_{name}", metavar="VALUE", help=f"{name} filter"
        )
    parser.add_argument("--filter", action="append", default=[], metavar="KEY=VALUE",
                        help="any other filter of the report (repeatable)")  # fmt: skip
    parser.add_argument("--players", type=int, default=300, help="players in the embedded sandbox")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    return parser


@dataclass
class Options:
    request: ReportRequest
    out: Path
    server: str | None
    user: str | None
    players: int
    quiet: bool


def parse(argv: Sequence[str]) -> Options:
    args = build_parser().parse_args(argv)
    filters = {name: getattr(args, f"filter_{name}") for name in SHORTCUT_FILTERS}
    for item in args.filter:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise CliError(EXIT_USAGE, f"--filter {item!r}: expected KEY=VALUE")
        filters[key.strip()] = value.strip()
    if args.first_day and args.last_day and args.last_day < args.first_day:
        raise CliError(EXIT_USAGE, "--to is before --from")
    out: Path = args.out.expanduser().resolve()
    if out.suffix.lower() != ".xlsx":
        raise CliError(EXIT_USAGE, f"{out.name}: the output must be an .xlsx file")
    if not out.parent.is_dir():
        raise CliError(EXIT_USAGE, f"{out.parent}: no such folder")
    request = ReportRequest(
        ReportKind(args.kind), args.first_day, args.last_day, {k: v for k, v in filters.items() if v}
    )
    user = args.user or os.environ.get(USER_ENV)
    return Options(request, out, args.server, user, args.players, args.quiet)


async def _sign_in(api: ApiClient, server: str, user: str, password: str | None) -> None:
    if password:
        await api.login(user, password)
        return
    # Imported only here: the keyring probe costs time and is useless with BO_PASSWORD.
    from bo_desktop.core.credentials import CredentialStore

    store = CredentialStore()
    token = store.load_refresh_token(server, user)
    if not token:
        raise CliError(EXIT_SIGN_IN, f"no password: set {PASSWORD_ENV}, or sign in once in the app as "
                       f"{user} with 'remember me'")  # fmt: skip

    # The server rotates the token on use: keep the keyring in step, or the app's next start
    # would present a spent token and the server would revoke the whole session.
    def keep(new: str | None) -> None:
        if new:
            store.save_refresh_token(server, user, new)

    api.on_refresh_token_changed = keep
    await api.resume(token)


def _about(definition: ReportDefinition, request: ReportRequest, api: ApiClient, server: str) -> AboutInfo:
    me = api.me
    labels = {f.key: f for f in definition.filters}
    filters = []
    for key, value in request.filters.items():
        spec = labels.get(key)
        choice = next((c.label for c in spec.choices if c.value == value), value) if spec else value
        filters.append((spec.title if spec else key, choice))
    return AboutInfo(
        report_title=definition.title,
        kind=definition.kind.value,
        period=request.period_text(definition),
        filters=filters or [("Filters", "none")],
        generated_by=f"{me.display_name} ({me.username})" if me else "",
        server=server,
        app_version=__version__,
        notes=definition.notes,
    )


async def _minor_units(api: ApiClient) -> dict[str, int]:
    currencies, _etag = await api.reference(ReferenceDataset.CURRENCIES, None)
    items = currencies.items if currencies else []
    return {c.code: c.minor_units for c in (Currency.model_validate(i) for i in items)}


async def export(options: Options, server: str, password: str | None, user: str) -> WriteResult:
    api = ApiClient(server, user_agent=f"bo-desktop/{__version__} report")
    try:
        await _sign_in(api, server, user, password)
        service = ReportsService(api)
        definition = await service.definition(options.request.kind)
        # A period reaching into today ends now: rows arriving during the export stay out.
        request = options.request.frozen_at(datetime.now(UTC))
        job = ExportJob(
            service,
            request,
            options.out,
            _about(definition, request, api, server),
            minor_units=await _minor_units(api),
            on_progress=None if options.quiet else _progress,
        )
        return await job.run()
    finally:
        await api.aclose()


def _progress(rows: int, expected: int | None) -> None:
    if sys.stderr.isatty():
        print(f"\r{rows:,} / {expected or 0:,} rows", end="", file=sys.stderr, flush=True)


def run_report_command(argv: Sequence[str], *, start_sandbox: SandboxStarter | None = None) -> int:
    """The ``report`` sub-command; returns the exit code (messages on stdout/stderr)."""
    try:
        options = parse(argv)
    except CliError as exc:
        print(f"bo-desktop report: {exc}", file=sys.stderr)
        return exc.code
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2), already printed
        return int(exc.code or 0)
    sandbox: EmbeddedServer | None = None
    try:
        if options.server:
            server, user = options.server, options.user
            if not user:
                raise CliError(EXIT_USAGE, f"--user (or ${USER_ENV}) is required with --server")
            password = os.environ.get(PASSWORD_ENV) or None
        else:
            if start_sandbox is None:
                raise CliError(EXIT_USAGE, "no embedded sandbox in this build: pass --server")
            print("Starting the embedded sandbox platform…", file=sys.stderr, flush=True)
            sandbox = start_sandbox(options.players)
            server, user = sandbox.url, options.user or EMBEDDED_USER
            password = os.environ.get(PASSWORD_ENV) or sandbox.staff_password
        result = asyncio.run(export(options, server, password, user))
    except KeyboardInterrupt:
        print("\nbo-desktop report: interrupted; no file was written.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except CliError as exc:
        print(f"bo-desktop report: {exc}", file=sys.stderr)
        return exc.code
    except ApiError as exc:
        code = _exit_code(exc)
        print(f"bo-desktop report: {exc.user_message} (no file was written)", file=sys.stderr)
        return code
    except ExportCancelled:
        print("bo-desktop report: cancelled; no file was written.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as exc:
        print(f"bo-desktop report: could not write {options.out}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_WRITE
    finally:
        if sandbox is not None:
            sandbox.stop()
    return _summary(result, options)


def _exit_code(exc: ApiError) -> int:
    if isinstance(exc, AuthError):
        return EXIT_SIGN_IN
    if isinstance(exc, Forbidden):
        return EXIT_FORBIDDEN
    if isinstance(exc, NetworkError):
        return EXIT_UNREACHABLE
    return EXIT_REJECTED  # 422 (a filter the server does not know), 5xx, ...


def _summary(result: WriteResult, options: Options) -> int:
    if not options.quiet and sys.stderr.isatty():
        print(file=sys.stderr)
    if result.totals_differences:
        print(f"bo-desktop report: wrote {result.rows:,} rows to {result.path}, but its totals differ "
              f"from the server's: {'; '.join(result.totals_differences)}", file=sys.stderr)  # fmt: skip
        return EXIT_TOTALS_DIFFER
    print(f"Wrote {result.rows:,} rows to {result.path} (totals match the server; SHA-256 {result.checksum})")
    return EXIT_OK
