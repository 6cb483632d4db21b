"""Real-name verification: name + ID number + phone checked against a source (三要素核验).

`RealNameVerifier` is the port. Two adapters:

- `DevelopmentRealNameVerifier` (embedded default) checks only form: a plausible name, an ID
  number whose check digit and birth date are valid (python-stdnum), a mainland mobile
  number. It knows nothing about whether they belong together, so its results are
  `authoritative=False` and carry the label "非权威 / not authoritative".
- `HttpRealNameVerifier` speaks a small generic JSON protocol over HTTPS that a commercial
  three-factor service (or a gateway in front of one) implements; requests and answers
  are authenticated with HMAC-SHA256 under an app key and secret (docs/identity.md):

      POST <url>   {"request_id", "name", "id_number", "phone"}
      X-LaborSign-App-Key, X-LaborSign-Timestamp, X-LaborSign-Nonce,
      X-LaborSign-Signature = hex HMAC(secret, "POST\n<path>\n<timestamp>\n<nonce>\n<sha256(body)>")
      200 {"result": "match" | "mismatch", "reference": "..."}
      X-LaborSign-Signature = hex HMAC(secret, "RESPONSE\n<nonce>\n<sha256(body)>")

  An unsigned or wrongly signed answer, a timeout or anything unexpected is an `error`
  outcome: nothing is known and the worker is not verified (fail closed).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol
from urllib.parse import urlsplit

import httpx
from stdnum.cn import ric

from laborsign.errors import ConfigurationError
from laborsign.i18n import Text
from laborsign.identity.results import NOT_AUTHORITATIVE, Method, Outcome, VerificationResult

_NAME = re.compile(r"[\u3400-\u9fffA-Za-z][\u3400-\u9fffA-Za-z·•. ]{0,48}[\u3400-\u9fffA-Za-z]")
_PHONE = re.compile(r"1[3-9]\d{9}")
DEVELOPMENT_PROVIDER = "development"
HTTP_PROVIDER = "http-3factor"


class RealNameVerifier(Protocol):
    def verify(self, name: str, id_number: str, phone: str) -> VerificationResult: ...


def well_formed(name: str, id_number: str, phone: str) -> bool:
    """Name, ID number (check digit, birth date) and phone are each of a possible form."""
    return (
        bool(_NAME.fullmatch(name.strip()))
        and ric.is_valid(id_number.strip())
        and bool(_PHONE.fullmatch(phone.strip()))
    )


class DevelopmentRealNameVerifier:
    def verify(self, name: str, id_number: str, phone: str) -> VerificationResult:
        outcome = Outcome.PASSED if well_formed(name, id_number, phone) else Outcome.FAILED
        return VerificationResult(
            Method.REAL_NAME,
            DEVELOPMENT_PROVIDER,
            outcome,
            authoritative=False,
            label=NOT_AUTHORITATIVE,
        )


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def request_signature(secret: str, path: str, timestamp: str, nonce: str, body: bytes) -> str:
    message = f"POST\n{path}\n{timestamp}\n{nonce}\n{body_digest(body)}"
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def response_signature(secret: str, nonce: str, body: bytes) -> str:
    message = f"RESPONSE\n{nonce}\n{body_digest(body)}"
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


class HttpRealNameVerifier:
    def __init__(
        self,
        *,
        url: str,
        app_key: str,
        app_secret: str,
        timeout: float = 10.0,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        client: httpx.Client | None = None,
    ) -> None:
        if not (url and app_key and app_secret):
            raise ConfigurationError(
                Text(
                    "实名核验服务需要地址、App Key 和 App Secret",
                    "the real-name service needs a URL, an app key and an app secret",
                ),
                field="realname_url",
            )
        self._url = url
        self._path = urlsplit(url).path or "/"
        self._key = app_key
        self._secret = app_secret
        self._clock = clock
        self._client = client or httpx.Client(timeout=timeout)

    def _result(self, outcome: Outcome, reference: str | None = None) -> VerificationResult:
        return VerificationResult(
            Method.REAL_NAME, HTTP_PROVIDER, outcome, authoritative=True, reference=reference
        )

    def verify(self, name: str, id_number: str, phone: str) -> VerificationResult:
        body = json.dumps(
            {
                "request_id": uuid.uuid4().hex,
                "name": name.strip(),
                "id_number": id_number.strip().upper(),
                "phone": phone.strip(),
            },
            ensure_ascii=False,
            sort_keys=True,
        ).encode()
        timestamp = str(int(self._clock().timestamp()))
        nonce = secrets.token_hex(16)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "X-LaborSign-App-Key": self._key,
            "X-LaborSign-Timestamp": timestamp,
            "X-LaborSign-Nonce": nonce,
            "X-LaborSign-Signature": request_signature(
                self._secret, self._path, timestamp, nonce, body
            ),
        }
        try:
            response = self._client.post(self._url, content=body, headers=headers)
        except httpx.HTTPError:
            return self._result(Outcome.ERROR)
        expected = response_signature(self._secret, nonce, response.content)
        given = response.headers.get("X-LaborSign-Signature", "")
        if response.status_code != 200 or not hmac.compare_digest(expected, given):
            return self._result(Outcome.ERROR)
        try:
            answer = json.loads(response.content)
        except ValueError:
            return self._result(Outcome.ERROR)
        result = answer.get("result") if isinstance(answer, dict) else None
        reference = answer.get("reference") if isinstance(answer, dict) else None
        ref = str(reference)[:120] if reference is not None else None
        if result == "match":
            return self._result(Outcome.PASSED, ref)
        if result == "mismatch":
            return self._result(Outcome.FAILED, ref)
        return self._result(Outcome.ERROR, ref)
