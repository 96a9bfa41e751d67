"""Reference sync of 50k rows: the cache's bulk upsert vs an ORM add-per-row baseline.

Run on demand: ``.venv/bin/pytest tests/bench -m bench -s -k reference_sync`` (or with
``BO_BENCH=1``); tests/bench/conftest.py collects ``bench_*.py`` and skips them otherwise.
Both variants write the same 50k game rows into a fresh SQLite file (WAL, same pragmas) in one
transaction, in the same run; the ratio is what to compare across machines.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from bo_desktop.contract.reference import ReferenceDataset
from bo_desktop.core.cache.models import ReferenceItemRow, SyncStateRow
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
    # The common case after the first sync: the dataset changed a little, most rows are equal.
    touched = dict(data.items)
    for key in list(touched)[:100]:
        touched[key] = {**touched[key], "rtp": 90.0}
    delta = StoredDataset(data.dataset, 'W/"2"', 2, NOW, touched)
    started = time.perf_counter()
    rewritten = store.apply([delta], [], NOW)
    resync = time.perf_counter() - started
    loaded = store.load()[ReferenceDataset.GAMES]
    store.close()

    assert len(loaded.items) == ROWS
    assert rewritten == 100
    print(
        f"\nreference sync, {ROWS:,} rows into a fresh SQLite file:"
        f"\n  ORM add per row (baseline): {baseline:6.3f} s"
        f"\n  bulk upsert (executemany):  {bulk:6.3f} s   -> {baseline / bulk:4.1f}x faster"
        f"\n  re-sync, 100 rows changed:  {resync:6.3f} s   ({rewritten} rows rewritten)"
    )
    assert bulk < baseline
