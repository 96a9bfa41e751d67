"""Merging chart history with live 1-second points: no gap, no double point, exact sums."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bo_desktop.contract.metrics import Timeseries, TimeseriesPoint
from bo_desktop.features.charts.series import WindowSeries

T0 = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def history(window: str, step: int, buckets: list[dict[str, float]], as_of: datetime) -> Timeseries:
    points = [TimeseriesPoint(t=T0 + timedelta(seconds=i * step), values=v) for i, v in enumerate(buckets)]
    return Timeseries(window=window, step_seconds=step, series=[], points=points, as_of=as_of)


def live(second: int, **values: float) -> TimeseriesPoint:
    return TimeseriesPoint(t=T0 + timedelta(seconds=second), values=values)


def test_live_points_merge_into_the_bucket_history_ends_on() -> None:
    series = WindowSeries("15m")
    # History read at 12:02:30: the 12:02 bucket holds 30 seconds of bets.
    series.load(
        history(
            "15m", 60, [{"bets_eur": 100}, {"bets_eur": 200}, {"bets_eur": 30}], T0 + timedelta(seconds=150)
        )
    )
    series.add_points([live(149, bets_eur=5), live(150, bets_eur=7), live(151, bets_eur=11)])
    assert len(series.times) == 3  # no extra point where history and live meet
    assert series.column("bets_eur") == [100, 200, 30 + 7 + 11]  # 149 was already in the history


def test_a_new_bucket_appends_one_point_and_asks_to_reconcile_the_closed_one() -> None:
    series = WindowSeries("15m")
    series.load(history("15m", 60, [{"bets_eur": 1}], T0 + timedelta(seconds=59)))
    series.add_points([live(59, bets_eur=2), live(60, bets_eur=3), live(61, bets_eur=4)])
    assert series.times == [T0.timestamp(), T0.timestamp() + 60]
    assert series.column("bets_eur") == [3, 7]
    assert series.needs_reload


def test_reload_reapplies_live_points_newer_than_its_as_of() -> None:
    series = WindowSeries("15m")
    series.add_points([live(60, bets_eur=3), live(61, bets_eur=4), live(62, bets_eur=5)])  # before history
    assert not series.loaded and series.times == []
    series.load(history("15m", 60, [{"bets_eur": 1}, {"bets_eur": 3}], T0 + timedelta(seconds=61)))
    assert series.column("bets_eur") == [1, 3 + 4 + 5]


def test_window_keeps_its_span_and_gauges_take_the_newest_value() -> None:
    series = WindowSeries("15m")
    buckets = [{"active_players": 10.0} for _ in range(15)]
    series.load(history("15m", 60, buckets, T0 + timedelta(seconds=15 * 60 - 1)))
    series.add_points([live(15 * 60, active_players=12), live(15 * 60 + 1, active_players=13)])
    assert len(series.times) == 15  # the oldest bucket left the window
    assert series.times[0] == T0.timestamp() + 60
    assert series.column("active_players")[-1] == 13


def test_coarse_buckets_collect_seconds_and_rates_weigh_by_attempts() -> None:
    series = WindowSeries("24h")
    start = {"psp.adyen.success_rate": 0.9, "psp.adyen.attempts": 9, "deposits_eur": 900}
    series.load(history("24h", 900, [start], T0 + timedelta(seconds=300)))
    series.add_points(
        [live(400, **{"psp.adyen.success_rate": 0.0, "psp.adyen.attempts": 1, "deposits_eur": 0})]
    )
    bucket = series.buckets[-1]
    assert bucket["psp.adyen.success_rate"] == pytest.approx(0.81)  # 8.1 of 10, not (0.9 + 0) / 2
    assert bucket["psp.adyen.attempts"] == 10
    assert len(series.times) == 1


def test_a_replayed_point_for_an_older_bucket_lands_in_it() -> None:
    series = WindowSeries("15m")
    series.load(history("15m", 60, [{"bets_eur": 1}, {"bets_eur": 2}], T0 + timedelta(seconds=30)))
    series.add_points([live(45, bets_eur=10)])
    assert series.column("bets_eur") == [11, 2]
    assert series.revision >= 2
