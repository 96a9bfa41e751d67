"""The Rewards dock against the real sandbox: figures as the server says, grant, guard, cancel.

The session sandbox's simulator keeps playing, so shown figures are compared with a fresh HTTP
answer until they agree instead of with one snapshot.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from PySide6.QtCore import Qt

from bo_desktop.contract.enums import BonusStatus
from bo_desktop.contract.rewards import GrantKind
from bo_desktop.core.context import AppContext
from bo_desktop.features.rewards.model import TemplateColumn
from bo_desktop.features.rewards.panel import RewardsPanel
from bo_desktop.sandbox import db

SCREENSHOTS = Path(__file__).resolve().parents[3] / "screenshots"


def make_panel(qtbot: Any, ctx: AppContext) -> RewardsPanel:
    panel = RewardsPanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(1100, 560)
    panel.show()
    qtbot.waitUntil(lambda: panel.templates.rowCount() > 0 and panel.tiers.rowCount() == 5, timeout=15_000)
    qtbot.waitUntil(lambda: panel.bonuses.rowCount() > 0, timeout=15_000)
    return panel


def shown_granted(panel: RewardsPanel) -> dict[str, int]:
    return {row.template_id: row.granted for row in panel.templates.rows}


def test_figures_are_the_servers_and_models_pass_the_tester(
    qtbot: Any,
    qtmodeltester: Any,
    player_ctx: Callable[[str], AppContext],
    http: Callable[[str], httpx.Client],
) -> None:
    panel = make_panel(qtbot, player_ctx("manager"))
    client = http("manager")
    for model in (panel.templates, panel.bonuses, panel.tiers):
        qtmodeltester.check(model)

    def agrees() -> bool:
        server = {row["template_id"]: row["granted"] for row in client.get("/rewards/templates").json()}
        if server != shown_granted(panel):
            panel.reload()
            return False
        return True

    qtbot.waitUntil(agrees, timeout=20_000)
    row = next(i for i, r in enumerate(panel.templates.rows) if r.converted + r.lapsed > 0)
    stats = panel.templates.rows[row]
    shown = panel.templates.data(panel.templates.index(row, TemplateColumn.CONVERSION))
    assert shown == f"{stats.converted / (stats.converted + stats.lapsed):.1%}"
    panel.templates.sort(TemplateColumn.CONVERSION, Qt.SortOrder.DescendingOrder)
    rates = [r.conversion_rate for r in panel.templates.rows]
    numbers = [r for r in rates if r is not None]
    assert numbers == sorted(numbers, reverse=True) and rates[: len(numbers)] == numbers  # None last
    SCREENSHOTS.mkdir(exist_ok=True)
    panel.grab().save(str(SCREENSHOTS / "rewards-templates.png"))
    panel.tabs.setCurrentIndex(1)
    panel.grab().save(str(SCREENSHOTS / "rewards-bonuses.png"))


def _players(sandbox: Any) -> tuple[str, str]:
    """(an active player without any RG flag, a self-excluded player)."""
    with sandbox.state.sessionmaker() as session:
        alerted = set(session.scalars(sa.select(db.Alert.player_id).where(db.Alert.kind == "rg")))
        clean = session.scalars(
            sa.select(db.Player.id)
            .where(db.Player.status == "active", db.Player.cooling_off_until.is_(None))
            .where(db.Player.self_exclusion_until.is_(None))
            .order_by(db.Player.id)
        ).all()
        excluded = session.scalars(
            sa.select(db.Player.id).where(db.Player.status == "self_excluded").order_by(db.Player.id)
        ).first()
    assert excluded is not None
    return next(p for p in clean if p not in alerted), excluded


def test_grant_points_and_the_guard(
    qtbot: Any, sandbox: Any, player_ctx: Callable[[str], AppContext], http: Callable[[str], httpx.Client]
) -> None:
    panel = make_panel(qtbot, player_ctx("manager"))
    client = http("manager")
    clean, excluded = _players(sandbox)
    before = client.get(f"/players/{clean}").json()["loyalty_points"]

    for player_id, expected in (
        (clean, "Granted points to 1 player."),
        (excluded, "left out by the RG guard"),
    ):
        panel.grant_dialog = None
        panel.open_grant_dialog()
        qtbot.waitUntil(lambda: panel.grant_dialog is not None, timeout=10_000)
        dialog = panel.grant_dialog
        assert dialog is not None
        dialog.player.setText(player_id)
        dialog.kind.setCurrentIndex(dialog.kind.findData(GrantKind.POINTS.value))
        dialog.points.setValue(321)
        assert not dialog.ok.isEnabled()  # no reason yet
        dialog.reason.setPlainText("Goodwill: payment outage")
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda d=dialog: d.outcome is not None, timeout=15_000)  # type: ignore[misc]
        assert expected in dialog.message.text()
        if player_id == clean:
            SCREENSHOTS.mkdir(exist_ok=True)
            dialog.grab().save(str(SCREENSHOTS / "rewards-grant-dialog.png"))
        dialog.accept()
    assert client.get(f"/players/{clean}").json()["loyalty_points"] == before + 321


def test_cancel_a_bonus_and_permissions(
    qtbot: Any, player_ctx: Callable[[str], AppContext], http: Callable[[str], httpx.Client]
) -> None:
    readonly = make_panel(qtbot, player_ctx("compliance"))
    assert readonly.grant_button.isHidden() and readonly.cancel_button.isHidden()

    panel = make_panel(qtbot, player_ctx("manager"))
    panel.status_filter.setCurrentIndex(panel.status_filter.findData(BonusStatus.ACTIVE.value))
    qtbot.waitUntil(
        lambda: panel.bonuses.rowCount() > 0 and all(b.status.value == "active" for b in panel.bonuses.rows)
    )
    panel.bonus_table.selectRow(0)
    bonus = panel.selected_bonus()
    assert bonus is not None and panel.cancel_button.isEnabled()
    qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    dialog = panel.cancel_dialog
    assert dialog is not None
    dialog.reason.setPlainText("Bonus abuse confirmed")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.cancelled is not None, timeout=15_000)
    listed = http("manager").get(
        "/rewards/bonuses", params={"player_id": bonus.player_id, "status": "cancelled"}
    )
    assert bonus.id in {b["id"] for b in listed.json()["data"]}
    qtbot.waitUntil(
        lambda: bonus.id not in {b.id for b in panel.bonuses.rows}, timeout=15_000
    )  # list reloaded
