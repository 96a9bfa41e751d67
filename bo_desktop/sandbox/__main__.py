"""``python -m bo_desktop.sandbox``: run the sandbox platform until Ctrl+C.

python -m bo_desktop.sandbox --port 8765 --seed 42 --players 20000
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from bo_desktop.contract.chaos import ChaosConfig

from .config import DEMO_STAFF_PASSWORD, SandboxConfig
from .reference_data import DEMO_STAFF
from .server import SandboxError, SandboxServer


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bo_desktop.sandbox",
        description="The bo-desktop sandbox platform: API v1 with synthetic casino data.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port (default 8765)")
    parser.add_argument("--allow-remote", action="store_true", help="allow a non-loopback --host")
    parser.add_argument("--database-url", help="any SQLAlchemy URL (default: SQLite in the user data dir)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--players", type=int, default=SandboxConfig.players)
    parser.add_argument("--reset", action="store_true", help="drop the stored data and seed again")
    parser.add_argument("--staff-password", default=DEMO_STAFF_PASSWORD)
    parser.add_argument("--no-simulator", action="store_true", help="no live activity")
    parser.add_argument("--simulator-rate", type=float, default=1.0, help="activity multiplier (default 1)")
    parser.add_argument("--access-token-ttl", type=int, default=SandboxConfig.access_token_ttl, metavar="S")
    parser.add_argument(
        "--payout-delay",
        type=float,
        default=SandboxConfig.payout_delay_seconds,
        metavar="S",
        help=f"seconds from approval to the PSP's answer (default {SandboxConfig.payout_delay_seconds:g})",
    )
    chaos = parser.add_argument_group("fault injection")
    chaos.add_argument("--latency-ms", type=int, default=0)
    chaos.add_argument("--error-rate-before-commit", type=float, default=0.0, metavar="RATE")
    chaos.add_argument("--error-rate-after-commit", type=float, default=0.0, metavar="RATE")
    chaos.add_argument("--drop-rate", type=float, default=0.0, metavar="RATE")
    chaos.add_argument("--rate-limit-rate", type=float, default=0.0, metavar="RATE")
    chaos.add_argument("--sse-disconnect-every", type=int, default=0, metavar="N")
    chaos.add_argument("--psp-outage", action="append", default=[], metavar="PSP", help="repeatable")
    parser.add_argument("-v", "--verbose", action="store_true", help="log requests and simulator activity")
    return parser


def config_from_args(args: argparse.Namespace) -> SandboxConfig:
    chaos = ChaosConfig(
        latency_ms=args.latency_ms,
        error_rate_before_commit=args.error_rate_before_commit,
        error_rate_after_commit=args.error_rate_after_commit,
        drop_rate=args.drop_rate,
        rate_limit_rate=args.rate_limit_rate,
        sse_disconnect_every=args.sse_disconnect_every,
        psp_outage=args.psp_outage,
    )
    return SandboxConfig(
        host=args.host,
        port=args.port,
        allow_remote=args.allow_remote,
        database_url=args.database_url,
        seed=args.seed,
        players=args.players,
        reset=args.reset,
        staff_password=args.staff_password,
        access_token_ttl=args.access_token_ttl,
        simulator=not args.no_simulator,
        simulator_rate=args.simulator_rate,
        payout_delay_seconds=args.payout_delay,
        chaos=chaos,
    )


def _print_progress(stage: str, fraction: float) -> None:
    # One line rewritten in place; the final "done" ends it.
    end = "\n" if stage == "done" else ""
    print(f"\rSeeding: {stage:<8} {fraction:6.1%}", end=end, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s"
    )
    try:
        config = config_from_args(args)
    except ValueError as exc:  # pydantic validation of the chaos flags
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        server = SandboxServer(
            config, progress=_print_progress, log_level="info" if args.verbose else "warning"
        )
    except SandboxError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        server.start()
    except SandboxError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        summary = server.seed_summary
        if summary is not None:
            print(f"Seeded {summary.players:,} players (seed {summary.seed}) in {summary.seconds:.1f} s")
        print(f"Sandbox platform running at {server.url}  (API: {server.api_url})")
        print(f"Demo staff (password {config.staff_password!r}, sandbox only):")
        for staff in DEMO_STAFF:
            print(f"  {staff.username:<11} {staff.role.value:<11} {staff.display_name}")
        print("Press Ctrl+C to stop.", flush=True)
        while not stop.wait(0.5):
            if not server.running:
                print("error: the web server stopped unexpectedly", file=sys.stderr)
                return 1
    finally:
        print("Stopping...", flush=True)
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
