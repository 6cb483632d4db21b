"""Alibaba Cloud SMS (dysmsapi, `SendSms`, API version 2017-05-25) over its RPC interface.

Requests are signed with the provider's RPC signature version 1.0 (HMAC-SHA1):

1. every parameter except `Signature`, sorted by name, each name and value percent-encoded
   (RFC 3986: only A-Z a-z 0-9 - _ . ~ stay as they are) and joined as `k=v&k=v`;
2. string to sign = `GET&%2F&` + percent-encode(the joined query);
3. signature = base64(HMAC-SHA1(key = AccessKeySecret + "&", string to sign)).

The provider holds its own copy of each SMS text as an approved template; the platform maps
each message kind to the provider's template code (`sms_template_codes`) and passes the
kind's parameters as `TemplateParam` JSON.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from urllib.parse import quote

import httpx

from laborsign.errors import ConfigurationError
from laborsign.i18n import Text
from laborsign.notify.messages import kind_of
from laborsign.notify.ports import DeliveryFailed, Receipt

PROVIDER = "aliyun-sms"
API_VERSION = "2017-05-25"


def percent_encode(value: str) -> str:
    return quote(value, safe="-_.~")


def canonical_query(params: Mapping[str, str]) -> str:
    return "&".join(
        f"{percent_encode(k)}={percent_encode(v)}"
        for k, v in sorted(params.items())
        if k != "Signature"
    )


def string_to_sign(method: str, params: Mapping[str, str]) -> str:
    return f"{method}&{percent_encode('/')}&{percent_encode(canonical_query(params))}"


def rpc_signature(access_key_secret: str, method: str, params: Mapping[str, str]) -> str:
    key = (access_key_secret + "&").encode()
    digest = hmac.new(key, string_to_sign(method, params).encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def _failed(en: str, zh: str) -> DeliveryFailed:
    return DeliveryFailed(Text(f"短信发送失败：{zh}", f"SMS not sent: {en}"))


class HttpSmsSender:
    def __init__(
        self,
        *,
        endpoint: str,
        access_key_id: str,
        access_key_secret: str,
        sign_name: str,
        template_codes: Mapping[str, str],
        region: str = "cn-hangzhou",
        timeout: float = 10.0,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        client: httpx.Client | None = None,
    ) -> None:
        if not (access_key_id and access_key_secret and sign_name):
            raise ConfigurationError(
                Text(
                    "阿里云短信需要 AccessKey ID、AccessKey Secret 和短信签名",
                    "Alibaba Cloud SMS needs an AccessKey ID, an AccessKey secret and a sign name",
                ),
                field="sms_access_key_id",
            )
        self._endpoint = endpoint
        self._key_id = access_key_id
        self._secret = access_key_secret
        self._sign_name = sign_name
        self._codes = dict(template_codes)
        self._region = region
        self._clock = clock
        # One persistent client: the TLS handshake is paid once, not per message.
        self._client = client or httpx.Client(timeout=timeout)

    def request_params(
        self, phone: str, template_id: str, params: Mapping[str, str], nonce: str
    ) -> dict[str, str]:
        """The signed query of one SendSms call (public for tests and diagnostics)."""
        kind = kind_of(template_id)
        code = self._codes.get(kind.value)
        if not code:
            raise ConfigurationError(
                Text("未配置短信模板 {k} 的模板编号", "no provider template code for {k}").format(
                    k=kind.value
                ),
                field="sms_template_codes",
            )
        query = {
            "AccessKeyId": self._key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "PhoneNumbers": phone,
            "RegionId": self._region,
            "SignName": self._sign_name,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": nonce,
            "SignatureVersion": "1.0",
            "TemplateCode": code,
            "TemplateParam": json.dumps(dict(params), ensure_ascii=False, sort_keys=True),
            "Timestamp": self._clock().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": API_VERSION,
        }
        query["Signature"] = rpc_signature(self._secret, "GET", query)
        return query

    def send(self, phone: str, template_id: str, params: Mapping[str, str]) -> Receipt:
        query = self.request_params(phone, template_id, params, uuid.uuid4().hex)
        try:
            response = self._client.get(self._endpoint, params=query)
        except httpx.HTTPError as exc:
            raise _failed(f"provider unreachable ({type(exc).__name__})", "服务商无法连接") from exc
        try:
            body = response.json()
        except ValueError:
            body = {}
        code = body.get("Code") if isinstance(body, dict) else None
        if response.status_code != 200 or code != "OK":
            # The provider's code names the cause (e.g. isv.BUSINESS_LIMIT_CONTROL); its
            # message may echo the number, so only the code is kept.
            raise _failed(f"provider answered {response.status_code} {code}", f"服务商返回 {code}")
        return Receipt(PROVIDER, str(body.get("BizId", "")))
