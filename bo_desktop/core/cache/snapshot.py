"""The in-memory form of a reference dataset, and building it in a worker thread.

A :class:`DatasetSnapshot` is immutable: a sync builds new ones and the cache swaps them in at
once. Each snapshot keeps a digest per item, so the next sync of a big dataset writes and parses
only the items whose content changed; unchanged items keep their already-validated models.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from bo_desktop.contract import ContractModel
from bo_desktop.contract.reference import REFERENCE_MODELS, ReferenceDataset, ReferenceList

from .keys import item_key, label_field
from .store import CacheStore, StoredDataset

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DatasetSnapshot:
    """One dataset as the UI reads it."""

    etag: str | None
    revision: int
    synced_at: datetime | None
    by_key: dict[str, ContractModel] = field(default_factory=dict)
    ordered: tuple[ContractModel, ...] = ()  # by label, case-insensitive: what pickers show
    digests: dict[str, bytes] = field(default_factory=dict)  # content digest per key

    def stamped(self, synced_at: datetime) -> DatasetSnapshot:
        """The same data, confirmed current by the server at ``synced_at`` (a 304)."""
        return replace(self, synced_at=synced_at)


EMPTY = DatasetSnapshot(None, 0, None)


# One encoder for every digest: json.dumps with non-default options builds a new encoder per call,
# which is a third of the cost over 50k items.
_CANONICAL_JSON = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def payload_digest(payload: Mapping[str, Any]) -> bytes:
    """A digest of an item's content, independent of key order."""
    return hashlib.blake2b(_CANONICAL_JSON.encode(payload).encode(), digest_size=16).digest()


def open_and_load(store: CacheStore) -> dict[ReferenceDataset, DatasetSnapshot]:
    """Open the file and build a snapshot of every stored dataset (worker thread)."""
    store.open()
    return {
        dataset: build(dataset, stored.etag, stored.revision, stored.synced_at, stored.items, None)
        for dataset, stored in store.load().items()
    }


def store_and_build(
    store: CacheStore,
    fetched: list[tuple[ReferenceDataset, ReferenceList, str | None]],
    verified: list[ReferenceDataset],
    synced_at: datetime,
    previous: Mapping[ReferenceDataset, DatasetSnapshot],
) -> tuple[int, dict[ReferenceDataset, DatasetSnapshot]]:
    """Write what changed in ONE transaction and build the new snapshots (worker thread).

    Items are compared with the previous snapshot by digest, so only new or changed ones are sent
    to SQLite (which compares once more before rewriting a row).
    """
    changes: list[StoredDataset] = []
    built: dict[ReferenceDataset, DatasetSnapshot] = {}
    for dataset, body, etag in fetched:
        payloads: dict[str, dict[str, Any]] = {}
        for raw in body.items:
            try:
                payloads[item_key(dataset, raw)] = dict(raw)
            except KeyError:
                log.warning("%s: item without a key skipped", dataset)
        old = previous.get(dataset, EMPTY).digests
        digests = {key: payload_digest(payload) for key, payload in payloads.items()}
        changed = {key: payloads[key] for key, digest in digests.items() if old.get(key) != digest}
        changes.append(
            StoredDataset(dataset, etag, body.revision, synced_at, changed, keys=frozenset(payloads))
        )
        built[dataset] = build(
            dataset, etag, body.revision, synced_at, payloads, previous.get(dataset), digests
        )
    written = store.apply(changes, verified, synced_at)
    return written, built


def build(
    dataset: ReferenceDataset,
    etag: str | None,
    revision: int,
    synced_at: datetime | None,
    payloads: Mapping[str, Mapping[str, Any]],
    previous: DatasetSnapshot | None,
    digests: dict[str, bytes] | None = None,
) -> DatasetSnapshot:
    """A snapshot of ``payloads``, reusing ``previous``'s models for items whose digest matches."""
    digests = digests if digests is not None else {k: payload_digest(p) for k, p in payloads.items()}
    old_models = previous.by_key if previous is not None else {}
    old_digests = previous.digests if previous is not None else {}
    model = REFERENCE_MODELS[dataset]
    by_key: dict[str, ContractModel] = {}
    skipped = 0
    for key, payload in payloads.items():
        reusable = old_models.get(key)
        if reusable is not None and old_digests.get(key) == digests[key]:
            by_key[key] = reusable
            continue
        try:
            by_key[key] = model.model_validate(payload)
        except ValidationError:
            # An item a newer server added in a shape this version cannot read: keep it on disk
            # (a newer app will use it), leave it out of the UI.
            skipped += 1
    if skipped:
        log.warning("%s: %d items do not match the contract and are not shown", dataset, skipped)
    label = label_field(dataset)
    ordered = tuple(sorted(by_key.values(), key=lambda item: str(getattr(item, label, "")).casefold()))
    return DatasetSnapshot(etag, revision, synced_at, by_key, ordered, digests)
