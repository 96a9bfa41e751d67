"""Retry policy: which calls are retried, on what, and how long the backoff waits."""

from __future__ import annotations

import pytest

from bo_desktop.core.api.retry import RetryPolicy
from bo_desktop.core.api.transport import _RetryBudget


def test_full_jitter_stays_within_exponential_cap() -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=3.0, random=lambda: 1.0)
    assert [policy.backoff(n) for n in range(5)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    low = RetryPolicy(base_delay=0.5, max_delay=3.0, random=lambda: 0.0)
    assert low.backoff(4) == 0.0


def test_jitter_spreads_delays() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=8.0)
    delays = {round(policy.backoff(3), 3) for _ in range(50)}
    assert len(delays) > 10
    assert all(0.0 <= d <= 8.0 for d in delays)


@pytest.mark.parametrize(
    ("method", "keyed", "retryable"),
    [
        ("GET", False, True),
        ("head", False, True),
        ("POST", False, False),
        ("POST", True, True),
        ("PATCH", False, False),
        ("DELETE", True, True),
    ],
)
def test_only_safe_or_keyed_requests_are_retryable(method: str, keyed: bool, retryable: bool) -> None:
    assert RetryPolicy().is_retryable_request(method, has_idempotency_key=keyed) is retryable


def test_500_is_retried_only_with_an_idempotency_key() -> None:
    policy = RetryPolicy()
    assert not policy.is_retryable_status(500, has_idempotency_key=False)
    assert policy.is_retryable_status(500, has_idempotency_key=True)
    for status in (502, 503, 504):
        assert policy.is_retryable_status(status, has_idempotency_key=False)
    for status in (400, 404, 409, 422):
        assert not policy.is_retryable_status(status, has_idempotency_key=True)


def test_retry_budget_bounds_attempts() -> None:
    budget = _RetryBudget(RetryPolicy(max_attempts=3, random=lambda: 1.0, base_delay=0.1), enabled=True)
    assert budget.next_delay() == 0.1
    assert budget.next_delay() == 0.2
    assert budget.next_delay() is None  # three attempts in all
    assert _RetryBudget(RetryPolicy(), enabled=False).next_delay() is None


def test_retry_budget_bounds_total_time_and_caps_server_hints() -> None:
    policy = RetryPolicy(max_attempts=10, max_delay=2.0, total_budget=1.0)
    assert _RetryBudget(policy, enabled=True).next_delay(hint=60.0) is None  # 2 s > 1 s budget
    assert _RetryBudget(RetryPolicy(max_delay=2.0), enabled=True).next_delay(hint=60.0) == 2.0


def test_rate_limit_waits_are_bounded_in_total() -> None:
    budget = _RetryBudget(RetryPolicy(max_attempts=10, max_retry_after=5.0), enabled=True)
    assert budget.rate_limit_wait(3.0) == 3.0
    assert budget.rate_limit_wait(3.0) is None  # 6 s of waiting would exceed 5 s
    assert _RetryBudget(RetryPolicy(), enabled=False).rate_limit_wait(1.0) is None
