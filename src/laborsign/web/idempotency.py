"""Idempotency-Key for POSTs that create things: the same key and body give the stored
response again; the same key with another body is a 409."""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable
from datetime import datetime

from fastapi import Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError

from laborsign.db.tenancy import Scope
from laborsign.errors import Conflict, InvalidInput
from laborsign.i18n import Text
from laborsign.parties.tables import IdempotencyRow
from laborsign.web.auth import Principal, container_of

HEADER = "Idempotency-Key"
MAX_KEY = 100


def _request_hash(request: Request, body: object) -> str:
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(f"{request.method} {request.url.path}\n{canonical}".encode()).hexdigest()


def idempotent(
    request: Request,
    principal: Principal,
    body: object,
    create: Callable[[], object],
    now: datetime,
    status: int = 201,
) -> JSONResponse:
    key = request.headers.get(HEADER)
    if key is None:
        return JSONResponse(create(), status_code=status)
    if not 0 < len(key) <= MAX_KEY:
        raise InvalidInput(Text("Idempotency-Key 过长", "Idempotency-Key too long"), field=HEADER)
    digest = _request_hash(request, body)
    uow = container_of(request).uow
    with uow(Scope.system()) as read:
        stored = read.session.get(IdempotencyRow, (principal.key, key))
        if stored is not None:
            if stored.request_hash != digest:
                raise Conflict(
                    Text(
                        "同一 Idempotency-Key 用于了不同的请求",
                        "Idempotency-Key reused with a different request",
                    ),
                    field=HEADER,
                )
            return JSONResponse(json.loads(stored.body), status_code=stored.status)
    result = create()
    with uow(Scope.system()) as write:
        write.session.add(
            IdempotencyRow(
                principal=principal.key,
                key=key,
                request_hash=digest,
                status=status,
                body=json.dumps(result, ensure_ascii=False, default=str).encode(),
                created_at=now,
            )
        )
        # A concurrent request with the same key may have stored its answer first; the
        # caller raced itself, and keeping the first answer is all the key can still do.
        with contextlib.suppress(IntegrityError):
            write.commit()
    return JSONResponse(result, status_code=status)
