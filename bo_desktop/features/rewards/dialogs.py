"""Grant a bonus or points (to a player or a segment) and cancel a bonus: reason required.

Each dialog is one intent with one Idempotency-Key: pressing the button again after a timeout or
an offline moment retries the *same* grant, which the server replays instead of paying twice. A
failure keeps the dialog open with everything typed; the result says how many players were
skipped by the responsible-gambling guard or because their account is closed or suspended.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from pydantic import ValidationError
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from bo_desktop.contract.players import Bonus
from bo_desktop.contract.reference import BonusTemplate
from bo_desktop.contract.rewards import GrantKind, GrantResult, RewardGrant
from bo_desktop.contract.segments import SegmentDefinition
from bo_desktop.core.api.errors import ApiError, Conflict, Forbidden, NetworkError, NotFound, RateLimited
from bo_desktop.core.tasks import TaskRunner
from bo_desktop.widgets.labels import plain_label
from bo_desktop.widgets.money import format_money
from bo_desktop.widgets.naming import named

from .service import RewardsService

MIN_REASON = 5


def failure_text(exc: ApiError) -> str:
    if isinstance(exc, Forbidden):
        return "You may not grant or cancel rewards (rewards.grant)."
    if isinstance(exc, RateLimited):
        return "The server is busy; press the button again in a moment (it will not pay twice)."
    if isinstance(exc, NetworkError):
        return "Offline or no answer. Press the button again when connected; it will not pay twice."
    if isinstance(exc, NotFound):
        return exc.problem.detail or "Not found: check the player id or segment."
    if isinstance(exc, Conflict):
        return exc.problem.detail or "Someone changed this in the meantime."
    return exc.problem.detail or str(exc)


def result_text(result: GrantResult) -> str:
    what = "bonus" if result.kind is GrantKind.BONUS else "points"
    text = f"Granted {what} to {result.granted:,} player{'s' if result.granted != 1 else ''}."
    if result.skipped_rg_guard:
        text += (
            f" {result.skipped_rg_guard:,} left out by the RG guard"
            " (self-excluded, cooling off or open RG alert)."
        )
    if result.skipped_inactive:
        text += f" {result.skipped_inactive:,} skipped: account closed or suspended."
    return text


class _ReasonDialog(QDialog):
    """Common parts: a reason box, an error line, OK enabled only with a long-enough reason."""

    def __init__(self, tasks: TaskRunner, title: str, action: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self.tasks = tasks
        self.key = str(uuid.uuid4())  # this intent: retries reuse it
        self.reason = named(QPlainTextEdit(), "rewardReason")
        self.reason.setPlaceholderText("Why (kept in the audit trail)")
        self.reason.setFixedHeight(64)
        self.message = named(plain_label("", wrap=True), "rewardMessage")
        self.message.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.addButton(action, QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setObjectName("rewardSubmit")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.reason.textChanged.connect(self.update_button)

    def reason_text(self) -> str:
        return self.reason.toPlainText().strip()

    def ready(self) -> bool:
        return len(self.reason_text()) >= MIN_REASON

    def update_button(self) -> None:
        self.ok.setEnabled(self.ready())

    def submit(self) -> None:
        raise NotImplementedError

    def show_message(self, text: str, error: bool) -> None:
        self.message.setStyleSheet("color: #c62828" if error else "")
        self.message.setText(text)
        self.message.show()

    def failed(self, exc: ApiError) -> None:
        self.buttons.setEnabled(True)
        self.update_button()
        self.show_message(failure_text(exc), error=True)


class GrantDialog(_ReasonDialog):
    def __init__(
        self,
        tasks: TaskRunner,
        service: RewardsService,
        templates: Sequence[BonusTemplate],
        segments: Sequence[SegmentDefinition],
        *,
        player_id: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(tasks, "Grant a reward", "Grant", parent)
        self.setObjectName("grantRewardDialog")
        self.service = service
        self.outcome: GrantResult | None = None

        self.to_player = named(QRadioButton("Player"), "grantToPlayer")
        self.to_segment = named(QRadioButton("Segment"), "grantToSegment")
        self.to_player.setChecked(True)
        self.player = named(QLineEdit(player_id), "grantPlayerId")
        self.player.setPlaceholderText("P-000123")
        self.segment = named(QComboBox(), "grantSegment")
        for s in segments:
            self.segment.addItem(s.name, s.id)
        self.kind = named(QComboBox(), "grantKind")
        self.kind.addItem("Bonus", GrantKind.BONUS.value)
        self.kind.addItem("Loyalty points", GrantKind.POINTS.value)
        self.template = named(QComboBox(), "grantTemplate")
        for t in templates:
            label = (
                f"{t.name} · {format_money(t.amount_minor, t.currency)} · wagering {t.wagering_multiplier}×"
            )
            self.template.addItem(label, t.id)
        self.points = named(QSpinBox(), "grantPoints")
        self.points.setRange(1, 1_000_000)
        self.points.setValue(100)
        self.points.setGroupSeparatorShown(True)

        target = QWidget()
        row = QHBoxLayout(target)
        row.setContentsMargins(0, 0, 0, 0)
        group = QButtonGroup(self)
        for button, field in ((self.to_player, self.player), (self.to_segment, self.segment)):
            group.addButton(button)
            row.addWidget(button)
            row.addWidget(field, 1)
        form = QFormLayout()
        form.addRow("To", target)
        form.addRow("Reward", self.kind)
        form.addRow("Template", self.template)
        form.addRow("Points", self.points)
        form.addRow("Reason", self.reason)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        for signal in (self.to_player.toggled, self.kind.currentIndexChanged, self.player.textChanged):
            signal.connect(self.update_button)
        self.update_button()

    def update_button(self) -> None:
        to_player = self.to_player.isChecked()
        self.player.setEnabled(to_player)
        self.segment.setEnabled(not to_player)
        bonus = self.kind.currentData() == GrantKind.BONUS
        self.template.setEnabled(bonus)
        self.points.setEnabled(not bonus)
        super().update_button()

    def ready(self) -> bool:
        target = self.player.text().strip() if self.to_player.isChecked() else self.segment.currentData()
        return super().ready() and bool(target)

    def grant(self) -> RewardGrant:
        kind = GrantKind(self.kind.currentData())
        return RewardGrant(
            player_id=self.player.text().strip().upper() if self.to_player.isChecked() else None,
            segment_id=None if self.to_player.isChecked() else self.segment.currentData(),
            kind=kind,
            template_id=self.template.currentData() if kind is GrantKind.BONUS else None,
            points=self.points.value() if kind is GrantKind.POINTS else None,
            reason=self.reason_text(),
        )

    def submit(self) -> None:
        if self.outcome is not None:
            self.accept()  # the grant is done; the button now just closes
            return
        try:
            grant = self.grant()
        except ValidationError as exc:
            self.show_message(str(exc.errors()[0].get("msg", "Check the form.")), error=True)
            return
        self.buttons.setEnabled(False)
        self.message.hide()
        self.tasks.start(
            self.service.grant(grant, self.key), owner=self, on_result=self._done, on_error=self.failed
        )

    def _done(self, result: GrantResult) -> None:
        self.outcome = result
        self.buttons.setEnabled(True)
        self.ok.setText("Close")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).hide()  # nothing left to cancel
        for field in (self.to_player, self.to_segment, self.player, self.segment, self.kind, self.template):
            field.setEnabled(False)
        self.points.setEnabled(False)
        self.reason.setReadOnly(True)
        self.show_message(result_text(result), error=False)


class CancelBonusDialog(_ReasonDialog):
    def __init__(
        self, tasks: TaskRunner, service: RewardsService, bonus: Bonus, parent: QWidget | None = None
    ) -> None:
        super().__init__(tasks, "Cancel bonus", "Cancel bonus", parent)
        self.setObjectName("cancelBonusDialog")
        self.service = service
        self.bonus = bonus
        self.cancelled: Bonus | None = None
        amount = format_money(bonus.amount_minor, bonus.currency)
        summary = plain_label(
            f"{bonus.name} ({amount}) of {bonus.player_id}, granted {bonus.granted_at:%Y-%m-%d}."
        )
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(plain_label("What is left of it leaves the player's bonus balance.", wrap=True))
        layout.addWidget(self.reason)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.update_button()

    def submit(self) -> None:
        self.buttons.setEnabled(False)
        self.message.hide()
        coro = self.service.cancel(self.bonus.id, self.reason_text(), self.key)
        self.tasks.start(coro, owner=self, on_result=self._done, on_error=self.failed)

    def _done(self, bonus: Bonus) -> None:
        self.cancelled = bonus
        self.accept()
