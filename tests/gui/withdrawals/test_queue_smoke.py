from __future__ import annotations

from wd_support import cell, make_withdrawal, unique_name

from bo_desktop.features.withdrawals.columns import Col
from bo_desktop.features.withdrawals.panel import WithdrawalsPanel


def test_smoke(reviewer, sandbox, qtbot):
    ctx = reviewer("payments1")
    name = unique_name()
    wid = make_withdrawal(
        sandbox,
        player_name=name,
        risk_level="high",
        signals=[{"code": "kyc_not_verified", "severity": "high", "detail": "KYC status is pending"}],
    )
    panel = WithdrawalsPanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(1600, 950)
    panel.show()
    qtbot.waitUntil(lambda: "loaded" in panel.load_status.text(), timeout=20000)
    qtbot.waitUntil(lambda: panel.detail.context is not None, timeout=10000)
    qtbot.wait(300)
    panel.grab().save("screenshots/withdrawals-smoke.png")
    assert cell(panel, wid, Col.PLAYER).startswith(name)
