"""A complete evidence package built in memory, for benchmarks and tests.

The example contract is typeset, signed by both parties and completed with a throw-away PKI
(`signing.ephemeral`), its signing events are appended to an in-memory log between other
contracts' events, and the checkpoint is signed by a fresh log key, cosigned by a fresh
witness and timestamped by the throw-away TSA. Nothing is persisted and nothing in it is
trusted by anyone; it exercises exactly the code that real packages go through.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives.serialization import Encoding

from laborsign.contracts.examples import example_contract
from laborsign.contracts.render.renderer import Renderer, shared_renderer
from laborsign.evidence.checkpoint import Checkpoint
from laborsign.evidence.cosignature import CosignatureSigner
from laborsign.evidence.events import Event, EventType, pseudonym
from laborsign.evidence.merkle import MemoryHashes, MerkleTree
from laborsign.evidence.note import Ed25519Signer, sign_note
from laborsign.evidence.package import LoggedEvent, TrustFile, build_package
from laborsign.evidence.package_report import Parties
from laborsign.evidence.publish import PublishedCheckpoint
from laborsign.evidence.sequence import (
    STEP_COUNT,
    SigningSteps,
    chain,
    sha256_hex,
    signing_events,
)
from laborsign.signing import pades
from laborsign.signing.appearance import Appearance
from laborsign.signing.ephemeral import LocalPki
from laborsign.signing.images import drawn_signature_png, seal_png

ORIGIN = "sample.laborsign.example/evidence"
CONTRACT_ID = "LS-2026-000001"
_SECRET = b"sample pseudonym secret"


@dataclass(frozen=True)
class Sample:
    package: bytes
    pdf: bytes
    events: tuple[Event, ...]
    log_signer: Ed25519Signer
    witness: CosignatureSigner
    pki: LocalPki


def _filler(number: int, at: datetime) -> Event:
    return Event(EventType.DOWNLOADED, f"OTHER-{number}", "platform:sample", at)


def signed_sample(
    renderer: Renderer | None = None, now: datetime | None = None, *, before: int = 5
) -> tuple[SigningSteps, LocalPki]:
    """Typeset and sign the example contract; returns what a signing records."""
    now = now or datetime.now(UTC)
    contract = example_contract()
    rendered = (renderer or shared_renderer()).render(contract)
    pki = LocalPki.create(now)
    worker = pki.person(contract.worker.name)
    employer = pki.person(contract.employer.name, contract.employer.name)
    stamper = pki.timestamper()
    prepared = pades.prepare_fields(rendered.pdf, rendered.boxes)
    worker_signed = pades.sign_as(
        prepared,
        "worker",
        pki.signer(worker),
        stamper,
        Appearance(drawn_signature_png(contract.worker.name), contract.worker.name),
        certify=True,
        validation=pki.validation_data().context(),
    )
    employer_signed = pades.sign_as(
        worker_signed,
        "employer",
        pki.signer(employer),
        stamper,
        Appearance(seal_png(contract.employer.name), contract.employer.name, "盖章"),
        certify=False,
        validation=pki.validation_data().context(),
    )
    final = pades.complete(employer_signed, stamper, pki.validation_data().context())
    start = now - timedelta(minutes=30)
    steps = SigningSteps(
        contract_id=CONTRACT_ID,
        employer=pseudonym(_SECRET, "employer", contract.employer.credit_code),
        worker=pseudonym(_SECRET, "worker", contract.worker.id_number),
        platform="platform:laborsign",
        contract_json=contract.model_dump_json().encode(),
        rendered_pdf=rendered.pdf,
        prepared_pdf=prepared,
        worker_signed_pdf=worker_signed,
        employer_signed_pdf=employer_signed,
        final_pdf=final,
        worker_certificate_sha256=sha256_hex(worker.cert.public_bytes(Encoding.DER)),
        employer_certificate_sha256=sha256_hex(employer.cert.public_bytes(Encoding.DER)),
        times=[start + timedelta(minutes=2 * i) for i in range(STEP_COUNT)],
        rules_checked=40,
    )
    return steps, pki


def build_sample(renderer: Renderer | None = None, now: datetime | None = None) -> Sample:
    now = now or datetime.now(UTC)
    steps, pki = signed_sample(renderer, now)
    events = chain(signing_events(steps), None)
    hashes = MemoryHashes()
    early = now - timedelta(hours=1)
    for number in range(5):
        hashes.append(_filler(number, early).entry())
    first = hashes.size
    for event in events:
        hashes.append(event.entry())
        hashes.append(_filler(100 + hashes.size, event.at).entry())
    size = hashes.size
    tree = MerkleTree(hashes)
    log_signer = Ed25519Signer.generate(ORIGIN)
    witness = CosignatureSigner.generate("witness.sample.laborsign.example")
    checkpoint = Checkpoint(ORIGIN, size, tree.root(size))
    note = sign_note(checkpoint.text(), [log_signer])
    note = note.with_signatures([witness.cosign(note.text.encode(), int(now.timestamp()))])
    digest = hashlib.sha256(note.encode()).digest()
    token = asyncio.run(pki.timestamper().async_timestamp(digest, "sha256")).dump()
    logged = [
        LoggedEvent(first + 2 * n, e.entry(), tuple(tree.inclusion_proof(first + 2 * n, size)))
        for n, e in enumerate(events)
    ]
    package = build_package(
        contract_id=CONTRACT_ID,
        pdf=steps.final_pdf,
        events=logged,
        checkpoint=PublishedCheckpoint(checkpoint, note, token, now),
        log_vkey=log_signer.verifier.vkey,
        witness_vkeys=[witness.verifier.vkey],
        trust=[
            TrustFile("root.pem", pki.root.cert),
            TrustFile("issuing.pem", pki.issuing.cert),
            TrustFile("tsa.pem", pki.tsa.cert),
        ],
        parties=Parties("杭州示例科技有限公司", "张三", "11010519491231002X"),
        renderer=renderer,
        now=now,
    )
    return Sample(package, steps.final_pdf, tuple(events), log_signer, witness, pki)
