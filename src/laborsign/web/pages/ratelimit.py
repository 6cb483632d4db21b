"""A small in-memory sliding-window limiter for the public pages (per client address).

Verification is CPU work anyone can ask for without an account, so each address gets a few
per minute. The counts live in this process: several app processes each allow the limit,
which is acceptable for a guard against one client hogging the CPU (the proxy in front is
the place for a global limit).
"""

from __future__ import annotations

import threading
from collections import deque
from datetime import datetime, timedelta


class SlidingWindow:
    def __init__(self, limit: int, window: timedelta, max_keys: int = 10_000) -> None:
        self.limit = limit
        self.window = window
        self._max_keys = max_keys
        self._hits: dict[str, deque[datetime]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str, now: datetime) -> bool:
        """Count one request of `key` at `now` unless its window is full; True if counted."""
        with self._lock:
            hits = self._hits.get(key)
            if hits is None:
                if len(self._hits) >= self._max_keys:
                    self._forget_idle(now)
                hits = self._hits[key] = deque()
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            return True

    def _forget_idle(self, now: datetime) -> None:
        # Bounded memory under many addresses: drop every key whose window has passed, and
        # if that frees nothing, the oldest ones.
        idle = [k for k, h in self._hits.items() if not h or h[-1] <= now - self.window]
        for key in idle:
            del self._hits[key]
        while len(self._hits) >= self._max_keys:
            del self._hits[next(iter(self._hits))]
