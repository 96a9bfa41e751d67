"""Live charts: frames per second with blitting vs full redraws, the longest UI stall, idle CPU.

Run on demand: ``BO_BENCH=1 .venv/bin/pytest tests/bench -k charts -s`` (tests/bench/conftest.py
skips it otherwise). Every figure is printed next to its naive baseline measured in the same run;
compare the ratios across machines, not the absolute numbers.

1. FPS: one chart, 5 series x 3,600 points (an hour of 1-second data), the newest value of every
   series changing each frame (what a live second does to the open bucket). ``LiveChart`` with
   blitting vs the same chart redrawing the whole figure per frame. Each frame is painted
   (events processed), not just rendered into the buffer.
2. Longest UI stall: a 2 ms heartbeat timer on the Qt thread while the chart takes 20 updates a
   second for 5 s through its normal coalesced path; the longest gap between heartbeats is the
   longest time the UI could not react to input.
3. Idle CPU: the real dashboard (both docks, signed in to a sandbox with its simulator publishing
   every second) left alone for 10 s; CPU time of the Qt thread (``time.thread_time``: the
   in-process sandbox's threads are not counted), vs the same with full redraws, vs no dashboard.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import qasync
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from bo_desktop.core.api import ApiClient, EventStream
from bo_desktop.core.cache import ReferenceCache
from bo_desktop.core.context import AppContext, SessionState
from bo_desktop.core.events import EventHub
from bo_desktop.core.settings import Environment, ServerProfile, Settings
from bo_desktop.core.tasks import TaskRunner

pytestmark = pytest.mark.bench

SERIES, POINTS, FRAMES = 5, 3_600, 200
COLOURS = ("#2e7d32", "#ef6c00", "#1565c0", "#8e24aa", "#00897b")
IDLE_SECONDS = 10.0


def make_chart(qtbot: Any, *, blit: bool, static_history: bool = True) -> Any:
    from bo_desktop.features.charts.chart import LiveChart
    from bo_desktop.features.charts.specs import ChartSpec, SeriesSpec

    spec = ChartSpec(
        "bench", "Bench", "money", tuple(SeriesSpec(f"s{i}", f"S{i}", COLOURS[i]) for i in range(SERIES))
    )
    chart = LiveChart(spec, blit=blit, static_history=static_history)
    qtbot.addWidget(chart)
    chart.resize(1200, 500)
    chart.show()
    qtbot.waitExposed(chart)
    return chart


def synthetic_data() -> tuple[np.ndarray, dict[str, np.ndarray]]:
    rng = np.random.default_rng(7)
    times = 1_795_600_000.0 + np.arange(POINTS, dtype=float)
    columns = {f"s{i}": 50_000 + np.cumsum(rng.normal(0, 300, POINTS)) + i * 20_000 for i in range(SERIES)}
    return times, columns


def run_frames(chart: Any, frames: int) -> float:
    """Frames per second for ``frames`` live updates, each rendered and painted."""
    times, columns = synthetic_data()
    x_range = (float(times[0]), float(times[-1]))
    chart.set_data(times, columns, x_range, partial_last=True)
    chart.draw_pending()
    QApplication.processEvents()
    rng = np.random.default_rng(11)
    started = time.perf_counter()
    for _ in range(frames):
        for column in columns.values():
            column[-1] += rng.normal(0, 200)  # the open bucket moves; the axes do not
        chart.set_data(times, columns, x_range, partial_last=True)
        chart.draw_pending()
        QApplication.processEvents()
    return frames / (time.perf_counter() - started)


def test_fps_blitting_vs_full_redraw(qtbot: Any) -> None:
    ours = make_chart(qtbot, blit=True)
    classic = make_chart(qtbot, blit=True, static_history=False)
    full = make_chart(qtbot, blit=False)
    for chart in (ours, classic, full):
        run_frames(chart, 10)  # warm-up: font cache, first background
    blits_before = ours.blits
    ours_fps = run_frames(ours, FRAMES * 5)
    classic_fps = run_frames(classic, FRAMES)
    full_fps = run_frames(full, FRAMES // 4)
    assert ours.blits - blits_before >= FRAMES * 5  # it really blitted every frame
    print(f"\n[charts] {SERIES} series x {POINTS:,} points, live update of the newest values")
    rows = (
        ("blit, closed buckets in background", ours_fps, f"{ours_fps / full_fps:.0f} x"),
        ("blit, whole lines animated", classic_fps, f"{classic_fps / full_fps:.1f} x"),
        ("full redraw every frame", full_fps, "naive baseline"),
    )
    for label, fps, note in rows:
        print(f"[charts] {label:<36} {fps:8.1f} fps  ({note})")
    assert ours_fps > classic_fps > full_fps


def longest_stall(qtbot: Any, chart: Any, seconds: float = 5.0, rate_hz: int = 20) -> tuple[float, int]:
    """Longest gap between 2 ms heartbeats while the chart is fed ``rate_hz`` updates a second."""
    times, columns = synthetic_data()
    x_range = (float(times[0]), float(times[-1]))
    rng = np.random.default_rng(3)
    beats: list[float] = []
    heartbeat = QTimer()
    heartbeat.setInterval(2)
    heartbeat.timeout.connect(lambda: beats.append(time.perf_counter()))
    feeder = QTimer()
    feeder.setInterval(1000 // rate_hz)
    updates = 0

    def feed() -> None:
        nonlocal updates
        for column in columns.values():
            column[-1] += rng.normal(0, 200)
        chart.set_data(times, columns, x_range, partial_last=True)  # the normal, coalesced path
        updates += 1

    feeder.timeout.connect(feed)
    chart.set_data(times, columns, x_range, partial_last=True)
    chart.draw_pending()
    heartbeat.start()
    feeder.start()
    qtbot.wait(int(seconds * 1000))
    feeder.stop()
    heartbeat.stop()
    return float(np.max(np.diff(beats))) * 1000, updates


def test_longest_ui_stall_during_live_updates(qtbot: Any) -> None:
    blit_ms, updates = longest_stall(qtbot, make_chart(qtbot, blit=True))
    full_ms, _ = longest_stall(qtbot, make_chart(qtbot, blit=False))
    print(
        f"\n[charts] longest UI stall over 5 s of {updates} live updates (20/s), {SERIES}x{POINTS:,} points"
    )
    print(f"[charts] blitting     {blit_ms:8.1f} ms")
    print(f"[charts] full redraw  {full_ms:8.1f} ms   (naive baseline)")
    print(f"[charts] ratio        {full_ms / blit_ms:8.1f} x")


# -- idle CPU with the real dashboard ----------------------------------------------------------


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
def live_ctx(
    loop: qasync.QEventLoop, qtbot: Any, sandbox: Any, tmp_path: Path
) -> Iterator[Callable[[], AppContext]]:
    def run(coro: Any) -> Any:
        task = loop.create_task(coro)
        qtbot.waitUntil(task.done, timeout=30_000)
        return task.result()

    api = ApiClient(sandbox.url, user_agent="bench-charts")
    me = run(api.login("manager", sandbox.staff_password))
    cache = ReferenceCache(tmp_path / "cache.sqlite3")
    run(cache.sync(api))
    hub = EventHub()
    ctx = AppContext(
        api=api,
        cache=cache,
        events=hub,
        tasks=TaskRunner(),
        settings=Settings(tmp_path / "settings.ini"),
        server=ServerProfile("Bench", sandbox.url, Environment.SANDBOX),
        session=SessionState(me, online=True),
    )
    stream = loop.create_task(EventStream(api, hub.publish).run())
    yield lambda: ctx
    stream.cancel()
    ctx.tasks.cancel_all()
    run(api.aclose())
    run(cache.close())


def idle_cpu(qtbot: Any) -> float:
    """Qt-thread CPU seconds per wall second over IDLE_SECONDS of doing nothing."""
    qtbot.wait(1_000)  # let pending loads and first draws finish
    cpu, wall = time.thread_time(), time.perf_counter()
    qtbot.wait(int(IDLE_SECONDS * 1000))
    return (time.thread_time() - cpu) / (time.perf_counter() - wall)


def open_dashboard(qtbot: Any, ctx: AppContext, *, blit: bool) -> QWidget:
    from bo_desktop.features.charts.kpi_panel import KpiPanel
    from bo_desktop.features.charts.panel import ChartsPanel

    host = QWidget()
    qtbot.addWidget(host)
    from PySide6.QtWidgets import QVBoxLayout

    layout = QVBoxLayout(host)
    kpis, charts = KpiPanel(ctx), ChartsPanel(ctx)
    for chart in charts.charts.values():
        chart.use_blit = blit  # naive: every update redraws the figure
        if not blit:
            for artist in (*chart.tails.values(), chart.hover_line):
                artist.set_animated(False)
    layout.addWidget(kpis)
    layout.addWidget(charts, 1)
    host.resize(1500, 1000)
    host.show()
    qtbot.waitExposed(host)
    qtbot.waitUntil(lambda: charts.history_loads >= 1 and kpis.snapshot is not None, timeout=15_000)
    return host


def test_idle_cpu_with_the_dashboard_open(qtbot: Any, live_ctx: Callable[[], AppContext]) -> None:
    ctx = live_ctx()
    nothing = idle_cpu(qtbot)  # the event stream alone
    dashboard = open_dashboard(qtbot, ctx, blit=True)
    with_blit = idle_cpu(qtbot)
    dashboard.close()
    dashboard.deleteLater()
    naive = open_dashboard(qtbot, ctx, blit=False)
    with_full = idle_cpu(qtbot)
    naive.close()
    print(f"\n[charts] Qt-thread CPU while idle for {IDLE_SECONDS:.0f} s (live events every second)")
    print(f"[charts] no dashboard             {nothing * 100:6.2f} %")
    print(f"[charts] dashboard, blitting      {with_blit * 100:6.2f} %")
    print(f"[charts] dashboard, full redraws  {with_full * 100:6.2f} %   (naive baseline)")
    extra_blit, extra_full = with_blit - nothing, with_full - nothing
    if extra_blit > 0:
        print(f"[charts] dashboard's own cost, full / blit: {extra_full / extra_blit:.1f} x")
