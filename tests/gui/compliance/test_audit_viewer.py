"""The audit viewer against the real sandbox: filters, before/after, chain verification (intact
and tampered in the database), Excel export (every matching record, formulas stay text)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import sqlalchemy as sa
from compliance_helpers import make_alert
from desk_support import screenshot
from PySide6.QtCore import QDateTime, Qt

from bo_desktop.contract.enums import Permission
from bo_desktop.core.context import AppContext
from bo_desktop.core.docks import DockRegistry
from bo_desktop.features import audit as audit_feature
from bo_desktop.features.audit.model import AuditModel, Col
from bo_desktop.features.audit.panel import AuditPanel
from bo_desktop.sandbox import db


def open_panel(qtbot: Any, ctx: AppContext) -> AuditPanel:
    panel = AuditPanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(1400, 640)
    panel.show()
    loaded(qtbot, panel)
    return panel


def loaded(qtbot: Any, panel: AuditPanel) -> None:
    qtbot.waitUntil(lambda: "shown" in panel.summary.text(), timeout=20_000)


def worked_alert(sandbox: Any, http: Callable[[str], httpx.Client], rationale: str) -> str:
    alert_id = make_alert(sandbox, kind="aml", severity="medium")
    client = http("compliance")
    response = client.post(
        f"/alerts/{alert_id}/transition",
        json={"status": "investigating", "rationale": rationale},
        headers={"If-Match": 'W/"1"', "Idempotency-Key": f"audit-gui-{alert_id}"},
    )
    assert response.status_code == 200, response.text
    return alert_id


def filter_entity(qtbot: Any, panel: AuditPanel, entity_id: str) -> None:
    panel.entity_id.clear()
    qtbot.keyClicks(panel.entity_id, entity_id)
    qtbot.mouseClick(panel.apply, Qt.MouseButton.LeftButton)
    loaded(qtbot, panel)


def test_filters_and_before_after(
    sandbox: Any, qtbot: Any, desk: Callable[..., AppContext], http: Callable[[str], httpx.Client]
) -> None:
    alert_id = worked_alert(sandbox, http, "Structuring pattern, pulling statements")
    panel = open_panel(qtbot, desk("compliance", live=False))
    panel.actor.setCurrentIndex(panel.actor.findData("ST-004"))
    panel.entity_type.setCurrentIndex(panel.entity_type.findData("alert"))
    qtbot.keyClicks(panel.action, "alert.transition")
    filter_entity(qtbot, panel, alert_id)
    assert panel.model.rowCount() == 1
    record = panel.model.record_at(0)
    assert record is not None and record.entity_id == alert_id and record.actor_id == "ST-004"
    panel.table.selectRow(0)
    qtbot.waitUntil(lambda: panel.diff.topLevelItemCount() > 0)
    first = panel.diff.topLevelItem(0)  # changed fields come first, highlighted
    rows = {
        panel.diff.topLevelItem(i).text(0): panel.diff.topLevelItem(i)
        for i in range(panel.diff.topLevelItemCount())
    }
    assert (rows["status"].text(1), rows["status"].text(2)) == ("open", "investigating")
    assert first.font(0).bold() and rows["status"].font(0).bold()
    assert not rows["assignee_id"].font(0).bold()  # unchanged: shown, not highlighted
    assert "Structuring pattern, pulling statements" in panel.diff_title.text()
    panel.verify.click()
    qtbot.waitUntil(lambda: "Verified" in panel.verification.text(), timeout=20_000)
    screenshot(panel, "audit-viewer")

    # Time: nothing was recorded in the future.
    panel.use_since.setChecked(True)
    panel.since.setDateTime(QDateTime.currentDateTime().addDays(1))
    qtbot.mouseClick(panel.apply, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.summary.text().startswith("0 records"), timeout=10_000)


def test_verify_chain_detects_a_tampered_record(
    sandbox: Any, qtbot: Any, desk: Callable[..., AppContext], http: Callable[[str], httpx.Client]
) -> None:
    alert_id = worked_alert(sandbox, http, "Original rationale")
    panel = open_panel(qtbot, desk("compliance", live=False))
    qtbot.mouseClick(panel.verify, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Verified —" in panel.verification.text(), timeout=20_000)
    checked = int(panel.verification.text().split("— ")[1].split(" ")[0].replace(",", ""))
    assert checked >= 1

    seq = http("compliance").get("/audit", params={"entity_id": alert_id}).json()["data"][0]["seq"]
    row = sa.update(db.AuditLog).where(db.AuditLog.seq == seq)
    with sandbox.state.sessionmaker.begin() as session:  # someone "adjusts" history in the database
        session.execute(row.values(reason="Nothing suspicious"))
    try:
        qtbot.mouseClick(panel.verify, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "Broken" in panel.verification.text(), timeout=20_000)
        assert panel.verification.text().startswith(f"✖ Broken at record {seq}")
    finally:
        with sandbox.state.sessionmaker.begin() as session:
            session.execute(row.values(reason="Original rationale"))
    qtbot.mouseClick(panel.verify, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Verified —" in panel.verification.text(), timeout=20_000)


def test_export_writes_every_matching_record(
    sandbox: Any,
    qtbot: Any,
    desk: Callable[..., AppContext],
    http: Callable[[str], httpx.Client],
    tmp_path: Path,
) -> None:
    alert_id = worked_alert(sandbox, http, '=HYPERLINK("http://evil.example","click")')
    panel = open_panel(qtbot, desk("compliance", live=False))
    filter_entity(qtbot, panel, alert_id)
    target = tmp_path / "trail.xlsx"
    panel.export_to(target)
    assert not panel.export.isEnabled() and panel.cancel_export.isVisible()
    qtbot.waitUntil(lambda: panel.summary.text().startswith("Exported"), timeout=30_000)
    assert panel.export.isEnabled() and not panel.cancel_export.isVisible()
    sheet = openpyxl.load_workbook(target).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Record", "Time (UTC)", "Actor", "Actor id", "Action")
    assert [r[6] for r in rows[1:]] == [alert_id]
    cell = sheet.cell(row=2, column=8)
    assert cell.value == '=HYPERLINK("http://evil.example","click")' and cell.data_type == "s"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]

    # Cancelled before anything was written: no file.
    cancelled = tmp_path / "cancelled.xlsx"
    panel.export_to(cancelled)
    panel.cancel_export.click()
    qtbot.waitUntil(lambda: "cancelled" in panel.summary.text(), timeout=30_000)
    assert not cancelled.exists()


def test_load_more_and_model_contract(
    qtmodeltester: Any, sandbox: Any, qtbot: Any, desk: Callable[..., AppContext]
) -> None:
    panel = open_panel(qtbot, desk("compliance", live=False))
    model: AuditModel = panel.model
    first = model.rowCount()
    assert first > 0
    qtmodeltester.check(model)
    if panel.load_more.isEnabled():
        qtbot.mouseClick(panel.load_more, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: model.rowCount() > first, timeout=10_000)
    seqs = [model.record_at(r).seq for r in range(model.rowCount())]  # type: ignore[union-attr]
    assert seqs == sorted(seqs, reverse=True) and len(set(seqs)) == len(seqs)
    model.sort(Col.ACTOR, Qt.SortOrder.AscendingOrder)
    qtmodeltester.check(model)


def test_only_staff_with_audit_read_get_the_viewer() -> None:
    registry = DockRegistry()
    audit_feature.register(registry)
    assert [s.id for s in registry.allowed([Permission.AUDIT_READ])] == ["audit"]
    assert registry.allowed([Permission.PLAYERS_READ, Permission.ALERTS_READ]) == []
