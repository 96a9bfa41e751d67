"""The alerts dock against the real sandbox: list, detail, workflow with rationale dialogs, the
second review by another officer, actions from an alert, 412 handling, AML hidden from support."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from compliance_helpers import active_player, make_alert
from desk_support import screenshot
from dispute_helpers import visible_dialog
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel, QPushButton
from shiboken6 import isValid

from bo_desktop.contract.common import etag_for
from bo_desktop.contract.compliance import AlertRestriction
from bo_desktop.contract.enums import KycDocumentKind
from bo_desktop.core.context import AppContext
from bo_desktop.features.alerts.dialogs import (
    AlertActionDialog,
    DocumentRequestDialog,
    RestrictDialog,
    RgInteractionDialog,
    TransitionDialog,
)
from bo_desktop.features.alerts.model import AlertsModel, Col
from bo_desktop.features.alerts.panel import AlertsPanel


def open_panel(qtbot: Any, ctx: AppContext) -> AlertsPanel:
    panel = AlertsPanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(1400, 720)
    panel.show()
    qtbot.waitUntil(lambda: panel.summary.text().endswith(("alert", "alerts")), timeout=20_000)
    return panel


def select(qtbot: Any, panel: AlertsPanel, alert_id: str) -> None:
    qtbot.waitUntil(lambda: panel.model.row_of(alert_id) >= 0, timeout=10_000)
    panel.select(alert_id)
    qtbot.waitUntil(lambda: panel.detail.alert is not None and panel.detail.alert.id == alert_id)


def click(qtbot: Any, panel: AlertsPanel, name: str) -> None:
    def ready() -> bool:
        found = panel.findChild(QPushButton, name)
        return found is not None and found.isVisible() and found.isEnabled()

    qtbot.waitUntil(ready, timeout=5000)
    button = panel.findChild(QPushButton, name)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def submit(qtbot: Any, dialog: AlertActionDialog) -> None:
    qtbot.mouseClick(dialog.submit_button, Qt.MouseButton.LeftButton)


def closed(dialog: AlertActionDialog) -> bool:
    return not isValid(dialog) or not dialog.isVisible()


def status_text(panel: AlertsPanel, alert_id: str) -> str:
    return str(panel.model.index(panel.model.row_of(alert_id), Col.STATUS).data())


def test_work_an_alert_from_open_to_action_taken(
    sandbox: Any, qtbot: Any, desk: Callable[..., AppContext]
) -> None:
    alert_id = make_alert(sandbox, kind="rg", severity="medium")
    panel = open_panel(qtbot, desk("compliance"))
    select(qtbot, panel, alert_id)
    assert panel.detail.fields["status"].text() == "Open"
    click(qtbot, panel, "alertInvestigate")
    dialog = visible_dialog(qtbot, panel, TransitionDialog)
    submit(qtbot, dialog)  # no rationale yet
    assert dialog.isVisible() and "rationale" in dialog.error.text()
    qtbot.keyClicks(dialog.rationale, "Reviewing the session pattern")
    submit(qtbot, dialog)
    qtbot.waitUntil(lambda: status_text(panel, alert_id) == "Investigating", timeout=10_000)
    qtbot.waitUntil(lambda: closed(dialog), timeout=10_000)
    click(qtbot, panel, "alertCloseAction")
    dialog = visible_dialog(qtbot, panel, TransitionDialog)
    qtbot.keyClicks(dialog.rationale, "Deposit limit agreed by phone")
    submit(qtbot, dialog)
    # Closed alerts leave the "Active" list; the history is what remains.
    qtbot.waitUntil(lambda: panel.model.row_of(alert_id) < 0, timeout=10_000)
    panel.status.setCurrentIndex(panel.status.findData("closed_action_taken"))
    select(qtbot, panel, alert_id)
    entries = panel.detail.history.toPlainText().split("\n\n")
    assert len(entries) == 2
    assert entries[1].endswith(
        "Connie Compliance · Investigating → Closed — action taken\nDeposit limit agreed by phone"
    )


def test_high_no_action_waits_for_a_second_officer(
    sandbox: Any, qtbot: Any, desk: Callable[..., AppContext], http: Callable[[str], httpx.Client]
) -> None:
    alert_id = make_alert(sandbox, kind="aml", severity="high")
    officer = open_panel(qtbot, desk("compliance"))
    select(qtbot, officer, alert_id)
    click(qtbot, officer, "alertInvestigate")
    dialog = visible_dialog(qtbot, officer, TransitionDialog)
    qtbot.keyClicks(dialog.rationale, "Checking the deposits")
    submit(qtbot, dialog)
    qtbot.waitUntil(lambda: closed(dialog), timeout=10_000)
    click(qtbot, officer, "alertCloseNoAction")
    dialog = visible_dialog(qtbot, officer, TransitionDialog)
    assert "second compliance officer" in dialog.findChild(QLabel, "secondReviewNote").text()
    qtbot.keyClicks(dialog.rationale, "Salary payments explain the deposits")
    submit(qtbot, dialog)
    qtbot.waitUntil(lambda: status_text(officer, alert_id) == "Awaiting second review", timeout=10_000)
    # The proposer cannot confirm their own proposal: only "send back" is offered.
    assert officer.findChild(QPushButton, "alertConfirmClose") is None
    assert "another compliance officer must confirm" in officer.detail.review_note.text()
    screenshot(officer, "alerts-dock")

    reviewer = open_panel(qtbot, desk("manager"))
    select(qtbot, reviewer, alert_id)
    assert "Connie Compliance proposed" in reviewer.detail.review_note.text()
    click(qtbot, reviewer, "alertConfirmClose")
    dialog = visible_dialog(qtbot, reviewer, TransitionDialog)
    qtbot.keyClicks(dialog.rationale, "Payslips on file, agree")
    submit(qtbot, dialog)
    # The officer's dock follows live: the confirmed alert leaves their active list.
    qtbot.waitUntil(lambda: officer.model.row_of(alert_id) < 0, timeout=15_000)
    final = http("compliance").get(f"/alerts/{alert_id}").json()
    assert final["status"] == "closed_no_action"
    assert [h["staff_id"] for h in final["history"]][-2:] == ["ST-004", "ST-005"]


def test_report_needs_reference_and_a_stale_version_keeps_the_text(
    sandbox: Any, qtbot: Any, desk: Callable[..., AppContext], http: Callable[[str], httpx.Client]
) -> None:
    alert_id = make_alert(sandbox, kind="aml", severity="medium", status="investigating")
    panel = open_panel(qtbot, desk("compliance", live=False))
    select(qtbot, panel, alert_id)
    click(qtbot, panel, "alertReport")
    dialog = visible_dialog(qtbot, panel, TransitionDialog)
    qtbot.keyClicks(dialog.rationale, "Structuring over three weeks; SAR filed")
    submit(qtbot, dialog)
    assert "reference" in dialog.error.text() and dialog.isVisible()
    qtbot.keyClicks(dialog.reference, "FIU-2026-0042")
    # Meanwhile a colleague assigns the alert (the version moves on; this panel is not live).
    other = http("manager")
    assert (
        other.post(
            f"/alerts/{alert_id}/assign", json={"assignee_id": "ST-005"}, headers={"If-Match": etag_for(1)}
        ).status_code
        == 200
    )
    submit(qtbot, dialog)
    qtbot.waitUntil(lambda: "changed this in the meantime" in dialog.error.text(), timeout=10_000)
    assert dialog.rationale.toPlainText() == "Structuring over three weeks; SAR filed"
    assert panel.detail.fields["assignee"].text() == "Max Manager"  # what changed is shown
    submit(qtbot, dialog)  # the user saw it; the same decision now goes to the current version
    qtbot.waitUntil(lambda: closed(dialog), timeout=10_000)
    final = http("compliance").get(f"/alerts/{alert_id}").json()
    assert final["status"] == "reported" and final["report_reference"] == "FIU-2026-0042"


def test_actions_from_an_alert(
    sandbox: Any, qtbot: Any, desk: Callable[..., AppContext], http: Callable[[str], httpx.Client]
) -> None:
    player_id = active_player(sandbox, offset=21)
    alert_id = make_alert(sandbox, kind="rg", severity="medium", player_id=player_id)
    ctx = desk("compliance")
    panel = open_panel(qtbot, ctx)
    select(qtbot, panel, alert_id)
    with qtbot.waitSignal(ctx.requests.open_player, timeout=2000) as opened:
        click(qtbot, panel, "alertOpenPlayer")
    assert opened.args == [player_id]

    click(qtbot, panel, "alertRgInteraction")
    rg = visible_dialog(qtbot, panel, RgInteractionDialog)
    qtbot.keyClicks(rg.summary, "Talked about <b>chasing losses</b>")
    qtbot.keyClicks(rg.outcome, "weekly limit agreed")
    submit(qtbot, rg)
    qtbot.waitUntil(lambda: closed(rg), timeout=10_000)
    listed = http("compliance").get(f"/players/{player_id}/rg-interactions").json()["data"]
    assert listed[0]["summary"] == "Talked about <b>chasing losses</b>" and listed[0]["alert_id"] == alert_id

    click(qtbot, panel, "alertRestrict")
    restrict = visible_dialog(qtbot, panel, RestrictDialog)
    assert not restrict.reason.isEnabled()  # a reason code is for suspensions
    qtbot.keyClicks(restrict.rationale, "Pending affordability check")
    submit(qtbot, restrict)
    qtbot.waitUntil(lambda: closed(restrict), timeout=10_000)
    trail = http("compliance").get(
        "/audit", params={"entity_id": player_id, "action": "player.withdrawals_block"}
    )
    assert trail.json()["data"][0]["after"]["withdrawals_blocked"] is True

    for attempt in ("first", "duplicate"):
        click(qtbot, panel, "alertRequestDocs")
        request = visible_dialog(qtbot, panel, DocumentRequestDialog)
        request.kind.setCurrentIndex(request.kind.findData(KycDocumentKind.SOURCE_OF_WEALTH))
        qtbot.keyClicks(request.comment, "Please send payslips or a sale contract")
        submit(qtbot, request)
        if attempt == "first":
            qtbot.waitUntil(lambda r=request: closed(r), timeout=10_000)
        else:  # one open request per kind: said in the dialog, the text stays
            qtbot.waitUntil(lambda r=request: "already requested" in r.error.text(), timeout=10_000)
            assert request.comment.toPlainText() == "Please send payslips or a sale contract"
            request.reject()
    documents = http("compliance").get(f"/players/{player_id}/kyc").json()
    asked = [d for d in documents if d["kind"] == "source_of_wealth" and d["status"] == "requested"]
    assert len(asked) == 1 and asked[0]["comment"] == "Please send payslips or a sale contract"


def test_support_never_sees_aml_alerts(sandbox: Any, qtbot: Any, desk: Callable[..., AppContext]) -> None:
    aml = make_alert(sandbox, kind="aml", severity="critical")
    fraud = make_alert(sandbox, kind="fraud", severity="high")
    panel = open_panel(qtbot, desk("support"))
    kinds = [panel.kind.itemData(i) for i in range(panel.kind.count())]
    assert "aml" not in kinds
    qtbot.waitUntil(lambda: panel.model.row_of(fraud) >= 0, timeout=10_000)
    assert panel.model.row_of(aml) < 0
    rows = [panel.model.alert_at(r) for r in range(panel.model.rowCount())]
    assert rows and all(a is not None and a.kind.value != "aml" for a in rows)
    select(qtbot, panel, fraud)
    # Support reads alerts but does not work them: no workflow buttons, no restriction.
    assert panel.findChild(QPushButton, "alertInvestigate") is None
    assert not panel.findChild(QPushButton, "alertRestrict").isVisible()


def test_alerts_model_contract(
    qtmodeltester: Any, sandbox: Any, qtbot: Any, desk: Callable[..., AppContext]
) -> None:
    panel = open_panel(qtbot, desk("compliance", live=False))
    model: AlertsModel = panel.model
    assert model.rowCount() > 0
    qtmodeltester.check(model)
    model.sort(Col.SEVERITY, Qt.SortOrder.DescendingOrder)
    first = model.alert_at(0)
    assert first is not None and first.severity.value in ("critical", "high")
    qtmodeltester.check(model)


def test_a_decision_lost_after_commit_is_applied_once(
    sandbox: Any, qtbot: Any, desk: Callable[..., AppContext], http: Callable[[str], httpx.Client]
) -> None:
    alert_id = make_alert(sandbox, kind="fraud", severity="medium")
    admin = http("admin")
    panel = open_panel(qtbot, desk("compliance", live=False))
    select(qtbot, panel, alert_id)
    click(qtbot, panel, "alertInvestigate")
    dialog = visible_dialog(qtbot, panel, TransitionDialog)
    qtbot.keyClicks(dialog.rationale, "Device fingerprint shared with two accounts")
    chaos = {"error_rate_after_commit": 1.0, "paths": [f"/alerts/{alert_id}/transition"]}
    assert admin.put("/admin/chaos", json=chaos).status_code == 200
    try:
        submit(qtbot, dialog)  # committed on the server, but every answer is lost
        qtbot.waitUntil(lambda: bool(dialog.error.text()), timeout=20_000)
        assert dialog.rationale.toPlainText() == "Device fingerprint shared with two accounts"
    finally:
        assert admin.put("/admin/chaos", json={}).status_code == 200
    submit(qtbot, dialog)  # the same intent again: the server replays its stored answer
    qtbot.waitUntil(lambda: closed(dialog), timeout=10_000)
    final = http("compliance").get(f"/alerts/{alert_id}").json()
    assert final["status"] == "investigating" and len(final["history"]) == 1


def test_player_filter_and_suggested_suspension_reason(
    sandbox: Any, qtbot: Any, desk: Callable[..., AppContext]
) -> None:
    player_id = active_player(sandbox, offset=41)
    mine = make_alert(sandbox, kind="fraud", severity="high", player_id=player_id)
    panel = open_panel(qtbot, desk("compliance", live=False))
    qtbot.keyClicks(panel.player, player_id.lower())
    qtbot.keyClick(panel.player, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: panel.model.rowCount() >= 1 and panel.summary.text().endswith(("alert", "alerts"))
    )
    players = {panel.model.alert_at(r).player_id for r in range(panel.model.rowCount())}  # type: ignore[union-attr]
    assert players == {player_id}
    select(qtbot, panel, mine)
    click(qtbot, panel, "alertRestrict")
    dialog = visible_dialog(qtbot, panel, RestrictDialog)
    dialog.restriction.setCurrentIndex(dialog.restriction.findData(AlertRestriction.SUSPEND))
    assert dialog.reason.isEnabled() and dialog.reason.currentData() == "fraud_suspected"
    dialog.reject()


def test_sorting_keeps_the_selected_alert_selected(
    sandbox: Any, qtbot: Any, desk: Callable[..., AppContext]
) -> None:
    # A compliance officer sorts while an alert is selected: the highlight must stay on that alert,
    # not on the row position (which would now be another player's alert).
    panel = open_panel(qtbot, desk("compliance", live=False))
    model = panel.model
    assert model.rowCount() > 2
    last = model.alert_at(model.rowCount() - 1)
    assert last is not None
    select(qtbot, panel, last.id)
    header = panel.table.horizontalHeader()
    for column in (Col.RULE, Col.AGE, Col.SEVERITY):
        x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
        selected = panel.table.selectionModel().selectedRows()
        assert [model.alert_at(index.row()).id for index in selected] == [last.id]  # type: ignore[union-attr]
        assert panel.detail.alert is not None and panel.detail.alert.id == last.id
