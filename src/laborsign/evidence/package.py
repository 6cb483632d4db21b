"""Export an evidence package: everything a stranger needs to verify a contract offline.

`build_package` is pure (documents, entries, proofs, checkpoint → ZIP bytes);
`export_package` reads the contract's events from the database, publishes a checkpoint
covering them (or reuses the latest one) and builds the package. The layout is described in
docs/evidence-package.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from asn1crypto import cms, tsp
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from sqlalchemy import select
from sqlalchemy.orm import Session

from laborsign.contracts.render.renderer import Renderer, shared_renderer
from laborsign.db.uow import UnitOfWork
from laborsign.errors import Conflict, InvalidInput, NotFound
from laborsign.evidence.anchors import AnchorReceipt
from laborsign.evidence.anchors_package import anchor_files
from laborsign.evidence.anchors_store import receipts_for
from laborsign.evidence.events import Event
from laborsign.evidence.note import b64
from laborsign.evidence.package_format import (
    CHECKPOINT,
    CONTRACT,
    LOG_VKEY,
    MANIFEST,
    REPORT,
    TIMESTAMP,
    TRUST,
    VERSION,
    VERSION_ANCHORS,
    Manifest,
    TlogProof,
    event_name,
    file_entries,
    pem_certificates,
    proof_name,
    trust_roots,
    write_zip,
)
from laborsign.evidence.package_report import (
    REPORT_TEMPLATE,
    CheckpointFacts,
    Parties,
    report_data,
)
from laborsign.evidence.publish import PublishedCheckpoint
from laborsign.evidence.sequence import CONTRACT_PDF
from laborsign.evidence.service import EvidenceService
from laborsign.evidence.tables import EvidenceLeafRow
from laborsign.i18n import Text
from laborsign.signing.signer import to_asn1
from laborsign.verification.pdf import verify_pdf


@dataclass(frozen=True, slots=True)
class TrustFile:
    """A certificate a verifier needs, under the name it gets in `trust/`."""

    name: str
    certificate: x509.Certificate

    @property
    def pem(self) -> bytes:
        return self.certificate.public_bytes(Encoding.PEM)


@dataclass(frozen=True, slots=True)
class LoggedEvent:
    index: int
    entry: bytes
    proof: tuple[bytes, ...]

    @property
    def event(self) -> Event:
        return Event.from_entry(self.entry)


def timestamp_response(token: bytes) -> bytes:
    """Wrap a TimeStampToken as the RFC 3161 TimeStampResp that `openssl ts` reads."""
    response = tsp.TimeStampResp(
        {"status": {"status": "granted"}, "time_stamp_token": cms.ContentInfo.load(token)}
    )
    der: bytes = response.dump()
    return der


def last_pdf_digest(events: Sequence[Event]) -> str | None:
    """The `contract.pdf` digest of the latest event that records one."""
    for event in reversed(events):
        if CONTRACT_PDF in event.artifacts:
            return event.artifacts[CONTRACT_PDF]
    return None


def _token_facts(token: bytes) -> tuple[datetime, str]:
    signed = cms.ContentInfo.load(token)["content"]
    info = signed["encap_content_info"]["content"].parsed
    tsa = info["tsa"]
    name = str(tsa.chosen.native.get("common_name", "")) if tsa.native else ""
    return info["gen_time"].native, name


def _utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything stored is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def build_package(
    *,
    contract_id: str,
    pdf: bytes,
    events: Sequence[LoggedEvent],
    checkpoint: PublishedCheckpoint,
    log_vkey: str,
    witness_vkeys: Sequence[str],
    trust: Sequence[TrustFile],
    parties: Parties | None = None,
    renderer: Renderer | None = None,
    now: datetime | None = None,
    anchors: Sequence[AnchorReceipt] = (),
) -> bytes:
    """The package ZIP. Entries in a fixed order with fixed times: same input, same bytes."""
    if not events:
        raise NotFound(Text("该合同没有存证记录", f"no evidence events for {contract_id}"))
    if not trust:
        raise InvalidInput(Text("证据包需要信任根证书", "a package needs trust certificates"))
    if checkpoint.timestamp_token is None:
        raise InvalidInput(Text("检查点没有时间戳", "the checkpoint has no timestamp"))
    parsed = [e.event for e in events]
    if last_pdf_digest(parsed) != hashlib.sha256(pdf).hexdigest():
        raise InvalidInput(
            Text(
                "该 PDF 不是存证记录所载明的合同文件",
                "this PDF is not the contract the evidence events record",
            ),
            field="pdf",
        )
    note = checkpoint.note_bytes
    files: dict[str, bytes] = {
        CONTRACT: pdf,
        CHECKPOINT: note,
        TIMESTAMP: timestamp_response(checkpoint.timestamp_token),
        LOG_VKEY: (log_vkey + "\n").encode("ascii"),
    }
    for number, logged in enumerate(events):
        files[event_name(number)] = logged.entry
        files[proof_name(number)] = TlogProof(logged.index, logged.proof, note).encode()
    for item in trust:
        files[f"{TRUST}{item.name}"] = item.pem
    files.update(anchor_files(anchors))
    roots = trust_roots(pem_certificates(b"".join(t.pem for t in trust)))
    signatures = verify_pdf(pdf, [to_asn1(r) for r in roots], now=now)
    tsa_time, tsa_name = _token_facts(checkpoint.timestamp_token)
    data = report_data(
        contract_id=contract_id,
        parties=parties or Parties.from_signatures(signatures),
        events=parsed,
        signatures=signatures,
        checkpoint=CheckpointFacts(
            origin=checkpoint.checkpoint.origin,
            size=checkpoint.checkpoint.size,
            root_b64=b64(checkpoint.checkpoint.root_hash),
            tsa_time=tsa_time,
            tsa=tsa_name,
            witnesses=[v.split("+", 1)[0] for v in witness_vkeys],
        ),
        hashes=[(e.path, e.sha256) for e in file_entries(files)],
    )
    files[REPORT] = (renderer or shared_renderer()).render_document(
        REPORT_TEMPLATE, data, _utc(checkpoint.created_at).replace(microsecond=0)
    )
    manifest = Manifest(
        contract=contract_id,
        origin=checkpoint.checkpoint.origin,
        tree_size=checkpoint.checkpoint.size,
        files=file_entries(files),
        witnesses=tuple(witness_vkeys),
        version=VERSION_ANCHORS if anchors else VERSION,
    )
    return write_zip([(MANIFEST, manifest.encode()), *files.items()])


def contract_leaves(session: Session, contract_id: str, below: int) -> list[tuple[int, bytes]]:
    rows = session.execute(
        select(EvidenceLeafRow.leaf_index, EvidenceLeafRow.entry)
        .where(EvidenceLeafRow.contract_id == contract_id)
        .order_by(EvidenceLeafRow.leaf_index)
    ).all()
    if any(index >= below for index, _ in rows):
        raise Conflict(
            Text(
                "导出期间有新的存证记录，请重试", "new evidence was recorded while exporting; retry"
            )
        )
    return [(index, entry) for index, entry in rows]


def export_package(
    *,
    uow: Callable[[], UnitOfWork],
    evidence: EvidenceService,
    contract_id: str,
    pdf: bytes,
    log_vkey: str,
    witness_vkeys: Sequence[str],
    trust: Sequence[TrustFile],
    now: datetime,
    parties: Parties | None = None,
    renderer: Renderer | None = None,
) -> bytes:
    """The package of a contract, with a checkpoint (published now if needed) covering all
    of its events."""
    published = evidence.publish(now)
    size = published.checkpoint.size
    with uow() as work:
        leaves = contract_leaves(work.session, contract_id, size)
        if not leaves:
            raise NotFound(Text("该合同没有存证记录", f"no evidence events for {contract_id}"))
        tree = evidence.log.tree(work.session)
        events = [
            LoggedEvent(index, entry, tuple(tree.inclusion_proof(index, size)))
            for index, entry in leaves
        ]
        # Receipts outside anchors gave for exactly this checkpoint (none: nothing claimed).
        anchors = receipts_for(work.session, size)
    return build_package(
        contract_id=contract_id,
        pdf=pdf,
        events=events,
        checkpoint=published,
        log_vkey=log_vkey,
        witness_vkeys=witness_vkeys,
        trust=trust,
        parties=parties,
        renderer=renderer,
        now=now,
        anchors=anchors,
    )
