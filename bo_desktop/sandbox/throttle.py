"""Login throttling: too many failed sign-ins for one username → 429 with Retry-After.

Keyed by the (case-folded) username, known or not, so probing unknown names is throttled the same
way and the answer does not reveal which names exist. In memory and per process: enough for a
sandbox, and it resets with a restart, which is what a trainee who locked themselves out wants.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable


class LoginThrottle:
    def __init__(
        self,
        max_failures: int = 10,
        window_seconds: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures = max_failures
        self.window_seconds = window_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, username: str, now: float) -> deque[float]:
        failures = self._failures.setdefault(username.casefold(), deque())
        while failures and failures[0] <= now - self.window_seconds:
            failures.popleft()
        return failures

    def retry_after(self, username: str) -> float | None:
        """Seconds until ``username`` may try again, or None when it may try now."""
        with self._lock:
            now = self._clock()
            failures = self._recent(username, now)
            if len(failures) < self.max_failures:
                return None
            return max(1.0, math.ceil(failures[0] + self.window_seconds - now))

    def failed(self, username: str) -> None:
        with self._lock:
            self._recent(username, self._clock()).append(self._clock())

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(username.casefold(), None)
