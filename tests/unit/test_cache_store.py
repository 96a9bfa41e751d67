"""The reference cache's storage and its offline start, on temporary SQLite files."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from bo_desktop.contract.reference import Currency, ReasonCode, ReferenceDataset, StaffMember
from bo_desktop.core.cache import ReferenceCache, reason_code_key
from bo_desktop.core.cache.keys import item_key
from bo_desktop.core.cache.store import CacheStore, StoredDataset
from bo_desktop.core.workers import shutdown_workers
from bo_desktop.sandbox.reference_data import dataset_items

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _stop_workers() -> object:
    yield
    shutdown_workers()


def full_dataset(dataset: ReferenceDataset, revision: int = 1) -> StoredDataset:
    items = {item_key(dataset, raw): raw for raw in dataset_items(dataset)}
    return StoredDataset(dataset, f'W/"{revision}"', revision, NOW, items)


def open_store(path: Path) -> CacheStore:
    store = CacheStore(path)
    store.open()
    return store


def test_upsert_writes_only_what_changed(tmp_path: Path) -> None:
    store = open_store(tmp_path / "c.db")
    games = full_dataset(ReferenceDataset.GAMES)
    assert store.apply([games], [], NOW) == len(games.items)
    assert store.apply([games], [], NOW) == 0  # same content: nothing rewritten

    changed = dict(games.items)
    first, second, *_ = changed
    changed[first] = {**changed[first], "rtp": 12.5}
    del changed[second]
    store.apply([StoredDataset(ReferenceDataset.GAMES, 'W/"2"', 2, NOW, changed)], [], NOW)
    loaded = store.load()[ReferenceDataset.GAMES]
    assert loaded.items[first]["rtp"] == 12.5
    assert second not in loaded.items
    assert (loaded.etag, loaded.revision, loaded.synced_at) == ('W/"2"', 2, NOW)
    with sqlite3.connect(tmp_path / "c.db") as db:
        revisions = dict(
            db.execute("select key, revision from reference_item where dataset='games'").fetchall()
        )
        assert db.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert revisions[first] == 2  # the changed row carries the revision it changed in
    assert set(revisions.values()) == {1, 2}
    store.close()


def test_verified_datasets_get_a_new_sync_time_only(tmp_path: Path) -> None:
    store = open_store(tmp_path / "c.db")
    store.apply([full_dataset(ReferenceDataset.COUNTRIES)], [], NOW)
    later = datetime(2026, 11, 26, tzinfo=UTC)
    assert store.apply([], [ReferenceDataset.COUNTRIES], later) == 0
    assert store.load()[ReferenceDataset.COUNTRIES].synced_at == later
    store.close()


def test_large_removal_is_chunked(tmp_path: Path) -> None:
    store = open_store(tmp_path / "c.db")
    items = {
        f"G-{n}": {"id": f"G-{n}", "name": "g", "provider": "p", "category": "slots", "rtp": 96.0}
        for n in range(3000)
    }
    store.apply([StoredDataset(ReferenceDataset.GAMES, None, 1, NOW, items)], [], NOW)
    assert store.apply([StoredDataset(ReferenceDataset.GAMES, None, 2, NOW, {})], [], NOW) == 3000
    assert store.load()[ReferenceDataset.GAMES].items == {}
    store.close()


def test_corrupt_file_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    path.write_bytes(b"this is not a database" * 100)
    store = open_store(path)
    assert store.load() == {}
    store.close()


def test_outdated_schema_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    store = open_store(path)
    store.apply([full_dataset(ReferenceDataset.COUNTRIES)], [], NOW)
    store.close()
    with sqlite3.connect(path) as db:
        db.execute("update cache_meta set schema_version = 0")
    store = open_store(path)
    assert store.load() == {}
    store.close()


def test_offline_open_serves_lookups_from_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "server.db"
    store = open_store(path)
    store.apply([full_dataset(d) for d in ReferenceDataset], [], NOW)
    store.close()

    async def main() -> ReferenceCache:
        cache = ReferenceCache(path)
        await cache.open()
        await cache.close()
        return cache

    cache = asyncio.run(main())
    assert cache.has_data
    assert cache.last_synced_at == NOW
    assert cache.psp_name("trustly") == "Trustly"
    assert cache.psp_name("unknown-psp") == "unknown-psp"
    assert cache.country_name("SE") == "Sweden"
    currency = cache.currency("SEK")
    assert isinstance(currency, Currency) and cache.eur_rate("SEK") == currency.eur_rate
    rejects = cache.reason_codes("withdrawal_reject")
    assert rejects and all(isinstance(r, ReasonCode) and r.applies_to == "withdrawal_reject" for r in rejects)
    assert cache.label(
        ReferenceDataset.REASON_CODES, reason_code_key("withdrawal_reject", "suspected_fraud")
    ) == ("Suspected fraud")
    staff = cache.items_as(ReferenceDataset.STAFF, StaffMember)
    assert cache.staff_name(staff[0].id) == staff[0].display_name
    names = [getattr(item, "name", "") for item in cache.items(ReferenceDataset.GAMES)]
    assert names == sorted(names, key=str.casefold)
    assert cache.revision(ReferenceDataset.GAMES) == 1


def test_empty_cache_has_no_data(tmp_path: Path) -> None:
    async def main() -> ReferenceCache:
        cache = ReferenceCache(tmp_path / "sub" / "dir" / "new.db")
        await cache.open()
        await cache.open()  # idempotent
        await cache.close()
        return cache

    cache = asyncio.run(main())
    assert not cache.has_data
    assert cache.last_synced_at is None
    assert cache.items("games") == []
    assert cache.label("countries", "XX", "Unknown") == "Unknown"


def test_locked_file_is_not_mistaken_for_a_corrupt_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "c.db"
    store = open_store(path)
    store.apply([full_dataset(ReferenceDataset.COUNTRIES)], [], NOW)
    store.close()

    def locked(self: CacheStore) -> None:
        raise OperationalError("PRAGMA journal_mode=WAL", {}, sqlite3.OperationalError("database is locked"))

    # Another window holding the file past busy_timeout: raise, and above all keep the file.
    monkeypatch.setattr(CacheStore, "_connect", locked)
    with pytest.raises(OperationalError):
        CacheStore(path).open()
    monkeypatch.undo()
    reopened = open_store(path)
    assert reopened.load()[ReferenceDataset.COUNTRIES].items
    reopened.close()


def test_path_with_url_characters(tmp_path: Path) -> None:
    store = open_store(tmp_path / "we?ird#name" / "c.db")
    assert (tmp_path / "we?ird#name" / "c.db").exists()
    store.close()
