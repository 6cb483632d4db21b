"""Seals made with kept chain validations (`signing.chains`), on an in-memory PKI: the same
validation data as without, and no kept result outlives the revocation data behind it."""

from __future__ import annotations

from io import BytesIO

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko_certvalidator import ValidationContext
from tests.unit.signing.testpki import BOXES, LocalPki, simple_pdf

from laborsign.errors import ServiceUnavailable
from laborsign.signing import pades
from laborsign.signing.appearance import Appearance
from laborsign.signing.chains import ValidatedChains
from laborsign.signing.ephemeral import InProcessTsa, Issued
from laborsign.signing.images import seal_png
from laborsign.verification import verify_pdf
from laborsign.verification.report import Ltv

NAME = "杭州示例科技有限公司"
SEAL = Appearance(seal_png(NAME), NAME, "盖章")


@pytest.fixture(scope="module")
def prepared() -> bytes:
    return pades.prepare_fields(simple_pdf(), BOXES)


def _seal(
    pki: LocalPki,
    pdf: bytes,
    org: Issued,
    stamper: InProcessTsa,
    chains: ValidatedChains | None,
    validation: ValidationContext,
) -> bytes:
    return pades.sign_as(
        pdf,
        "employer",
        pki.signer(org),
        stamper,
        SEAL,
        certify=True,
        validation=validation,
        chains=chains,
    )


def _dss(pdf: bytes) -> tuple[set[bytes], set[bytes]]:
    dss = PdfFileReader(BytesIO(pdf)).root["/DSS"]
    return (
        {s.get_object().data for s in dss["/Certs"]},
        {s.get_object().data for s in dss["/CRLs"]},
    )


def test_kept_chains_give_the_same_validation_data_and_the_seals_verify(prepared: bytes) -> None:
    pki = LocalPki.create()
    org, stamper = pki.person(NAME, NAME), pki.timestamper()
    context = pki.validation_data().context()
    chains = ValidatedChains()
    first = _seal(pki, prepared, org, stamper, chains, context)
    kept = chains.get(pki.signer(org), stamper, context)
    assert kept is not None
    second = _seal(pki, prepared, org, stamper, chains, context)
    assert chains.get(pki.signer(org), stamper, context) is kept
    without = _seal(pki, prepared, org, stamper, None, context)

    assert _dss(first) == _dss(second) == _dss(without)
    certificates, crls = _dss(second)
    assert {pki.root.asn1.dump(), pki.issuing.asn1.dump(), pki.tsa.asn1.dump()} <= certificates
    assert len(crls) == 2
    for pdf in (first, second):
        report = verify_pdf(pdf, [pki.root.asn1])
        (signature,) = report.signatures
        assert signature.intact and signature.trusted, report.to_json()
        assert signature.timestamp is not None
        assert signature.ltv is Ltv.EMBEDDED


def test_a_kept_validation_does_not_outlive_the_revocation_data_it_used(prepared: bytes) -> None:
    pki = LocalPki.create()
    org, stamper = pki.person(NAME, NAME), pki.timestamper()
    chains = ValidatedChains()
    before = pki.validation_data().context()
    _seal(pki, prepared, org, stamper, chains, before)
    assert chains.get(pki.signer(org), stamper, before) is not None

    # The organisation's certificate is revoked; the next context carries the new CRL.
    pki.revoked.append(org.cert)
    after = pki.validation_data().context()
    with pytest.raises(ServiceUnavailable):
        _seal(pki, prepared, org, stamper, chains, after)
    # The refusal is not kept either: the next attempt validates again, and is refused again.
    assert chains.get(pki.signer(org), stamper, after) is None
    with pytest.raises(ServiceUnavailable):
        _seal(pki, prepared, org, stamper, chains, after)
