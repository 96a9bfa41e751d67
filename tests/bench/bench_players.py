"""Opening a player with 50,000 transactions: time to header, time to the first transactions
page, memory, and the longest UI stall — each next to a naive baseline measured in the same run.

Run on demand: ``BO_BENCH=1 .venv/bin/pytest tests/bench/bench_players.py -s`` (tests/bench/
conftest.py skips it otherwise). A sandbox in its own process (simulator off, like a remote server)
gets its heavy player topped up to 50k transactions with one Core insert; then:

1. Open the profile the way the app does (``PlayerProfilesPanel.open_player``): header and first
   page of 200 transactions arrive in the background. Baseline: "load everything, then show" —
   the same client fetching all 50k (pages of 500) before the first row can appear.
2. Memory of 50k transactions held for the table: our compact-column model vs a list of pydantic
   ``Transaction`` objects (what a model over API objects keeps) vs ``QStandardItemModel``.
3. Longest UI stall (gap between 2 ms heartbeats on the Qt thread) while the profile opens and
   then scrolls through 25 pages, vs filling a QStandardItemModel with 50k rows on the Qt thread.
"""

from __future__ import annotations

import asyncio
import gc
import socket
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import qasync
import sqlalchemy as sa
from PySide6.QtCore import QTimer
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication

from bo_desktop.contract.payments import Transaction
from bo_desktop.core.api import ApiClient
from bo_desktop.core.cache import ReferenceCache
from bo_desktop.core.context import AppContext, SessionState
from bo_desktop.core.events import EventHub
from bo_desktop.core.settings import Environment, ServerProfile, Settings
from bo_desktop.core.tasks import TaskRunner
from bo_desktop.sandbox import db
from bo_desktop.sandbox.config import DEMO_STAFF_PASSWORD

pytestmark = pytest.mark.bench

HEAVY = "P-000001"
TARGET = 50_000
SCROLL_PAGES = 25


def top_up_transactions(database_url: str, player_id: str, target: int) -> int:
    """Arrange: bring the player to ``target`` transactions (bets and wins, spread over 2 years)."""
    engine = db.make_engine(database_url)
    with db.make_session_factory(engine).begin() as session:
        have = session.scalar(sa.select(sa.func.count()).where(db.Transaction.player_id == player_id)) or 0
        player = session.get(db.Player, player_id)
        assert player is not None
        missing = target - have
        start = session.scalar(sa.select(db.IdCounter.value).where(db.IdCounter.kind == "transaction")) or 0
        now = db.utcnow()
        rows = [
            {
                "id": db.format_id("transaction", start + n + 1),
                "player_id": player_id,
                "type": "bet" if n % 3 else "win",
                "status": "succeeded",
                "amount_minor": 100 + (n * 37) % 5_000,
                "currency": player.currency,
                "amount_eur_minor": 10 + (n * 37) % 500,
                "created_at": now
                - timedelta(days=730)
                + timedelta(seconds=n * (730 * 86_400 // max(1, missing))),
                "game_id": "pragmatic-sweet-bonanza",
                "round_id": f"R-bench{n:08d}",
                "fee_minor": 0,
            }
            for n in range(missing)
        ]
        if rows:
            session.execute(sa.insert(db.Transaction), rows)
            session.execute(
                sa.update(db.IdCounter)
                .where(db.IdCounter.kind == "transaction")
                .values(value=start + missing)
            )
    engine.dispose()
    return have + missing


@dataclass
class ExternalSandbox:
    url: str
    staff_password: str = DEMO_STAFF_PASSWORD


@pytest.fixture
def external_sandbox(tmp_path: Path) -> Iterator[ExternalSandbox]:
    """A sandbox in its own process, as a real server would be.

    In-process (the ``fresh_sandbox`` fixture) the server's threads share the GIL with the Qt
    thread, and their JSON and SQL work would show up as UI stalls that a real client never has.
    """
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    database_url = f"sqlite:///{tmp_path / 'bench.db'}"
    command = [sys.executable, "-m", "bo_desktop.sandbox", "--port", str(port), "--players", "300"]
    command += ["--no-simulator", "--reset", "--database-url", database_url]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, "the sandbox process exited"
            time.sleep(0.3)
        else:
            raise AssertionError("the sandbox did not become healthy")
        assert top_up_transactions(database_url, HEAVY, TARGET) == TARGET
        yield ExternalSandbox(url)
    finally:
        process.terminate()
        process.wait(timeout=30)


class Heartbeat:
    """A 2 ms timer on the Qt thread; the longest gap between ticks is the longest UI stall."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setInterval(2)
        self._timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last)
        self._last = now

    def __enter__(self) -> Heartbeat:
        self._last = time.perf_counter()
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.stop()
        self._tick()


@pytest.fixture(scope="module")
def loop(qapp: QApplication) -> Iterator[qasync.QEventLoop]:
    """The STACK-NOTES pattern: one qasync loop marked running; tests wait with qtbot."""
    event_loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.events._set_running_loop(event_loop)
    asyncio.set_event_loop(event_loop)
    yield event_loop
    asyncio.events._set_running_loop(None)
    asyncio.set_event_loop(None)


@pytest.fixture
def bench_ctx(
    loop: qasync.QEventLoop, qtbot: Any, external_sandbox: ExternalSandbox, tmp_path: Path
) -> Iterator[tuple[AppContext, Callable[[Any], Any]]]:
    server = external_sandbox

    def run(coro: Any) -> Any:
        task = loop.create_task(coro)
        qtbot.waitUntil(task.done, timeout=300_000)
        return task.result()

    api = ApiClient(server.url, user_agent="bench-players")
    me = run(api.login("compliance", server.staff_password))
    cache = ReferenceCache(tmp_path / "cache.sqlite3")
    run(cache.sync(api))
    ctx = AppContext(
        api=api,
        cache=cache,
        events=EventHub(),
        tasks=TaskRunner(),
        settings=Settings(tmp_path / "settings.ini"),
        server=ServerProfile("Bench", server.url, Environment.SANDBOX),
        session=SessionState(me, online=True),
    )
    yield ctx, run
    ctx.tasks.cancel_all()
    run(api.aclose())
    run(cache.close())


async def fetch_everything(api: ApiClient, player_id: str) -> list[Transaction]:
    rows: list[Transaction] = []
    async for page in api.paginate(f"players/{player_id}/transactions", Transaction, page_size=500):
        rows.extend(page)
    return rows


def python_bytes(build: Callable[[], Any]) -> tuple[int, Any]:
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    kept = build()
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return after - before, kept


def standard_item_model(rows: list[Transaction]) -> QStandardItemModel:
    model = QStandardItemModel(0, 9)
    for t in rows:
        model.appendRow(
            [
                QStandardItem(t.created_at.isoformat()),
                QStandardItem(t.id),
                QStandardItem(t.type.value),
                QStandardItem(t.status.value),
                QStandardItem(str(t.amount_minor)),
                QStandardItem(str(t.amount_eur_minor)),
                QStandardItem(t.psp.value if t.psp else ""),
                QStandardItem(t.psp_reference or ""),
                QStandardItem(t.method or t.game_id or ""),
            ]
        )
    return model


def test_open_a_player_with_50k_transactions(qtbot: Any, bench_ctx: tuple[AppContext, Any]) -> None:
    from bo_desktop.features.players.model import TransactionsModel
    from bo_desktop.features.players.profiles import PlayerProfilesPanel

    ctx, run = bench_ctx
    panel = PlayerProfilesPanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(1400, 900)
    panel.show()
    qtbot.waitExposed(panel)

    # 1 + 3: our way, with the heartbeat running.
    marks: dict[str, float] = {}
    with Heartbeat() as open_beat:
        started = time.perf_counter()
        view = panel.open_player(HEAVY)
        view.header_shown.connect(lambda: marks.setdefault("header", time.perf_counter() - started))
        section = view.sections["transactions"]
        section.loaded.connect(lambda: marks.setdefault("first_page", time.perf_counter() - started))
        qtbot.waitUntil(lambda: len(marks) == 2, timeout=60_000)
    view.tabs.setCurrentWidget(section)
    qtbot.waitUntil(lambda: section.table.verticalScrollBar().maximum() > 0, timeout=5000)  # laid out
    with Heartbeat() as scroll_beat:
        scroll_started = time.perf_counter()
        for pages in range(2, SCROLL_PAGES + 2):
            bar = section.table.verticalScrollBar()
            # The range grows on the next layout pass; a user drags to the new bottom after it.
            qtbot.waitUntil(lambda b=bar: b.maximum() > b.value(), timeout=5000)
            bar.setValue(bar.maximum())
            qtbot.waitUntil(lambda n=pages: section.model.rowCount() >= n * 200, timeout=30_000)
        scroll_seconds = time.perf_counter() - scroll_started
    assert section.total == TARGET

    # 1: baseline, everything before the first row.
    naive_started = time.perf_counter()
    everything = run(fetch_everything(ctx.api, HEAVY))
    naive_first_row = time.perf_counter() - naive_started
    assert len(everything) == TARGET

    # 2: memory of 50k rows held for a table.
    compact_bytes, _compact = python_bytes(lambda: _filled(TransactionsModel(ctx.cache), everything))
    objects_bytes, _objects = python_bytes(
        lambda: [Transaction.model_validate(t.model_dump()) for t in everything]
    )
    with Heartbeat() as naive_beat:
        qsim_started = time.perf_counter()
        qsim_bytes, _qsim = python_bytes(lambda: standard_item_model(everything))
        qsim_seconds = time.perf_counter() - qsim_started
    # What one arriving page costs the Qt thread (the stall a user could feel per page).
    batch_model = TransactionsModel(ctx.cache)
    batch_costs = []
    for begin in range(0, TARGET, 200):
        batch_started = time.perf_counter()
        batch_model.append(everything[begin : begin + 200])
        batch_costs.append(time.perf_counter() - batch_started)

    header, first_page = marks["header"], marks["first_page"]
    print(
        f"\nplayer {HEAVY} with {TARGET:,} transactions (SQLite sandbox in its own process, simulator off):"
        f"\n  time to header:                 {header * 1000:8.1f} ms"
        f"\n  time to first page (200 rows):  {first_page * 1000:8.1f} ms"
        f"\n  naive: fetch all, then show:    {naive_first_row * 1000:8.1f} ms"
        f"   -> first rows {naive_first_row / first_page:5.1f}x sooner"
        f"\n  scrolling {SCROLL_PAGES} more pages:          {scroll_seconds * 1000:8.1f} ms"
        f" ({scroll_seconds / SCROLL_PAGES * 1000:.1f} ms a page)"
        f"\n  memory for 50k rows (Python heap, tracemalloc):"
        f"\n    compact-column model:         {compact_bytes / 2**20:8.1f} MiB"
        f"\n    list of Transaction models:   {objects_bytes / 2**20:8.1f} MiB"
        f"   -> {objects_bytes / compact_bytes:4.1f}x more"
        f"\n    QStandardItemModel (Py side): {qsim_bytes / 2**20:8.1f} MiB (its C++ items are not traced)"
        f"\n  longest UI stall:"
        f"\n    opening the profile:          {open_beat.longest * 1000:8.1f} ms"
        f"\n    scrolling {SCROLL_PAGES} pages:             {scroll_beat.longest * 1000:8.1f} ms"
        f"\n    appending one page of 200 rows: median {statistics.median(batch_costs) * 1000:.2f} ms,"
        f" worst of 250 {max(batch_costs) * 1000:.2f} ms"
        f"\n    naive QStandardItemModel fill of 50k: {naive_beat.longest * 1000:8.1f} ms"
        f" (total {qsim_seconds * 1000:.0f} ms)"
        f" -> {naive_beat.longest / max(open_beat.longest, scroll_beat.longest):5.1f}x our worst stall"
    )


def _filled(model: Any, rows: list[Transaction], batch: int = 50_000) -> Any:
    for start in range(0, len(rows), batch):
        model.append(rows[start : start + batch])
    return model
