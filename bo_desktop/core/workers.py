"""The one way to run blocking work (SQLite, Excel, big sorts) from a coroutine.

The Qt thread runs the asyncio loop (qasync), so anything that blocks for more than a few
milliseconds goes to a small, shared thread pool. One module-level pool rather than
``asyncio.to_thread``: the default executor is sized for I/O (up to 32 threads), while our blocking
work is CPU- or SQLite-bound on machines with two cores, where more threads only add contention.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

WORKER_THREAD_PREFIX = "bo-worker"

_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None


def _max_workers() -> int:
    # SQLite serializes writers and the GIL serializes pure-Python work: beyond a few threads
    # there is nothing to gain on the 2-4 core machines we target.
    return max(2, min(4, os.cpu_count() or 2))


def _get_executor() -> ThreadPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(
                max_workers=_max_workers(), thread_name_prefix=WORKER_THREAD_PREFIX
            )
        return _executor


async def run_in_worker(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run ``fn(*args, **kwargs)`` in the worker pool and await its result.

    Works on any running asyncio loop, qasync's included. The caller's context variables are
    copied into the worker (as ``asyncio.to_thread`` does), so logging context follows the work.
    Cancelling the awaiting coroutine stops the wait, not the function: work that must be
    interruptible has to check a flag of its own.
    """
    loop = asyncio.get_running_loop()
    context = contextvars.copy_context()
    call = functools.partial(context.run, fn, *args, **kwargs)
    return await loop.run_in_executor(_get_executor(), call)


def shutdown_workers(*, wait: bool = True) -> None:
    """Stop the pool for a clean exit: queued work is cancelled, running work finishes.

    Safe to call more than once; a later :func:`run_in_worker` starts a fresh pool (tests rely on
    that).
    """
    global _executor
    with _lock:
        executor, _executor = _executor, None
    if executor is not None:
        executor.shutdown(wait=wait, cancel_futures=True)
