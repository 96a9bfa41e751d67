"""The reviewer's actions: claim, release, approve, reject, one item or a selection.

Every outcome ends in what the server says is true: the answer of the action, the ``current`` of
a 412, or a read-back after a lost answer. :attr:`ReviewActions.changed` carries that state to
the queue and the detail pane, so the user never looks at a guess.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from bo_desktop.contract.enums import WithdrawalStatus
from bo_desktop.contract.payments import ApproveRequest, RejectRequest, Withdrawal
from bo_desktop.core.api.errors import ApiError, Conflict, PreconditionFailed
from bo_desktop.core.context import AppContext

from .dialogs import BulkLine, BulkResultDialog, DecisionDialog
from .formatting import status_label
from .lookups import Lookups
from .message_bar import Level, MessageBar
from .messages import current_of, describe_changes, explain, field_errors, outcome_text
from .queue_store import QueueStore
from .service import Action, Outcome, OutcomeKind, WithdrawalService, held_by

MAX_LISTED = 8
NOUNS = {Action.APPROVE: "approval", Action.REJECT: "rejection"}


@dataclass(frozen=True)
class ItemRef:
    """A queue row as the user saw it when they chose a bulk action."""

    withdrawal_id: str
    version: int
    holder: str | None
    player_name: str
    amount: str  # formatted, in its currency
    amount_eur_minor: int
    four_eyes: bool
    approvals: int

    @classmethod
    def from_store(cls, store: QueueStore, slot: int, money: Callable[[int, str], str]) -> ItemRef:
        return cls(
            withdrawal_id=store.ids[slot],
            version=store.versions[slot],
            holder=store.holder(slot, time.time()),
            player_name=store.player_names[slot],
            amount=money(store.amounts[slot], store.currencies[slot]),
            amount_eur_minor=store.amounts_eur[slot],
            four_eyes=bool(store.four_eyes[slot]),
            approvals=len(store.approvers[slot]),
        )


def _decided_text(w: Withdrawal) -> str:
    if w.status == WithdrawalStatus.AWAITING_SECOND_APPROVAL:
        return "first approval recorded; awaiting a second approver"
    return status_label(w.status).lower()


class ReviewActions(QObject):
    changed = Signal(object)  # Withdrawal: the server's current state of an item
    claimed = Signal(object)  # Withdrawal now claimed by the user
    decided = Signal(str)  # withdrawal id the user just decided (the panel moves on)
    select_ids = Signal(list)  # ids to select (the failed ones of a bulk run)

    def __init__(
        self,
        service: WithdrawalService,
        ctx: AppContext,
        lookups: Lookups,
        messages: MessageBar,
        dialog_parent: QWidget,
        *,
        lease_seconds: int,
    ) -> None:
        super().__init__(dialog_parent)
        self.service = service
        self.ctx = ctx
        self.look = lookups
        self.messages = messages
        self.dialog_parent = dialog_parent
        self.lease_seconds = lease_seconds
        self.dialog: DecisionDialog | None = None  # the open decision, for tests and focus
        self.results: BulkResultDialog | None = None

    def _refused(self, w_id: str, error: ApiError, action: str, seen: Withdrawal | None) -> str:
        """The sentence for a refusal; a 412 also shows what changed and refreshes the item."""
        text = f"{w_id}: {explain(error, action)}"
        if isinstance(error, PreconditionFailed):
            current = current_of(error)
            if current is not None:
                text += "\n• " + "\n• ".join(describe_changes(seen, current))
                text += "\nThe item now shows its current state."
                self.changed.emit(current)
        elif isinstance(error, Conflict):
            self.ctx.tasks.start(self._refresh(w_id), owner=self)
        return text

    async def _refresh(self, w_id: str) -> None:
        with contextlib.suppress(ApiError):  # if it fails, the next event brings it
            self.changed.emit(await self.service.fetch(w_id))

    # -- claim / release ---------------------------------------------------------------------------

    def claim(self, w: Withdrawal) -> None:
        if held_by(w, self.service.me):
            self.claimed.emit(w)
            return

        def done(claimed: Withdrawal) -> None:
            self.changed.emit(claimed)
            self.claimed.emit(claimed)
            minutes = self.lease_seconds // 60
            self.messages.show_message(f"You claimed {claimed.id} for {minutes} min.", Level.SUCCESS)

        def failed(error: ApiError) -> None:
            self.messages.show_message(self._refused(w.id, error, "claim", w), Level.WARNING)

        self.ctx.tasks.start(
            self.service.claim(w.id, w.version, self.lease_seconds),
            owner=self,
            on_result=done,
            on_error=failed,
        )

    def release(self, w: Withdrawal) -> None:
        def failed(error: ApiError) -> None:
            self.messages.show_message(self._refused(w.id, error, "release", w), Level.WARNING)

        def done(released: Withdrawal) -> None:
            self.changed.emit(released)
            self.messages.show_message(f"{w.id} is back in the queue for anyone to claim.", Level.INFO)

        self.ctx.tasks.start(
            self.service.release(w.id, w.version), owner=self, on_result=done, on_error=failed
        )

    # -- one item ----------------------------------------------------------------------------------

    def _summary(self, action: Action, w: Withdrawal) -> str:
        """What the confirmation says about the item: enough to decide without looking away."""
        look = self.look
        summary = (
            f"{w.id} — {w.player_name} ({w.player_id})\n"
            f"{look.money(w.amount_minor, w.currency)} (≈ {look.money(w.amount_eur_minor, 'EUR')}) "
            f"to {look.psp_name(w.psp.value)} · {w.destination_masked}\n"
            f"Risk {w.risk_score}/100 ({w.risk_level.value}) · {status_label(w.status).lower()}"
        )
        if w.claimed_by_name and not held_by(w, self.service.me) and w.claimed_by:
            summary += f" · claimed by {w.claimed_by_name}"
        if action is Action.APPROVE and w.requires_four_eyes:
            summary += (
                "\nFour-eyes: this is the second approval and completes it."
                if w.approvals
                else "\nFour-eyes: this is the first of two approvals; a colleague must give the second."
            )
        return summary

    def decide(self, action: Action, w: Withdrawal) -> DecisionDialog:
        look = self.look
        summary = self._summary(action, w)
        verb = "Approve" if action is Action.APPROVE else "Reject"
        dialog = DecisionDialog(action, f"{verb} {w.id}", summary, look.reject_reasons(), self.dialog_parent)
        seen = [w]  # the version the user is shown; a 412 moves it to the current one

        def submit(body: ApproveRequest | RejectRequest) -> None:
            current = seen[0]
            intent = self.service.intents.intent_for(current.id, action, body)
            holder = current.claimed_by if held_by(current, self.service.me) else None
            dialog.set_busy(True, f"Sending your {NOUNS[action]} of {current.id}…")
            # Owned by this controller, not the dialog: a money action in flight is never
            # cancelled half-way; the dialog refuses to close until it is answered.
            self.ctx.tasks.start(
                self.service.claim_and_decide(
                    current.id, current.version, holder, intent, lease_seconds=self.lease_seconds
                ),
                owner=self,
                on_result=lambda outcome: finished(outcome),
            )

        def finished(outcome: Outcome) -> None:
            current = seen[0]
            text = outcome_text(outcome, action, current.id)
            if outcome.withdrawal is not None:
                seen[0] = outcome.withdrawal
                self.changed.emit(outcome.withdrawal)
            if outcome.kind is OutcomeKind.DONE:
                dialog.set_busy(False)
                dialog.accept()
                assert outcome.withdrawal is not None
                self.messages.show_message(
                    f"{current.id}: {_decided_text(outcome.withdrawal)}."
                    + ("\n" + text if outcome.settled_by_reading else ""),
                    Level.SUCCESS,
                )
                self.ctx.notifier.info(f"Withdrawal {current.id}: {_decided_text(outcome.withdrawal)}")
                self.decided.emit(current.id)
                return
            error = outcome.error
            if outcome.kind is OutcomeKind.NOT_DONE and error is not None and not outcome.settled_by_reading:
                text = self._refused(current.id, error, NOUNS[action], current)
                if isinstance(error, PreconditionFailed) and current_of(error) is not None:
                    seen[0] = current_of(error) or current
                    now = seen[0]
                    dialog.set_summary(self._summary(action, now))
                    if now.claimed_by not in (None, self.service.me) and held_by(now, now.claimed_by or ""):
                        text += f" {now.claimed_by_name} holds it now: it can be decided once the claim ends."
                    else:
                        text += f" Press {verb} again to {verb.lower()} it as it is now."
                dialog.show_problem(text, Level.WARNING, field_errors(error))
                return
            dialog.show_problem(text, Level.WARNING)

        dialog.submitted.connect(submit)
        dialog.finished.connect(lambda _code: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()
        return dialog

    # -- a selection -------------------------------------------------------------------------------

    def decide_many(self, action: Action, refs: Sequence[ItemRef]) -> DecisionDialog:
        total = sum(r.amount_eur_minor for r in refs)
        verb = "Approve" if action is Action.APPROVE else "Reject"
        listed = [f"{r.withdrawal_id} — {r.player_name} — {r.amount}" for r in refs[:MAX_LISTED]]
        if len(refs) > MAX_LISTED:
            listed.append(f"… and {len(refs) - MAX_LISTED} more")
        summary = f"{verb} {len(refs)} withdrawals, {self.look.money(total, 'EUR')} in total:\n" + "\n".join(
            listed
        )
        first_of_two = sum(1 for r in refs if r.four_eyes and r.approvals == 0)
        if action is Action.APPROVE and first_of_two:
            summary += f"\n{first_of_two} of them need a second approver after you (four-eyes)."
        summary += (
            "\nEach item is claimed and decided on its own; the ones that fail are listed, not retried."
        )
        dialog = DecisionDialog(
            action, f"{verb} {len(refs)} withdrawals", summary, self.look.reject_reasons(), self.dialog_parent
        )

        def submit(body: ApproveRequest | RejectRequest) -> None:
            dialog.set_busy(True, f"{verb} 1 of {len(refs)}…")
            self.ctx.tasks.start(run(body), owner=self, on_result=finished)

        async def run(body: ApproveRequest | RejectRequest) -> list[BulkLine]:
            lines: list[BulkLine] = []
            for number, ref in enumerate(refs, start=1):
                dialog.set_busy(True, f"{verb[:-1]}ing {number} of {len(refs)}: {ref.withdrawal_id}…")
                intent = self.service.intents.intent_for(ref.withdrawal_id, action, body)
                outcome = await self.service.claim_and_decide(
                    ref.withdrawal_id,
                    ref.version,
                    ref.holder,
                    intent,
                    lease_seconds=self.lease_seconds,
                    release_on_failure=True,
                )
                if outcome.withdrawal is not None:
                    self.changed.emit(outcome.withdrawal)
                lines.append(self._bulk_line(ref, action, outcome))
            return lines

        def finished(lines: list[BulkLine]) -> None:
            dialog.set_busy(False)
            dialog.accept()
            done = sum(1 for line in lines if line.ok)
            level = Level.SUCCESS if done == len(lines) else Level.WARNING
            self.messages.show_message(f"{verb} selection: {done} of {len(lines)} done.", level)
            results = BulkResultDialog(f"{verb}: {done} of {len(lines)} done", lines, self.dialog_parent)
            results.select_failed.connect(self.select_ids.emit)
            self.results = results
            results.open()

        dialog.submitted.connect(submit)
        dialog.finished.connect(lambda _code: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _bulk_line(self, ref: ItemRef, action: Action, outcome: Outcome) -> BulkLine:
        w = outcome.withdrawal
        if outcome.kind is OutcomeKind.DONE and w is not None:
            detail = (
                "Recorded after a lost answer (read back from the server)."
                if outcome.settled_by_reading
                else ""
            )
            return BulkLine(ref.withdrawal_id, True, _decided_text(w).capitalize(), detail)
        noun = NOUNS[action]
        if outcome.kind is OutcomeKind.UNKNOWN or outcome.settled_by_reading:
            result = "Unknown" if outcome.kind is OutcomeKind.UNKNOWN else "Not done"
            return BulkLine(
                ref.withdrawal_id, False, result, outcome_text(outcome, action, ref.withdrawal_id)
            )
        error = outcome.error
        detail = explain(error, noun) if error is not None else ""
        if isinstance(error, PreconditionFailed) and (current := current_of(error)) is not None:
            detail += " " + "; ".join(describe_changes(None, current))
            self.changed.emit(current)
        return BulkLine(ref.withdrawal_id, False, "Not done", detail)
