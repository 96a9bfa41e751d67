"""LoginThrottle: the window slides, success clears, usernames are case-folded."""

from __future__ import annotations

from bo_desktop.sandbox.throttle import LoginThrottle


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_locks_after_max_failures_until_the_oldest_leaves_the_window() -> None:
    clock = FakeClock()
    throttle = LoginThrottle(max_failures=3, window_seconds=60, clock=clock)
    for step in range(3):
        assert throttle.retry_after("Pia") is None
        throttle.failed("pia")
        clock.now += 10 if step < 2 else 0
    assert throttle.retry_after("PIA") == 40  # first failure at 1000 leaves the window at 1060
    clock.now = 1060.5
    assert throttle.retry_after("pia") is None


def test_success_clears_and_names_are_independent() -> None:
    throttle = LoginThrottle(max_failures=2, window_seconds=60, clock=FakeClock())
    throttle.failed("a")
    throttle.failed("a")
    assert throttle.retry_after("a") is not None
    assert throttle.retry_after("b") is None
    throttle.succeeded("a")
    assert throttle.retry_after("a") is None
