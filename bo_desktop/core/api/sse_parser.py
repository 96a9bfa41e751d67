"""An incremental Server-Sent Events parser (the WHATWG "event stream interpretation").

Fed one line at a time (httpx's ``aiter_lines`` already splits on CRLF, LF and CR). Handles
multi-line ``data``, comments (heartbeats), ``retry``, ``id`` persisting across events, a single
optional space after the colon, and fields without a colon. Pure and synchronous, so it is unit
tested on its own.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SseMessage:
    """One dispatched event. ``id`` is the last event id seen so far (it persists)."""

    event: str
    data: str
    id: str | None


class SseParser:
    """Accumulates fields until a blank line, then dispatches a :class:`SseMessage`."""

    def __init__(self) -> None:
        self.last_event_id: str | None = None
        self.retry_ms: int | None = None  # the server's requested reconnection delay
        self._event = ""
        self._data: list[str] = []

    def feed_line(self, line: str) -> SseMessage | None:
        """Process one line (without its terminator); returns a message on a blank line."""
        if line == "":
            return self._dispatch()
        if line.startswith(":"):
            return None  # comment: heartbeats keep proxies and read timeouts happy
        name, sep, value = line.partition(":")
        if sep and value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id" and "\0" not in value:
            # The spec ignores ids containing NUL (they could not be sent back in a header).
            self.last_event_id = value
        elif name == "retry" and value.isascii() and value.isdigit():
            self.retry_ms = int(value)
        # Unknown fields are ignored, as the spec requires.
        return None

    def _dispatch(self) -> SseMessage | None:
        event, data = self._event, self._data
        self._event, self._data = "", []
        if not data:
            return None  # an event with no data is not dispatched (but its id was kept)
        return SseMessage(event=event or "message", data="\n".join(data), id=self.last_event_id)
