"""``python -m bo_desktop --sandbox`` end to end in a fresh interpreter: starts, signs in, shows
the main window, quits by itself, and exits cleanly (exit code 0, nothing on stderr)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# The one line Qt's offscreen platform prints on every top-level window: harmless, not ours.
HARMLESS_STDERR = ("This plugin does not support propagateSizeHints()",)


# Python's default warning filters, as a user runs it. Known issue (reported to core/api): on a
# loaded machine, requests that time out or are cancelled leave their httpx connections outside
# the pool, and under ``-W default`` they surface at exit as "unclosed transport" ResourceWarnings.
def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        BO_DESKTOP_SMOKE_TEST="1",
        # Like a headless machine: no keyring. The app must handle it quietly.
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
    )
    return env


@pytest.mark.timeout(180)
def test_sandbox_start_sign_in_show_and_quit_cleanly(tmp_path: Path):
    result = subprocess.run(
        [sys.executable, "-m", "bo_desktop", "--sandbox", "--players", "100"],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=170,
    )
    stderr = [line for line in result.stderr.splitlines() if line.strip() and line not in HARMLESS_STDERR]
    assert result.returncode == 0, result.stderr
    assert stderr == [], "\n".join(stderr)
    assert "BO_DESKTOP_MAIN_WINDOW_SHOWN" in result.stdout
    log_files = list((tmp_path / "state").rglob("*.log"))
    assert log_files, "the app writes a log file in the user log dir"
    assert "Traceback" not in "".join(p.read_text() for p in log_files)


def test_help_is_instant_and_lists_the_options():
    result = subprocess.run(
        [sys.executable, "-m", "bo_desktop", "--help"], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0
    for option in ("--sandbox", "--server", "--players", "--reset-layout"):
        assert option in result.stdout
    assert "--smoke-test" not in result.stdout


@pytest.mark.timeout(180)
def test_ctrl_c_shuts_down_cleanly(tmp_path: Path):
    import signal
    import time

    env = _env(tmp_path)
    env["BO_DESKTOP_SMOKE_TEST"] = "stay"
    proc = subprocess.Popen(
        [sys.executable, "-m", "bo_desktop", "--sandbox", "--players", "100"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 150
        for line in proc.stdout:
            if line.startswith("BO_DESKTOP_MAIN_WINDOW_SHOWN") or time.monotonic() > deadline:
                break
        proc.send_signal(signal.SIGINT)  # what Ctrl+C in the terminal does
        _out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    stderr = [line for line in err.splitlines() if line.strip() and line not in HARMLESS_STDERR]
    assert proc.returncode == 0, err
    assert stderr == [], "\n".join(stderr)
