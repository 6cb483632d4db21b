"""The demo's evidence: record the events of its signing in the log and export the package.

Until contracts live in the database, the demo records the events of its own run under a
fresh contract id, so that running it again starts a new chain.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import UTC, datetime

from laborsign.bootstrap import Container
from laborsign.contracts.model import Contract
from laborsign.evidence.events import pseudonym
from laborsign.evidence.package_report import Parties
from laborsign.evidence.package_wiring import export_for
from laborsign.evidence.sequence import SigningSteps, record_signing
from laborsign.verification.report import Kind, VerificationReport


def demo_evidence(
    container: Container,
    contract: Contract,
    stages: Sequence[bytes],
    report: VerificationReport,
    times: Sequence[datetime],
) -> bytes:
    """`stages`: rendered, prepared, worker-signed, employer-signed and final PDF."""
    rendered, prepared, worker_signed, employer_signed, final = stages
    certificates = {
        s.field: s.chain[0].sha256 for s in report.signatures if s.kind is Kind.SIGNATURE
    }
    secret = container.secret_key
    contract_id = f"{contract.number}.{secrets.token_hex(4)}"
    steps = SigningSteps(
        contract_id=contract_id,
        employer=pseudonym(secret, "employer", contract.employer.credit_code),
        worker=pseudonym(secret, "worker", contract.worker.id_number),
        platform="platform:laborsign",
        contract_json=contract.model_dump_json().encode(),
        rendered_pdf=rendered,
        prepared_pdf=prepared,
        worker_signed_pdf=worker_signed,
        employer_signed_pdf=employer_signed,
        final_pdf=final,
        worker_certificate_sha256=certificates["LaborSign-Worker"],
        employer_certificate_sha256=certificates["LaborSign-Employer"],
        times=times,
    )
    record_signing(container.uow, container.evidence.log, steps)
    parties = Parties(contract.employer.name, contract.worker.name, contract.worker.id_number)
    return export_for(container, contract_id, final, datetime.now(UTC), parties)


def step_times(started: datetime, signed: Sequence[datetime]) -> list[datetime]:
    """Times for the ten events: the steps before signing happened when the run started
    (the demo simulates them), the signatures and completion when they were made."""
    worker, employer, completed = signed
    return [started] * 7 + [worker, employer, completed]
