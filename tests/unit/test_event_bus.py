"""EventBus: monotonic ids, publish from threads, resume, reset when the buffer no longer reaches."""

from __future__ import annotations

import asyncio
import threading

from bo_desktop.sandbox.events import EventBus


def test_ids_are_monotonic_across_threads() -> None:
    bus = EventBus(capacity=10_000)
    ids: list[int] = []
    lock = threading.Lock()

    def publish_many() -> None:
        for i in range(500):
            event_id = bus.publish("t", {"i": i})
            with lock:
                ids.append(event_id)

    threads = [threading.Thread(target=publish_many) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(ids) == list(range(1, 2001))
    gap, events = bus.read_after(0)
    assert not gap and [e.id for e in events] == list(range(1, 2001))


def test_a_subscriber_is_woken_by_a_publish_from_another_thread() -> None:
    async def scenario() -> list[int]:
        bus = EventBus()
        with bus.subscribe() as subscription:
            threading.Timer(0.05, lambda: bus.publish("t", {})).start()
            batch = await subscription.next_batch(timeout=5)
            return [e.id for e in batch]

    assert asyncio.run(scenario()) == [1]


def test_quiet_stream_times_out_with_an_empty_batch() -> None:
    async def scenario() -> int:
        bus = EventBus()
        with bus.subscribe() as subscription:
            return len(await subscription.next_batch(timeout=0.05))

    assert asyncio.run(scenario()) == 0


def test_resume_within_the_buffer_and_reset_beyond_it() -> None:
    async def scenario() -> tuple[list[int], list[str], list[int]]:
        bus = EventBus(capacity=5)
        for i in range(12):
            bus.publish("t", {"i": i})
        with bus.subscribe(9) as within:
            resumed = [e.id for e in await within.next_batch(1)]
        with bus.subscribe(3) as too_old:
            reset = await too_old.next_batch(1)
            bus.publish("t", {})
            after_reset = [e.id for e in await too_old.next_batch(1)]
        return resumed, [e.type for e in reset] + [str(reset[0].id)], after_reset

    resumed, reset, after_reset = asyncio.run(scenario())
    assert resumed == [10, 11, 12]
    assert reset == ["reset", "12"]  # the reset carries the newest id, so the client jumps there
    assert after_reset == [13]


def test_an_id_from_a_previous_server_run_is_a_reset() -> None:
    async def scenario() -> str:
        bus = EventBus()
        bus.publish("t", {})
        with bus.subscribe(500) as subscription:
            return (await subscription.next_batch(1))[0].type

    assert asyncio.run(scenario()) == "reset"
