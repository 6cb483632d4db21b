"""Filing exports on both databases: the canonical JSON validates against its own published
JSON Schema, the XML form carries the same batch, the roster opens in openpyxl with the Art. 8
columns, the code records, the evidence event of each export, tenant isolation; and the push
client against a receiver in its own process, with retries, a receipt and the delivery log."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

import jsonschema
import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from tests.integration.helpers import add_org, database
from tests.integration.test_filing_support import (
    EXAMPLE,
    Employer,
    days,
    new_container,
)

from laborsign.bootstrap import Container
from laborsign.db.tenancy import Scope
from laborsign.errors import InvalidInput, NotFound
from laborsign.evidence.events import Event, EventType
from laborsign.evidence.tables import EvidenceLeafRow
from laborsign.filing.codes import ITEMS
from laborsign.filing.push import PushClient
from laborsign.filing.roster import HEADERS
from laborsign.filing.schema import FilingBatch, SignatureKind
from laborsign.filing.service import DELIVERED, FAILED, PENDING, ExportFormat, FilingService
from laborsign.filing.xml_format import from_xml
from laborsign.notify.webhooks_client import HttpxPoster
from laborsign.notify.webhooks_signature import new_secret
from laborsign.parties.roles import Role

SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "filing.schema.json"
NOW = datetime.now(UTC).replace(microsecond=0)
SECRET = new_secret()

# The receiver: checks the signature and the body digest, answers 503 to the first
# FAIL_FIRST good requests of each delivery (webhook-id), then 200 with a receipt.
# It prints its port first.
RECEIVER = r"""
import hashlib, json, os, sys
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from laborsign.errors import PermissionDenied
from laborsign.notify.webhooks_signature import verify

SECRET, FAIL_FIRST = os.environ["SECRET"], int(os.environ["FAIL_FIRST"])
seen = []

class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["content-length"]))
        try:
            # The platform's clock is frozen in the tests: no time window here.
            verify(SECRET, dict(self.headers.items()), body, now=datetime.now(UTC),
                   tolerance_seconds=None)
            ok = self.headers["x-laborsign-sha256"] == hashlib.sha256(body).hexdigest()
        except PermissionDenied:
            ok = False
        seen.append(self.headers["webhook-id"])
        if not ok:
            status, answer = 401, {"error": "bad signature"}
        elif seen.count(self.headers["webhook-id"]) <= FAIL_FIRST:
            status, answer = 503, {"error": "busy"}
        else:
            status = 200
            answer = {"receipt_id": f"RCPT-{self.headers['x-laborsign-batch'][:8]}"}
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass

server = HTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
"""


@dataclass
class Platform:
    container: Container
    employer: Employer
    contract_id: str

    @property
    def hr(self) -> Scope:
        return self.employer.hr


@pytest.fixture(scope="module")
def receiver() -> Iterator[str]:
    env = {**os.environ, "SECRET": SECRET, "FAIL_FIRST": "2"}
    process = subprocess.Popen(
        [sys.executable, "-c", RECEIVER], stdout=subprocess.PIPE, text=True, env=env
    )
    assert process.stdout is not None
    port = int(process.stdout.readline())
    yield f"http://127.0.0.1:{port}/filings"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def platform(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, receiver: str
) -> Iterator[Platform]:
    tmp = tmp_path_factory.mktemp("filing")
    container = new_container(
        database(request, tmp),
        tmp,
        filing_push_url=receiver,
        filing_push_secret=SECRET,
        filing_push_retry_schedule=[60, 300],
    )
    add_org(container, "org-a", EXAMPLE.employer.credit_code, NOW)
    add_org(container, "org-b", "91110000000000001B", NOW)
    employer = Employer(container, "org-a", [NOW])
    worker = employer.worker(EXAMPLE.worker.name, EXAMPLE.worker.id_number, NOW - days(10))
    cid = employer.conclude(
        worker, employer.contract(EXAMPLE.worker.name, EXAMPLE.worker.id_number)
    )
    container.evidence.publish(NOW + days(1))
    yield Platform(container, employer, cid)
    container.engine.dispose()


def export(p: Platform, fmt: ExportFormat) -> bytes:
    info, content = p.container.filing.export(p.hr, fmt, p.employer.now())
    assert info.sha256 == hashlib.sha256(content).hexdigest() and info.contracts == 1
    return content


def test_json_export_validates_against_its_schema(platform: Platform) -> None:
    content = export(platform, ExportFormat.JSON)
    document = json.loads(content)
    jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text())).validate(document)
    batch = FilingBatch.model_validate_json(content)
    [record] = batch.contracts
    assert record.id == platform.contract_id and record.worker == EXAMPLE.worker
    assert record.clauses.pay == EXAMPLE.pay and record.clauses.term == EXAMPLE.term
    kinds = [s.kind for s in record.signing.signatures]
    assert kinds == [
        SignatureKind.SIGNATURE,
        SignatureKind.SIGNATURE,
        SignatureKind.DOCUMENT_TIMESTAMP,
    ]
    worker_sig, employer_sig, _stamp = record.signing.signatures
    assert worker_sig.field == "LaborSign-Worker" and employer_sig.field == "LaborSign-Employer"
    for signature in record.signing.signatures:
        assert signature.timestamp_time is not None and signature.timestamp_authority
        assert signature.certificate_serial and signature.certificate_issuer
    assert EXAMPLE.employer.name in employer_sig.signer
    assert record.evidence.leaf_indexes and record.evidence.checkpoint_size is not None
    assert max(record.evidence.leaf_indexes) < record.evidence.checkpoint_size
    # A document that breaks the schema is refused by it: the check can fail.
    del document["contracts"][0]["signing"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, json.loads(SCHEMA.read_text()))


def test_xml_carries_the_same_batch(platform: Platform) -> None:
    content = export(platform, ExportFormat.XML)
    batch = from_xml(content)
    assert content.startswith(b"<?xml") and b"urn:laborsign:filing:1.0" in content
    again = FilingBatch.model_validate_json(
        platform.container.filing.build_batch(platform.hr, batch.generated_at).model_dump_json()
    )
    assert batch.contracts == again.contracts and batch.employer == again.employer


def test_roster_and_codes(platform: Platform) -> None:
    workbook = load_workbook(BytesIO(export(platform, ExportFormat.ROSTER_XLSX)))
    sheet = workbook.active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS and len(rows) == 3
    row = dict(zip(HEADERS, rows[2], strict=True))
    assert row["姓名"] == EXAMPLE.worker.name and row["证件号码"] == EXAMPLE.worker.id_number
    assert row["户籍地址"] == EXAMPLE.worker.household_address
    assert row["用工起始时间"] == EXAMPLE.effective_employment_start.isoformat()
    assert str(EXAMPLE.term.end_date) in str(row["劳动合同期限"])

    codes = json.loads(export(platform, ExportFormat.CODES))
    [record] = codes["records"]
    assert list(record) == [item.code for item in ITEMS]
    assert (
        record["aac003"] == EXAMPLE.worker.name and record["aab998"] == EXAMPLE.employer.credit_code
    )
    assert record["abc913"] == EXAMPLE.term.start_date.isoformat()
    assert record["bcc720"] == "12000.00" and record["abc955"] == "0"


def test_each_export_is_an_evidence_event_and_stays_in_its_tenant(platform: Platform) -> None:
    info, content = platform.container.filing.export(
        platform.hr, ExportFormat.JSON, platform.employer.now()
    )
    with platform.container.uow(Scope.system()) as uow:
        entry = uow.session.scalars(
            select(EvidenceLeafRow.entry).where(EvidenceLeafRow.leaf_index == info.evidence_leaf)
        ).one()
    event = Event.from_entry(entry)
    assert event.type is EventType.FILING_EXPORTED and event.contract == f"export:{info.id}"
    assert event.artifacts["export"] == hashlib.sha256(content).hexdigest()
    assert event.actor.startswith("staff:") and "hr-1" not in event.actor
    assert EXAMPLE.worker.name.encode() not in entry
    _, downloaded = platform.container.filing.download(platform.hr, info.id)
    assert downloaded == content
    other = Scope.employer("org-b", "hr-9", {Role.HR})
    with pytest.raises(NotFound):
        platform.container.filing.download(other, info.id)
    info_b, _ = platform.container.filing.export(other, ExportFormat.JSON, platform.employer.now())
    assert info_b.contracts == 0


def test_push_retries_until_a_receipt(platform: Platform) -> None:
    filing = platform.container.filing
    info, content = filing.export(platform.hr, ExportFormat.JSON, platform.employer.now())
    t0 = platform.employer.now()
    first = filing.push(platform.hr, info.id, t0)
    assert first.status == PENDING and first.attempts == 1 and first.receipt_id is None
    assert first.next_attempt_at == t0 + timedelta(seconds=60)
    assert filing.deliver(first.id, t0 + timedelta(seconds=59)) is None  # not due yet
    second = filing.deliver(first.id, first.next_attempt_at)
    assert second is not None and second.status == PENDING and second.attempts == 2
    assert second.next_attempt_at is not None
    third = filing.deliver(first.id, second.next_attempt_at)
    assert third is not None and third.status == DELIVERED
    assert third.receipt_id == f"RCPT-{info.id[:8]}"
    log = filing.attempts(platform.hr, first.id)
    assert [a["status_code"] for a in log] == [503, 503, 200]
    with platform.container.uow(Scope.system()) as uow:
        entries = uow.session.scalars(
            select(EvidenceLeafRow.entry).where(EvidenceLeafRow.contract_id == f"export:{info.id}")
        ).all()
    events = [Event.from_entry(e) for e in entries]
    assert [e.type for e in events] == [EventType.FILING_EXPORTED, EventType.FILED]
    assert events[1].artifacts["export"] == hashlib.sha256(content).hexdigest()


def test_only_canonical_json_is_pushed(platform: Platform) -> None:
    xml, _ = platform.container.filing.export(
        platform.hr, ExportFormat.XML, platform.employer.now()
    )
    with pytest.raises(InvalidInput):
        platform.container.filing.push(platform.hr, xml.id, platform.employer.now())


def test_a_delivery_fails_after_the_last_retry(platform: Platform) -> None:
    c = platform.container
    # An endpoint where nothing listens: every attempt fails without an answer.
    dead = PushClient(HttpxPoster(2.0), "http://127.0.0.1:9/filings", SECRET)
    filing = FilingService(
        c.uow,
        lambda: c.contracts,
        lambda: c.document_store,
        c.secret_key,
        c.settings.evidence_origin,
        log=c.evidence.log,
        push_client=lambda: dead,
        retry_schedule=[60, 300],
    )
    info, _ = filing.export(platform.hr, ExportFormat.JSON, platform.employer.now())
    delivery = filing.push(platform.hr, info.id, platform.employer.now())
    while delivery.status == PENDING:
        assert delivery.next_attempt_at is not None
        stepped = filing.deliver(delivery.id, delivery.next_attempt_at)
        assert stepped is not None
        delivery = stepped
    assert delivery.status == FAILED and delivery.attempts == 3
    assert all(a["status_code"] is None for a in filing.attempts(platform.hr, delivery.id))
