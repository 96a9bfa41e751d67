"""Logging to a rotating file in the user log dir, with secrets scrubbed on the way out.

Secrets should never reach a log record in the first place; the scrubber is the safety net for
the day one does (an exception message quoting a request body, a URL with a token in it). It
removes two kinds of thing: values registered at runtime (the password just typed, the current
tokens) and anything that *looks* like a credential (``Bearer …``, ``"refresh_token": "…"``).
The same scrubber cleans the error dialog's details.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
import threading
from pathlib import Path

import platformdirs

from bo_desktop import APP_NAME, ORG_NAME

_PATTERNS = [
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"),
    re.compile(
        r"""(?ix)
        (["']?(?:password|passwd|access_token|refresh_token|token|secret|authorization)["']?
        \s*[:=]\s*["']?)
        [^"'\s,}&]+
        """
    ),
]
REDACTED = "***"


class SecretScrubber:
    """Replaces known secrets and credential-shaped substrings with ``***``. Thread-safe."""

    def __init__(self) -> None:
        self._secrets: set[str] = set()
        self._lock = threading.Lock()

    def add_secret(self, value: str | None) -> None:
        # Very short values would redact random words ("a", "12"); our secrets are long.
        if value and len(value) >= 4:
            with self._lock:
                self._secrets.add(value)

    def scrub(self, text: str) -> str:
        with self._lock:
            secrets = sorted(self._secrets, key=len, reverse=True)
        for secret in secrets:
            text = text.replace(secret, REDACTED)
        for pattern in _PATTERNS:
            text = pattern.sub(lambda m: m.group(1) + REDACTED, text)
        return text


SCRUBBER = SecretScrubber()


class _ScrubbingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        # Formatting (message + traceback) happens first, so exception text is scrubbed too.
        return SCRUBBER.scrub(super().format(record))


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, ORG_NAME))


def setup_logging(level: int = logging.INFO, directory: Path | None = None) -> Path:
    """Send the root logger to ``bo-desktop.log`` (5 × 1 MB, rotating); returns the file path."""
    directory = directory or log_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "bo-desktop.log"
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_bo_desktop", False):
            root.removeHandler(handler)
            handler.close()
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=1_000_000, backupCount=5, encoding="utf-8", delay=True
    )
    handler._bo_desktop = True  # type: ignore[attr-defined]
    handler.setFormatter(_ScrubbingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)
    # httpx logs every request URL at INFO; useful, but not at the cost of a chatty log.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    return path


def shutdown_logging() -> None:
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_bo_desktop", False):
            root.removeHandler(handler)
            handler.close()
