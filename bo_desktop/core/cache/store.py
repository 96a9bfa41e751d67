"""Synchronous SQLite storage of the reference cache. Every method runs in a worker thread.

Writes use SQLite's ``INSERT ... ON CONFLICT DO UPDATE`` through one executemany per dataset, in
a single transaction for a whole sync: a 50k-row dataset is one round of C-level inserts instead
of 50k ORM objects (see tests/bench/bench_reference_sync.py). The upsert's ``WHERE`` skips rows
whose payload did not change, so a sync that changes one game rewrites one row.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Connection, Engine, create_engine, delete, event, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.pool import ConnectionPoolEntry

from bo_desktop.contract.reference import ReferenceDataset

from .models import SCHEMA_VERSION, Base, CacheMetaRow, ReferenceItemRow, SyncStateRow

log = logging.getLogger(__name__)

_DELETE_CHUNK = 500  # keys per DELETE ... IN (...): stays under SQLite's bound-parameter limit


@dataclass(slots=True)
class StoredDataset:
    """One dataset as stored: raw payloads by key, plus its sync state.

    For a write, ``items`` may hold only the new or changed items when ``keys`` lists every key
    the dataset now has (rows with other keys are deleted); with ``keys`` None, ``items`` is the
    whole dataset.
    """

    dataset: ReferenceDataset
    etag: str | None
    revision: int
    synced_at: datetime | None
    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    keys: frozenset[str] | None = None

    @property
    def all_keys(self) -> frozenset[str] | set[str]:
        """Every key of the dataset after this write."""
        return self.keys if self.keys is not None else set(self.items)


def _sqlite_pragmas(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    # WAL: the UI's offline start can read while a sync writes. synchronous=NORMAL is durable
    # enough for a cache (a power cut loses at most the last sync, which simply runs again).
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Two app windows on the same server share the file; wait for the other writer.
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


class CacheStore:
    """The cache file of one server. Not thread-safe by itself: callers serialize writes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise RuntimeError("CacheStore.open() was not called")
        return self._engine

    def open(self) -> None:
        """Create or open the file; a corrupt or outdated cache is discarded and rebuilt."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._engine = self._connect()
        except DatabaseError as exc:
            # Only a damaged file is thrown away. OperationalError (locked by another window,
            # disk full, read-only) is a DatabaseError too, and deleting then would lose a good
            # cache or pull the file from under its other user.
            if isinstance(exc, OperationalError) or not isinstance(exc.orig, sqlite3.DatabaseError):
                raise
            log.warning("reference cache %s is unreadable (%s); rebuilding it", self.path.name, exc.orig)
            self._discard_files()
            self._engine = self._connect()

    def _connect(self) -> Engine:
        # URL.create: a path with "?" or "#" (a user name, a synced folder) stays a path.
        engine = create_engine(URL.create("sqlite", database=str(self.path)))
        event.listen(engine, "connect", _sqlite_pragmas)
        try:
            with engine.begin() as conn:
                Base.metadata.create_all(conn)
                version = conn.execute(select(CacheMetaRow.schema_version)).scalar_one_or_none()
                if version != SCHEMA_VERSION:
                    if version is not None:
                        log.info("reference cache schema %s -> %s: rebuilding", version, SCHEMA_VERSION)
                    Base.metadata.drop_all(conn)
                    Base.metadata.create_all(conn)
                    conn.execute(sqlite_insert(CacheMetaRow).values(id=1, schema_version=SCHEMA_VERSION))
        except BaseException:
            engine.dispose()
            raise
        return engine

    def _discard_files(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def close(self) -> None:
        """Release the connections (and with them SQLite's WAL files)."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def load(self) -> dict[ReferenceDataset, StoredDataset]:
        """Everything in the file, by dataset; unknown dataset names (an older app) are skipped."""
        stored: dict[ReferenceDataset, StoredDataset] = {}
        with self.engine.connect() as conn:
            states = conn.execute(
                select(SyncStateRow.dataset, SyncStateRow.etag, SyncStateRow.revision, SyncStateRow.synced_at)
            )
            for name, etag, revision, synced_at in states:
                dataset = _dataset_or_none(name)
                if dataset is not None:
                    stored[dataset] = StoredDataset(dataset, etag, revision, synced_at)
            rows = conn.execute(
                select(ReferenceItemRow.dataset, ReferenceItemRow.key, ReferenceItemRow.payload)
            )
            for name, key, payload in rows:
                dataset = _dataset_or_none(name)
                if dataset is not None and dataset in stored:
                    stored[dataset].items[key] = payload
        return stored

    def apply(
        self,
        changed: Sequence[StoredDataset],
        verified: Iterable[ReferenceDataset],
        synced_at: datetime,
    ) -> int:
        """Write changed datasets and stamp verified (304) ones, in ONE transaction.

        Returns the number of item rows inserted, updated or deleted.
        """
        names = [str(d) for d in verified]
        item_changes = 0
        with self.engine.begin() as conn:
            for data in changed:
                # The state row first: a write as the transaction's first statement makes SQLite
                # take the write lock up front (waiting on busy_timeout if another window is
                # syncing) instead of failing when a read snapshot turns out stale.
                self._upsert_state(conn, data, synced_at)
                item_changes += self._replace_items(conn, data)
            if names:
                conn.execute(
                    update(SyncStateRow).where(SyncStateRow.dataset.in_(names)).values(synced_at=synced_at)
                )
        return item_changes

    def _replace_items(self, conn: Connection, data: StoredDataset) -> int:
        before = _total_changes(conn)
        if data.items:
            # Executed on a Connection, insert(Model) is plain Core: no ORM objects per row.
            stmt = sqlite_insert(ReferenceItemRow)
            stmt = stmt.on_conflict_do_update(
                index_elements=[ReferenceItemRow.dataset, ReferenceItemRow.key],
                set_={"payload": stmt.excluded.payload, "revision": stmt.excluded.revision},
                # Unchanged rows are left alone: no page writes, and their revision keeps telling
                # when the item last changed.
                where=ReferenceItemRow.payload.is_distinct_from(stmt.excluded.payload),
            )
            rows = [
                {"dataset": str(data.dataset), "key": key, "payload": payload, "revision": data.revision}
                for key, payload in data.items.items()
            ]
            conn.execute(stmt, rows)
        existing = set(
            conn.execute(
                select(ReferenceItemRow.key).where(ReferenceItemRow.dataset == data.dataset)
            ).scalars()
        )
        stale = sorted(existing - data.all_keys)
        for start in range(0, len(stale), _DELETE_CHUNK):
            conn.execute(
                delete(ReferenceItemRow).where(
                    ReferenceItemRow.dataset == data.dataset,
                    ReferenceItemRow.key.in_(stale[start : start + _DELETE_CHUNK]),
                )
            )
        return _total_changes(conn) - before

    def _upsert_state(self, conn: Connection, data: StoredDataset, synced_at: datetime) -> None:
        values = {"dataset": str(data.dataset), "etag": data.etag, "revision": data.revision}
        stmt = sqlite_insert(SyncStateRow).values(**values, synced_at=synced_at)
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[SyncStateRow.dataset],
                set_={"etag": data.etag, "revision": data.revision, "synced_at": stmt.excluded.synced_at},
            )
        )


def _total_changes(conn: Connection) -> int:
    # SQLite's own counter of rows inserted/updated/deleted on this connection: the honest
    # answer to "what did this sync rewrite" (executemany's rowcount is not reliable).
    return int(conn.exec_driver_sql("SELECT total_changes()").scalar_one())


def _dataset_or_none(name: str) -> ReferenceDataset | None:
    try:
        return ReferenceDataset(name)
    except ValueError:
        return None
