"""Anchors: a local ledger process signs receipts; an outside TSA anchors; bad receipts are
refused and never stored; with no anchor configured nothing is anchored.

Run as a module, this file is the local ledger:
    python -m tests.integration.test_evidence_anchors PORT KEY.pem TOKEN
"""

from __future__ import annotations

import base64
import hashlib
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
)
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import func, select, text
from tests.integration.servers import free_port, wait_until_listening

from laborsign.bootstrap import Container
from laborsign.errors import ConfigurationError, ServiceUnavailable
from laborsign.evidence.anchors import (
    Kind,
    ReceiptInvalid,
    canonical,
    receipt_body,
    verify_receipt,
)
from laborsign.evidence.anchors_http import JsonLedgerAnchor, TsaAnchor
from laborsign.evidence.anchors_store import anchor_latest, checkpoint_hash, receipts_for
from laborsign.evidence.tables import EvidenceAnchorReceiptRow
from laborsign.pki.tsa_client import HttpTsaClient
from laborsign.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "ledger-test-token"  # noqa: S105 - the local test ledger's bearer token
NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


# -- the local ledger (its own process) -----------------------------------------------------


def _ledger_main(port: int, key_file: Path, token: str) -> None:
    import uvicorn

    key = load_pem_private_key(key_file.read_bytes(), None)
    assert isinstance(key, Ed25519PrivateKey)
    app = FastAPI()
    issued: list[str] = []

    def answer(body: dict[str, object], forge: str) -> JSONResponse:
        digest = str(body["hash"])
        if forge == "other-hash":
            digest = hashlib.sha256(b"something else").hexdigest()
        receipt = receipt_body(
            ledger="test-ledger",
            checkpoint_hash=bytes.fromhex(digest),
            origin=str(body["origin"]),
            size=int(str(body["size"])),
            receipt_id=f"R-{len(issued) + 1:06d}",
            at=datetime.now(UTC),
        )
        signature = key.sign(canonical(receipt))
        if forge == "bad-signature":
            signature = bytes(64)
        issued.append(receipt["receipt_id"])
        return JSONResponse({"receipt": receipt, "signature": base64.b64encode(signature).decode()})

    @app.post("/notarise/{forge}")
    async def notarise(forge: str, request: Request) -> JSONResponse:
        if request.headers.get("authorization") != f"Bearer {token}":
            return JSONResponse({"error": "unauthorised"}, status_code=401)
        return answer(await request.json(), forge)

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


# -- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The ledger's base URL and the file with its public key."""
    folder = tmp_path_factory.mktemp("ledger")
    key = Ed25519PrivateKey.generate()
    private = folder / "ledger.key"
    private.write_bytes(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    public = folder / "ledger.pub.pem"
    public.write_bytes(
        key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    )
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.integration.test_evidence_anchors",
            str(port),
            str(private),
            TOKEN,
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until_listening(process, port, "ledger")
        yield f"http://127.0.0.1:{port}", public
    finally:
        process.terminate()
        process.wait(timeout=10)


def _publish(container: Container, events: int = 3) -> None:
    from tests.integration.test_evidence_log import append, event

    with container.uow() as uow:
        size = container.evidence.log.size(uow.session)
    append(container, [event(size + i) for i in range(events)])
    container.evidence.publish(NOW)


def _anchored(container: Container) -> int:
    with container.uow() as uow:
        return int(
            uow.session.scalar(select(func.count()).select_from(EvidenceAnchorReceiptRow)) or 0
        )


def _ledger_container(
    database_url: str, tmp_path: Path, ledger: tuple[str, Path], forge: str = "ok"
) -> Container:
    url, public = ledger
    c = Container(
        Settings(
            home=tmp_path / "home",
            database_url=database_url,
            evidence_anchor_name="court-chain",
            evidence_anchor_url=f"{url}/notarise/{forge}",
            evidence_anchor_token=TOKEN,
            evidence_anchor_key_file=public,
        )
    )
    c.init()
    return c


# -- tests ----------------------------------------------------------------------------------


def test_a_ledger_receipt_is_verified_stored_and_not_asked_for_twice(
    database_url: str, tmp_path: Path, ledger: tuple[str, Path]
) -> None:
    container = _ledger_container(database_url, tmp_path, ledger)
    _publish(container)
    [receipt] = anchor_latest(container.uow, container.anchors, NOW)
    assert anchor_latest(container.uow, container.anchors, NOW) == []  # idempotent
    with container.uow() as uow:
        latest = container.evidence.latest()
        [stored] = receipts_for(uow.session, latest.checkpoint.size)
    assert stored == receipt
    assert (stored.anchor, stored.kind) == ("court-chain", Kind.JSON_LEDGER)
    assert stored.receipt_id.startswith("R-")
    # The stored bytes verify on their own, against exactly this checkpoint.
    facts = verify_receipt(
        stored.kind,
        stored.receipt,
        stored.verifier_pem,
        checkpoint_hash=checkpoint_hash(latest),
        origin=latest.checkpoint.origin,
        size=latest.checkpoint.size,
    )
    assert facts.receipt_id == stored.receipt_id
    with pytest.raises(ReceiptInvalid):
        verify_receipt(
            stored.kind,
            stored.receipt,
            stored.verifier_pem,
            checkpoint_hash=checkpoint_hash(latest),
            origin=latest.checkpoint.origin,
            size=latest.checkpoint.size + 1,
        )
    # A newer checkpoint is anchored in its turn.
    _publish(container)
    assert len(anchor_latest(container.uow, container.anchors, NOW)) == 1
    assert _anchored(container) == 2
    container.engine.dispose()


@pytest.mark.parametrize("forge", ["bad-signature", "other-hash"])
def test_an_unverifiable_receipt_is_refused_and_not_stored(
    database_url: str, tmp_path: Path, ledger: tuple[str, Path], forge: str
) -> None:
    container = _ledger_container(database_url, tmp_path, ledger, forge)
    _publish(container)
    with pytest.raises(ServiceUnavailable, match="court-chain"):
        anchor_latest(container.uow, container.anchors, NOW)
    assert _anchored(container) == 0
    container.engine.dispose()


def test_a_wrong_token_or_an_unreachable_ledger_stores_nothing(
    tmp_path: Path, ledger: tuple[str, Path]
) -> None:
    url, public = ledger
    anchor = JsonLedgerAnchor(
        "court-chain", f"{url}/notarise/ok", public.read_bytes(), httpx.Client(), "wrong"
    )
    with pytest.raises(ServiceUnavailable, match="HTTP 401"):
        anchor.submit(bytes(32), "o", 1)
    gone = JsonLedgerAnchor(
        "court-chain", f"http://127.0.0.1:{free_port()}/", public.read_bytes(), httpx.Client()
    )
    with pytest.raises(ServiceUnavailable):
        gone.submit(bytes(32), "o", 1)


def test_a_ledger_without_a_verification_key_is_refused(tmp_path: Path) -> None:
    c = Container(
        Settings(home=tmp_path / "home", evidence_anchor_url="http://ledger.test/notarise")
    )
    with pytest.raises(ConfigurationError):
        _ = c.anchors


def test_with_no_anchor_configured_nothing_is_anchored(container: Container) -> None:
    _publish(container)
    assert container.anchors == []
    assert anchor_latest(container.uow, container.anchors, NOW) == []
    assert _anchored(container) == 0


def _outside_tsa(tmp_path: Path) -> tuple[HttpTsaClient, Container]:
    """A TSA of another authority (its own CA), reached over an HTTP transport."""
    other = Container(Settings(home=tmp_path / "other-authority"))
    other.init()

    def respond(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            content=other.tsa.respond(request.content),
            headers={"content-type": "application/timestamp-reply"},
        )

    client = HttpTsaClient(
        "http://tsa.other.test/tsa", [other.ca.root], transport=httpx.MockTransport(respond)
    )
    return client, other


def test_an_outside_tsa_anchors_the_checkpoint_hash(container: Container, tmp_path: Path) -> None:
    client, other = _outside_tsa(tmp_path)
    anchor = TsaAnchor("outside-tsa", client, [other.ca.root])
    _publish(container)
    [receipt] = anchor_latest(container.uow, [anchor], NOW)
    latest = container.evidence.latest()
    assert receipt.kind is Kind.RFC3161
    facts = verify_receipt(
        Kind.RFC3161,
        receipt.receipt,
        receipt.verifier_pem,
        checkpoint_hash=checkpoint_hash(latest),
        origin=latest.checkpoint.origin,
        size=latest.checkpoint.size,
    )
    assert abs(facts.received_at - datetime.now(UTC)) < timedelta(hours=1)
    # Our own CA is not the outside authority: the token does not verify against it.
    with pytest.raises(ReceiptInvalid):
        verify_receipt(
            Kind.RFC3161,
            receipt.receipt,
            container.ca.root.public_bytes(Encoding.PEM),
            checkpoint_hash=checkpoint_hash(latest),
            origin=latest.checkpoint.origin,
            size=latest.checkpoint.size,
        )
    other.engine.dispose()


def test_the_database_refuses_to_change_a_receipt(
    database_url: str, tmp_path: Path, ledger: tuple[str, Path]
) -> None:
    container = _ledger_container(database_url, tmp_path, ledger)
    _publish(container)
    anchor_latest(container.uow, container.anchors, NOW)
    with pytest.raises(Exception, match="append-only"), container.engine.begin() as connection:
        connection.execute(text("UPDATE evidence_anchor_receipts SET receipt_id = 'forged'"))
    container.engine.dispose()


def test_an_exported_package_carries_the_receipt_and_verifies_offline_pinned(
    database_url: str, tmp_path: Path, ledger: tuple[str, Path]
) -> None:
    from fastapi.testclient import TestClient

    from laborsign.demo import run_demo
    from laborsign.evidence.events import Event
    from laborsign.evidence.package_format import read_zip
    from laborsign.evidence.package_verify import Pins, verify_package
    from laborsign.evidence.package_wiring import export_for
    from laborsign.web.app import create_app

    container = _ledger_container(database_url, tmp_path, ledger)
    result = run_demo(container, tmp_path / "demo")
    contract_id = Event.from_entry(
        read_zip(result.evidence_zip.read_bytes())["events/0000.json"]
    ).contract
    # The demo's own package predates any anchoring: it claims no anchor.
    assert not any(n.startswith("anchors/") for n in read_zip(result.evidence_zip.read_bytes()))
    [receipt] = anchor_latest(container.uow, container.anchors, NOW)
    package = export_for(container, contract_id, result.pdf, datetime.now(UTC))
    files = read_zip(package)
    assert files["anchors/court-chain.receipt"] == receipt.receipt
    # What a verifier fetches from the well-known URLs is what it pins.
    web = TestClient(create_app(container))
    log_vkey = web.get("/evidence/log.vkey").text
    root = web.get("/pki/root.pem").content
    pins = Pins(roots=(x509.load_pem_x509_certificate(root),), log_vkey=log_vkey)
    report = verify_package(package, pins=pins)
    assert report.valid, report.summary()
    assert any("R-" in d for c in report.checks if c.code == "anchors" for d in c.details)
    container.engine.dispose()


if __name__ == "__main__":
    _ledger_main(int(sys.argv[1]), Path(sys.argv[2]), sys.argv[3])
