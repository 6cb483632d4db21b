"""WeChat official-account template messages.

Two calls of the WeChat API: `GET /cgi-bin/token` (client-credential grant) gives an access
token valid for `expires_in` seconds, kept and reused until shortly before it expires; then
`POST /cgi-bin/message/template/send?access_token=...` sends one template message. An
answer with `errcode` 40001/42001 (token invalid or expired) fetches a fresh token once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from laborsign.errors import ConfigurationError
from laborsign.i18n import Text
from laborsign.notify.ports import DeliveryFailed, Receipt

PROVIDER = "wechat-template"
_TOKEN_EXPIRED = {40001, 42001}
# Renew this many seconds before the token's announced end, so no call carries a token
# that expires on the way.
_MARGIN = 300.0


def _failed(en: str) -> DeliveryFailed:
    return DeliveryFailed(Text("微信消息发送失败", "WeChat message not sent: " + en))


class WeChatTemplateSender:
    def __init__(
        self,
        *,
        app_id: str,
        app_secret: str,
        api_base: str = "https://api.weixin.qq.com",
        timeout: float = 10.0,
        monotonic: Callable[[], float] = time.monotonic,
        client: httpx.Client | None = None,
    ) -> None:
        if not (app_id and app_secret):
            raise ConfigurationError(
                Text("微信模板消息需要 AppID 和 AppSecret", "WeChat needs an AppID and AppSecret"),
                field="wechat_app_id",
            )
        self._app_id = app_id
        self._app_secret = app_secret
        self._base = api_base.rstrip("/")
        self._monotonic = monotonic
        self._client = client or httpx.Client(timeout=timeout)
        self._lock = threading.Lock()
        self._token: tuple[str, float] | None = None

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = self._client.request(method, self._base + path, **kwargs)
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise _failed(f"API unreachable or unreadable ({type(exc).__name__})") from exc
        if response.status_code != 200 or not isinstance(body, dict):
            raise _failed(f"API answered HTTP {response.status_code}")
        return body

    def access_token(self, *, refresh: bool = False) -> str:
        with self._lock:
            now = self._monotonic()
            if self._token is not None and not refresh and now < self._token[1]:
                return self._token[0]
            body = self._call(
                "GET",
                "/cgi-bin/token",
                params={
                    "grant_type": "client_credential",
                    "appid": self._app_id,
                    "secret": self._app_secret,
                },
            )
            token = body.get("access_token")
            if not isinstance(token, str) or not token:
                raise _failed(f"no access token (errcode {body.get('errcode')})")
            lifetime = float(body.get("expires_in", 7200))
            self._token = (token, now + max(lifetime - _MARGIN, 0.0))
            return token

    def send(
        self, openid: str, template_id: str, data: Mapping[str, str], url: str | None = None
    ) -> Receipt:
        payload: dict[str, Any] = {
            "touser": openid,
            "template_id": template_id,
            "data": {key: {"value": value} for key, value in data.items()},
        }
        if url:
            payload["url"] = url
        body = self._post(payload, self.access_token())
        if body.get("errcode") in _TOKEN_EXPIRED:
            body = self._post(payload, self.access_token(refresh=True))
        if body.get("errcode", 0) != 0:
            raise _failed(f"errcode {body.get('errcode')}")
        return Receipt(PROVIDER, str(body.get("msgid", "")))

    def _post(self, payload: Mapping[str, Any], token: str) -> dict[str, Any]:
        return self._call(
            "POST",
            "/cgi-bin/message/template/send",
            params={"access_token": token},
            json=payload,
        )
