"""Keeping B-LTA contracts verifiable: which documents need a fresh document timestamp.

A contract needs one when the last document timestamp's TSA certificate, or any CRL embedded
in its DSS, expires within the window; `pades.refresh_timestamp` then adds the timestamp.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from io import BytesIO

from asn1crypto import crl as asn1_crl
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation.dss import DocumentSecurityStore

from laborsign.errors import InvalidInput
from laborsign.i18n import Text


def earliest_expiry(pdf: bytes) -> datetime | None:
    """The first moment any of the document's long-term validation data goes stale."""
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        stamps = list(reader.embedded_timestamp_signatures)
        dss = DocumentSecurityStore.read_dss(reader)
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise InvalidInput(Text("无法读取 PDF", "cannot read the PDF")) from exc
    moments: list[datetime] = []
    if stamps:
        moments.append(stamps[-1].signer_cert.not_valid_after)
    for item in dss.crls if dss is not None else ():
        data = item.get_object().data
        next_update = asn1_crl.CertificateList.load(data)["tbs_cert_list"]["next_update"].native
        if next_update is not None:
            moments.append(next_update)
    return min(moments) if moments else None


def needs_refresh(pdf: bytes, now: datetime, within: timedelta) -> bool:
    expiry = earliest_expiry(pdf)
    return expiry is not None and expiry <= now + within
