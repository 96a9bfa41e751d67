"""The ticket actions that need a dialog: assign, resolve, approve compensation, link.

Each dialog's submit reads the ticket *at submit time* (``view.ticket``), so after a 412 the
view shows the current ticket and pressing OK again applies the same input to the current
version — with the same Idempotency-Key, because it is still the same intent.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QDialog

from bo_desktop.contract.disputes import Dispute
from bo_desktop.contract.enums import Role
from bo_desktop.contract.reference import Currency, ReferenceDataset, StaffMember
from bo_desktop.core.api.errors import PreconditionFailed

from .conflict import current_of
from .dialogs import AssignDialog, LinkDialog, ResolveDialog
from .service import Intent

if TYPE_CHECKING:
    from .ticket_view import TicketView

# Roles whose members work tickets (the server checks disputes.write on the assignee again).
HANDLER_ROLES = frozenset({Role.SUPPORT, Role.MANAGER, Role.ADMIN})


def _submitter(
    view: TicketView,
    send: Callable[[Dispute, Any, Intent], Coroutine[Any, Any, Dispute]],
    action: str,
) -> Callable[[Any, Intent], Coroutine[Any, Any, Dispute]]:
    async def submit(body: Any, intent: Intent) -> Dispute:
        assert view.ticket is not None
        seen, seen_thread = view.ticket, view.thread_data
        try:
            result = await send(seen, body, intent)
        except PreconditionFailed as exc:
            # Not kept in a local past this block: the raised error's traceback holds this frame.
            current = current_of(exc)
            if current is not None and current.id == seen.id:
                kept = f"What you entered is still in the {action} window; press OK to apply it now."
                view.show_conflict(action, seen, current, seen_thread, kept)
            raise
        view.show_ticket(result)
        view.ticket_changed.emit(result)
        return result

    return submit


def _usable(view: TicketView) -> bool:
    return view.ticket is not None and view.can_write and view.ctx.online


def _open(dialog: QDialog, after: Callable[[], None] | None = None) -> None:
    if after is not None:
        dialog.accepted.connect(after)
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()


def assign(view: TicketView) -> None:
    if not _usable(view) or not view.header.assign.isEnabled():
        return
    assert view.ticket is not None
    staff = [
        (s.id, s.display_name)
        for s in view.ctx.cache.items_as(ReferenceDataset.STAFF, StaffMember)
        if s.active and HANDLER_ROLES & set(s.roles)
    ]
    dialog = AssignDialog(
        view.ticket,
        staff,
        view.ctx.cache.reason_codes("dispute_reassign"),
        view.ctx.me.staff_id,
        view.ctx.tasks,
        _submitter(view, view.service.assign, "Assign"),
        view,
    )
    _open(dialog, lambda: view.say("Assignment saved."))


def resolve(view: TicketView) -> None:
    if not _usable(view) or not view.resolve_button.isVisible():
        return
    assert view.ticket is not None
    currencies = sorted(c.code for c in view.ctx.cache.items_as(ReferenceDataset.CURRENCIES, Currency)) or [
        "EUR"
    ]
    default = "EUR"
    links = view.thread_data.links if view.thread_data else []
    default = next((link.currency for link in links if link.currency), default)
    dialog = ResolveDialog(
        view.ticket,
        currencies,
        view.ctx.cache.eur_rate,
        default,
        view.ctx.tasks,
        _submitter(view, view.service.resolve, "Resolve"),
        view,
    )
    _open(dialog)


def approve(view: TicketView) -> None:
    if view.ticket is None or not view.can_approve:
        return
    intent = Intent()  # one click, one intent
    view.run("Approve compensation", view.service.approve_compensation(view.ticket, intent))


def link(view: TicketView) -> None:
    if not _usable(view):
        return
    assert view.ticket is not None

    async def send(ticket: Dispute, body: tuple[str, str], intent: Intent) -> Dispute:
        return await view.service.link(ticket, body[0], body[1], intent)

    dialog = LinkDialog(view.ticket, view.ctx.tasks, _submitter(view, send, "Link"), view)
    _open(dialog, view.reload_thread)
