"""``GET /events``: SSE framing, entity events, resume with Last-Event-ID, reset, chaos disconnects."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from api_helpers import assert_problem, claim

from bo_desktop.contract.payments import Withdrawal
from bo_desktop.sandbox.api.routes import events as events_route


class Stream:
    """A raw SSE reader over httpx (deliberately not the client library under test)."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self._lines = response.iter_lines()
        self.retry: int | None = None
        self.comments: list[str] = []

    def next_event(self) -> dict[str, Any] | None:
        """The next event as {id, event, data}; None when the server ended the stream."""
        fields: dict[str, Any] = {}
        for line in self._lines:
            if line == "":
                if "event" in fields:
                    return fields
                continue
            if line.startswith(":"):
                self.comments.append(line)
                continue
            name, _, value = line.partition(": ")
            if name == "retry":
                self.retry = int(value)
            elif name == "id":
                fields["id"] = int(value)
            elif name == "event":
                fields["event"] = value
            elif name == "data":
                fields["data"] = json.loads(value)
        return None

    def until(self, predicate: Callable[[dict[str, Any]], bool], limit: int = 500) -> dict[str, Any]:
        for _ in range(limit):
            event = self.next_event()
            assert event is not None, "stream ended"
            if predicate(event):
                return event
        raise AssertionError("event not seen")


@contextmanager
def open_stream(client: httpx.Client, **headers: str) -> Iterator[Stream]:
    with client.stream("GET", "/events", headers=headers, timeout=httpx.Timeout(30, read=20)) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        yield Stream(response)


def _in_background(action: Callable[[], object]) -> threading.Thread:
    # The stream is open (headers received), so the server already pinned our starting point;
    # the action runs beside the reader, which blocks on the next line.
    thread = threading.Thread(target=action)
    thread.start()
    return thread


def test_a_decision_is_published_with_the_full_withdrawal(
    staff: Callable[[str], httpx.Client], payments1: httpx.Client, make_withdrawal: Callable[..., str]
) -> None:
    wid = make_withdrawal()
    with open_stream(staff("payments2")) as stream:
        worker = _in_background(lambda: claim(payments1, wid))
        event = stream.until(lambda e: e["event"] == "withdrawal.updated" and e["data"]["id"] == wid)
        worker.join(30)
        assert stream.retry and stream.retry > 0
    published = Withdrawal.model_validate(event["data"])
    assert published.status == "in_review" and published.claimed_by == "ST-002"
    assert (
        published.model_dump()
        == Withdrawal.model_validate(payments1.get(f"/withdrawals/{wid}").json()).model_dump()
    )


def test_resume_with_last_event_id_has_no_gap(
    payments1: httpx.Client, payments2: httpx.Client, make_withdrawal: Callable[..., str]
) -> None:
    first, second = make_withdrawal(), make_withdrawal()
    with open_stream(payments2) as stream:
        worker = _in_background(lambda: claim(payments1, first))
        seen = stream.until(lambda e: e["event"] == "withdrawal.updated" and e["data"]["id"] == first)
        worker.join(30)
    claim(payments1, second)  # happens while disconnected

    with open_stream(payments2, **{"Last-Event-ID": str(seen["id"])}) as stream:
        resumed = stream.next_event()
        assert resumed is not None and resumed["id"] == seen["id"] + 1  # nothing skipped
        ids = [resumed["id"]]
        event = resumed
        while not (event["event"] == "withdrawal.updated" and event["data"]["id"] == second):
            next_event = stream.next_event()
            assert next_event is not None
            event = next_event
            ids.append(event["id"])
        assert ids == list(range(ids[0], ids[0] + len(ids)))


def test_an_unknown_last_event_id_gets_a_reset(payments1: httpx.Client) -> None:
    with open_stream(payments1, **{"Last-Event-ID": str(10**15)}) as stream:
        event = stream.next_event()
        assert event is not None and event["event"] == "reset"
    with payments1.stream("GET", "/events", params={"last_event_id": "garbage"}) as response:
        assert Stream(response).next_event()["event"] == "reset"  # type: ignore[index]


def test_chaos_disconnects_the_stream_every_n_events(
    chaos: Callable[..., None],
    payments1: httpx.Client,
    payments2: httpx.Client,
    make_withdrawal: Callable[..., str],
) -> None:
    chaos(sse_disconnect_every=2)
    ids = [make_withdrawal() for _ in range(4)]
    with open_stream(payments2) as stream:
        worker = _in_background(lambda: [claim(payments1, wid) for wid in ids])
        got = [stream.next_event(), stream.next_event()]
        assert all(got)
        assert stream.next_event() is None  # the server hung up after two events
        worker.join(30)

    chaos(sse_disconnect_every=2, paths=["/withdrawals"])  # chaos elsewhere: the stream stays up
    ids = [make_withdrawal() for _ in range(4)]
    with open_stream(payments2) as stream:
        worker = _in_background(lambda: [claim(payments1, wid) for wid in ids])
        assert all(stream.next_event() for _ in range(4))
        worker.join(30)


def test_a_quiet_stream_sends_heartbeat_comments(
    payments1: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 15 s in production; shortened so a heartbeat falls between the simulator's 1 s ticks.
    monkeypatch.setattr(events_route, "HEARTBEAT_SECONDS", 0.05)
    with open_stream(payments1) as stream:
        for _ in range(50):
            if stream.comments:
                break
            stream.next_event()
    assert ": heartbeat" in stream.comments


def test_events_need_a_signed_in_user(sandbox: Any) -> None:
    assert_problem(httpx.get(f"{sandbox.api_url}/events"), 401, "unauthorized")
