"""The live KPI dock: tiles show the platform's numbers; a PSP outage turns its tile red and back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QColor

from bo_desktop.contract.metrics import MetricsSnapshot
from bo_desktop.core.context import AppContext, Notification, NotificationLevel
from bo_desktop.features.charts.kpi_panel import KpiPanel

RED = QColor("#c62828")


def open_kpis(qtbot: Any, ctx: AppContext) -> KpiPanel:
    panel = KpiPanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(1400, 420)
    panel.show()
    qtbot.waitExposed(panel)
    qtbot.waitUntil(lambda: panel.snapshot is not None and len(panel.psp_tiles) == 5, timeout=10_000)
    return panel


def tile_is_red(tile: Any) -> bool:
    """Look at the pixels, not only the property: the stylesheet must really paint it red."""
    image = tile.grab().toImage()
    colour = image.pixelColor(image.width() - 6, image.height() // 2)  # inside the border, off the text
    return abs(colour.red() - RED.red()) < 30 and colour.green() < 80 and colour.blue() < 80


def test_tiles_show_the_platforms_numbers(
    qtbot: Any, charts_ctx: Callable[[str], AppContext], run_async: Any
) -> None:
    ctx = charts_ctx("manager")
    panel = open_kpis(qtbot, ctx)
    server: MetricsSnapshot = run_async(ctx.api.get("metrics/snapshot", MetricsSnapshot))
    # Work-queue counts change slowly: what the tile shows is what the server says.
    qtbot.waitUntil(
        lambda: panel.tiles["pending_withdrawals"].value.text() == f"{server.pending_withdrawals:,}",
        timeout=5_000,
    )
    assert panel.tiles["open_aml_alerts"].value.text() == f"{server.open_aml_alerts:,}"
    assert panel.tiles["ggr_today"].value.text().startswith(("€", "-€"))
    assert panel.tiles["players_online"].caption.text() == "Players online"
    assert {t.caption.text() for t in panel.psp_tiles.values()} == {
        "Zimpler",
        "Adyen",
        "Trustly",
        "ecoPayz",
        "Nuvei",
    }
    assert panel.status.text().startswith("Updated")


def test_psp_outage_turns_its_tile_red_notifies_and_clears(
    qtbot: Any,
    charts_ctx: Callable[[str], AppContext],
    set_chaos: Callable[..., None],
    notifications: Callable[[AppContext], list[Notification]],
) -> None:
    ctx = charts_ctx("manager")
    seen = notifications(ctx)
    panel = open_kpis(qtbot, ctx)
    adyen = panel.psp_tiles["adyen"]
    assert not adyen.alert and not tile_is_red(adyen)

    set_chaos(psp_outage=["adyen"], paths=["/nothing"])  # deposits via Adyen fail; the API stays healthy
    qtbot.waitUntil(lambda: adyen.alert, timeout=10_000)
    assert "DOWN" in adyen.value.text()
    assert tile_is_red(adyen)
    assert not panel.psp_tiles["trustly"].alert
    down = [n for n in seen if "Adyen" in n.text]
    assert len(down) == 1 and down[0].level is NotificationLevel.ERROR and "unhealthy" in down[0].text

    qtbot.wait(2_500)  # it stays down for a few snapshots: still one notification, not one a second
    assert len([n for n in seen if "Adyen" in n.text]) == 1

    set_chaos()
    qtbot.waitUntil(lambda: not adyen.alert, timeout=20_000)
    assert not tile_is_red(adyen) and "DOWN" not in adyen.value.text()
    recovered = [n for n in seen if "Adyen recovered" in n.text]
    assert len(recovered) == 1 and recovered[0].level is NotificationLevel.INFO
