"""The app's User-Agent carries the one version (pyproject.toml via the installed metadata)."""

from __future__ import annotations

import asyncio
import contextlib
from importlib import metadata

from bo_desktop.core.api.client import ApiClient
from bo_desktop.shell.session import USER_AGENT


async def _user_agent_sent() -> str:
    """Answer one request on a loopback socket and return the User-Agent it arrived with."""
    seen: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        fields = (line.split(":", 1) for line in head.split("\r\n")[1:] if ":" in line)
        headers = {name.strip().lower(): value.strip() for name, value in fields}
        if not seen.done():
            seen.set_result(headers.get("user-agent", ""))
        body = b'{"status": "ok"}'
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
        writer.write(b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body))
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    api = ApiClient(f"http://127.0.0.1:{port}", user_agent=USER_AGENT)
    try:
        with contextlib.suppress(Exception):  # only the request head matters here
            await api.health()
        return await asyncio.wait_for(seen, 10)
    finally:
        await api.aclose()
        server.close()
        await server.wait_closed()


def test_user_agent_sent_to_the_platform_names_the_installed_version():
    assert asyncio.run(_user_agent_sent()) == f"bo-desktop/{metadata.version('bo-desktop')}"
