"""The push protocol to a labor department's endpoint (docs/filing.md).

One HTTP POST per attempt, body = the canonical JSON batch, signed like the platform's
webhooks (Standard Webhooks, HMAC-SHA256; laborsign.notify.webhooks_signature):

    webhook-id:        the delivery id (the same on every retry: the receiver deduplicates)
    webhook-timestamp: seconds since the Unix epoch of this attempt
    webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">
    x-laborsign-batch: the batch id; x-laborsign-sha256: SHA-256 of the body (hex)

A 2xx answer is the receipt: a JSON object whose `receipt_id` the platform stores with the
whole answer. Anything else (or no answer) is retried along the configured schedule.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

import httpx

from laborsign.notify.webhooks_client import WebhookPoster
from laborsign.notify.webhooks_signature import sign

BATCH_HEADER = "x-laborsign-batch"
DIGEST_HEADER = "x-laborsign-sha256"


@dataclass(frozen=True, slots=True)
class PushOutcome:
    status_code: int | None
    excerpt: str | None
    error: str | None
    receipt_id: str | None

    @property
    def delivered(self) -> bool:
        return self.error is None


def receipt_id_of(excerpt: str) -> str | None:
    try:
        answer = json.loads(excerpt)
    except ValueError:
        return None
    value = answer.get("receipt_id") if isinstance(answer, dict) else None
    return str(value)[:200] if value is not None else None


class PushClient:
    def __init__(self, poster: WebhookPoster, url: str, secret: str) -> None:
        self._poster = poster
        self.url = url
        self._secret = secret

    def push(self, delivery_id: str, batch_id: str, body: bytes, at: datetime) -> PushOutcome:
        headers = {
            **sign(self._secret, delivery_id, at, body),
            BATCH_HEADER: batch_id,
            DIGEST_HEADER: hashlib.sha256(body).hexdigest(),
        }
        try:
            result = self._poster.post(self.url, body, headers)
        except httpx.HTTPError as exc:
            return PushOutcome(None, None, f"{type(exc).__name__}: {exc}"[:2000], None)
        if not result.ok:
            return PushOutcome(
                result.status_code, result.excerpt, f"HTTP {result.status_code}", None
            )
        receipt = receipt_id_of(result.excerpt)
        if receipt is None:
            # A 2xx without a receipt is not a filing the platform can prove: try again.
            return PushOutcome(result.status_code, result.excerpt, "no receipt_id in answer", None)
        return PushOutcome(result.status_code, result.excerpt, None, receipt)
