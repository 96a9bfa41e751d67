"""The KYC review dock against the real sandbox: Pay-n-Play bank identity, verify and reject
with a reason, the player's KYC state following live in another reviewer's dock, a document
decided by someone else leaving the queue with a message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from compliance_helpers import active_player, make_document, set_player
from desk_support import screenshot
from PySide6.QtCore import Qt

from bo_desktop.contract.common import etag_for
from bo_desktop.core.context import AppContext
from bo_desktop.features.kyc.model import Col, KycQueueModel
from bo_desktop.features.kyc.panel import KycQueuePanel


def open_panel(qtbot: Any, ctx: AppContext) -> KycQueuePanel:
    panel = KycQueuePanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(1400, 640)
    panel.show()
    qtbot.waitUntil(lambda: panel.summary.text().endswith("waiting"), timeout=20_000)
    return panel


def select(qtbot: Any, panel: KycQueuePanel, doc_id: str) -> None:
    qtbot.waitUntil(lambda: panel.model.row_of(doc_id) >= 0, timeout=10_000)
    panel.select(doc_id)
    qtbot.waitUntil(lambda: panel.current is not None and panel.current.id == doc_id)


def kyc_cell(panel: KycQueuePanel, doc_id: str) -> str:
    return str(panel.model.index(panel.model.row_of(doc_id), Col.KYC).data())


def test_pay_n_play_shows_the_bank_verified_identity(
    sandbox: Any, qtbot: Any, desk: Callable[..., AppContext]
) -> None:
    player_id = active_player(sandbox, pay_n_play=True, offset=1)
    doc = make_document(sandbox, player_id, kind="source_of_funds")
    panel = open_panel(qtbot, desk("compliance", live=False))
    panel.pnp_only.setChecked(True)
    qtbot.waitUntil(lambda: panel.summary.text().endswith("waiting"), timeout=10_000)
    rows = [panel.model.item_at(r) for r in range(panel.model.rowCount())]
    assert rows and all(item is not None and item.pay_n_play for item in rows)
    select(qtbot, panel, doc)
    assert panel.bank_box.isVisible()
    name = panel.bank_identity.text()
    assert "bank ID via" in name and name.split(" (")[0]
    assert panel.model.index(panel.model.row_of(doc), Col.IDENTITY).data() == name
    screenshot(panel, "kyc-queue")
    regular = make_document(sandbox, active_player(sandbox, offset=31), kind="id")
    panel.pnp_only.setChecked(False)
    select(qtbot, panel, regular)
    assert not panel.bank_box.isVisible()


def test_verification_updates_the_player_live_everywhere(
    sandbox: Any, qtbot: Any, desk: Callable[..., AppContext], http: Callable[[str], httpx.Client]
) -> None:
    player_id = active_player(sandbox, offset=33)
    set_player(sandbox, player_id, kyc_status="pending")
    id_doc = make_document(sandbox, player_id, kind="id")
    address = make_document(sandbox, player_id, kind="proof_of_address")
    funds = make_document(sandbox, player_id, kind="source_of_funds")
    reviewer = open_panel(qtbot, desk("compliance"))
    colleague = open_panel(qtbot, desk("manager"))
    qtbot.waitUntil(lambda: colleague.model.row_of(funds) >= 0, timeout=10_000)
    assert kyc_cell(colleague, funds) == "Pending"

    for doc in (id_doc, address):
        select(qtbot, reviewer, doc)
        qtbot.mouseClick(reviewer.verify, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda d=doc: reviewer.model.row_of(d) < 0, timeout=10_000)
    # The colleague's dock follows: decided documents leave, the player's state changes.
    qtbot.waitUntil(lambda: colleague.model.row_of(address) < 0, timeout=10_000)
    qtbot.waitUntil(lambda: kyc_cell(colleague, funds) == "Verified", timeout=10_000)
    assert http("compliance").get(f"/players/{player_id}").json()["kyc_status"] == "verified"


def test_reject_needs_a_reason_and_keeps_the_comment_on_failure(
    sandbox: Any, qtbot: Any, desk: Callable[..., AppContext], http: Callable[[str], httpx.Client]
) -> None:
    player_id = active_player(sandbox, offset=35)
    set_player(sandbox, player_id, kyc_status="pending")
    doc = make_document(sandbox, player_id, kind="id")
    panel = open_panel(qtbot, desk("compliance", live=False))
    select(qtbot, panel, doc)
    assert not panel.reject.isEnabled()  # no reason chosen yet
    panel.reason.setCurrentIndex(panel.reason.findData("unreadable"))
    assert panel.reject.isEnabled()
    qtbot.keyClicks(panel.comment, "The photo is blurred, please upload a sharper copy.")
    qtbot.mouseClick(panel.reject, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.model.row_of(doc) < 0, timeout=10_000)
    decided = http("compliance").get(f"/players/{player_id}/kyc").json()
    mine = next(d for d in decided if d["id"] == doc)
    assert mine["status"] == "rejected" and mine["reason_code"] == "unreadable"
    assert http("compliance").get(f"/players/{player_id}").json()["kyc_status"] == "rejected"

    # A document another reviewer decided while this one looked at it: said so, nothing lost.
    other = make_document(sandbox, player_id, kind="proof_of_address")
    panel.reload()
    select(qtbot, panel, other)
    qtbot.keyClicks(panel.comment, "Matches the account")
    response = http("manager").post(
        f"/kyc/documents/{other}/decision",
        json={"decision": "verified"},
        headers={"If-Match": etag_for(1), "Idempotency-Key": "gui-test-" + other},
    )
    assert response.status_code == 200
    qtbot.mouseClick(panel.verify, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "already decided" in panel.error.text(), timeout=10_000)
    assert panel.model.row_of(other) < 0
    assert panel.comment.toPlainText() == "Matches the account"


def test_queue_model_contract(
    qtmodeltester: Any, sandbox: Any, qtbot: Any, desk: Callable[..., AppContext]
) -> None:
    make_document(sandbox, active_player(sandbox, offset=37), kind="source_of_wealth")
    panel = open_panel(qtbot, desk("compliance", live=False))
    model: KycQueueModel = panel.model
    assert model.rowCount() > 0
    qtmodeltester.check(model)
    model.sort(Col.PLAYER, Qt.SortOrder.AscendingOrder)
    names = [str(model.index(r, Col.PLAYER).data()).casefold() for r in range(model.rowCount())]
    assert names == sorted(names)
    qtmodeltester.check(model)
