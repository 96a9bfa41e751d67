"""Running coroutines from Qt: the one way a slot starts async work.

Why a runner instead of bare ``asyncio.create_task``:

* asyncio keeps only weak references to tasks; a task nobody holds can vanish mid-flight.
  The runner holds every task until it is done.
* Work belongs to a QObject (a panel, a dialog). When that object is destroyed its tasks are
  cancelled, so a late reply never touches a deleted widget.
* "Latest wins": typing in a search box starts a request per keystroke; only the newest one
  matters, so starting a new task for the same ``(owner, key)`` cancels the previous one.
* One error path: an exception nobody chose to handle reaches the single error handler
  installed by the shell (the error dialog), instead of being printed to stderr by asyncio.

With qasync the asyncio loop *is* the Qt event loop, so result and error callbacks already run on
the Qt thread; blocking work goes through :func:`bo_desktop.core.workers.run_in_worker`.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject

if TYPE_CHECKING:
    from bo_desktop.core.api.errors import ApiError

log = logging.getLogger(__name__)

T = TypeVar("T")
ErrorHandler = Callable[[BaseException], None]


class TaskRunner:
    """Starts coroutines on the running (qasync) loop and owns them until they finish."""

    def __init__(self, error_handler: ErrorHandler | None = None) -> None:
        self._error_handler = error_handler
        self._tasks: set[asyncio.Task[Any]] = set()
        # Tasks per owner, keyed by a token rather than by the QObject itself: once ``destroyed``
        # fires the Python wrapper may already be unusable, the token is not.
        self._owner_tokens: dict[int, int] = {}
        self._owned: dict[int, set[asyncio.Task[Any]]] = {}
        self._latest: dict[tuple[int, str], asyncio.Task[Any]] = {}
        self._token_counter = itertools.count(1)
        self._closed = False

    # -- configuration ---------------------------------------------------------------------------

    def set_error_handler(self, handler: ErrorHandler | None) -> None:
        """Route unhandled task exceptions to ``handler`` (the shell's error dialog)."""
        self._error_handler = handler

    # -- starting work ---------------------------------------------------------------------------

    def start(
        self,
        coro: Coroutine[Any, Any, T],
        *,
        owner: QObject | None = None,
        on_result: Callable[[T], None] | None = None,
        on_error: Callable[[ApiError], None] | None = None,
        name: str | None = None,
    ) -> asyncio.Task[T]:
        """Run ``coro`` as a task; returns it (awaitable, cancellable).

        ``on_result`` gets the value on success. ``on_error`` gets :class:`ApiError`s the caller
        chose to handle (shown inline, say); every other exception goes to the error handler.
        Cancellation is silent. If ``owner`` is given, the task is cancelled when the owner is
        destroyed or :meth:`cancel_owner` is called for it.
        """
        task: asyncio.Task[T] = asyncio.get_event_loop().create_task(coro, name=name)
        if self._closed:
            # Shutting down: a panel still reacting to a last event or selection gets its work
            # cancelled before it starts, exactly like the work that was running at shutdown.
            task.cancel()
            return task
        self._tasks.add(task)
        token = self._token_for(owner) if owner is not None else None
        if token is not None:
            self._owned.setdefault(token, set()).add(task)
        task.add_done_callback(lambda t: self._finished(t, token, on_result, on_error))
        return task

    def latest(
        self,
        owner: QObject,
        key: str,
        coro: Coroutine[Any, Any, T],
        *,
        on_result: Callable[[T], None] | None = None,
        on_error: Callable[[ApiError], None] | None = None,
    ) -> asyncio.Task[T]:
        """Like :meth:`start`, but cancels the previous task started with the same owner and key."""
        token = self._token_for(owner)
        previous = self._latest.get((token, key))
        if previous is not None and not previous.done():
            previous.cancel()
        task = self.start(coro, owner=owner, on_result=on_result, on_error=on_error, name=key)
        self._latest[(token, key)] = task
        return task

    # -- cancelling ------------------------------------------------------------------------------

    def cancel_owner(self, owner: QObject) -> None:
        """Cancel everything ``owner`` started (call it when a panel is closed but kept alive)."""
        token = self._owner_tokens.get(id(owner))
        if token is not None:
            self._cancel_token(token)

    def cancel_all(self) -> None:
        for task in list(self._tasks):
            task.cancel()

    async def shutdown(self, timeout: float = 5.0) -> None:
        """Cancel every task and wait (bounded) until they have all unwound."""
        self._closed = True
        pending = [t for t in self._tasks if not t.done()]
        for task in pending:
            task.cancel()
        if pending:
            _done, still = await asyncio.wait(pending, timeout=timeout)
            for task in still:
                log.warning("task %s did not stop within %.1fs", task.get_name(), timeout)

    @property
    def active_count(self) -> int:
        return sum(1 for t in self._tasks if not t.done())

    # -- internals -------------------------------------------------------------------------------

    def _token_for(self, owner: QObject) -> int:
        # id(owner) is only reused after the object is gone, and then ``destroyed`` has already
        # removed the entry.
        token = self._owner_tokens.get(id(owner))
        if token is None:
            token = next(self._token_counter)
            self._owner_tokens[id(owner)] = token
            owner_id = id(owner)
            owner.destroyed.connect(lambda *_: self._owner_destroyed(owner_id, token))
        return token

    def _owner_destroyed(self, owner_id: int, token: int) -> None:
        if self._owner_tokens.get(owner_id) == token:
            del self._owner_tokens[owner_id]
        self._cancel_token(token)
        self._owned.pop(token, None)
        for key in [k for k in self._latest if k[0] == token]:
            del self._latest[key]

    def _cancel_token(self, token: int) -> None:
        for task in list(self._owned.get(token, ())):
            task.cancel()

    def _finished(
        self,
        task: asyncio.Task[Any],
        token: int | None,
        on_result: Callable[[Any], None] | None,
        on_error: Callable[[ApiError], None] | None,
    ) -> None:
        self._tasks.discard(task)
        owner_gone = False
        if token is not None:
            owned = self._owned.get(token)
            if owned is not None:
                owned.discard(task)
            # The task finished, then its owner was destroyed before this callback ran (done
            # callbacks run one loop turn later; cancel() on a done task does nothing): its
            # result or expected error is for widgets that no longer exist.
            owner_gone = owned is None
            for key, latest in list(self._latest.items()):
                if latest is task:
                    del self._latest[key]
        if task.cancelled():
            return
        exc = task.exception()
        # Imported here, not at module level: httpx and pydantic stay off the start-up path until
        # the login dialog shows (an ApiError can only exist once that module is loaded anyway).
        from bo_desktop.core.api.errors import ApiError

        try:
            if exc is None:
                if on_result is not None and not owner_gone:
                    on_result(task.result())
            elif on_error is not None and isinstance(exc, ApiError):
                if not owner_gone:
                    on_error(exc)
            else:
                self._report(exc)  # a bug is reported even when its owner is gone
        except Exception as callback_exc:  # a bug in a callback is still one error path
            self._report(callback_exc)

    def _report(self, exc: BaseException) -> None:
        if self._error_handler is not None:
            self._error_handler(exc)
        else:
            log.error("unhandled task error", exc_info=exc)
