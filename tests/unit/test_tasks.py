"""TaskRunner: ownership, latest-wins, error routing, shutdown (plain asyncio loop, QtCore only)."""

from __future__ import annotations

import asyncio
import gc

from PySide6.QtCore import QObject

from bo_desktop.contract import Problem
from bo_desktop.core.api.errors import ApiError, NotFound
from bo_desktop.core.tasks import TaskRunner


def run(coro):
    return asyncio.run(coro)


def _not_found() -> NotFound:
    return NotFound(Problem(title="Not found", status=404, detail="No such player"))


def test_result_delivered_and_task_released():
    async def main():
        runner = TaskRunner()
        results = []

        async def work():
            await asyncio.sleep(0)
            return 42

        task = runner.start(work(), on_result=results.append)
        await task
        await asyncio.sleep(0)
        assert results == [42]
        assert runner.active_count == 0

    run(main())


def test_unhandled_exception_goes_to_error_handler():
    async def main():
        errors: list[BaseException] = []
        runner = TaskRunner(errors.append)

        async def boom():
            raise ValueError("bug")

        task = runner.start(boom())
        await asyncio.wait([task])
        await asyncio.sleep(0)
        assert len(errors) == 1 and isinstance(errors[0], ValueError)

    run(main())


def test_api_error_goes_to_on_error_when_caller_handles_it():
    async def main():
        errors: list[BaseException] = []
        handled: list[ApiError] = []
        runner = TaskRunner(errors.append)

        async def lookup():
            raise _not_found()

        task = runner.start(lookup(), on_error=handled.append)
        await asyncio.wait([task])
        await asyncio.sleep(0)
        assert errors == [] and isinstance(handled[0], NotFound)

        # Without on_error the same ApiError is a global error.
        task = runner.start(lookup())
        await asyncio.wait([task])
        await asyncio.sleep(0)
        assert isinstance(errors[0], NotFound)

    run(main())


def test_non_api_error_is_not_swallowed_by_on_error():
    async def main():
        errors: list[BaseException] = []
        handled: list[ApiError] = []
        runner = TaskRunner(errors.append)

        async def bug():
            raise KeyError("x")

        task = runner.start(bug(), on_error=handled.append)
        await asyncio.wait([task])
        await asyncio.sleep(0)
        assert handled == [] and isinstance(errors[0], KeyError)

    run(main())


def test_error_in_result_callback_is_reported():
    async def main():
        errors: list[BaseException] = []
        runner = TaskRunner(errors.append)

        async def ok():
            return 1

        def bad_callback(_value):
            raise RuntimeError("callback bug")

        await runner.start(ok(), on_result=bad_callback)
        await asyncio.sleep(0)
        assert isinstance(errors[0], RuntimeError)

    run(main())


def test_latest_wins_cancels_previous_with_same_key():
    async def main():
        runner = TaskRunner()
        owner = QObject()
        results = []

        async def search(text, delay):
            await asyncio.sleep(delay)
            return text

        first = runner.latest(owner, "search", search("a", 0.05), on_result=results.append)
        second = runner.latest(owner, "search", search("ab", 0.01), on_result=results.append)
        other = runner.latest(owner, "other", search("x", 0.01), on_result=results.append)
        await asyncio.wait([first, second, other])
        await asyncio.sleep(0)
        assert first.cancelled()
        assert sorted(results) == ["ab", "x"]

    run(main())


def test_latest_is_per_owner():
    async def main():
        runner = TaskRunner()
        a, b = QObject(), QObject()

        async def wait():
            await asyncio.sleep(0.01)

        t1 = runner.latest(a, "k", wait())
        t2 = runner.latest(b, "k", wait())
        await asyncio.wait([t1, t2])
        assert not t1.cancelled() and not t2.cancelled()

    run(main())


def test_owner_destroyed_cancels_its_tasks():
    async def main():
        errors: list[BaseException] = []
        runner = TaskRunner(errors.append)
        owner = QObject()
        results = []

        async def slow():
            await asyncio.sleep(10)
            return "late"

        owned = runner.start(slow(), owner=owner, on_result=results.append)
        unowned = runner.start(slow())
        del owner
        gc.collect()
        await asyncio.sleep(0)
        assert owned.cancelled()
        assert not unowned.done()
        unowned.cancel()
        await asyncio.sleep(0)
        assert results == [] and errors == []

    run(main())


def test_cancel_owner_keeps_other_owners():
    async def main():
        runner = TaskRunner()
        panel, other = QObject(), QObject()

        async def slow():
            await asyncio.sleep(10)

        mine = runner.start(slow(), owner=panel)
        theirs = runner.start(slow(), owner=other)
        runner.cancel_owner(panel)
        await asyncio.sleep(0)
        assert mine.cancelled() and not theirs.done()
        await runner.shutdown()
        assert theirs.cancelled()

    run(main())


def test_shutdown_cancels_everything_and_new_work_never_runs():
    async def main():
        runner = TaskRunner()
        cleaned = []

        async def slow():
            try:
                await asyncio.sleep(10)
            finally:
                cleaned.append(True)

        for _ in range(3):
            runner.start(slow())
        await asyncio.sleep(0)
        await runner.shutdown(timeout=1)
        assert cleaned == [True, True, True]
        assert runner.active_count == 0

        ran = []

        async def late():  # a panel reacting to a last event during exit
            ran.append(True)

        task = runner.start(late())
        await asyncio.wait([task])
        assert task.cancelled() and ran == [] and runner.active_count == 0

    run(main())


def test_owner_destroyed_between_completion_and_callback_gets_no_result():
    # The race seen in a GUI run: the task is done, its done-callback is queued for the next loop
    # turn, and the panel is deleted in between; cancel() on a done task does nothing, so the
    # runner itself must not deliver the result to the deleted widgets.
    import shiboken6

    async def main():
        runner = TaskRunner()
        owner = QObject()
        results, errors = [], []
        answer = asyncio.get_running_loop().create_future()

        async def work():
            return await answer

        async def failing():
            await answer
            raise _not_found()

        task = runner.start(work(), owner=owner, on_result=results.append)
        other = runner.start(failing(), owner=owner, on_error=errors.append)
        await asyncio.sleep(0)  # both wait on ``answer``
        answer.set_result(42)  # queues the tasks' wake-ups
        # Queued after the wake-ups, before the done-callbacks the finished tasks will queue:
        asyncio.get_running_loop().call_soon(shiboken6.delete, owner)
        await asyncio.wait([task, other])
        for _ in range(3):
            await asyncio.sleep(0)
        assert task.result() == 42 and isinstance(other.exception(), NotFound)
        assert results == [] and errors == []
        assert runner.active_count == 0

    run(main())
