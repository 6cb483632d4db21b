"""A webhook receiver run as its own process by the webhook tests (no tests in here).

It verifies each request's Standard Webhooks signature with the secret in the file named by
RECEIVER_SECRET_FILE (read at each request: the secret exists only once subscribed),
answers 500 to the first RECEIVER_FAIL_FIRST valid requests, 401 to invalid ones, and lists
what it received at GET /log. It prints its port on the first line of standard output.
"""

from __future__ import annotations

import json
import os
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from laborsign.errors import PermissionDenied
from laborsign.notify.webhooks_signature import verify

SECRET_FILE = Path(os.environ["RECEIVER_SECRET_FILE"])
FAIL_FIRST = int(os.environ.get("RECEIVER_FAIL_FIRST", "0"))
received: list[dict[str, Any]] = []
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        headers = {name: value for name, value in self.headers.items()}
        try:
            # The tests freeze the platform's clock, so the timestamp is not compared here;
            # the tolerance check has its own unit test.
            verify(
                SECRET_FILE.read_text().strip(),
                headers,
                body,
                now=datetime.now(UTC),
                tolerance_seconds=None,
            )
            verified = True
        except PermissionDenied:
            verified = False
        with lock:
            failures = sum(1 for entry in received if entry["verified"] and entry["status"] >= 500)
            status = 401 if not verified else 500 if failures < FAIL_FIRST else 200
            received.append(
                {
                    "id": headers.get("webhook-id"),
                    "timestamp": headers.get("webhook-timestamp"),
                    "body": body.decode(),
                    "verified": verified,
                    "status": status,
                }
            )
        self._answer(status, b"failing on purpose" if status == 500 else b"ok")

    def do_GET(self) -> None:
        with lock:
            self._answer(200, json.dumps(received).encode())

    def _answer(self, status: int, content: bytes) -> None:
        self.send_response(status)
        self.send_header("content-length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def log_message(self, format: str, *args: Any) -> None:
        pass


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()
