"""The SSE consumer against the real event stream: delivery, resume, reset, refresh, shutdown,
and the reference.updated → cache resync path.

EventHub (the only Qt piece allowed here) sits between the stream and the test, as in the app.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import pytest
from client_support import chaos, make_client, make_withdrawal, run, signed_in

from bo_desktop.contract.events import EventType, ServerEvent
from bo_desktop.contract.payments import ClaimRequest, Withdrawal
from bo_desktop.contract.reference import ReferenceDataset
from bo_desktop.core.api import ApiClient, ConnectionState, EventStream, SessionExpired
from bo_desktop.core.cache import ReferenceCache, SyncResult
from bo_desktop.core.events import EventHub
from bo_desktop.sandbox import db as sandbox_db


async def wait_for(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)


async def claim_and_release(client: ApiClient, withdrawal_id: str, times: int) -> None:
    """Each action publishes one ``withdrawal.updated`` event."""
    current = await client.get_versioned(f"withdrawals/{withdrawal_id}", Withdrawal)
    for _ in range(times):
        current = await client.send(
            "POST",
            f"withdrawals/{withdrawal_id}/claim",
            body=ClaimRequest(),
            model=Withdrawal,
            if_match=current.version,
        )
        current = await client.send(
            "DELETE", f"withdrawals/{withdrawal_id}/claim", model=Withdrawal, if_match=current.version
        )


def test_events_arrive_and_resume_after_disconnects(sandbox: Any, qapp: Any) -> None:
    withdrawal_id = make_withdrawal(sandbox)
    hub = EventHub()
    everything: list[ServerEvent] = []
    ours: list[ServerEvent] = []
    hub.event_received.connect(everything.append)
    subscription = hub.subscribe(
        "withdrawal.", lambda e: ours.append(e) if e.data.get("id") == withdrawal_id else None
    )

    async def main() -> EventStream:
        async with signed_in(sandbox, "payments1") as client, chaos(sandbox, sse_disconnect_every=3):
            states: list[ConnectionState] = []
            stream = EventStream(client, hub.publish, on_state=states.append)
            task = asyncio.ensure_future(stream.run())
            await wait_for(lambda: stream.connects == 1)
            await claim_and_release(client, withdrawal_id, times=4)
            await wait_for(lambda: len(ours) == 8, timeout=40)
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            assert states[0] is ConnectionState.ONLINE and ConnectionState.RECONNECTING in states
            return stream

    stream = run(main())
    subscription.cancel()
    assert stream.connects >= 3  # the server cut the stream every 3 events
    ids = [e.id for e in everything]
    # Resuming with Last-Event-ID lost nothing and repeated nothing across the reconnects.
    assert ids == list(range(ids[0], ids[0] + len(ids)))
    assert all(e.type == "withdrawal.updated" for e in ours)
    versions = [e.data["version"] for e in ours]
    assert versions == sorted(versions) and len(set(versions)) == 8
    assert stream.last_event_id == ids[-1]


def test_live_simulator_events_reach_subscribers(sandbox: Any, qapp: Any) -> None:
    hub = EventHub()
    metrics: list[ServerEvent] = []
    hub.subscribe("metrics.", metrics.append, owner=hub)

    async def main() -> None:
        async with signed_in(sandbox, "manager") as client:
            task = asyncio.ensure_future(EventStream(client, hub.publish).run())
            await wait_for(lambda: any(e.type == EventType.METRICS for e in metrics))
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    run(main())
    snapshot = next(e for e in metrics if e.type == EventType.METRICS)
    assert snapshot.id > 0 and snapshot.data


def test_too_old_last_event_id_gets_a_reset(sandbox: Any, qapp: Any) -> None:
    hub = EventHub()
    resets: list[bool] = []
    hub.reset.connect(lambda: resets.append(True))

    async def main() -> None:
        async with signed_in(sandbox, "payments1") as client:
            # An id this server never issued (from a previous run, say) cannot be resumed.
            stream = EventStream(client, hub.publish, last_event_id=10**15)
            task = asyncio.ensure_future(stream.run())
            await wait_for(lambda: bool(resets))
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            assert stream.last_event_id is not None and stream.last_event_id < 10**15

    run(main())


def test_stream_refreshes_an_expired_token_and_stops_instantly(short_ttl_server: Any) -> None:
    async def main() -> float:
        async with signed_in(short_ttl_server, "support") as client:
            await asyncio.sleep(1.5)  # the access token has expired
            stream = EventStream(client, lambda _e: None)
            task = asyncio.ensure_future(stream.run())
            await wait_for(lambda: stream.connects == 1)
            assert client.refresh_count == 1
            started = time.monotonic()
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            return time.monotonic() - started

    assert run(main()) < 0.5


def test_reference_updated_event_resyncs_only_that_dataset(
    fresh_sandbox: Any, qapp: Any, tmp_path: Any
) -> None:
    server = fresh_sandbox(players=50, simulator=False)
    cache = ReferenceCache(tmp_path / "server.db")
    hub = EventHub()
    results: list[SyncResult] = []
    pending: list[asyncio.Task[None]] = []

    async def main() -> None:
        async with signed_in(server, "manager") as client:
            await cache.sync(client)

            async def resync(dataset: str) -> None:
                results.append(await cache.sync_dataset(client, dataset))

            # What the shell does: the hub's reference.updated subscribers trigger a resync.
            hub.subscribe(
                EventType.REFERENCE_UPDATED,
                lambda e: pending.append(asyncio.ensure_future(resync(e.data["dataset"]))),
                owner=hub,
            )
            stream = EventStream(client, hub.publish)
            task = asyncio.ensure_future(stream.run())
            await wait_for(lambda: stream.connects == 1)
            add_segment(server, "SEG-TEST", "Test segment")
            await wait_for(lambda: bool(results))
            task.cancel()
            await asyncio.gather(task, *pending, return_exceptions=True)
        await cache.close()

    run(main())
    [result] = results
    assert result.changed == (ReferenceDataset.SEGMENTS,)
    assert result.rows_written == 1
    assert cache.label(ReferenceDataset.SEGMENTS, "SEG-TEST") == "Test segment"


def add_segment(server: Any, segment_id: str, name: str) -> None:
    """Arrange a runtime change of reference data the way the platform does it: the row, the
    dataset's revision bump and the ``reference.updated`` event (no API creates segments yet)."""
    with server.state.sessionmaker.begin() as session:
        now = sandbox_db.utcnow()
        session.add(
            # Shared: a private segment is in its author's reference data only.
            sandbox_db.Segment(
                id=segment_id,
                name=name,
                builtin=False,
                marketing=False,
                rules={"shared": True},
                created_at=now,
            )
        )
        revision = session.get(sandbox_db.ReferenceRevision, "segments")
        if revision is None:
            revision = sandbox_db.ReferenceRevision(dataset="segments", revision=1, updated_at=now)
            session.add(revision)
        revision.revision += 1
        revision.updated_at = now
        new_revision = revision.revision
    server.state.bus.publish(EventType.REFERENCE_UPDATED, {"dataset": "segments", "revision": new_revision})


def test_stream_ends_with_session_expired_when_the_session_is_gone(short_ttl_server: Any) -> None:
    async def main() -> None:
        async with signed_in(short_ttl_server, "support") as client:
            remembered = client.refresh_token
            assert remembered is not None
            # Someone else uses the same refresh token first (a copied token): the server revokes
            # the family, so this client's refresh after the access token expires must fail.
            async with make_client(short_ttl_server) as other:
                await other.resume(remembered)
            await asyncio.sleep(1.5)
            with pytest.raises(SessionExpired):
                await EventStream(client, lambda _e: None).run()
            assert client.refresh_token is None

    run(main())
