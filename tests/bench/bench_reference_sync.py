"""Reference sync of 50k rows: the cache's bulk upsert vs an ORM add-per-row baseline, and its
incremental re-sync vs resending every row.

Run on demand: ``.venv/bin/pytest tests/bench -m bench -s -k reference_sync`` (or with
``BO_BENCH=1``); tests/bench/conftest.py collects ``bench_*.py`` and skips them otherwise.
Each pair runs on the same data in the same run, into SQLite files with the same pragmas (WAL);
the ratios are what to compare across machines.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from bo_desktop.contract.reference import ReferenceDataset, ReferenceList
from bo_desktop.core.cache.models import ReferenceItemRow, SyncStateRow
from bo_desktop.core.cache.snapshot import store_and_build
from bo_desktop.core.cache.store import CacheStore, StoredDataset

pytestmark = pytest.mark.bench

ROWS = 50_000
NOW = datetime(2026, 11, 25, tzinfo=UTC)


def synthetic_games(revision: int = 1) -> StoredDataset:
    items: dict[str, dict[str, Any]] = {}
    for n in range(ROWS):
        key = f"prov{n % 40}-game-{n}"
        items[key] = {
            "id": key,
            "name": f"Game {n} Deluxe",
            "provider": f"prov{n % 40}",
            "category": ("slots", "live_casino", "table", "jackpot")[n % 4],
            "rtp": 94.0 + (n % 50) / 10,
        }
    return StoredDataset(ReferenceDataset.GAMES, f'W/"{revision}"', revision, NOW, items)


def orm_add_per_row(store: CacheStore, data: StoredDataset) -> None:
    """The naive way: one ORM object per row, one transaction."""
    with Session(store.engine) as session, session.begin():
        for key, payload in data.items.items():
            session.add(
                ReferenceItemRow(dataset=str(data.dataset), key=key, payload=payload, revision=data.revision)
            )
        session.add(
            SyncStateRow(dataset=str(data.dataset), etag=data.etag, revision=data.revision, synced_at=NOW)
        )


def timed(fn: Any, *args: Any) -> float:
    started = time.perf_counter()
    fn(*args)
    return time.perf_counter() - started


def test_bulk_upsert_vs_orm_add_per_row(tmp_path: Path) -> None:
    data = synthetic_games()

    baseline_store = CacheStore(tmp_path / "baseline.db")
    baseline_store.open()
    baseline = timed(orm_add_per_row, baseline_store, data)
    baseline_store.close()

    store = CacheStore(tmp_path / "bulk.db")
    store.open()
    bulk = timed(store.apply, [data], [], NOW)
    assert len(store.load()[ReferenceDataset.GAMES].items) == ROWS
    store.close()
    print(
        f"\nreference sync, {ROWS:,} rows into a fresh SQLite file (one transaction each):"
        f"\n  ORM add per row (baseline):  {baseline:6.3f} s"
        f"\n  bulk upsert (executemany):   {bulk:6.3f} s   -> {baseline / bulk:4.1f}x faster"
    )
    assert bulk < baseline


def as_reference_list(data: StoredDataset) -> ReferenceList:
    return ReferenceList(dataset=data.dataset, revision=data.revision, items=list(data.items.values()))


def test_incremental_resync_vs_resending_every_row(tmp_path: Path) -> None:
    """The common later sync: the server says the dataset changed, 100 of 50k items did."""
    first = synthetic_games()
    touched = dict(first.items)
    for key in list(touched)[:100]:
        touched[key] = {**touched[key], "rtp": 90.0}
    second = StoredDataset(first.dataset, 'W/"2"', 2, NOW, touched)

    # Baseline: every row goes to SQLite again, which compares and rewrites the changed ones.
    naive_store = CacheStore(tmp_path / "naive.db")
    naive_store.open()
    naive_store.apply([first], [], NOW)
    naive = timed(naive_store.apply, [second], [], NOW)
    naive_store.close()

    # The cache's path: digests against the previous snapshot, only changed rows written and
    # re-validated (parsing included here, which the baseline does not even do).
    store = CacheStore(tmp_path / "incremental.db")
    store.open()
    _, previous = store_and_build(store, [(first.dataset, as_reference_list(first), first.etag)], [], NOW, {})
    body = as_reference_list(second)  # parsed by the API client before the cache sees it
    started = time.perf_counter()
    written, built = store_and_build(store, [(second.dataset, body, second.etag)], [], NOW, previous)
    incremental = time.perf_counter() - started
    store.close()

    assert written == 100
    assert len(built[ReferenceDataset.GAMES].by_key) == ROWS
    print(
        f"\nreference re-sync, {ROWS:,} rows of which 100 changed:"
        f"\n  resend every row (baseline): {naive:6.3f} s"
        f"\n  digest diff + parse:         {incremental:6.3f} s   -> {naive / incremental:4.1f}x faster"
    )
