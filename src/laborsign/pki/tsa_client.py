"""Client for an external (authoritative) RFC 3161 TSA over HTTP.

One persistent `httpx.Client` per TSA: a keep-alive connection saves a TCP (and TLS)
handshake per signature. Every reply is checked — status, nonce, imprint, policy,
signature and the pinned chain — and any failure at all becomes `ServiceUnavailable`:
no token, no signature.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import httpx
from asn1crypto import algos, tsp
from cryptography import x509

from laborsign.errors import ConfigurationError, ServiceUnavailable
from laborsign.i18n import Text
from laborsign.pki.tsa import check_imprint, new_nonce
from laborsign.pki.tsa_verify import TokenInvalid, verify_token
from laborsign.settings import Settings

QUERY_TYPE = "application/timestamp-query"
REPLY_TYPE = "application/timestamp-reply"
_MAX_REPLY = 64 * 1024


def _unavailable(reason: str) -> ServiceUnavailable:
    return ServiceUnavailable(
        Text(
            "时间戳服务不可用（{r}），未签署任何内容，请稍后重试",
            "time-stamping service unavailable ({r}); nothing was signed, please retry",
        ).format(r=reason)
    )


class HttpTsaClient:
    def __init__(
        self,
        url: str,
        pinned: Sequence[x509.Certificate],
        *,
        policy_oid: str | None = None,
        username: str = "",
        password: str = "",
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if not pinned:
            raise ConfigurationError(
                Text(
                    "外部时间戳服务需要固定的证书链（LABORSIGN_TSA_CA_FILE）",
                    "an external TSA needs a pinned certificate chain (LABORSIGN_TSA_CA_FILE)",
                ),
                field="tsa_ca_file",
            )
        self.url = url
        self._pinned = list(pinned)
        self._policy = policy_oid
        self._client = httpx.Client(
            auth=(username, password) if username else None,
            timeout=timeout,
            headers={"Content-Type": QUERY_TYPE, "Accept": REPLY_TYPE},
            transport=transport,
        )
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> HttpTsaClient:
        pinned: list[x509.Certificate] = []
        if settings.tsa_ca_file is not None:
            pinned = x509.load_pem_x509_certificates(settings.tsa_ca_file.read_bytes())
        return cls(
            settings.tsa_url,
            pinned,
            policy_oid=settings.tsa_policy_oid or None,
            username=settings.tsa_username,
            password=settings.tsa_password.get_secret_value() if settings.tsa_password else "",
            timeout=settings.tsa_timeout_seconds,
        )

    def close(self) -> None:
        self._client.close()

    def timestamp(self, message_imprint_sha256: bytes, nonce: int | None = None) -> bytes:
        imprint = check_imprint(message_imprint_sha256)
        nonce = nonce if nonce is not None else new_nonce()
        request: dict[str, object] = {
            "version": "v1",
            "message_imprint": {
                "hash_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
                "hashed_message": imprint,
            },
            "nonce": nonce,
            "cert_req": True,
        }
        if self._policy:
            request["req_policy"] = self._policy
        try:
            # httpx.Client is thread-safe, but one request at a time keeps the connection
            # reused rather than opening a pool of them against a rate-limited TSA.
            with self._lock:
                reply = self._client.post(self.url, content=tsp.TimeStampReq(request).dump())
        except httpx.HTTPError as exc:
            raise _unavailable(f"{type(exc).__name__}") from exc
        if reply.status_code != 200:
            raise _unavailable(f"HTTP {reply.status_code}")
        if reply.headers.get("content-type", "").split(";")[0].strip() != REPLY_TYPE:
            raise _unavailable("unexpected content type")
        if len(reply.content) > _MAX_REPLY:
            raise _unavailable("reply too large")
        try:
            response = tsp.TimeStampResp.load(reply.content)
            status = response["status"]["status"].native
            if status not in ("granted", "granted_with_mods"):
                raise TokenInvalid(f"status {status}")
            token: bytes = response["time_stamp_token"].dump()
            verify_token(token, imprint, nonce, self._pinned, self._policy)
        except (TokenInvalid, ValueError, TypeError, KeyError) as exc:
            raise _unavailable(f"invalid reply: {exc}") from exc
        return token
