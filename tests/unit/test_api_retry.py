"""Retry policy: which calls are retried, on what, and how long the backoff waits."""

from __future__ import annotations

import pytest

from bo_desktop.core.api.retry import RetryPolicy


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
