""" "New dispute ticket": from a player profile, a transaction, or the disputes panel itself.

Other features open it through ``ctx.requests.create_dispute(player_id, link_kind, link_id)``;
the disputes panel answers the signal with this dialog, prefilled.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QWidget

from bo_desktop.contract.common import FieldError
from bo_desktop.contract.disputes import DisputeCreate, DisputeLink
from bo_desktop.contract.enums import DisputeKind, DisputePriority
from bo_desktop.core.tasks import TaskRunner
from bo_desktop.widgets.naming import named

from .dialogs import ActionDialog, Submit
from .domain import KIND_LABELS, LINK_LABELS, PRIORITY_LABELS

# What a linked item usually means: a chargeback links a deposit, a late payout a withdrawal.
_KIND_FOR_LINK = {"withdrawal": DisputeKind.PAYMENT_DELAY, "game_round": DisputeKind.GAME_MALFUNCTION}


class CreateDisputeDialog(ActionDialog):
    def __init__(self, tasks: TaskRunner, submit: Submit, *, player_id: str = "", link_kind: str = "",
                 link_id: str = "", parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__("New dispute ticket", "createDisputeDialog", tasks, submit, parent)
        self.player = named(QLineEdit(player_id), "createPlayer")
        self.player.setPlaceholderText("P-000123")
        self.kind = named(QComboBox(), "createKind")
        for kind in DisputeKind:
            self.kind.addItem(KIND_LABELS[kind], kind.value)
        suggested = _KIND_FOR_LINK.get(link_kind, DisputeKind.OTHER)
        self.kind.setCurrentIndex(self.kind.findData(suggested.value))
        self.priority = named(QComboBox(), "createPriority")
        for priority in DisputePriority:
            self.priority.addItem(PRIORITY_LABELS[priority], priority.value)
        self.priority.setCurrentIndex(self.priority.findData(DisputePriority.NORMAL.value))
        self.subject = named(QLineEdit(), "createSubject")
        self.subject.setMaxLength(300)
        self.subject.setPlaceholderText("One line the inbox shows")
        self.description = named(QPlainTextEdit(), "createBody")
        self.description.setPlaceholderText("What the player reported (saved as the first internal note)")
        self.description.setTabChangesFocus(True)
        self.description.setMinimumSize(400, 100)
        self.link_kind = named(QComboBox(), "createLinkKind")
        self.link_kind.addItem("Nothing", "")
        for link, label in LINK_LABELS.items():
            self.link_kind.addItem(label, link)
        self.link_kind.setCurrentIndex(max(0, self.link_kind.findData(link_kind)))
        self.link_id = named(QLineEdit(link_id), "createLinkId")
        self.add_field("Player", "player_id", self.player)
        self.add_field("Kind", "kind", self.kind)
        self.add_field("Priority", "priority", self.priority)
        self.add_field("Subject", "subject", self.subject)
        self.add_field("Description", "body", self.description)
        self.add_field("About", "links.0.kind", self.link_kind)
        self.add_field("Item id", "links.0.target_id", self.link_id)
        (self.subject if player_id else self.player).setFocus()

    def body(self) -> DisputeCreate | None:
        problems = []
        if not self.player.text().strip():
            problems.append(FieldError(field="player_id", message="Which player is complaining?"))
        if not self.subject.text().strip():
            problems.append(FieldError(field="subject", message="A subject is required."))
        kind = self.link_kind.currentData()
        if kind and not self.link_id.text().strip():
            problems.append(
                FieldError(field="links.0.target_id", message="Enter the item's id or link nothing.")
            )
        if problems:
            self.show_errors("", problems)
            return None
        links = [DisputeLink(kind=kind, target_id=self.link_id.text().strip())] if kind else []
        return DisputeCreate(
            player_id=self.player.text().strip().upper(),
            kind=DisputeKind(self.kind.currentData()),
            subject=self.subject.text().strip(),
            priority=DisputePriority(self.priority.currentData()),
            body=self.description.toPlainText(),
            links=links,
        )
