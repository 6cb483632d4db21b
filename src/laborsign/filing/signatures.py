"""Read who signed a contract PDF, with which certificate, when, and the timestamps.

Facts for a filing, not a verdict: the signatures are read, not validated (the verifier in
laborsign.verification does that against trust roots). A PDF the platform stored after
checking each incremental update is what reaches this code.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from io import BytesIO
from typing import Any

from asn1crypto import cms, tsp
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader

from laborsign.errors import InvalidInput
from laborsign.filing.schema import SignatureInfo, SignatureKind
from laborsign.i18n import Text


def _common_name(name: asn1_x509.Name) -> str:
    common = name.native.get("common_name")
    return str(common) if common else str(name.human_friendly)


def _token_signer(signed_data: cms.SignedData) -> asn1_x509.Certificate | None:
    """The certificate of the token's signer (matched by issuer and serial number)."""
    sid = signed_data["signer_infos"][0]["sid"]
    for choice in signed_data["certificates"] or []:
        cert = choice.chosen
        if not isinstance(cert, asn1_x509.Certificate):
            continue
        if sid.name == "issuer_and_serial_number":
            wanted = sid.chosen
            if (
                cert.serial_number == wanted["serial_number"].native
                and cert.issuer == wanted["issuer"]
            ):
                return cert
        elif cert.key_identifier == sid.chosen.native:
            return cert
    return None


def _timestamp(signed_data: cms.SignedData | None) -> tuple[datetime | None, str | None]:
    if signed_data is None:
        return None, None
    info = signed_data["encap_content_info"]["content"].parsed
    if not isinstance(info, tsp.TSTInfo):
        return None, None
    signer = _token_signer(signed_data)
    gen_time: datetime = info["gen_time"].native
    return gen_time, _common_name(signer.subject) if signer is not None else None


def _signature_token(signer_info: cms.SignerInfo) -> cms.SignedData | None:
    """The RFC 3161 token in the signature's unsigned attributes (PAdES B-T), if any."""
    for attribute in signer_info["unsigned_attrs"] or []:
        if attribute["type"].native == "signature_time_stamp_token":
            token: cms.SignedData = attribute["values"][0]["content"]
            return token
    return None


def read_signatures(pdf: bytes) -> list[SignatureInfo]:
    """Every signature and document timestamp of `pdf`, in the order they were applied."""
    try:
        embedded: list[Any] = list(PdfFileReader(BytesIO(pdf), strict=False).embedded_signatures)
    except Exception as exc:  # any failure to read them means: not a readable signed PDF
        raise InvalidInput(
            Text("无法读取合同的签名", "cannot read the contract's signatures")
        ) from exc
    found: list[SignatureInfo] = []
    for sig in sorted(embedded, key=lambda s: int(s.signed_revision)):
        cert: asn1_x509.Certificate = sig.signer_cert
        is_stamp = sig.sig_object_type == "/DocTimeStamp"
        stamp_data = sig.signed_data if is_stamp else _signature_token(sig.signer_info)
        stamp_time, tsa = _timestamp(stamp_data)
        claimed = None if is_stamp else sig.self_reported_timestamp
        found.append(
            SignatureInfo(
                kind=SignatureKind.DOCUMENT_TIMESTAMP if is_stamp else SignatureKind.SIGNATURE,
                field=str(sig.field_name),
                signer=_common_name(cert.subject),
                certificate_serial=format(cert.serial_number, "x"),
                certificate_issuer=str(cert.issuer.human_friendly),
                certificate_sha256=hashlib.sha256(cert.dump()).hexdigest(),
                signing_time=claimed,
                timestamp_time=stamp_time,
                timestamp_authority=tsa,
            )
        )
    return found
