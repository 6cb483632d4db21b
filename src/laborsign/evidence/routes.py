"""Read API of the evidence log: the latest checkpoint, proofs, and c2sp.org/tlog-tiles.

Everything here is read-only and public: leaves carry no personal data in clear.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from laborsign.evidence.service import EvidenceService
from laborsign.evidence.tiles import parse_tile_path

router = APIRouter(prefix="/evidence", tags=["evidence"])

_IMMUTABLE = "public, max-age=31536000, immutable"
_TILE_TYPE = "application/octet-stream"


def _service(request: Request) -> EvidenceService:
    service: EvidenceService = request.app.state.container.evidence
    return service


@router.get("/checkpoint", response_class=Response)
def checkpoint(request: Request) -> Response:
    """The latest checkpoint: a signed note with the log signature and witness cosignatures."""
    latest = _service(request).latest()
    return Response(
        latest.note_bytes,
        media_type="text/plain; charset=utf-8",
        headers={"Cache-Control": "no-cache, max-age=5"},
    )


@router.get("/log.vkey", response_class=Response)
def log_vkey(request: Request) -> Response:
    """The log's verifier key (signed-note vkey): pin it when verifying packages offline."""
    return Response(
        _service(request).log_vkey() + "\n",
        media_type="text/plain; charset=utf-8",
        headers={"Cache-Control": "public, max-age=3600"},
    )


@router.get("/witnesses", response_class=Response)
def witnesses(request: Request) -> Response:
    """The vkeys of the witnesses every checkpoint is cosigned by, one per line."""
    lines = "".join(v + "\n" for v in _service(request).witness_vkeys())
    return Response(lines, media_type="text/plain; charset=utf-8")


@router.get("/proof/inclusion")
def inclusion(
    request: Request,
    index: Annotated[int, Query(ge=0)],
    size: Annotated[int, Query(ge=1)],
) -> dict[str, Any]:
    """Inclusion proof (RFC 9162 §2.1.3) of leaf `index` in the checkpoint of `size` leaves."""
    return _service(request).inclusion(index, size)


@router.get("/proof/consistency")
def consistency(
    request: Request,
    first: Annotated[int, Query(ge=1)],
    second: Annotated[int, Query(ge=1)],
) -> dict[str, Any]:
    """Consistency proof (RFC 9162 §2.1.4) between two tree sizes."""
    return _service(request).consistency(first, second)


@router.get("/tile/{path:path}", response_class=Response)
def tile(request: Request, path: str) -> Response:
    """tlog-tiles: `tile/<L>/<N>[.p/<W>]` hash tiles and `tile/entries/<N>[.p/<W>]` bundles."""
    data = _service(request).tile(parse_tile_path(path))
    return Response(data, media_type=_TILE_TYPE, headers={"Cache-Control": _IMMUTABLE})
