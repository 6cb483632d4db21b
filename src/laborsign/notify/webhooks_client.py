"""The HTTP side of webhook delivery, behind a small port so tests can use a real receiver."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import httpx

from laborsign import __version__

EXCERPT_CHARS = 500


@dataclass(frozen=True, slots=True)
class PostResult:
    status_code: int
    excerpt: str

    @property
    def ok(self) -> bool:
        return 200 <= self.status_code < 300


class WebhookPoster(Protocol):
    def post(self, url: str, body: bytes, headers: dict[str, str]) -> PostResult:
        """POST once; raise httpx.HTTPError when no answer came back."""


class HttpxPoster:
    """One pooled client with firm timeouts; redirects are not followed (a redirect could
    lead past the target check to an internal address)."""

    def __init__(self, timeout_seconds: float) -> None:
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout_seconds, connect=min(timeout_seconds, 5.0)),
            follow_redirects=False,
            headers={"user-agent": f"LaborSign-Webhooks/{__version__}"},
        )

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> PostResult:
        response = self._client.post(
            url, content=body, headers={**headers, "content-type": "application/json"}
        )
        return PostResult(response.status_code, response.text[:EXCERPT_CHARS])

    def close(self) -> None:
        self._client.close()
