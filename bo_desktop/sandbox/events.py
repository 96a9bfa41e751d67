"""The in-process event bus behind ``GET /events`` (Server-Sent Events).

``publish`` is called from anywhere: request handlers run in Starlette's threadpool and the
simulator runs in its own thread. Subscribers live on an asyncio loop (the SSE endpoint).

Design: the bus keeps one ring buffer of the last ``capacity`` events and *no per-subscriber
queues*. A subscriber only remembers the last id it delivered; when woken it reads everything
after that id from the buffer. So a slow client cannot make the server buffer without bound: if
it falls further behind than the ring buffer reaches, it gets a ``reset`` event (reload
everything) instead of a silent gap — the same rule as a ``Last-Event-ID`` that is too old or from
a previous server run.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import threading
from collections import deque
from dataclasses import dataclass
from typing import Any

from bo_desktop.contract.events import EventType, ServerEvent


@dataclass(frozen=True, slots=True)
class BusEvent:
    id: int
    type: str
    data: dict[str, Any]

    def to_contract(self) -> ServerEvent:
        return ServerEvent(id=self.id, type=self.type, data=self.data)


@dataclass(frozen=True, slots=True)
class _Waiter:
    loop: asyncio.AbstractEventLoop
    event: asyncio.Event

    def wake(self) -> None:
        # RuntimeError: the subscriber's loop is already closed, nobody to wake.
        with contextlib.suppress(RuntimeError):
            self.loop.call_soon_threadsafe(self.event.set)


class EventBus:
    """Monotonic ids, a bounded replay buffer, thread-safe publish, async subscribe."""

    def __init__(self, capacity: int = 10_000) -> None:
        if capacity < 1:
            raise ValueError("capacity must be >= 1")
        self._lock = threading.Lock()
        self._buffer: deque[BusEvent] = deque(maxlen=capacity)
        self._last_id = 0
        self._waiters: set[_Waiter] = set()

    @property
    def last_id(self) -> int:
        with self._lock:
            return self._last_id

    def publish(self, type: str, data: dict[str, Any]) -> int:
        """Append an event and wake every subscriber; returns the event's id. Any thread."""
        with self._lock:
            self._last_id += 1
            event_id = self._last_id
            self._buffer.append(BusEvent(event_id, str(type), data))
            waiters = list(self._waiters)
        for waiter in waiters:
            waiter.wake()
        return event_id

    def read_after(self, last_id: int) -> tuple[bool, list[BusEvent]]:
        """Events with id > ``last_id``; the flag is True when some were already dropped.

        An id greater than the newest one (a client resuming against a restarted server) also
        counts as a gap: the client's view cannot be reconciled without a reload.
        """
        with self._lock:
            if last_id > self._last_id:
                return True, []
            if last_id == self._last_id:
                return False, []
            oldest = self._buffer[0].id if self._buffer else self._last_id + 1
            gap = last_id < oldest - 1
            # ids are contiguous, so the wanted events are the newest (last_id - cursor) ones.
            # Taken from the right end: indexing into the middle of a deque is O(n) per access.
            wanted = min(self._last_id - last_id, len(self._buffer))
            newest_first = list(itertools.islice(reversed(self._buffer), wanted))
            newest_first.reverse()
            return gap, newest_first

    def subscribe(self, last_event_id: int | None = None) -> Subscription:
        """A subscription on the running loop. ``None`` means "from now on"."""
        return Subscription(self, last_event_id)

    def _add_waiter(self, waiter: _Waiter) -> None:
        with self._lock:
            self._waiters.add(waiter)

    def _remove_waiter(self, waiter: _Waiter) -> None:
        with self._lock:
            self._waiters.discard(waiter)


class Subscription:
    """One SSE client. Use as a context manager; call :meth:`next_batch` in a loop."""

    def __init__(self, bus: EventBus, last_event_id: int | None) -> None:
        self._bus = bus
        self._waiter = _Waiter(asyncio.get_running_loop(), asyncio.Event())
        self._cursor = bus.last_id if last_event_id is None else last_event_id
        bus._add_waiter(self._waiter)

    def close(self) -> None:
        self._bus._remove_waiter(self._waiter)

    def __enter__(self) -> Subscription:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def next_batch(self, timeout: float) -> list[BusEvent]:
        """The next events after the last delivered one, or [] after ``timeout`` seconds.

        A gap produces a single synthetic ``reset`` event whose id is the newest id, so the
        client's Last-Event-ID jumps forward and the stream continues from there.
        """
        while True:
            # Clear before reading: a publish between the read and the wait sets it again,
            # so no wake-up is lost.
            self._waiter.event.clear()
            gap, events = self._bus.read_after(self._cursor)
            if gap:
                newest = self._bus.last_id
                self._cursor = newest
                return [BusEvent(newest, EventType.RESET.value, {"reason": "last_event_id_unavailable"})]
            if events:
                self._cursor = events[-1].id
                return events
            try:
                await asyncio.wait_for(self._waiter.event.wait(), timeout)
            except TimeoutError:
                return []
