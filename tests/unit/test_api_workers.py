"""run_in_worker: runs off the loop thread, in the named pool, and shuts down cleanly."""

from __future__ import annotations

import asyncio
import contextvars
import threading

import pytest

from bo_desktop.core.workers import WORKER_THREAD_PREFIX, run_in_worker, shutdown_workers

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


def test_runs_in_named_worker_thread_with_context() -> None:
    def work(a: int, *, b: int) -> tuple[str, int, str]:
        return threading.current_thread().name, a + b, request_id.get()

    async def main() -> tuple[str, int, str]:
        request_id.set("r-7")
        return await run_in_worker(work, 1, b=2)

    name, total, seen = asyncio.run(main())
    assert name.startswith(WORKER_THREAD_PREFIX)
    assert (total, seen) == (3, "r-7")
    shutdown_workers()
    assert not [t for t in threading.enumerate() if t.name.startswith(WORKER_THREAD_PREFIX)]


def test_exceptions_propagate_and_pool_restarts_after_shutdown() -> None:
    def boom() -> None:
        raise ValueError("bad row")

    shutdown_workers()
    with pytest.raises(ValueError, match="bad row"):
        asyncio.run(run_in_worker(boom))
    shutdown_workers()
    shutdown_workers()  # idempotent
    assert asyncio.run(run_in_worker(lambda: 42)) == 42
    shutdown_workers()
