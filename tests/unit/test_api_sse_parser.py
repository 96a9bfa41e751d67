"""SSE parsing per the WHATWG event-stream rules."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bo_desktop.core.api.sse_parser import SseMessage, SseParser


def feed(parser: SseParser, text: str) -> list[SseMessage]:
    messages = []
    for line in text.split("\n"):
        message = parser.feed_line(line)
        if message is not None:
            messages.append(message)
    return messages


def test_typed_event_with_id() -> None:
    parser = SseParser()
    [message] = feed(parser, 'id: 7\nevent: withdrawal.updated\ndata: {"id": "W-1"}\n\n')
    assert message == SseMessage(event="withdrawal.updated", data='{"id": "W-1"}', id="7")


def test_multiline_data_is_joined_with_newlines() -> None:
    [message] = feed(SseParser(), "data: first\ndata:second\ndata:  third\n\n")
    assert message.data == "first\nsecond\n third"
    assert message.event == "message"


def test_comments_and_retry_are_not_events() -> None:
    parser = SseParser()
    assert feed(parser, ": heartbeat\n\nretry: 3000\n\n") == []
    assert parser.retry_ms == 3000
    feed(parser, "retry: soon\n\n")
    assert parser.retry_ms == 3000


def test_id_persists_and_empty_data_is_not_dispatched() -> None:
    parser = SseParser()
    assert feed(parser, "id: 41\n\n") == []
    assert parser.last_event_id == "41"
    [message] = feed(parser, "event: x\ndata: y\n\n")
    assert message.id == "41"


def test_field_without_colon_and_unknown_fields() -> None:
    [message] = feed(SseParser(), "data\nfoo: bar\n\n")
    assert message.data == ""


def test_id_with_nul_is_ignored() -> None:
    parser = SseParser()
    feed(parser, "id: 1\n\nid: 2\0\n\n")
    assert parser.last_event_id == "1"


def test_event_name_resets_between_events() -> None:
    first, second = feed(SseParser(), "event: reset\ndata: {}\n\ndata: {}\n\n")
    assert first.event == "reset"
    assert second.event == "message"


_field_text = st.text(alphabet=st.characters(blacklist_characters="\r\n\0", blacklist_categories=("Cs",)))


@given(
    events=st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=10**12),
            st.from_regex(r"[a-z]+(\.[a-z_]+)?", fullmatch=True),
            st.lists(_field_text, min_size=1, max_size=4),
        ),
        max_size=8,
    ),
    heartbeats=st.booleans(),
)
def test_round_trip_of_what_a_server_writes(
    events: list[tuple[int, str, list[str]]], heartbeats: bool
) -> None:
    lines: list[str] = ["retry: 3000", ""]
    for event_id, event_type, data_lines in events:
        if heartbeats:
            lines += [": heartbeat", ""]
        lines += [f"id: {event_id}", f"event: {event_type}", *(f"data: {d}" for d in data_lines), ""]
    parser = SseParser()
    parsed = [m for m in map(parser.feed_line, lines) if m is not None]
    assert [(m.id, m.event, m.data) for m in parsed] == [(str(i), t, "\n".join(d)) for i, t, d in events]
