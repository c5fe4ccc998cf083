"""Per-client rate limit on the questions (/ask, /v1/chat/completions): a moving window per client address,
answered with 429 and Retry-After."""

from __future__ import annotations

import math
import time

from fastapi import HTTPException
from limits import RateLimitItemPerMinute, storage, strategies


class RateLimiter:
    """Allows `per_minute` requests per client address in any 60 s window; 0 allows everything."""

    def __init__(self, per_minute: int) -> None:
        self.item = RateLimitItemPerMinute(per_minute) if per_minute else None
        self.limiter = strategies.MovingWindowRateLimiter(storage.MemoryStorage())

    def check(self, client: str) -> None:
        """Count one request from `client`, or raise 429 saying when to come back."""
        if self.item is None or self.limiter.hit(self.item, client):
            return
        reset = self.limiter.get_window_stats(self.item, client).reset_time
        retry_after = max(1, math.ceil(reset - time.time()))
        raise HTTPException(
            429,
            detail=f"Too many questions: at most {self.item.amount} per minute. Try again in {retry_after} s.",
            headers={"Retry-After": str(retry_after)},
        )
