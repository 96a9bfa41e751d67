"""Real error answers of the sandbox mapped to the client's typed exceptions."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from client_support import chaos, make_withdrawal, run, signed_in

from bo_desktop.contract.payments import ClaimRequest, RejectRequest, Withdrawal
from bo_desktop.core.api import (
    ApiClient,
    Conflict,
    ConnectionState,
    Forbidden,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    RateLimited,
    RetryPolicy,
    TlsError,
    ValidationFailed,
)


def test_forbidden_and_not_found(sandbox: Any) -> None:
    async def main() -> None:
        async with signed_in(sandbox, "support") as support:
            with pytest.raises(Forbidden) as forbidden:
                await support.get_page("withdrawals", Withdrawal)
            assert "withdrawals.read" in forbidden.value.user_message
        async with signed_in(sandbox, "payments1") as payments:
            with pytest.raises(NotFound):
                await payments.get_versioned("withdrawals/W-999999999", Withdrawal)

    run(main())


def test_if_match_missing_stale_and_conflicting_claims(sandbox: Any) -> None:
    withdrawal_id = make_withdrawal(sandbox)
    path = f"withdrawals/{withdrawal_id}/claim"

    async def main() -> None:
        async with signed_in(sandbox, "payments1") as first, signed_in(sandbox, "payments2") as second:
            loaded = await first.get_versioned(f"withdrawals/{withdrawal_id}", Withdrawal)

            with pytest.raises(PreconditionRequired):
                await first.send("POST", path, body=ClaimRequest(), model=Withdrawal)

            claimed = await first.send(
                "POST", path, body=ClaimRequest(), model=Withdrawal, if_match=loaded.version
            )
            assert first.me is not None and claimed.claimed_by == first.me.staff_id
            assert claimed.version > loaded.version

            with pytest.raises(PreconditionFailed) as stale:
                await second.send(
                    "POST", path, body=ClaimRequest(), model=Withdrawal, if_match=loaded.version
                )
            # The 412 carries the current state, so the UI can show who changed what.
            assert stale.value.current["version"] == claimed.version
            assert stale.value.current["claimed_by"] == claimed.claimed_by

            with pytest.raises(Conflict) as taken:
                await second.send(
                    "POST", path, body=ClaimRequest(), model=Withdrawal, if_match=claimed.version
                )
            assert taken.value.code == "claimed_by_other"

            await first.send("DELETE", path, model=Withdrawal, if_match=claimed.version)

    run(main())


def test_validation_failed_lists_the_field(sandbox: Any) -> None:
    withdrawal_id = make_withdrawal(sandbox)

    async def main() -> None:
        async with signed_in(sandbox, "payments1") as client:
            with pytest.raises(ValidationFailed) as invalid:
                await client.send(
                    "POST",
                    f"withdrawals/{withdrawal_id}/reject",
                    body=RejectRequest(reason_code="because"),
                    model=Withdrawal,
                    if_match=1,
                    idempotency_key=str(uuid.uuid4()),
                )
            assert [e.field for e in invalid.value.errors] == ["reason_code"]
            with pytest.raises(ValidationFailed):
                await client.get_page("withdrawals", Withdrawal, params={"limit": 0})

    run(main())


def test_rate_limited_mutation_is_not_retried(sandbox: Any) -> None:
    withdrawal_id = make_withdrawal(sandbox)

    async def main() -> None:
        async with (
            signed_in(sandbox, "payments1", retry=RetryPolicy()) as client,
            chaos(sandbox, rate_limit_rate=1.0, retry_after_seconds=2, paths=["/withdrawals"]),
        ):
            waits: list[float] = []
            client.rate_limit_observers.add(waits.append)
            with pytest.raises(RateLimited) as limited:
                # A claim carries no Idempotency-Key: repeating it is the user's decision.
                await client.send(
                    "POST", f"withdrawals/{withdrawal_id}/claim", body=ClaimRequest(), if_match=1
                )
            assert limited.value.retry_after == 2.0
            assert "2 s" in limited.value.user_message
            assert waits == []

    run(main())


def test_tls_to_a_plain_http_server_is_a_tls_error_not_retried(sandbox: Any) -> None:
    # A real failed handshake: https:// against the sandbox's plain-HTTP port. (An untrusted
    # certificate needs a TLS server; that case is in tests/unit/test_api_wire_edges.py.)
    async def main() -> None:
        https_url = sandbox.url.replace("http://", "https://", 1)
        async with ApiClient(https_url, user_agent="tests") as client:
            states: list[ConnectionState] = []
            client.connection_observers.add(states.append)
            with pytest.raises(TlsError) as caught:
                await client.login("payments1", "whatever")
            assert "TLS" in caught.value.user_message
            assert states == [ConnectionState.OFFLINE]

    run(main())


def test_a_failed_request_leaves_no_reference_cycle_to_the_caller(sandbox: Any) -> None:
    # A caller whose request failed (a login dialog, a panel) must be freed as soon as it lets go
    # of the error, not whenever Python's cyclic gc next runs: the gc frees Qt widgets at
    # arbitrary moments (a crash in Qt's animation timer was traced to exactly that).
    import gc
    import weakref

    class Caller:
        async def sign_in(self, client: ApiClient) -> str:
            try:
                await client.login("payments1", "not-the-password")
            except Exception as exc:  # any failure will do here
                return type(exc).__name__
            return "signed in"

    async def main() -> None:
        for url in (sandbox.url, sandbox.url.replace("http://", "https://", 1)):  # 401, TLS failure
            async with ApiClient(url, user_agent="tests") as client:
                caller = Caller()
                gone = weakref.ref(caller)
                outcome = await caller.sign_in(client)
                assert outcome in ("InvalidCredentials", "TlsError")
                del caller
                assert gone() is None, f"{outcome}: the caller's frame is held by a cycle"

    gc.disable()
    try:
        run(main())
    finally:
        gc.enable()
