"""The queue in the real main window, photographed for review (screenshots/, git-ignored).

Also a rendering check: the dock is built by the registry the shell discovers, lands in the
window with its stable objectName, and shows the queue and an open item's detail side by side.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from wd_support import decision_dialog, get_withdrawal, make_withdrawal, open_item, search_for, unique_name

from bo_desktop.core.docks import DockRegistry
from bo_desktop.features import withdrawals
from bo_desktop.features.withdrawals.panel import SIDE_BY_SIDE_MIN_WIDTH, WithdrawalsPanel
from bo_desktop.shell.main_window import MainWindow
from bo_desktop.shell.theme import ThemeManager

SHOTS = Path(__file__).resolve().parents[3] / "screenshots"


def test_queue_with_detail_in_the_main_window(
    reviewer: Any, sandbox: Any, qtbot: Any, staff_http: Any
) -> None:
    ctx = reviewer("payments1")
    registry = DockRegistry()
    withdrawals.register(registry)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    window = MainWindow(ctx, registry, ThemeManager(app), lambda exc: None, reset_layout=True)
    qtbot.addWidget(window)
    window.resize(1600, 1000)
    window.show()
    dock = window.docks["withdrawals"]
    assert dock.objectName() == "dock.withdrawals"
    panel = window.panel("withdrawals")
    assert isinstance(panel, WithdrawalsPanel)
    qtbot.waitUntil(lambda: "live updates on" in panel.load_status.text(), timeout=20_000)
    name = unique_name("Lindqvist")
    wid = make_withdrawal(
        sandbox,
        player_name=name,
        amount_eur_minor=265_000,
        risk_level="critical",
        signals=[
            {"code": "deposits_not_wagered", "severity": "high", "detail": "Wagered 4% of EUR 2,700.00"},
            {"code": "new_payment_method", "severity": "high", "detail": "Payout account never used"},
            {"code": "amount_over_threshold", "severity": "medium", "detail": "EUR 2,650.00 is over"},
        ],
    )
    qtbot.waitUntil(lambda: panel.model.row_of(wid) is not None, timeout=10_000)
    open_item(panel, qtbot, wid)
    qtbot.keyClick(panel.view, Qt.Key.Key_C)
    qtbot.waitUntil(lambda: "Claimed by you" in panel.detail.claim.text(), timeout=5_000)
    qtbot.wait(300)
    SHOTS.mkdir(exist_ok=True)
    assert window.grab().save(str(SHOTS / "withdrawals-window.png"))
    # The detail sits beside the queue only when the dock is wide enough for both.
    side_by_side = panel.width() >= SIDE_BY_SIDE_MIN_WIDTH
    expected = Qt.Orientation.Horizontal if side_by_side else Qt.Orientation.Vertical
    assert panel.splitter.orientation() == expected
    assert panel.detail.isVisible() and panel.view.isVisible()

    qtbot.keyClick(panel.view, Qt.Key.Key_A)
    dialog = decision_dialog(panel, qtbot)
    qtbot.keyClicks(dialog.comment, "Source of funds checked with the player")
    assert dialog.grab().save(str(SHOTS / "withdrawals-approve-dialog.png"))
    dialog.reject()

    search_for(panel, qtbot, name, expected_rows=1)
    dock.setFloating(True)  # the reviewer gives the queue a screen of its own
    dock.resize(1600, 1000)
    qtbot.waitUntil(lambda: panel.splitter.orientation() == Qt.Orientation.Horizontal, timeout=2_000)
    qtbot.wait(200)
    assert dock.grab().save(str(SHOTS / "withdrawals-floating.png"))

    window.close()  # quitting gives the claim back at once
    http = staff_http("payments1")
    qtbot.waitUntil(lambda: get_withdrawal(http, wid)["claimed_by"] is None, timeout=5_000)
