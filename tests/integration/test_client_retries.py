"""Retries, backoff and Retry-After against injected faults (the sandbox's /admin/chaos).

Each test switches a fault on, lets the client hit it, and switches it off while the client is
backing off, so the retry is what turns the failure into a success. The client's delay is made
deterministic (``random`` pinned to 1.0) and long enough (0.8 s) for the switch to land in it.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from typing import Any

import pytest
from client_support import chaos, make_withdrawal, run, set_chaos, signed_in

from bo_desktop.contract.payments import ApproveRequest, ClaimRequest, Withdrawal
from bo_desktop.contract.reference import ReferenceList
from bo_desktop.core.api import ApiClient, ConnectionState, RetryPolicy, ServerError

# First retry after exactly 0.8 s (full jitter with random() == 1.0 is the cap itself).
SLOW_FIRST_RETRY = RetryPolicy(base_delay=0.8, max_delay=0.8, random=lambda: 1.0)
SWITCH_OFF_AFTER = 0.3


async def switch_off_soon(admin: ApiClient) -> None:
    await asyncio.sleep(SWITCH_OFF_AFTER)
    await set_chaos(admin)


def retries_logged(caplog: pytest.LogCaptureFixture) -> int:
    return sum("retry" in r.getMessage() for r in caplog.records if r.name.startswith("bo_desktop.core.api"))


@pytest.mark.parametrize(
    "fault",
    [{"error_rate_before_commit": 1.0}, {"drop_rate": 1.0}],
    ids=["503-before-commit", "dropped-connection"],
)
def test_get_is_retried_until_the_fault_clears(
    sandbox: Any, fault: dict[str, float], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bo_desktop.core.api")

    async def main() -> None:
        async with signed_in(sandbox, "payments1", retry=SLOW_FIRST_RETRY) as client:
            states: list[ConnectionState] = []
            client.connection_observers.add(states.append)
            async with chaos(sandbox, paths=["/reference/countries"], **fault) as admin:
                switch = asyncio.ensure_future(switch_off_soon(admin))
                countries = await client.get("reference/countries", ReferenceList)
                await switch
            assert countries.items
            if "drop_rate" in fault:
                # A dropped connection is a transport failure: the status bar shows "reconnecting".
                assert states == [ConnectionState.RECONNECTING, ConnectionState.ONLINE]

    run(main())
    assert retries_logged(caplog) >= 1


def test_keyed_mutation_is_retried_after_a_500_and_applied_once(
    sandbox: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bo_desktop.core.api")
    withdrawal_id = make_withdrawal(sandbox)

    async def main() -> None:
        async with signed_in(sandbox, "payments1", retry=SLOW_FIRST_RETRY) as client:
            loaded = await client.get_versioned(f"withdrawals/{withdrawal_id}", Withdrawal)
            claimed = await client.send(
                "POST",
                f"withdrawals/{withdrawal_id}/claim",
                body=ClaimRequest(),
                model=Withdrawal,
                if_match=loaded.version,
            )
            key = str(uuid.uuid4())
            async with chaos(
                sandbox, error_rate_after_commit=1.0, paths=[f"/withdrawals/{withdrawal_id}/approve"]
            ) as admin:
                switch = asyncio.ensure_future(switch_off_soon(admin))
                approved = await client.send(
                    "POST",
                    f"withdrawals/{withdrawal_id}/approve",
                    body=ApproveRequest(comment="retry test"),
                    model=Withdrawal,
                    if_match=claimed.version,
                    idempotency_key=key,
                )
                await switch
            # The retry was answered from the server's idempotency store: one approval, the
            # version bumped once, exactly what the first (committed) attempt produced.
            assert approved.status == "approved"
            assert len(approved.approvals) == 1
            current = await client.get_versioned(f"withdrawals/{withdrawal_id}", Withdrawal)
            assert current.version == approved.version == claimed.version + 1

    run(main())
    assert retries_logged(caplog) == 1


def test_mutation_without_key_is_not_retried(sandbox: Any) -> None:
    withdrawal_id = make_withdrawal(sandbox)

    async def main() -> None:
        async with signed_in(sandbox, "payments1", retry=SLOW_FIRST_RETRY) as client:
            loaded = await client.get_versioned(f"withdrawals/{withdrawal_id}", Withdrawal)
            async with chaos(
                sandbox, error_rate_after_commit=1.0, paths=[f"/withdrawals/{withdrawal_id}/claim"]
            ):
                with pytest.raises(ServerError):
                    await client.send(
                        "POST",
                        f"withdrawals/{withdrawal_id}/claim",
                        body=ClaimRequest(),
                        if_match=loaded.version,
                    )
            # The claim committed once despite the 500: the client did not send it again.
            current = await client.get_versioned(f"withdrawals/{withdrawal_id}", Withdrawal)
            assert current.version == loaded.version + 1
            assert current.claimed_by is not None

    run(main())


def test_retry_after_is_honoured_and_announced(sandbox: Any) -> None:
    async def main() -> float:
        async with signed_in(sandbox, "payments1") as client:
            waits: list[float] = []
            client.rate_limit_observers.add(waits.append)
            async with chaos(
                sandbox, rate_limit_rate=1.0, retry_after_seconds=1, paths=["/reference/currencies"]
            ) as admin:
                switch = asyncio.ensure_future(switch_off_soon(admin))
                started = time.monotonic()
                currencies = await client.get("reference/currencies", ReferenceList)
                elapsed = time.monotonic() - started
                await switch
            assert currencies.items
            assert waits == [1.0, 0.0]  # "waiting 1 s because rate limited", then "done"
            return elapsed

    assert run(main()) >= 1.0


def test_retries_give_up_within_their_bounds(sandbox: Any) -> None:
    policy = RetryPolicy(max_attempts=3, base_delay=0.05, max_delay=0.1)

    async def main() -> float:
        async with (
            signed_in(sandbox, "payments1", retry=policy) as client,
            chaos(sandbox, error_rate_before_commit=1.0, paths=["/reference/games"]),
        ):
            started = time.monotonic()
            with pytest.raises(ServerError) as failed:
                await client.get("reference/games", ReferenceList)
            assert failed.value.status == 503
            return time.monotonic() - started

    # Three attempts; the server's Retry-After: 1 is capped at max_delay.
    assert run(main()) < 2.0
