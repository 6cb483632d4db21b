"""Stand-ins for outside providers, run as separate processes by the tests.

    python fake_providers.py sms|wechat|realname|smtp-starttls CONFIG_JSON

prints `PORT <n>` once it listens on 127.0.0.1. Each fake checks requests the way its
provider documents it, written here independently of the platform's client code, and
keeps what it accepted so that tests can ask (`GET /_received`, or files for SMTP).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

CONFIG: dict[str, Any] = {}
RECEIVED: list[dict[str, Any]] = []
LOCK = threading.Lock()


def _aliyun_encode(text: str) -> str:
    # RFC 3986 unreserved characters stay; everything else %XX in UTF-8 (provider doc).
    out = []
    for byte in text.encode("utf-8"):
        char = chr(byte)
        if char.isascii() and (char.isalnum() or char in "-_.~"):
            out.append(char)
        else:
            out.append(f"%{byte:02X}")
    return "".join(out)


def _aliyun_signature(secret: str, query: dict[str, str]) -> str:
    pairs = sorted((k, v) for k, v in query.items() if k != "Signature")
    canonical = "&".join(f"{_aliyun_encode(k)}={_aliyun_encode(v)}" for k, v in pairs)
    to_sign = "GET&" + _aliyun_encode("/") + "&" + _aliyun_encode(canonical)
    mac = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(mac).decode()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        if url.path == "/_received":
            with LOCK:
                self._json(200, RECEIVED)
            return
        kind = CONFIG["kind"]
        if kind == "sms" and url.path == "/":
            self._sms(query)
        elif kind == "wechat" and url.path == "/cgi-bin/token":
            self._wechat_token(query)
        elif kind == "wechat" and url.path == "/_expire":
            CONFIG["token_generation"] = CONFIG.get("token_generation", 0) + 1
            self._json(200, {})
        else:
            self._json(404, {})

    def do_POST(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if CONFIG["kind"] == "wechat" and url.path == "/cgi-bin/message/template/send":
            self._wechat_send(query, body)
        elif CONFIG["kind"] == "realname" and url.path == "/verify":
            self._realname(url.path, body)
        else:
            self._json(404, {})

    # Alibaba Cloud SendSms
    def _sms(self, query: dict[str, str]) -> None:
        given = query.get("Signature", "")
        if query.get("AccessKeyId") != CONFIG["key_id"] or not hmac.compare_digest(
            given, _aliyun_signature(CONFIG["key_secret"], query)
        ):
            self._json(400, {"Code": "SignatureDoesNotMatch", "Message": "bad signature"})
            return
        if query.get("Action") != "SendSms" or query.get("SignatureMethod") != "HMAC-SHA1":
            self._json(400, {"Code": "InvalidAction"})
            return
        with LOCK:
            RECEIVED.append(
                {
                    "phone": query["PhoneNumbers"],
                    "template": query["TemplateCode"],
                    "params": json.loads(query["TemplateParam"]),
                    "sign_name": query["SignName"],
                }
            )
        self._json(200, {"Code": "OK", "Message": "OK", "BizId": f"biz{len(RECEIVED)}"})

    # WeChat
    def _token(self) -> str:
        return f"token-{CONFIG.get('token_generation', 0)}"

    def _wechat_token(self, query: dict[str, str]) -> None:
        if query.get("appid") != CONFIG["app_id"] or query.get("secret") != CONFIG["app_secret"]:
            self._json(200, {"errcode": 40013, "errmsg": "invalid appid"})
            return
        with LOCK:
            RECEIVED.append({"token_fetch": True})
        self._json(200, {"access_token": self._token(), "expires_in": 7200})

    def _wechat_send(self, query: dict[str, str], body: bytes) -> None:
        if query.get("access_token") != self._token():
            self._json(200, {"errcode": 42001, "errmsg": "access_token expired"})
            return
        message = json.loads(body)
        with LOCK:
            RECEIVED.append(message)
        self._json(200, {"errcode": 0, "errmsg": "ok", "msgid": 1000 + len(RECEIVED)})

    # Generic three-factor real-name service
    def _realname(self, path: str, body: bytes) -> None:
        secret = CONFIG["app_secret"].encode()
        ts, nonce = self.headers["X-LaborSign-Timestamp"], self.headers["X-LaborSign-Nonce"]
        digest = hashlib.sha256(body).hexdigest()
        expected = hmac.new(
            secret, f"POST\n{path}\n{ts}\n{nonce}\n{digest}".encode(), hashlib.sha256
        ).hexdigest()
        if self.headers.get("X-LaborSign-App-Key") != CONFIG["app_key"] or not hmac.compare_digest(
            expected, self.headers.get("X-LaborSign-Signature", "")
        ):
            self._json(401, {"error": "bad signature"})
            return
        request = json.loads(body)
        known = [tuple(person) for person in CONFIG["people"]]
        who = (request["name"], request["id_number"], request["phone"])
        answer = {"result": "match" if who in known else "mismatch", "reference": "ref-42"}
        data = json.dumps(answer).encode()
        sign_key = CONFIG.get("response_secret", CONFIG["app_secret"]).encode()
        signature = hmac.new(
            sign_key,
            f"RESPONSE\n{nonce}\n{hashlib.sha256(data).hexdigest()}".encode(),
            hashlib.sha256,
        ).hexdigest()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-LaborSign-Signature", signature)
        self.end_headers()
        self.wfile.write(data)


def _smtp_starttls(config: dict[str, Any]) -> None:
    import ssl
    import time

    from aiosmtpd.controller import Controller

    class Keep:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            out = Path(config["maildir"])
            name = f"{time.monotonic_ns()}.eml"
            (out / name).write_bytes(envelope.original_content)
            (out / (name + ".rcpt")).write_text("\n".join(envelope.rcpt_tos))
            return "250 OK"

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(config["cert"], config["key"])
    import socket

    # aiosmtpd's controller probes its own port after starting, so it needs a real one.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(
        Keep(), hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True
    )
    controller.start()
    print(f"PORT {port}", flush=True)
    threading.Event().wait()


def main() -> None:
    kind, config = sys.argv[1], json.loads(sys.argv[2])
    if kind == "smtp-starttls":
        _smtp_starttls(config)
        return
    CONFIG.update(config, kind=kind)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
