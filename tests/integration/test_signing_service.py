"""The signing service on the container's real parts: built-in CA, key store, TSA, CRLs.

Both databases (the `container` fixture); every failure of the trust core fails closed and
destroys the worker's one-act key.
"""

from __future__ import annotations

import socket

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.reader import PdfFileReader

from laborsign.bootstrap import Container
from laborsign.contracts.examples import example_contract
from laborsign.contracts.render import RenderedContract, shared_renderer
from laborsign.errors import Conflict, ServiceUnavailable
from laborsign.pki.ca import ISSUING_LABEL, BuiltInCA
from laborsign.pki.profiles import PkiUrls
from laborsign.pki.tsa_client import HttpTsaClient
from laborsign.pki.wiring import pki_directory
from laborsign.signing.images import drawn_signature_png
from laborsign.signing.keys_wiring import KEYS_DIRECTORY
from laborsign.signing.keystore_file import EncryptedFileKeyStore
from laborsign.signing.service import (
    Organisation,
    SigningService,
    WorkerIdentity,
    organisation_label,
    worker_pseudonym,
)
from laborsign.signing.signer import to_asn1
from laborsign.verification import verify_pdf
from laborsign.verification.report import Kind, Ltv

CONTRACT = example_contract()
ORGANISATION = Organisation(CONTRACT.employer.name, CONTRACT.employer.credit_code)
WORKER = WorkerIdentity(CONTRACT.worker.name, CONTRACT.worker.id_number)
SIGNATURE = drawn_signature_png(WORKER.name)


@pytest.fixture(scope="module")
def rendered() -> RenderedContract:
    return shared_renderer().render(CONTRACT)


def _worker_keys(container: Container) -> list[str]:
    return sorted(p.name for p in (container.settings.home / KEYS_DIRECTORY).glob("worker-*"))


def _signer_certificate(pdf: bytes, index: int) -> x509.Certificate:
    from io import BytesIO

    embedded = PdfFileReader(BytesIO(pdf)).embedded_signatures[index]
    return x509.load_der_x509_certificate(embedded.signer_cert.dump())


def test_two_parties_sign_and_the_contract_verifies(
    container: Container, rendered: RenderedContract
) -> None:
    service = container.signing
    prepared = service.prepare(rendered.pdf, rendered.boxes)
    worker_signed = service.sign_as_worker(prepared, WORKER, SIGNATURE)
    employer_signed = service.sign_as_employer(worker_signed, ORGANISATION)
    completed = service.complete(employer_signed)
    assert completed.startswith(employer_signed) and employer_signed.startswith(worker_signed)

    report = verify_pdf(completed, [to_asn1(container.ca.root)])
    assert report.valid, report.to_json()
    worker, employer, stamp = report.signatures
    assert (worker.signer, employer.signer) == (WORKER.name, ORGANISATION.name)
    assert worker.certification == "FILL_FORMS" and employer.certification is None
    assert stamp.kind is Kind.DOCUMENT_TIMESTAMP
    assert all(s.ltv is Ltv.EMBEDDED for s in report.signatures)
    tsa_name = container.ca.tsa_certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    assert stamp.signer == tsa_name[0].value

    # The worker's certificate names a pseudonym, never the ID number, and lives half an hour.
    certificate = _signer_certificate(completed, 0)
    pseudonym = certificate.subject.get_attributes_for_oid(NameOID.PSEUDONYM)[0].value
    assert pseudonym == worker_pseudonym(container.secret_key, WORKER.id_number)
    assert WORKER.id_number not in certificate.subject.rfc4514_string()
    lifetime = certificate.not_valid_after_utc - certificate.not_valid_before_utc
    assert lifetime.total_seconds() <= 35 * 60
    # The worker's key is gone; the organisation's key is kept under its stable label.
    assert _worker_keys(container) == []
    assert container.key_store.exists(organisation_label(ORGANISATION.credit_code))


def test_the_organisation_certificate_is_issued_once_and_reused(
    container: Container, rendered: RenderedContract
) -> None:
    first, _ = container.signing.organisation_signer(ORGANISATION)
    # A second service (another process, say) finds the certificate the CA recorded.
    again = SigningService(
        container.key_store, container.ca, container.tsa, container.secret_key, container.uow
    )
    second, _ = again.organisation_signer(ORGANISATION)
    assert first.serial_number == second.serial_number


def test_a_revoked_organisation_certificate_cannot_sign(
    container: Container, rendered: RenderedContract
) -> None:
    certificate, _ = container.signing.organisation_signer(ORGANISATION)
    container.ca.revoke(certificate.serial_number)
    prepared = container.signing.prepare(rendered.pdf, rendered.boxes)
    with pytest.raises(Conflict):
        container.signing.sign_as_employer(prepared, ORGANISATION)


def test_a_certificate_revoked_after_sealing_cannot_seal_again(
    container: Container, rendered: RenderedContract
) -> None:
    # The first seal keeps the validated chains for the next ones; the CA's own records are
    # still asked before each seal, so the revocation takes effect at once.
    service = container.signing
    prepared = service.prepare(rendered.pdf, rendered.boxes)
    service.sign_as_employer(prepared, ORGANISATION)
    certificate, _ = service.organisation_signer(ORGANISATION)
    container.ca.revoke(certificate.serial_number)
    with pytest.raises(Conflict):
        service.sign_as_employer(prepared, ORGANISATION)


def test_the_pseudonym_depends_on_the_platform_secret() -> None:
    number = WORKER.id_number
    assert worker_pseudonym(b"a", number) == worker_pseudonym(b"a", f" {number.lower()} ")
    assert worker_pseudonym(b"a", number) != worker_pseudonym(b"b", number)
    assert number not in worker_pseudonym(b"a", number)


# -- fail closed ------------------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _assert_fails_closed(
    container: Container, service: SigningService, prepared: bytes, expected: type[Exception]
) -> None:
    before = bytes(prepared)
    with pytest.raises(expected):
        service.sign_as_worker(prepared, WORKER, SIGNATURE)
    assert prepared == before
    assert _worker_keys(container) == []


def test_unreachable_tsa_fails_closed_and_destroys_the_worker_key(
    container: Container, rendered: RenderedContract
) -> None:
    down = HttpTsaClient(f"http://127.0.0.1:{_closed_port()}/tsa", [container.ca.root], timeout=2.0)
    service = SigningService(
        container.key_store, container.ca, down, container.secret_key, container.uow
    )
    prepared = service.prepare(rendered.pdf, rendered.boxes)
    _assert_fails_closed(container, service, prepared, ServiceUnavailable)
    with pytest.raises(ServiceUnavailable):
        service.sign_as_employer(prepared, ORGANISATION)
    signed = container.signing.sign_as_employer(
        container.signing.sign_as_worker(prepared, WORKER, SIGNATURE), ORGANISATION
    )
    with pytest.raises(ServiceUnavailable):
        service.complete(signed)


def test_locked_key_store_fails_closed(container: Container, rendered: RenderedContract) -> None:
    # The key files are there, but the master key is not the one they were made under.
    locked = EncryptedFileKeyStore(container.settings.home / KEYS_DIRECTORY, b"\x00" * 32)
    ca = BuiltInCA(
        locked,
        pki_directory(container.settings),
        container.uow,
        PkiUrls(container.settings.base_url),
    )
    service = SigningService(locked, ca, container.tsa, container.secret_key, container.uow)
    prepared = container.signing.prepare(rendered.pdf, rendered.boxes)
    _assert_fails_closed(container, service, prepared, ServiceUnavailable)


def test_missing_ca_key_fails_closed(container: Container, rendered: RenderedContract) -> None:
    prepared = container.signing.prepare(rendered.pdf, rendered.boxes)
    container.key_store.destroy(ISSUING_LABEL)
    _assert_fails_closed(container, container.signing, prepared, ServiceUnavailable)


def test_no_worker_key_is_left_behind_when_signing_succeeds(
    container: Container, rendered: RenderedContract
) -> None:
    labels: list[str] = []

    def label() -> str:
        labels.append(f"worker-test-{len(labels)}")
        return labels[-1]

    service = SigningService(
        container.key_store,
        container.ca,
        container.tsa,
        container.secret_key,
        container.uow,
        new_worker_label=label,
    )
    prepared = service.prepare(rendered.pdf, rendered.boxes)
    service.sign_as_worker(prepared, WORKER, SIGNATURE)
    assert labels == ["worker-test-0"]
    assert not container.key_store.exists(labels[0])
