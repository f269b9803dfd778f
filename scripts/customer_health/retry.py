"""Exponential backoff with jitter, shared by the Salesforce, HubSpot and Slack clients."""
from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class RetrySettings:
    """The retry section of the sync's and the digest's YAML."""
    max_attempts: int = 5
    base_delay_seconds: float = 1.0
    max_delay_seconds: float = 60.0
    jitter: float = 0.5
    lock_retry_attempts: int = 4
    request_timeout_seconds: float = 120.0


@dataclass(frozen=True)
class Backoff:
    max_attempts: int
    base_delay: float
    max_delay: float
    jitter: float
    sleep: Callable[[float], None] = time.sleep

    @classmethod
    def from_settings(cls, settings: RetrySettings, sleep: Callable[[float], None] = time.sleep) -> "Backoff":
        return cls(settings.max_attempts, settings.base_delay_seconds, settings.max_delay_seconds,
                   min(max(settings.jitter, 0.0), 1.0), sleep)

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based)."""
        delay = min(self.max_delay, self.base_delay * (2 ** max(attempt - 1, 0)))
        delay *= 1.0 - self.jitter * random.random()
        if retry_after is not None and retry_after > delay:
            delay = min(retry_after, self.max_delay)
        return max(delay, 0.0)

    def wait(self, attempt: int, retry_after: float | None = None) -> float:
        seconds = self.delay(attempt, retry_after)
        if seconds > 0:
            self.sleep(seconds)
        return seconds


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After in seconds (the HTTP-date form is ignored)."""
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        return None
