"""Comment drafts that survive anything: server down, a 412, a crash, an app restart.

A handler may spend ten minutes on a careful reply; losing it to a network error is the failure
this module exists to prevent. Every edit is saved (debounced by the ticket view) to a small JSON
file in the user data directory, one file per server and user, written atomically (temp file +
``os.replace``) in a worker thread. A draft is removed only after the server confirmed the
comment. Drafts are not secret (they are what the handler would send) and never hold tokens.

A draft also remembers the Idempotency-Key of a send in progress: if the app dies after the
server stored the comment but before the answer arrived, sending the restored draft again reuses
that key and the server replays the stored comment instead of posting it twice. Editing the
text after a failed send starts a new intent (a new key).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import platformdirs

from bo_desktop import APP_NAME, ORG_NAME
from bo_desktop.core.settings import normalize_url
from bo_desktop.core.workers import run_in_worker

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Draft:
    text: str
    internal: bool = True
    send_key: str | None = None  # Idempotency-Key of a send that may have reached the server
    saved_at: str = ""


def drafts_path(server_url: str, username: str, base: Path | None = None) -> Path:
    root = base or Path(platformdirs.user_data_dir(APP_NAME, ORG_NAME))
    scope = hashlib.sha256(f"{normalize_url(server_url)}\n{username.lower()}".encode()).hexdigest()[:16]
    return root / "dispute-drafts" / f"{scope}.json"


class DraftStore:
    """Drafts by dispute id. ``load``/``save``/``discard`` are async and do their I/O in a worker."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()  # one writer at a time; the dict is the source of truth
        self._drafts: dict[str, Draft] | None = None

    def _read(self) -> dict[str, Draft]:
        if self._drafts is None:
            try:
                raw = json.loads(self.path.read_text(encoding="utf-8"))
                self._drafts = {k: Draft(**v) for k, v in raw.items() if isinstance(v, dict)}
            except FileNotFoundError:
                self._drafts = {}
            except (OSError, ValueError, TypeError):
                # A damaged file must not stop the handler from working; keep it for support.
                log.exception("dispute drafts unreadable; starting empty (file kept as .bad)")
                self.path.replace(self.path.with_suffix(".bad"))
                self._drafts = {}
        return self._drafts

    def _write(self) -> None:
        assert self._drafts is not None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        data = {k: asdict(v) for k, v in self._drafts.items()}
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, self.path)

    def _get(self, dispute_id: str) -> Draft | None:
        with self._lock:
            return self._read().get(dispute_id)

    def _put(self, dispute_id: str, draft: Draft) -> None:
        with self._lock:
            drafts = self._read()
            if drafts.get(dispute_id) == draft:
                return
            drafts[dispute_id] = draft
            self._write()

    def _remove(self, dispute_id: str) -> None:
        with self._lock:
            if self._read().pop(dispute_id, None) is not None:
                self._write()

    def _ids(self) -> list[str]:
        with self._lock:
            return sorted(self._read())

    async def load(self, dispute_id: str) -> Draft | None:
        return await run_in_worker(self._get, dispute_id)

    async def save(self, dispute_id: str, text: str, internal: bool, send_key: str | None = None) -> Draft:
        draft = Draft(text, internal, send_key, datetime.now(UTC).isoformat(timespec="seconds"))
        await run_in_worker(self._put, dispute_id, draft)
        return draft

    async def discard(self, dispute_id: str) -> None:
        await run_in_worker(self._remove, dispute_id)

    def save_now(self, dispute_id: str, text: str, internal: bool) -> None:
        """Save (or, for blank text, discard) at once on the calling thread.

        Only for the moment the composer goes away (window closed, signed out, session lost):
        a worker task started then would be cancelled with the window's tasks before it ran.
        One small JSON file: a few milliseconds.
        """
        if text.strip():
            saved_at = datetime.now(UTC).isoformat(timespec="seconds")
            self._put(dispute_id, Draft(text, internal, None, saved_at))
        else:
            self._remove(dispute_id)

    async def ids(self) -> list[str]:
        """Tickets with an unsent draft (the inbox marks them)."""
        return await run_in_worker(self._ids)
