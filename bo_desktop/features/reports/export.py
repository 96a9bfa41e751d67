"""One export: API pages fetched on the event loop, written to .xlsx in a worker thread (Qt-free).

The loop side fetches pages (async, never blocking the UI) and hands them to the writer through
a small bounded queue; the writer (``workbook.write_report`` in ``run_in_worker``) converts and
streams them to disk. The bound is what keeps memory constant: when the disk is slower than the
network the fetcher waits, instead of the whole report piling up in memory.

Cancel (the button, the dock closing, Ctrl+C in the CLI) sets one flag both sides poll; the
writer then deletes its partial file. Any failure (network, permission, disk full) ends the same
way: the flag is set, the writer stops, and the caller gets the original error; no file is left.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from bo_desktop.contract.reports import ReportTotals
from bo_desktop.core.workers import run_in_worker

from .service import ReportRequest, ReportsService
from .workbook import AboutInfo, ExportCancelled, WriteResult, write_report

QUEUE_PAGES = 4  # pages in flight between fetcher and writer: bounds memory at ~2,000 rows
_POLL = 0.05  # seconds the writer waits for a page before checking the cancel flag again


class _End:
    """Marks the last page."""


ProgressCallback = Callable[[int, int | None], None]  # (rows fetched, rows expected)


class ExportJob:
    """Fetch ``request`` and write it to ``target``; ``await job.run()`` → :class:`WriteResult`."""

    def __init__(
        self,
        service: ReportsService,
        request: ReportRequest,
        target: Path,
        about: AboutInfo,
        *,
        minor_units: Mapping[str, int] | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> None:
        self.service = service
        self.request = request
        self.target = Path(target)
        self.about = about
        self.minor_units = dict(minor_units or {})
        self.on_progress = on_progress
        self.rows_fetched = 0
        self.expected: int | None = None
        self._cancel = threading.Event()
        self._pages: queue.Queue[Any] = queue.Queue(maxsize=QUEUE_PAGES)
        self._totals: ReportTotals | None = None
        self._totals_ready = threading.Event()

    def cancel(self) -> None:
        """Stop as soon as possible; ``run`` then raises ExportCancelled and leaves no file."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    async def run(self) -> WriteResult:
        definition = await self.service.definition(self.request.kind)
        writer = asyncio.ensure_future(
            run_in_worker(
                write_report,
                self.target,
                definition.columns,
                self._take_pages(),
                self.about,
                server_totals=self._take_totals,
                cancelled=self._cancel.is_set,
                minor_units=self.minor_units,
                sheet_title=definition.title,
            )
        )
        try:
            await self._produce()
        except BaseException:
            # Cancelled, or the fetch failed (network, 403...): either way the writer must stop
            # and delete its partial file; the caller gets the original exception.
            self._cancel.set()
            self._totals_ready.set()
            # Wait for the writer to delete its partial file before reporting anything.
            with contextlib.suppress(BaseException):
                await asyncio.shield(writer)
            raise
        return await writer

    # -- loop side -------------------------------------------------------------------------------

    async def _produce(self) -> None:
        self.expected = await self.service.count(self.request)
        self._report()
        async for page in self.service.pages(self.request):
            await self._put(page)
            self.rows_fetched += len(page)
            self._report()
        await self._put(_End())
        self._totals = await self.service.totals(self.request)
        self._totals_ready.set()

    async def _put(self, item: Any) -> None:
        while True:
            if self._cancel.is_set():
                raise ExportCancelled
            try:
                self._pages.put_nowait(item)
                return
            except queue.Full:
                await asyncio.sleep(_POLL)  # the writer is behind: wait without blocking the loop

    def _report(self) -> None:
        if self.on_progress is not None:
            self.on_progress(self.rows_fetched, self.expected)

    # -- worker side -----------------------------------------------------------------------------

    def _take_pages(self) -> Iterator[list[dict[str, Any]]]:
        while True:
            if self._cancel.is_set():
                raise ExportCancelled
            try:
                item = self._pages.get(timeout=_POLL)
            except queue.Empty:
                continue
            if isinstance(item, _End):
                return
            yield item

    def _take_totals(self) -> ReportTotals | None:
        while not self._totals_ready.wait(_POLL):
            if self._cancel.is_set():
                raise ExportCancelled
        if self._cancel.is_set():
            raise ExportCancelled
        return self._totals
