"""HTTP face of the built-in PKI: certificates, CRLs, the OCSP responder and the TSA."""

from __future__ import annotations

import base64
import binascii

from cryptography.hazmat.primitives import serialization
from fastapi import APIRouter, HTTPException, Request, Response
from starlette.concurrency import run_in_threadpool

from laborsign.bootstrap import Container
from laborsign.pki.tsa_server import MAX_REQUEST_BYTES

router = APIRouter(tags=["pki"])
_MAX_OCSP_REQUEST = 8192


def _container(request: Request) -> Container:
    found: Container = request.app.state.container
    return found


async def _body(request: Request, media_type: str, limit: int) -> bytes:
    if request.headers.get("content-type", "").split(";")[0].strip() != media_type:
        raise HTTPException(415, f"expected {media_type}")
    body = await request.body()
    if len(body) > limit:
        raise HTTPException(413, "request too large")
    return body


@router.get("/pki/root.pem")
def root_certificate(request: Request) -> Response:
    """The private root certificate (development trust root — import it to trust it)."""
    pem = _container(request).ca.root.public_bytes(serialization.Encoding.PEM)
    return Response(pem, media_type="application/x-pem-file")


@router.get("/pki/issuing.pem")
def issuing_certificate(request: Request) -> Response:
    pem = _container(request).ca.issuing.public_bytes(serialization.Encoding.PEM)
    return Response(pem, media_type="application/x-pem-file")


@router.get("/pki/crl")
def crl(request: Request) -> Response:
    return Response(_container(request).ca.crl(), media_type="application/pkix-crl")


@router.get("/pki/root.crl")
def root_crl(request: Request) -> Response:
    return Response(_container(request).ca.root_crl(), media_type="application/pkix-crl")


@router.post("/pki/ocsp")
async def ocsp_post(request: Request) -> Response:
    body = await _body(request, "application/ocsp-request", _MAX_OCSP_REQUEST)
    # Signing and the database are blocking: keep them off the event loop.
    answer = await run_in_threadpool(_container(request).ca.ocsp_response, body)
    return Response(answer, media_type="application/ocsp-response")


@router.get("/pki/ocsp/{encoded:path}")
def ocsp_get(encoded: str, request: Request) -> Response:
    """RFC 6960 Appendix A.1: the DER request, base64, URL-encoded, as the last path part."""
    try:
        body = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise HTTPException(400, "not base64") from None
    return Response(
        _container(request).ca.ocsp_response(body), media_type="application/ocsp-response"
    )


@router.post("/tsa")
async def tsa(request: Request) -> Response:
    """RFC 3161 time-stamping over HTTP (§3.4)."""
    body = await _body(request, "application/timestamp-query", MAX_REQUEST_BYTES)
    answer = await run_in_threadpool(_container(request).tsa.respond, body)
    return Response(answer, media_type="application/timestamp-reply")
