"""Wire-level failures the sandbox cannot produce, through the real ApiClient.

These use ``httpx.MockTransport`` on purpose and only for this: an untrusted certificate (the
sandbox serves plain HTTP on loopback, so it has no certificate to distrust), a reverse proxy's
HTML error page and a redirect happen *between* the client and the platform, so no platform can
be made to answer them. Everything the platform itself answers — including a real failed TLS
handshake — is tested against the real sandbox in tests/integration/.
"""

from __future__ import annotations

import asyncio
import ssl

import httpx
import pytest

from bo_desktop.contract.common import Health
from bo_desktop.core.api import (
    ApiClient,
    ConnectionState,
    RetryPolicy,
    ServerError,
    TlsError,
    UnexpectedResponse,
)

FAST = RetryPolicy(base_delay=0.001, max_delay=0.002)


def client_with(handler: httpx.MockTransport) -> ApiClient:
    return ApiClient("https://bo.example", user_agent="tests", transport=handler, retry=FAST)


def test_certificate_failure_is_reported_as_tls_and_not_retried() -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        try:
            raise ssl.SSLCertVerificationError(
                1, "[SSL: CERTIFICATE_VERIFY_FAILED] unable to get local issuer"
            )
        except ssl.SSLError as exc:
            raise httpx.ConnectError(str(exc), request=request) from exc

    async def main() -> None:
        async with client_with(httpx.MockTransport(handler)) as client:
            states: list[ConnectionState] = []
            client.connection_observers.add(states.append)
            with pytest.raises(TlsError) as caught:
                await client.health()
            assert "certificate" in caught.value.user_message.lower()
            assert states == [ConnectionState.OFFLINE]

    asyncio.run(main())
    assert calls == 1


def test_proxy_html_502_is_retried_then_mapped_without_the_page() -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(502, html="<html><h1>502 Bad Gateway</h1><p>nginx</p></html>")

    async def main() -> None:
        async with client_with(httpx.MockTransport(handler)) as client:
            with pytest.raises(ServerError) as caught:
                await client.get("health", Health)
            assert "<h1>" not in caught.value.user_message
            assert caught.value.status == 502

    asyncio.run(main())
    assert calls == FAST.max_attempts


def test_redirects_are_not_followed() -> None:
    # A redirect to another host would carry the bearer token there.
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "https://evil.example/steal"})

    async def main() -> None:
        async with client_with(httpx.MockTransport(handler)) as client:
            with pytest.raises(UnexpectedResponse) as caught:
                await client.get("health", Health)
            assert "redirect" in str(caught.value)
            assert "evil" not in str(caught.value)

    asyncio.run(main())
