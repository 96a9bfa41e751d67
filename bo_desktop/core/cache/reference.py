"""The reference cache: every reference dataset in memory for the UI, persisted in SQLite.

- :meth:`ReferenceCache.open` loads the file into memory in a worker thread, so the app can
  start offline with the last known data.
- :meth:`ReferenceCache.sync` asks the server for every dataset at once with ``If-None-Match``;
  unchanged ones answer 304 and cost nothing. Changed ones are parsed and written in one worker
  transaction, then the in-memory maps are swapped in a single step on the loop thread, so the UI
  never sees half a sync.
- Lookups (``psp_name``, ``country_name``, ``reason_codes``...) are plain dictionary reads,
  synchronous and safe to call from a model's ``data()``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol, TypeVar

from bo_desktop.contract import ContractModel
from bo_desktop.contract.reference import (
    Currency,
    ReasonCode,
    ReferenceDataset,
    ReferenceList,
)
from bo_desktop.core.api.errors import ApiError
from bo_desktop.core.workers import run_in_worker

from .keys import label_field
from .snapshot import EMPTY, DatasetSnapshot, open_and_load, store_and_build
from .store import CacheStore

log = logging.getLogger(__name__)

T = TypeVar("T", bound=ContractModel)

ALL_DATASETS: tuple[ReferenceDataset, ...] = tuple(ReferenceDataset)


class ReferenceSource(Protocol):
    """What the cache needs from the API client (``ApiClient.reference``)."""

    async def reference(
        self, dataset: ReferenceDataset | str, etag: str | None
    ) -> tuple[ReferenceList | None, str | None]: ...


@dataclass(frozen=True, slots=True)
class SyncResult:
    """What one sync did. ``rows_written`` counts item rows inserted, updated or deleted."""

    changed: tuple[ReferenceDataset, ...]
    unchanged: tuple[ReferenceDataset, ...]
    failed: Mapping[ReferenceDataset, ApiError] = field(default_factory=dict)
    rows_written: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Whether every dataset was synced."""
        return not self.failed


class ReferenceCache:
    """Reference data of one server: an SQLite file at ``path`` plus in-memory maps."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._store: CacheStore | None = None
        self._data: dict[ReferenceDataset, DatasetSnapshot] = {}
        self._reasons: dict[str, tuple[ReasonCode, ...]] = {}
        # One sync at a time: sync() at login and sync_dataset() from an event may overlap.
        self._lock = asyncio.Lock()

    def __repr__(self) -> str:
        return f"ReferenceCache({self.path.name!r}, datasets={len(self._data)})"

    # -- lifecycle -----------------------------------------------------------------------------

    async def open(self) -> None:
        """Open (or create) the file and load everything into memory; idempotent."""
        async with self._lock:
            await self._open_locked()

    async def _open_locked(self) -> CacheStore:
        if self._store is None:
            store = CacheStore(self.path)
            loaded = await run_in_worker(open_and_load, store)
            self._store = store
            self._swap(loaded)
        return self._store

    async def close(self) -> None:
        """Release the database file (the in-memory data stays readable)."""
        async with self._lock:
            if self._store is not None:
                await run_in_worker(self._store.close)
                self._store = None

    # -- sync ----------------------------------------------------------------------------------

    async def sync(
        self, api: ReferenceSource, datasets: Iterable[ReferenceDataset] = ALL_DATASETS
    ) -> SyncResult:
        """Fetch ``datasets`` concurrently with If-None-Match and store the changed ones.

        A dataset that fails is reported in ``SyncResult.failed`` and keeps its cached data. When
        every dataset fails the first error is raised (typically Offline): nothing was synced.
        """
        wanted = tuple(datasets)
        async with self._lock:
            store = await self._open_locked()
            started = time.perf_counter()
            answers = await asyncio.gather(
                *(self._fetch(api, dataset) for dataset in wanted), return_exceptions=True
            )
            fetched: list[tuple[ReferenceDataset, ReferenceList, str | None]] = []
            unchanged: list[ReferenceDataset] = []
            failed: dict[ReferenceDataset, ApiError] = {}
            for dataset, answer in zip(wanted, answers, strict=True):
                if isinstance(answer, ApiError):
                    failed[dataset] = answer
                elif isinstance(answer, BaseException):
                    raise answer  # cancellation or a bug: not a sync outcome
                elif answer[0] is None:
                    unchanged.append(dataset)
                else:
                    fetched.append((dataset, answer[0], answer[1]))
            if wanted and len(failed) == len(wanted):
                raise next(iter(failed.values()))
            now = datetime.now(UTC)
            written, parsed = await run_in_worker(
                store_and_build, store, fetched, unchanged, now, dict(self._data)
            )
            self._swap(parsed, verified=unchanged, synced_at=now)
            result = SyncResult(
                changed=tuple(d for d, _, _ in fetched),
                unchanged=tuple(unchanged),
                failed=failed,
                rows_written=written,
                seconds=time.perf_counter() - started,
            )
        log.info(
            "reference sync: %d changed, %d unchanged, %d failed, %d rows written in %.2fs",
            len(result.changed),
            len(result.unchanged),
            len(result.failed),
            result.rows_written,
            result.seconds,
        )
        return result

    async def sync_dataset(self, api: ReferenceSource, dataset: ReferenceDataset | str) -> SyncResult:
        """Sync one dataset (on a ``reference.updated`` event); raises its error if it fails.

        A dataset this version does not know (a newer server's) is ignored.
        """
        try:
            known = ReferenceDataset(dataset)
        except ValueError:
            log.info("ignoring update of unknown reference dataset %r", dataset)
            return SyncResult(changed=(), unchanged=())
        return await self.sync(api, (known,))

    async def _fetch(
        self, api: ReferenceSource, dataset: ReferenceDataset
    ) -> tuple[ReferenceList | None, str | None]:
        current = self._data.get(dataset)
        return await api.reference(dataset, current.etag if current is not None else None)

    def _swap(
        self,
        parsed: Mapping[ReferenceDataset, DatasetSnapshot],
        *,
        verified: Iterable[ReferenceDataset] = (),
        synced_at: datetime | None = None,
    ) -> None:
        # Build the new maps aside and assign once: the UI reads them between loop iterations.
        data = dict(self._data)
        data.update(parsed)
        for dataset in verified:
            if dataset in data and synced_at is not None:
                data[dataset] = data[dataset].stamped(synced_at)
        reasons: dict[str, list[ReasonCode]] = {}
        for item in data.get(ReferenceDataset.REASON_CODES, EMPTY).ordered:
            if isinstance(item, ReasonCode):
                reasons.setdefault(item.applies_to, []).append(item)
        self._data = data
        self._reasons = {applies_to: tuple(items) for applies_to, items in reasons.items()}

    # -- lookups (synchronous, from memory) -----------------------------------------------------

    @property
    def has_data(self) -> bool:
        """Whether anything is cached (an offline start is possible)."""
        return any(d.by_key for d in self._data.values())

    @property
    def last_synced_at(self) -> datetime | None:
        """When the newest dataset was last confirmed current by the server."""
        stamps = [d.synced_at for d in self._data.values() if d.synced_at is not None]
        return max(stamps, default=None)

    def revision(self, dataset: ReferenceDataset | str) -> int | None:
        """The cached revision of ``dataset`` (None if never synced)."""
        current = self._data.get(ReferenceDataset(dataset))
        return current.revision if current is not None else None

    def items(self, dataset: ReferenceDataset | str) -> list[ContractModel]:
        """Every item of ``dataset``, ordered by label."""
        return list(self._data.get(ReferenceDataset(dataset), EMPTY).ordered)

    def items_as(self, dataset: ReferenceDataset | str, model: type[T]) -> list[T]:
        """:meth:`items` typed as ``model`` (e.g. ``items_as("games", Game)``)."""
        return [item for item in self.items(dataset) if isinstance(item, model)]

    def get(self, dataset: ReferenceDataset | str, key: str) -> ContractModel | None:
        """One item by its key (``code`` or ``id``; reason codes: ``applies_to/code``)."""
        return self._data.get(ReferenceDataset(dataset), EMPTY).by_key.get(key)

    def label(self, dataset: ReferenceDataset | str, key: str, default: str | None = None) -> str:
        """The display name of an item; ``default`` (or the key itself) when unknown."""
        item = self.get(dataset, key)
        if item is None:
            return key if default is None else default
        return str(getattr(item, label_field(ReferenceDataset(dataset)), key))

    def psp_name(self, code: str) -> str:
        """The provider's display name ("Trustly" for "trustly"); the code itself when unknown."""
        return self.label(ReferenceDataset.PAYMENT_PROVIDERS, code)

    def country_name(self, code: str) -> str:
        """The country's name ("Sweden" for "SE"); the code itself when unknown."""
        return self.label(ReferenceDataset.COUNTRIES, code)

    def currency(self, code: str) -> Currency | None:
        """The currency (minor units, EUR rate) or None when unknown."""
        item = self.get(ReferenceDataset.CURRENCIES, code)
        return item if isinstance(item, Currency) else None

    def eur_rate(self, code: str) -> float | None:
        """EUR per unit of ``code`` for reporting; None when unknown."""
        currency = self.currency(code)
        return currency.eur_rate if currency is not None else None

    def reason_codes(self, applies_to: str) -> list[ReasonCode]:
        """Reason codes offered for an action (``withdrawal_reject``, ``player_status``...)."""
        return list(self._reasons.get(applies_to, ()))

    def staff_name(self, staff_id: str) -> str:
        """A staff member's display name; the id itself when unknown."""
        return self.label(ReferenceDataset.STAFF, staff_id)
