"""The queue model on its own: Qt's model tester, sorting, filtering and live changes in place."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QPersistentModelIndex, Qt

from bo_desktop.contract.enums import Psp, RiskLevel, Severity, WithdrawalStatus
from bo_desktop.contract.payments import Approval, RiskSignal, Withdrawal
from bo_desktop.features.withdrawals.columns import Col
from bo_desktop.features.withdrawals.detail_tables import Cell, Row, RowsModel
from bo_desktop.features.withdrawals.formatting import format_age, format_money
from bo_desktop.features.withdrawals.model import WithdrawalQueueModel
from bo_desktop.features.withdrawals.queue_store import QueueFilter

ME = "ST-002"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
LEVELS = [(10, RiskLevel.LOW), (40, RiskLevel.MEDIUM), (70, RiskLevel.HIGH), (90, RiskLevel.CRITICAL)]


def withdrawal(number: int, rng: random.Random, **changes: Any) -> Withdrawal:
    score, level = rng.choice(LEVELS)
    base = {
        "version": 1,
        "id": f"W-{number:06d}",
        "player_id": f"P-{rng.randint(1, 999):06d}",
        "player_name": rng.choice(["Ann", "Bo", "Cy", "Dee", "Åsa", "Zoë"]) + f" Test{number % 7}",
        "amount_minor": rng.randint(100, 900_000),
        "currency": rng.choice(["EUR", "SEK", "GBP", "JPY"]),
        "amount_eur_minor": rng.randint(100, 900_000),
        "psp": rng.choice(list(Psp)),
        "method": "bank_transfer",
        "destination_masked": "SE** **** 1234",
        "requested_at": NOW - timedelta(minutes=rng.randint(1, 5000)),
        "status": rng.choice([WithdrawalStatus.PENDING, WithdrawalStatus.IN_REVIEW]),
        "risk_score": score,
        "risk_level": level,
        "risk_signals": [RiskSignal(code="velocity", severity=Severity.MEDIUM, detail="3 other withdrawals")],
    }
    base.update(changes)
    return Withdrawal(**base)


@pytest.fixture
def model() -> WithdrawalQueueModel:
    rng = random.Random(7)
    m = WithdrawalQueueModel(ME, clock=lambda: NOW.timestamp())
    m.apply([withdrawal(n, rng) for n in range(1, 201)])
    return m


def ids(m: WithdrawalQueueModel) -> list[str]:
    return [m.id_at(r) or "" for r in range(m.rowCount())]


def test_the_model_passes_qts_model_tester(qtmodeltester: Any, model: WithdrawalQueueModel) -> None:
    qtmodeltester.check(model, force_py=True)
    model.sort(Col.PLAYER, Qt.SortOrder.AscendingOrder)
    model.set_filter(QueueFilter(text="test3"))
    qtmodeltester.check(model, force_py=True)


def test_changes_keep_passing_the_model_tester(qtmodeltester: Any) -> None:
    rng = random.Random(8)
    model = WithdrawalQueueModel(ME, clock=lambda: NOW.timestamp())
    model.apply([withdrawal(n, rng) for n in range(1, 41)])
    qtmodeltester.check(model, force_py=True)  # stays attached: checks every signal that follows
    model.apply([withdrawal(n, rng) for n in range(300, 308)])
    model.apply([withdrawal(5, rng, version=2, status=WithdrawalStatus.APPROVED)])
    model.sort(Col.AMOUNT_EUR, Qt.SortOrder.DescendingOrder)
    model.apply([withdrawal(6, rng, version=2, claimed_by="ST-003", claimed_by_name="Per Payments")])


def test_default_order_is_risk_descending_then_oldest(model: WithdrawalQueueModel) -> None:
    keys = [
        (-model.store.risk_scores[model.store.slot_of[i]], model.store.requested[model.store.slot_of[i]])
        for i in ids(model)
    ]
    assert keys == sorted(keys)


@pytest.mark.parametrize("column", list(Col))
@pytest.mark.parametrize("order", [Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder])
def test_every_column_sorts_by_its_raw_value(
    model: WithdrawalQueueModel, column: Col, order: Qt.SortOrder
) -> None:
    model.sort(column, order)
    values = [model.index(r, column).data(WithdrawalQueueModel.SortRole) for r in range(model.rowCount())]
    assert values == sorted(values, reverse=order == Qt.SortOrder.DescendingOrder)


def test_sorting_keeps_the_selected_item(model: WithdrawalQueueModel) -> None:
    target = model.id_at(37)
    persistent = QPersistentModelIndex(model.index(37, 0))
    model.sort(Col.PLAYER, Qt.SortOrder.AscendingOrder)
    assert model.id_at(persistent.row()) == target


def test_live_update_changes_the_row_in_place_and_ignores_stale_versions(model: WithdrawalQueueModel) -> None:
    rng = random.Random(9)
    row = 12
    target = model.id_at(row) or ""
    slot = model.store.slot_of[target]
    newer = withdrawal(int(target[2:]), rng, version=3, risk_score=99, risk_level=RiskLevel.CRITICAL)
    before = ids(model)
    model.apply([newer])
    assert ids(model) == before  # in place: no jump to its new sort position under the cursor
    assert model.index(row, Col.RISK).data() == "99"
    model.apply([withdrawal(int(target[2:]), rng, version=2, risk_score=1)])
    assert model.index(row, Col.RISK).data() == "99"
    assert model.store.versions[slot] == 3


def test_decided_rows_leave_and_new_rows_land_in_sorted_position(model: WithdrawalQueueModel) -> None:
    rng = random.Random(10)
    leaving = model.id_at(3) or ""
    model.apply([withdrawal(int(leaving[2:]), rng, version=5, status=WithdrawalStatus.APPROVED)])
    assert leaving not in ids(model)
    fresh = withdrawal(
        9_999, rng, risk_score=100, risk_level=RiskLevel.CRITICAL, requested_at=NOW - timedelta(days=9)
    )
    model.apply([fresh])
    assert model.id_at(0) == "W-009999"
    model.apply([withdrawal(int(leaving[2:]), rng, version=4)])  # older than the decision: stays gone
    assert leaving not in ids(model)


def test_counts_follow_every_change(model: WithdrawalQueueModel, qtbot: Any) -> None:
    rng = random.Random(11)
    before = model.store.open_counts()
    target = model.id_at(0) or ""
    status = model.store.statuses[model.store.slot_of[target]]
    with qtbot.waitSignal(model.counts_changed) as blocker:
        model.apply([withdrawal(int(target[2:]), rng, version=2, status=WithdrawalStatus.REJECTED)])
    after = blocker.args[0]
    assert after[status] == before[status] - 1
    assert list(after) == ["pending", "in_review", "awaiting_second_approval"]


def test_filters_combine(model: WithdrawalQueueModel) -> None:
    rng = random.Random(12)
    model.apply(
        [
            withdrawal(500, rng, claimed_by=ME, claim_expires_at=NOW + timedelta(minutes=3), currency="SEK"),
            withdrawal(501, rng, claimed_by=ME, claim_expires_at=NOW - timedelta(minutes=3)),  # lapsed
            withdrawal(
                502,
                rng,
                status=WithdrawalStatus.AWAITING_SECOND_APPROVAL,
                approvals=[Approval(staff_id="ST-003", staff_name="Per Payments", at=NOW)],
            ),
            withdrawal(
                503,
                rng,
                status=WithdrawalStatus.AWAITING_SECOND_APPROVAL,
                approvals=[Approval(staff_id=ME, staff_name="Pia Payments", at=NOW)],
            ),
        ]
    )
    model.set_filter(QueueFilter(claimed_by_me=True))
    assert ids(model) == ["W-000500"]
    model.set_filter(QueueFilter(awaiting_my_approval=True))
    assert ids(model) == ["W-000502"]
    model.set_filter(QueueFilter(text="w-00050", currency="SEK"))
    assert "W-000500" in ids(model) and all(
        model.store.currencies[model.store.slot_of[i]] == "SEK" for i in ids(model)
    )
    model.set_filter(QueueFilter(min_eur_minor=500_000, risk_levels=frozenset({"critical"})))
    assert all(
        model.store.amounts_eur[model.store.slot_of[i]] >= 500_000
        and model.store.risk_levels[model.store.slot_of[i]] == "critical"
        for i in ids(model)
    )
    assert model.rowCount() > 0


def test_display_texts(model: WithdrawalQueueModel) -> None:
    rng = random.Random(13)
    model.apply(
        [
            withdrawal(
                700,
                rng,
                amount_minor=1_234_567,
                currency="SEK",
                amount_eur_minor=107_890,
                claimed_by="ST-003",
                claimed_by_name="Per Payments",
                claim_expires_at=NOW + timedelta(minutes=2),
                requires_four_eyes=True,
                requested_at=NOW - timedelta(hours=3, minutes=5),
            )
        ]
    )
    model.set_filter(QueueFilter(text="W-000700"))
    texts = {col: model.index(0, col).data() for col in Col}
    assert texts[Col.AMOUNT] == "SEK 12,345.67"
    assert texts[Col.AMOUNT_EUR] == "EUR 1,078.90"
    assert texts[Col.AGE] == "3 h 05"
    assert texts[Col.CLAIMED_BY] == "Per Payments"
    assert texts[Col.APPROVALS] == "0 of 2"
    assert texts[Col.STATUS] in ("Pending", "In review")


def test_money_and_age_formatting() -> None:
    assert format_money(123456, "SEK") == "SEK 1,234.56"
    assert format_money(-5, "EUR") == "EUR -0.05"
    assert format_money(1500, "JPY", 0) == "JPY 1,500"
    assert format_money(1, "BHD", 3) == "BHD 0.001"
    assert [format_age(s) for s in (5, 600, 3 * 3600 + 60, 2 * 86_400 + 4 * 3600)] == [
        "5 s",
        "10 min",
        "3 h 01",
        "2 d 4 h",
    ]


def test_the_detail_tables_model_passes_the_model_tester(qtmodeltester: Any) -> None:
    rows_model = RowsModel(("When", "Amount"))
    rows_model.set_rows(
        [Row((Cell("2026-11-24 10:00", sort=2.0), Cell("EUR 1.00", sort=100, right=True)), emphasis=True)]
        + [
            Row((Cell(f"2026-11-2{i} 10:00", sort=float(i)), Cell(f"EUR {i}.00", sort=i * 100)))
            for i in range(5)
        ]
    )
    qtmodeltester.check(rows_model, force_py=True)
    rows_model.sort(1, Qt.SortOrder.DescendingOrder)
    assert rows_model.index(0, 1).data() == "EUR 4.00"
    rows_model.sort(-1)  # "unsorted" leaves the rows alone
    assert rows_model.index(0, 1).data() == "EUR 4.00"
