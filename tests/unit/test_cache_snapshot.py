"""Incremental sync: only changed items are written and re-validated."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bo_desktop.contract.reference import Game, ReferenceDataset, ReferenceList
from bo_desktop.core.cache.snapshot import payload_digest, store_and_build
from bo_desktop.core.cache.store import CacheStore
from bo_desktop.sandbox.reference_data import dataset_items

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
GAMES = ReferenceDataset.GAMES


@pytest.fixture
def store(tmp_path: Path) -> Iterator[CacheStore]:
    store = CacheStore(tmp_path / "c.db")
    store.open()
    yield store
    store.close()


def games(revision: int, items: list[dict[str, Any]]) -> tuple[ReferenceDataset, ReferenceList, str]:
    return GAMES, ReferenceList(dataset=GAMES, revision=revision, items=items), f'W/"{revision}"'


def test_digest_ignores_key_order() -> None:
    assert payload_digest({"a": 1, "b": [1, 2]}) == payload_digest({"b": [1, 2], "a": 1})
    assert payload_digest({"a": 1}) != payload_digest({"a": 2})


def test_resync_writes_and_parses_only_what_changed(store: CacheStore) -> None:
    items = [dict(raw) for raw in dataset_items(GAMES)]
    written, first = store_and_build(store, [games(1, items)], [], NOW, {})
    assert written == len(items)
    before = first[GAMES]

    changed = [dict(raw) for raw in items[1:]]  # first game removed
    changed[0]["rtp"] = 50.0  # second game changed
    written, second = store_and_build(store, [games(2, changed)], [], NOW, first)
    after = second[GAMES]

    assert written == 2  # one update, one delete
    first_key, changed_key, same_key = (str(items[n]["id"]) for n in range(3))
    assert first_key not in after.by_key
    changed_game = after.by_key[changed_key]
    assert isinstance(changed_game, Game) and changed_game.rtp == 50.0
    assert after.by_key[same_key] is before.by_key[same_key]  # reused, not re-validated
    stored = store.load()[GAMES]
    assert set(stored.items) == set(after.by_key) and stored.revision == 2
    assert stored.items[changed_key]["rtp"] == 50.0


def test_unknown_shapes_stay_on_disk_but_out_of_the_ui(store: CacheStore) -> None:
    items = [dict(raw) for raw in dataset_items(GAMES)][:3]
    items[0] = {**items[0], "rtp": "not a number"}
    _, built = store_and_build(store, [games(1, items)], [], NOW, {})
    assert len(built[GAMES].by_key) == 2
    assert len(store.load()[GAMES].items) == 3
