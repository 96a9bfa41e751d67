"""Excel exports: time and peak memory of 100k rows x 12 columns, and the longest UI stall.

Run on demand: ``BO_BENCH=1 .venv/bin/pytest tests/bench/bench_reports.py -s`` (skipped
otherwise). Every figure is printed next to baselines measured in the same run; compare the
ratios across machines, not the absolute numbers.

1. Workbook: our writer (``workbook.write_report``: styled cells, currency formats, totals,
   checksum, About sheet, temp file + rename) vs openpyxl's normal mode (the whole workbook in
   memory: the naive way) vs a bare write-only loop of plain values (the floor: what streaming
   costs without any formatting). Time in one pass, peak Python memory (tracemalloc) in another,
   so tracing does not distort the times.
2. Longest UI stall: a 2 ms heartbeat timer on the Qt thread while 100k rows are exported through
   ``ExportJob`` (pages handed over on the event loop, the writer in a worker thread); the page
   source is in memory so only the export machinery is measured. Baseline: the same workbook
   written on the Qt thread. Then a real export from the sandbox (network, JSON, validation on the
   loop) of its biggest report, with the same heartbeat.
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import time
import tracemalloc
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import qasync
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from bo_desktop.contract.reports import (
    ColumnType,
    ReportColumn,
    ReportDefinition,
    ReportKind,
    ReportTotals,
    TotalRule,
)
from bo_desktop.features.reports.export import ExportJob
from bo_desktop.features.reports.service import ReportRequest, ReportsService
from bo_desktop.features.reports.workbook import AboutInfo, write_report

pytestmark = [pytest.mark.bench, pytest.mark.timeout(1800)]

ROWS, PAGE = 100_000, 500
C = ColumnType
COLUMNS = [
    ReportColumn(key="period", title="Period", type=C.DATE),
    ReportColumn(key="at", title="At (UTC)", type=C.DATETIME),
    ReportColumn(key="brand", title="Brand", type=C.TEXT),
    ReportColumn(key="jurisdiction", title="Jurisdiction", type=C.TEXT),
    ReportColumn(key="provider", title="Provider", type=C.TEXT),
    ReportColumn(key="game", title="Game", type=C.TEXT),
    ReportColumn(key="currency", title="Currency", type=C.TEXT),
    ReportColumn(key="bets", title="Bets", type=C.MONEY, currency_key="currency", total=TotalRule.SUM),
    ReportColumn(key="wins", title="Wins", type=C.MONEY, currency_key="currency", total=TotalRule.SUM),
    ReportColumn(key="ggr", title="GGR", type=C.MONEY, currency_key="currency", total=TotalRule.SUM),
    ReportColumn(key="rounds", title="Rounds", type=C.INTEGER, total=TotalRule.SUM),
    ReportColumn(key="rtp", title="RTP", type=C.RATIO),
]
ABOUT = AboutInfo("Bench", "bench", "all", [("Filters", "none")], "bench", "http://bench", "0")


def row(i: int) -> dict[str, Any]:
    day = date(2026, 1, 1) + timedelta(days=i % 300)
    bets, wins = 100_000 + i * 7 % 90_000, 90_000 + i * 13 % 20_000
    return {
        "period": day.isoformat(),
        "at": f"{day.isoformat()}T12:{i % 60:02d}:00Z",
        "brand": ("Aurora Casino", "Nordic Spins", "Maple Play")[i % 3],
        "jurisdiction": ("MGA", "SGA", "AGCO", "UKGC")[i % 4],
        "provider": ("NetEnt", "Evolution", "Play'n GO")[i % 3],
        "game": f"Game number {i % 190}",
        "currency": ("EUR", "SEK", "GBP")[i % 3],
        "bets": bets,
        "wins": wins,
        "ggr": bets - wins,
        "rounds": i % 400,
        "rtp": wins / bets,
    }


def pages(rows: int = ROWS) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, rows, PAGE):
        yield [row(i) for i in range(start, min(rows, start + PAGE))]


def ours(path: Path) -> None:
    write_report(path, COLUMNS, pages(), ABOUT)


def openpyxl_normal(path: Path) -> None:
    """The naive way: a normal workbook, cell formats set one by one, everything in memory."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append([c.title for c in COLUMNS])
    number = 1
    for page in pages():
        for item in page:
            sheet.append([item[c.key] for c in COLUMNS])
            number += 1
            for column in (8, 9, 10):
                sheet.cell(row=number, column=column).number_format = "#,##0.00"
    book.save(path)


def raw_write_only(path: Path) -> None:
    """The floor: write-only, plain values, no formats, no totals, no checksum."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Report")
    sheet.append([c.title for c in COLUMNS])
    for page in pages():
        for item in page:
            sheet.append([item[c.key] for c in COLUMNS])
    book.save(path)


VARIANTS: list[tuple[str, Callable[[Path], None]]] = [
    ("ours (write_report)", ours),
    ("openpyxl normal mode", openpyxl_normal),
    ("raw write_only loop", raw_write_only),
]


def test_workbook_100k_rows_time_and_peak_memory(tmp_path: Path) -> None:
    import openpyxl  # noqa: F401  imported once up front: not part of any variant's time

    times: dict[str, float] = {}
    peaks: dict[str, float] = {}
    for name, write in VARIANTS:
        gc.collect()
        started = time.perf_counter()
        write(tmp_path / "t.xlsx")
        times[name] = time.perf_counter() - started
    for name, write in VARIANTS:
        gc.collect()
        tracemalloc.start()
        write(tmp_path / "m.xlsx")
        peaks[name] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    size = (tmp_path / "t.xlsx").stat().st_size / 2**20
    print(f"\nExcel {ROWS:,} rows x {len(COLUMNS)} columns (last file {size:.1f} MB)")
    base_t, base_m = times["openpyxl normal mode"], peaks["openpyxl normal mode"]
    for name, _write in VARIANTS:
        print(
            f"  {name:24s} {times[name]:6.2f} s ({times[name] / base_t:4.2f}x normal)"
            f"   peak {peaks[name]:7.1f} MB ({peaks[name] / base_m:5.3f}x normal)"
        )
    # Constant memory: ours must stay far below the in-memory workbook.
    assert peaks["ours (write_report)"] < base_m / 5


# -- UI stall ------------------------------------------------------------------------------------


class InMemoryReports(ReportsService):
    """A page source with the service's interface, so only the export machinery is timed."""

    def __init__(self) -> None:
        super().__init__(api=None)  # type: ignore[arg-type]
        self.definition_ = ReportDefinition(
            kind=ReportKind.GGR_NGR, title="Bench", description="", columns=COLUMNS
        )

    async def definition(self, kind: ReportKind) -> ReportDefinition:
        return self.definition_

    async def count(self, request: ReportRequest) -> int:
        return ROWS

    async def pages(self, request: ReportRequest) -> AsyncIterator[list[dict[str, Any]]]:
        for page in pages():
            yield page
            await asyncio.sleep(0)  # a network read would yield to the loop here

    async def totals(self, request: ReportRequest) -> ReportTotals:
        return ReportTotals(kind=ReportKind.GGR_NGR, rows=0, groups=[])


@pytest.fixture(scope="module")
def loop(qapp: QApplication) -> Iterator[qasync.QEventLoop]:
    event_loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.events._set_running_loop(event_loop)
    asyncio.set_event_loop(event_loop)
    yield event_loop
    asyncio.events._set_running_loop(None)
    asyncio.set_event_loop(None)


def longest_gap(qtbot: Any, work: Callable[[], Any], timeout_s: float = 600) -> tuple[float, float]:
    """(longest heartbeat gap in ms, duration in s) while ``work()`` (a task or a plain call) runs."""
    beats: list[float] = []
    heartbeat = QTimer()
    heartbeat.setInterval(2)
    heartbeat.timeout.connect(lambda: beats.append(time.perf_counter()))
    heartbeat.start()
    qtbot.wait(50)
    started = time.perf_counter()
    task = work()
    if task is not None:
        qtbot.waitUntil(task.done, timeout=int(timeout_s * 1000))
        task.result()
    ended = time.perf_counter()
    qtbot.wait(50)
    heartbeat.stop()
    during = [b for b in beats if started - 0.01 <= b <= ended + 0.05]
    gaps = [b - a for a, b in itertools.pairwise(during)]
    return max(gaps, default=ended - started) * 1000, ended - started


def test_longest_ui_stall_during_a_100k_export(loop: qasync.QEventLoop, qtbot: Any, tmp_path: Path) -> None:
    service = InMemoryReports()
    request = ReportRequest(ReportKind.GGR_NGR)

    def exported() -> Any:
        job = ExportJob(service, request, tmp_path / "job.xlsx", ABOUT)
        return loop.create_task(job.run())

    stall, seconds = longest_gap(qtbot, exported)
    naive_stall, naive_seconds = longest_gap(qtbot, lambda: ours(tmp_path / "naive.xlsx"))
    print(f"\nLongest UI stall exporting {ROWS:,} rows (2 ms heartbeat on the Qt thread)")
    print(f"  ExportJob (worker thread)    {stall:8.1f} ms   in {seconds:5.1f} s")
    print(f"  same writer on the Qt thread {naive_stall:8.1f} ms   in {naive_seconds:5.1f} s (baseline)")
    assert stall < naive_stall / 10


def test_longest_ui_stall_exporting_from_the_sandbox(
    loop: qasync.QEventLoop, qtbot: Any, sandbox: Any, tmp_path: Path
) -> None:
    from bo_desktop.core.api import ApiClient

    api = ApiClient(sandbox.url, user_agent="bench-reports")
    login = loop.create_task(api.login("manager", sandbox.staff_password))
    qtbot.waitUntil(login.done, timeout=30_000)
    service = ReportsService(api)
    request = ReportRequest(ReportKind.GGR_NGR, date(2020, 1, 1), date.today(), {"group_by": "day"})
    job = ExportJob(service, request, tmp_path / "sandbox.xlsx", ABOUT)
    stall, seconds = longest_gap(qtbot, lambda: loop.create_task(job.run()))
    closing = loop.create_task(api.aclose())
    qtbot.waitUntil(closing.done)
    print(f"\nReal export from the sandbox: {job.rows_fetched:,} rows of ggr_ngr by day in {seconds:.1f} s")
    print(f"  longest UI stall {stall:.1f} ms ({job.rows_fetched / seconds:,.0f} rows/s incl. network)")
