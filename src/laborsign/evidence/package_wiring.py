"""Export packages with the platform's own log key, witnesses, CA and TSA (composition only)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from cryptography import x509

from laborsign.evidence.keys import load_log_signer
from laborsign.evidence.package import TrustFile, export_package
from laborsign.evidence.package_report import Parties
from laborsign.evidence.witness import parse_witness_setting

if TYPE_CHECKING:
    from laborsign.bootstrap import Container


def trust_files(container: Container) -> list[TrustFile]:
    """The built-in CA's certificates, and an external TSA's anchors when one is configured."""
    ca = container.ca
    files = [
        TrustFile("root.pem", ca.root),
        TrustFile("issuing.pem", ca.issuing),
        TrustFile("tsa.pem", ca.tsa_certificate),
    ]
    external = container.settings.tsa_ca_file
    if external is not None:
        for number, certificate in enumerate(
            x509.load_pem_x509_certificates(external.read_bytes())
        ):
            files.append(TrustFile(f"tsa-ca-{number + 1}.pem", certificate))
    return files


def export_for(
    container: Container,
    contract_id: str,
    pdf: bytes,
    now: datetime,
    parties: Parties | None = None,
) -> bytes:
    settings = container.settings
    return export_package(
        uow=container.uow,
        evidence=container.evidence,
        contract_id=contract_id,
        pdf=pdf,
        log_vkey=load_log_signer(settings.home, settings.evidence_origin).verifier.vkey,
        witness_vkeys=[parse_witness_setting(v)[0].vkey for v in settings.evidence_witnesses],
        trust=trust_files(container),
        now=now,
        parties=parties,
    )
