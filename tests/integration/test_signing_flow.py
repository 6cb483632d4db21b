"""Two-party PAdES execution end to end, on an in-memory PKI, verified by our verifier."""

from __future__ import annotations

import hashlib

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from tests.unit.signing.testpki import (
    BOXES,
    Executed,
    FailingTimeStamper,
    LocalPki,
    ValidationData,
    execute,
    simple_pdf,
)

from laborsign.errors import Conflict, InvalidInput, ServiceUnavailable
from laborsign.signing import pades
from laborsign.signing.appearance import Appearance
from laborsign.signing.images import drawn_signature_png
from laborsign.verification import verify_pdf
from laborsign.verification.report import Kind, Ltv


@pytest.fixture(scope="module")
def pki() -> LocalPki:
    return LocalPki.create()


@pytest.fixture(scope="module")
def executed(pki: LocalPki) -> Executed:
    return execute(pki)


def _reader(data: bytes) -> PdfFileReader:
    from io import BytesIO

    return PdfFileReader(BytesIO(data))


def test_every_stage_is_an_incremental_update_of_the_previous(executed: Executed) -> None:
    stages = [executed.prepared, executed.worker_signed, executed.employer_signed]
    for before, after in zip(stages, [*stages[1:], executed.completed], strict=True):
        assert after.startswith(before)


def test_completed_contract_is_valid_b_lta(pki: LocalPki, executed: Executed) -> None:
    report = verify_pdf(executed.completed, [pki.root.asn1])
    assert report.valid, report.to_json()
    kinds = [s.kind for s in report.signatures]
    assert kinds == [Kind.SIGNATURE, Kind.SIGNATURE, Kind.DOCUMENT_TIMESTAMP]
    worker, employer, stamp = report.signatures
    assert worker.signer == "张三"
    assert employer.signer == "杭州示例科技有限公司"
    assert worker.certification == "FILL_FORMS"
    assert employer.certification is None
    for sig in (worker, employer):
        assert sig.timestamp is not None
        assert sig.timestamp.tsa == "LaborSign Test TSA"
        assert sig.ltv is Ltv.EMBEDDED
        assert sig.chain[-1].subject == pki.root.asn1.subject.human_friendly
    assert stamp.signer == "LaborSign Test TSA"
    assert report.sha256 == hashlib.sha256(executed.completed).hexdigest()


def test_half_signed_contract_is_reported_incomplete(pki: LocalPki, executed: Executed) -> None:
    report = verify_pdf(executed.worker_signed, [pki.root.asn1])
    assert not report.valid
    assert report.unsigned_fields == ("LaborSign-Employer",)
    assert [r.code for r in report.reasons] == ["incomplete"]
    assert report.signatures[0].ok


def test_report_round_trips_as_json(pki: LocalPki, executed: Executed) -> None:
    import json

    data = json.loads(verify_pdf(executed.completed, [pki.root.asn1]).to_json())
    assert data["valid"] is True
    assert [s["field"] for s in data["signatures"]][:2] == [
        "LaborSign-Worker",
        "LaborSign-Employer",
    ]


def test_a_party_cannot_sign_twice(pki: LocalPki, executed: Executed) -> None:
    with pytest.raises(Conflict):
        pades.sign_as(
            executed.worker_signed,
            "worker",
            pki.signer(pki.person("张三")),
            pki.timestamper(),
            Appearance(drawn_signature_png("张三"), "张三"),
            certify=False,
            validation=pki.validation_data().context(),
        )


def test_both_boxes_are_required() -> None:
    with pytest.raises(InvalidInput):
        pades.prepare_fields(simple_pdf(), BOXES[:1])


def _sign_worker(pki: LocalPki, prepared: bytes, **overrides: object) -> bytes:
    arguments: dict[str, object] = {
        "signer": pki.signer(pki.person("张三")),
        "timestamper": pki.timestamper(),
        "appearance": Appearance(drawn_signature_png("张三"), "张三"),
        "certify": True,
        "validation": pki.validation_data().context(),
    }
    arguments.update(overrides)
    return pades.sign_as(prepared, "worker", **arguments)  # type: ignore[arg-type]


def test_unreachable_tsa_fails_closed(pki: LocalPki, executed: Executed) -> None:
    before = bytes(executed.prepared)
    with pytest.raises(ServiceUnavailable):
        _sign_worker(pki, executed.prepared, timestamper=FailingTimeStamper())
    assert executed.prepared == before


def test_missing_revocation_data_fails_closed(pki: LocalPki, executed: Executed) -> None:
    # The CA's CRLs are not at hand: the signature cannot be made B-LT, so nothing is signed.
    without_crls = ValidationData(trust_roots=(pki.root.asn1,), other_certs=(pki.issuing.asn1,))
    with pytest.raises(ServiceUnavailable):
        _sign_worker(pki, executed.prepared, validation=without_crls.context())


def test_revoked_signer_cannot_sign(executed: Executed) -> None:
    pki = LocalPki.create()
    worker = pki.person("李四")
    pki.revoked.append(worker.cert)
    with pytest.raises(ServiceUnavailable):
        _sign_worker(pki, executed.prepared, signer=pki.signer(worker))


def test_completion_with_failing_tsa_leaves_document_unchanged(
    pki: LocalPki, executed: Executed
) -> None:
    with pytest.raises(ServiceUnavailable):
        pades.complete(
            executed.employer_signed, FailingTimeStamper(), pki.validation_data().context()
        )


def test_refresh_adds_a_second_document_timestamp(pki: LocalPki, executed: Executed) -> None:
    refreshed = pades.refresh_timestamp(
        executed.completed, pki.timestamper(), pki.validation_data().context()
    )
    assert refreshed.startswith(executed.completed)
    report = verify_pdf(refreshed, [pki.root.asn1])
    assert report.valid, report.to_json()
    stamps = [s for s in report.signatures if s.kind is Kind.DOCUMENT_TIMESTAMP]
    assert len(stamps) == 2
    assert stamps[0].ltv is Ltv.EMBEDDED
