"""Start the built bundle against its embedded sandbox and check that it really works.

    .venv/bin/python packaging/smoke_test.py [dist/bo-desktop/bo-desktop] [--expect-version 0.1.0]

Runs the executable with ``--sandbox`` on Qt's offscreen platform in throwaway settings, cache
and log directories, with ``BO_DESKTOP_SMOKE_TEST=data``: the app signs in as the sandbox demo
user, waits until a dock shows rows from the platform, prints one line and quits. Passes when
the main window appeared (it opens only once the sign-in succeeded), a dock showed data, the
process exited 0 within the timeout, stderr holds nothing but Qt's known offscreen notice, and
the log has the start-up version line and no traceback. Prints one line per check and the timings.
Uses only the standard library: it runs wherever the bundle does, without the venv.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_EXECUTABLE = Path(__file__).resolve().parent.parent / "dist" / "bo-desktop" / "bo-desktop"
# Markers printed by the app in smoke-test mode (bo_desktop/app.py, bo_desktop/shell/smoke.py).
WINDOW_MARKER = "BO_DESKTOP_MAIN_WINDOW_SHOWN"
OK_MARKER = "BO_DESKTOP_SMOKE_OK"
# Qt's offscreen platform prints this for every top-level window: harmless, not ours.
HARMLESS_STDERR = ("This plugin does not support propagateSizeHints()",)


def smoke_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "QT_", "XDG_"))}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        LANG=os.environ.get("LANG") or "C.UTF-8",
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_STATE_HOME=str(home / "state"),
        XDG_DATA_HOME=str(home / "data"),
        BO_DESKTOP_SMOKE_TEST="data",
        # Like a headless workstation: no keyring. The app must say so and carry on.
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
    )
    return env


def _marker_time(stdout: str, marker: str) -> float | None:
    for line in stdout.splitlines():
        if line.startswith(marker + " "):
            return float(line.split()[1])
    return None


def run_smoke_test(executable: Path, *, expect_version: str | None = None, timeout: float = 180) -> list[str]:
    """Run the bundle once; returns the failures (empty: it passed). Prints what it saw."""
    if not os.access(executable, os.X_OK):
        return [f"{executable} is not an executable: build it with `bash scripts/build-bundle`"]
    with tempfile.TemporaryDirectory(prefix="bo-smoke-") as tmp:
        home = Path(tmp)
        started = time.time()
        try:
            result = subprocess.run(
                [str(executable), "--sandbox", "--players", "100"],
                env=smoke_env(home),
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired as exc:
            return [f"no clean exit within {timeout:.0f} s; stderr:\n{exc.stderr or ''}"]
        elapsed = time.time() - started
        log_text = "".join(p.read_text(errors="replace") for p in sorted((home / "state").rglob("*.log")))

    failures: list[str] = []
    stdout, stderr = result.stdout, result.stderr
    ok_line = next((line for line in stdout.splitlines() if line.startswith(OK_MARKER)), None)
    window_at = _marker_time(stdout, WINDOW_MARKER)
    unexpected = [line for line in stderr.splitlines() if line.strip() and line not in HARMLESS_STDERR]
    checks = [
        ("exit status 0", result.returncode == 0, f"exit status {result.returncode}"),
        # The main window opens only after the sign-in succeeded.
        ("demo login worked, main window shown", window_at is not None, f"no {WINDOW_MARKER} line"),
        ("a dock showed data", ok_line is not None, f"no {OK_MARKER} line"),
        ("stderr clean", not unexpected, "stderr:\n" + "\n".join(unexpected)),
        ("log has the version line", " starting (" in log_text, "no start-up line in the log"),
        ("log has no traceback", "Traceback" not in log_text, "traceback in the log:\n" + log_text[-3000:]),
    ]
    if expect_version is not None:
        seen = f"version={expect_version} "
        checks.append(("version", ok_line is not None and seen in ok_line + " ", f"expected {seen!r}"))
    for name, passed, why in checks:
        print(f"smoke: {'ok  ' if passed else 'FAIL'} {name}" + ("" if passed else f": {why}"))
        if not passed:
            failures.append(f"{name}: {why}")
    if ok_line:
        print(f"smoke: {ok_line}")
    if window_at is not None:
        print(f"smoke: main window after {window_at - started:.1f} s, exited after {elapsed:.1f} s")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("executable", nargs="?", type=Path, default=DEFAULT_EXECUTABLE)
    parser.add_argument("--expect-version", help="fail unless the bundle reports this version")
    parser.add_argument("--timeout", type=float, default=180, help="seconds (default 180)")
    args = parser.parse_args()
    failures = run_smoke_test(args.executable, expect_version=args.expect_version, timeout=args.timeout)
    print("smoke: PASSED" if not failures else f"smoke: FAILED ({len(failures)} check(s))")
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
