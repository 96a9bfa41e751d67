"""When and how long to wait before retrying a request.

Only requests that are safe to repeat are retried: GET/HEAD, and mutations carrying an
``Idempotency-Key`` (the server replays the stored answer instead of acting twice). Delays use
exponential backoff with *full jitter* (a uniform draw between 0 and the exponential cap), which
spreads the retries of many clients that failed together; attempts and total time are both
bounded so a dead server costs the user seconds, not minutes.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Bounds and delays for retries. The defaults suit an interactive client."""

    max_attempts: int = 4  # including the first one
    base_delay: float = 0.2  # seconds; cap of the first backoff draw
    max_delay: float = 5.0  # cap of any single backoff draw
    total_budget: float = 20.0  # seconds from the first attempt after which no retry starts
    # Seconds one request may spend waiting out 429s in total; beyond that RateLimited is raised.
    max_retry_after: float = 30.0
    # Gateway-style failures: the request most likely never reached the application.
    retry_statuses: frozenset[int] = frozenset({502, 503, 504})
    # With an Idempotency-Key a 500 is retried too: the sandbox's "500 after commit" (and real
    # servers crashing after the commit) is answered on retry by the stored result of the commit.
    keyed_retry_statuses: frozenset[int] = frozenset({500, 502, 503, 504})
    random: Callable[[], float] = field(default=random.random, compare=False, repr=False)

    def backoff(self, retry_number: int) -> float:
        """Delay before retry ``retry_number`` (0 for the first retry): full jitter."""
        cap = min(self.max_delay, self.base_delay * (2**retry_number))
        return self.random() * cap

    def is_retryable_request(self, method: str, *, has_idempotency_key: bool) -> bool:
        """Whether repeating the request cannot cause a second effect on the server."""
        return method.upper() in SAFE_METHODS or has_idempotency_key

    def is_retryable_status(self, status: int, *, has_idempotency_key: bool) -> bool:
        """Whether a response status is worth another attempt of a retryable request."""
        statuses = self.keyed_retry_statuses if has_idempotency_key else self.retry_statuses
        return status in statuses


NO_RETRY = RetryPolicy(max_attempts=1)
