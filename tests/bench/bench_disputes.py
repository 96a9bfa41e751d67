"""The dispute inbox with 50,000 tickets: fill, sort, filter, and the longest UI stall.

Run on demand: ``BO_BENCH=1 .venv/bin/pytest tests/bench/bench_disputes.py -s``. Every figure is
printed next to a naive baseline measured in the same run on the same tickets:
QStandardItemModel (one QStandardItem per cell) behind a QSortFilterProxyModel, the way a table
is often first written. "Longest stall" is the longest gap between two ticks of a 5 ms QTimer,
i.e. the longest the window could not repaint or take a key press.
"""

from __future__ import annotations

import asyncio
import gc
import random
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import qasync
import sqlalchemy as sa
from PySide6.QtCore import QElapsedTimer, QSortFilterProxyModel, Qt, QTimer
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication

from bo_desktop.contract.disputes import Dispute
from bo_desktop.contract.enums import DisputeKind, DisputePriority, DisputeStatus, DisputeView
from bo_desktop.core.api.client import ApiClient
from bo_desktop.features.disputes.domain import KIND_LABELS
from bo_desktop.features.disputes.model import SORT_ROLE, Col, DisputeInboxModel
from bo_desktop.features.disputes.service import DisputeService
from bo_desktop.sandbox import db

pytestmark = pytest.mark.bench

TICKETS = 50_000
NOW = datetime.now(UTC)
SUBJECTS = ["Withdrawal still not received", "Bonus winnings removed", "Game froze during bonus round",
            "Unknown deposit on my card", "Please close my account", "Limits not applied"]  # fmt: skip
NAMES = ["Anna Berg", "Jari Mäkinen", "Chloe Roberts", "Lukas Weber", "Sofia Rossi", "Liam Walsh"]


def synthetic(n: int, seed: int = 7) -> list[Dispute]:
    rng = random.Random(seed)
    kinds, priorities, statuses = list(DisputeKind), list(DisputePriority), list(DisputeStatus)
    items = []
    for i in range(n):
        created = NOW - timedelta(minutes=rng.randrange(60 * 24 * 30))
        paused = rng.random() < 0.15
        items.append(
            Dispute.model_construct(
                id=f"D-{i + 1:06d}",
                version=1,
                player_id=f"P-{rng.randrange(1, 99999):06d}",
                player_name=f"{rng.choice(NAMES)} {i % 97}",
                jurisdiction="MGA",
                kind=rng.choice(kinds),
                subject=f"{rng.choice(SUBJECTS)} #{i}",
                priority=rng.choice(priorities),
                status=DisputeStatus.WAITING_ON_PLAYER if paused else rng.choice(statuses),
                assignee_id=None,
                assignee_name=rng.choice(["", "Sam Support", "Max Manager"]) or None,
                created_at=created,
                last_activity_at=created + timedelta(minutes=rng.randrange(600)),
                sla_due_at=None if paused else created + timedelta(hours=rng.choice([4, 24, 72, 168])),
                sla_paused=paused,
                sla_remaining_seconds=rng.randrange(86_400) if paused else None,
                sla_breached=False,
                adr_deadline=created + timedelta(weeks=8),
                resolution=None,
            )
        )
    return items


def naive_fill(items: list[Dispute]) -> tuple[QStandardItemModel, QSortFilterProxyModel]:
    model = QStandardItemModel(0, len(Col))
    for d in items:
        due = d.sla_due_at.timestamp() if d.sla_due_at else 1e11 + (d.sla_remaining_seconds or 0)
        cells = [d.id, d.player_name, KIND_LABELS[d.kind], d.subject, d.priority.value, d.status.value,
                 d.assignee_name or "—", str(due), d.last_activity_at.isoformat()]  # fmt: skip
        row = [QStandardItem(text) for text in cells]
        row[Col.SLA].setData(due, SORT_ROLE)
        model.appendRow(row)
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    proxy.setFilterKeyColumn(-1)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    return model, proxy


def timed(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def report(what: str, ours: float, naive: float) -> None:
    print(f"  {what:<44} ours {ours * 1000:9.1f} ms   naive {naive * 1000:9.1f} ms   {naive / ours:8.1f}×")


def test_inbox_model_vs_standard_item_model(qapp: QApplication) -> None:
    items = synthetic(TICKETS)
    print(f"\ndispute inbox, {TICKETS:,} tickets (model operations on the UI thread)")
    ours = DisputeInboxModel()

    def fill_ours() -> None:
        for start in range(0, TICKETS, 500):  # the panel appends page by page
            ours.append(items[start : start + 500])

    naive: dict[str, Any] = {}
    report(
        "fill",
        timed(fill_ours),
        timed(lambda: naive.update(zip(("model", "proxy"), naive_fill(items), strict=True))),
    )
    proxy = naive["proxy"]
    report("sort by SLA due", timed(lambda: ours.sort(Col.SLA)), timed(lambda: proxy.sort(Col.SLA)))
    report("sort by subject, descending", timed(lambda: ours.sort(Col.SUBJECT, Qt.SortOrder.DescendingOrder)),
           timed(lambda: proxy.sort(Col.SUBJECT, Qt.SortOrder.DescendingOrder)))  # fmt: skip
    report("filter 'bonus' (all columns)", timed(lambda: ours.set_filter("bonus")),
           timed(lambda: proxy.setFilterFixedString("bonus")))  # fmt: skip
    assert ours.rowCount() == proxy.rowCount() > 0
    report("clear filter", timed(lambda: ours.set_filter("")), timed(lambda: proxy.setFilterFixedString("")))
    assert ours.rowCount() == proxy.rowCount() == TICKETS
    first = [ours.index(r, Col.SUBJECT).data() for r in range(5)]
    assert first == sorted(first, key=str.lower, reverse=True)
    standard = naive["model"]

    def naive_update() -> None:  # find the ticket's row by id, change a cell
        standard.findItems(items[123].id)[0].model().item(
            standard.findItems(items[123].id)[0].row(), Col.STATUS
        ).setText("escalated")

    report(
        "live update of one ticket (find + update)",
        timed(lambda: ours.upsert(items[123])),
        timed(naive_update),
    )


class StallProbe:
    """The longest gap between ticks of a 5 ms timer while the probe runs."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.timer = QTimer(interval=5)
        self.timer.timeout.connect(self._tick)
        self.longest = 0
        self._last = 0

    def _tick(self) -> None:
        now = self.clock.elapsed()
        self.longest = max(self.longest, now - self._last)
        self._last = now

    def __enter__(self) -> StallProbe:
        self.clock.start()
        self.timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._tick()
        self.timer.stop()


@dataclass
class External:
    url: str
    staff_password: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def big_sandbox(fresh_sandbox: Callable[..., Any]) -> Iterator[External]:
    """50k tickets, served by a sandbox in its *own process*: an in-process server would share the
    GIL with the UI thread and its serialising would count as the client's stall."""
    seeded = fresh_sandbox(players=300, simulator=False)
    with seeded.state.sessionmaker.begin() as session:
        player = session.scalars(sa.select(db.Player).limit(1)).one()
        rows = []
        for d in synthetic(TICKETS):
            row = d.model_dump(exclude={"assignee_name", "resolution"})
            enums = {"kind": d.kind.value, "priority": d.priority.value, "status": d.status.value}
            rows.append({**row, **enums, "id": f"D-{900000 + int(d.id[2:]):06d}", "player_id": player.id})
        session.execute(sa.insert(db.Dispute), rows)
    # Arranging made ~100k objects; left alive they would slow every collection during the
    # measurement (a cost of the bench, not of the inbox).
    del rows
    gc.collect()
    config = seeded.config
    seeded.stop()
    port = _free_port()
    command = [sys.executable, "-m", "bo_desktop.sandbox", "--port", str(port), "--no-simulator",
               "--database-url", str(config.database_url), "--seed", str(config.seed),
               "--players", str(config.players), "--staff-password", config.staff_password]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        yield External(url, config.staff_password)
    finally:
        process.terminate()
        process.wait(20)


def test_loading_50k_over_http_keeps_the_ui_responsive(qapp: QApplication, big_sandbox: External) -> None:
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    api = ApiClient(big_sandbox.url, user_agent="bench")
    service = DisputeService(api)
    model = DisputeInboxModel()

    async def load() -> None:
        await api.login("support", big_sandbox.staff_password)
        async for batch in service.inbox(DisputeView.ALL):
            model.append(batch)

    started = time.perf_counter()
    with StallProbe() as probe:
        loop.run_until_complete(load())
        sort_stall = timed(lambda: model.sort(Col.SLA))
    load_seconds = time.perf_counter() - started
    items = synthetic(TICKETS)
    naive_stall = timed(lambda: naive_fill(items)[1].sort(Col.SLA))
    loop.run_until_complete(api.aclose())
    print(
        f"\nloading {model.total():,} tickets over HTTP (500 per page) into the inbox: {load_seconds:.1f} s"
    )
    ratio = naive_stall * 1000 / max(1, probe.longest)
    print(
        f"  longest UI stall while loading + sorting   ours {probe.longest:7.0f} ms   "
        f"naive (fill + proxy sort, one go) {naive_stall * 1000:7.0f} ms   {ratio:6.1f}×"
    )
    print(f"  of which the final sort by SLA              {sort_stall * 1000:7.1f} ms")
    assert model.total() >= TICKETS
