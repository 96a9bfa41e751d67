"""``/metrics/snapshot`` and ``/metrics/timeseries``: shape, windows, aggregation, permissions, chaos."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from api_helpers import assert_problem

from bo_desktop.contract.enums import Psp
from bo_desktop.contract.metrics import MetricsSnapshot, Timeseries

# step seconds and the number of buckets the window spans (one more when "now" is not aligned)
WINDOWS = {"15m": (60, 15), "1h": (60, 60), "24h": (900, 96), "7d": (3600, 168)}


def _timeseries(client: httpx.Client, window: str) -> Timeseries:
    response = client.get("/metrics/timeseries", params={"window": window})
    assert response.status_code == 200, response.text
    return Timeseries.model_validate(response.json())


def test_snapshot_has_every_kpi_and_all_five_providers(manager: httpx.Client) -> None:
    response = manager.get("/metrics/snapshot")
    assert response.status_code == 200, response.text
    snapshot = MetricsSnapshot.model_validate(response.json())
    assert abs(snapshot.at - datetime.now(UTC)) < timedelta(seconds=30)
    assert {h.psp for h in snapshot.psp_health} == set(Psp)
    assert snapshot.players_online >= 0
    assert snapshot.deposits_today_eur_minor >= 0 and snapshot.withdrawals_today_eur_minor >= 0
    assert snapshot.ngr_today_eur_minor <= snapshot.ggr_today_eur_minor  # bonuses only subtract
    assert 0 <= snapshot.sla_breaches <= snapshot.open_disputes
    for health in snapshot.psp_health:
        assert 0.0 <= health.success_rate <= 1.0 and health.latency_ms_p50 >= 0


@pytest.mark.parametrize("window", list(WINDOWS))
def test_timeseries_windows_are_contiguous_and_end_now(manager: httpx.Client, window: str) -> None:
    step, buckets = WINDOWS[window]
    before = datetime.now(UTC).replace(microsecond=0)
    history = _timeseries(manager, window)
    assert history.window == window and history.step_seconds == step
    assert buckets <= len(history.points) <= buckets + 1
    starts = [p.t for p in history.points]
    assert all(b - a == timedelta(seconds=step) for a, b in itertools.pairwise(starts))
    assert all(int(t.timestamp()) % step == 0 for t in starts)  # aligned: windows line up
    assert history.as_of is not None and before <= history.as_of <= datetime.now(UTC)
    assert starts[-1] <= history.as_of < starts[-1] + timedelta(seconds=step)  # last bucket is "now"
    for name in ("deposits_eur", "withdrawals_eur", "bets_eur", "wins_eur", "ggr_eur", "active_players"):
        assert name in history.series
        assert name in history.points[0].values
    assert all(f"psp.{p.value}.success_rate" in history.series for p in Psp)


def test_history_has_activity_and_ggr_is_bets_minus_wins(manager: httpx.Client) -> None:
    history = _timeseries(manager, "24h")
    deposits = sum(p.values["deposits_eur"] for p in history.points)
    assert deposits > 0  # seeded history, not an empty chart
    for point in history.points:
        v = point.values
        assert v["ggr_eur"] == pytest.approx(v["bets_eur"] - v["wins_eur"])


def test_coarse_buckets_sum_the_minutes_they_cover(manager: httpx.Client) -> None:
    """A complete 15-minute bucket of the 24h window equals its 15 minutes in the 1h window."""
    minutes = _timeseries(manager, "1h")
    coarse = _timeseries(manager, "24h")
    by_minute = {p.t: p.values for p in minutes.points}
    current = coarse.points[-1].t
    complete = [p for p in coarse.points if p.t < current and p.t in by_minute]
    complete = [p for p in complete if all(p.t + timedelta(minutes=m) in by_minute for m in range(15))]
    assert complete, "the last hour holds at least one complete 15-minute bucket"
    bucket = complete[-1]
    for name in ("deposits_eur", "bets_eur", "withdrawals_eur"):
        expected = sum(by_minute[bucket.t + timedelta(minutes=m)][name] for m in range(15))
        assert bucket.values[name] == pytest.approx(expected, rel=1e-9, abs=1e-6)


def test_unknown_window_is_a_validation_error_naming_it(manager: httpx.Client) -> None:
    response = manager.get("/metrics/timeseries", params={"window": "2h"})
    body = assert_problem(response, 422, "validation_error")
    assert any(error["field"] == "window" for error in body["errors"])


def test_metrics_need_metrics_read(staff: Callable[[str], httpx.Client], sandbox: object) -> None:
    payments = staff("payments1")  # payments staff watch provider health too
    assert payments.get("/metrics/snapshot").status_code == 200
    support = staff("support")
    assert_problem(support.get("/metrics/snapshot"), 403, "forbidden")
    assert_problem(support.get("/metrics/timeseries"), 403, "forbidden")
    anonymous = httpx.Client(base_url=payments.base_url)
    try:
        assert anonymous.get("/metrics/snapshot").status_code == 401
    finally:
        anonymous.close()


def test_psp_outage_marks_the_provider_unhealthy_at_once_and_clears(
    manager: httpx.Client, chaos: Callable[..., None]
) -> None:
    def health(code: str) -> bool:
        response = manager.get("/metrics/snapshot")
        assert response.status_code == 200, response.text
        snapshot = MetricsSnapshot.model_validate(response.json())
        return next(h for h in snapshot.psp_health if h.psp.value == code).healthy

    chaos(psp_outage=["zimpler"], paths=["/nothing"])  # outage only: no request is disturbed
    assert health("zimpler") is False
    assert health("trustly") is True
    chaos()
    # Without the outage, health is the 5-minute success rate against the threshold again;
    # the sandbox's few failed Zimpler deposits of that instant do not drag it below 90 %.
    deadline = time.monotonic() + 10
    while not health("zimpler"):
        assert time.monotonic() < deadline, "zimpler stayed unhealthy after the outage ended"
        time.sleep(0.5)


def test_the_simulator_writes_the_current_bucket(manager: httpx.Client) -> None:
    """Every simulator tick sets the active-players gauge of the current minute, so the newest
    bucket is live data, not an empty placeholder, within a tick or two."""
    deadline = time.monotonic() + 10
    while True:
        history = _timeseries(manager, "15m")
        if history.points[-1].values["active_players"] > 0:
            break
        assert time.monotonic() < deadline, "the current minute never received live data"
        time.sleep(0.5)
    later = _timeseries(manager, "15m")
    assert later.as_of is not None and history.as_of is not None and later.as_of >= history.as_of
