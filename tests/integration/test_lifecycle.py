"""After signing, on both databases: renewal without a second probation and with the worker's
choice recorded; an amendment signed by both parties; termination with its certificate."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from tests.integration import test_contract_service as base
from tests.integration.test_contract_service import (
    EXAMPLE,
    ORGANISATION,
    SIGNATURE,
    WORKER,
    Platform,
    employer_signed,
    events_of,
    prepared,
    worker_signed,
)

from laborsign.contracts.lifecycle import State, TransitionRefused
from laborsign.contracts.model import TermType
from laborsign.db.tenancy import Scope
from laborsign.errors import InvalidInput, PermissionDenied
from laborsign.evidence.events import EventType
from laborsign.evidence.package_verify import verify_package
from laborsign.evidence.package_wiring import export_for
from laborsign.lifecycle.grounds import Ground
from laborsign.lifecycle.model import (
    Amendment,
    AmendmentState,
    Change,
    Renewal,
    Termination,
    WorkerChoice,
)
from laborsign.lifecycle.service import LifecycleService
from laborsign.lifecycle.tables import RenewalRow
from laborsign.verification import verify_pdf

# The contract tests' platform (a module-scoped container per database), shared.
platform = base.platform


def lifecycle(p: Platform) -> LifecycleService:
    c = p.container
    from laborsign.contracts.render import shared_renderer

    return LifecycleService(
        c.uow,
        p.service,
        lambda: c.privacy,
        lambda: p.store,
        shared_renderer,
        lambda: c.signing,
        c.secret_key,
        c.evidence.log,
    )


def effective(p: Platform) -> str:
    cid = prepared(p)
    worker_signed(p, cid)
    employer_signed(p, cid)
    p.service.apply_signature(Scope.system(), cid, p.container.signing.complete, now=p.now())
    return cid


def roots(p: Platform) -> list[object]:
    from laborsign.signing.signer import to_asn1

    return [to_asn1(c) for c in p.container.signing.trust_material().roots]


def test_renewal_carries_the_data_over_without_a_second_probation(platform: Platform) -> None:
    p = platform
    cid = effective(p)
    end = EXAMPLE.term.end_date
    assert end is not None
    start = end + timedelta(days=1)
    base = {
        "term_type": TermType.FIXED,
        "start_date": start,
        "end_date": start.replace(year=start.year + 3) - timedelta(days=1),
        "worker_choice": WorkerChoice.NOT_ASKED,
    }
    service = lifecycle(p)
    # A renewal with a probation is drafted with the rule's error and cannot be sent.
    with_probation = service.renew(
        p.hr,
        cid,
        Renewal(number=f"R-{cid[:8]}", probation_end=start + timedelta(days=30), **base),
        now=p.now(),
    )
    errors = [f.rule_id for f in with_probation.renewal.findings if f.severity.value == "error"]
    assert "LCL-19-2" in errors
    assert with_probation.original.state is State.RENEWED
    renewed = with_probation.renewal.contract
    assert renewed.term_start == start and renewed.position == EXAMPLE.job.position
    detail = p.service.get(p.hr, renewed.id)
    assert detail.data.term.probation_end is None or detail.data.term.probation_end > start
    assert detail.data.worker == EXAMPLE.worker
    assert detail.data.continuous_service_start == EXAMPLE.effective_employment_start
    with p.container.uow(p.hr) as uow:
        link = uow.session.get(RenewalRow, renewed.id)
        assert link is not None and link.renewal_of == cid
        assert link.worker_choice == "not_asked"
    types = [e.type for e in events_of(p, cid)]
    assert types[-1] is EventType.RENEWED
    renewal_event = events_of(p, cid)[-1]
    assert renewal_event.extra["renewal"] == renewed.id
    # Renewed once: not again.
    with pytest.raises(TransitionRefused):
        service.renew(p.hr, cid, Renewal(number=f"S-{cid[:8]}", **base), now=p.now())


def test_the_open_ended_choice_must_match_the_term(platform: Platform) -> None:
    p = platform
    cid = effective(p)
    end = EXAMPLE.term.end_date
    assert end is not None
    with pytest.raises(InvalidInput):
        lifecycle(p).renew(
            p.hr,
            cid,
            Renewal(
                number=f"O-{cid[:8]}",
                term_type=TermType.FIXED,
                start_date=end + timedelta(days=1),
                end_date=end + timedelta(days=700),
                worker_choice=WorkerChoice.OPEN_ENDED,
            ),
            now=p.now(),
        )
    result = lifecycle(p).renew(
        p.hr,
        cid,
        Renewal(
            number=f"O-{cid[:8]}",
            term_type=TermType.OPEN_ENDED,
            start_date=end + timedelta(days=1),
            worker_choice=WorkerChoice.OPEN_ENDED,
        ),
        now=p.now(),
    )
    assert result.worker_choice is WorkerChoice.OPEN_ENDED
    assert result.renewal.contract.term_type == TermType.OPEN_ENDED.value
    assert events_of(p, cid)[-1].extra["worker-choice"] == "open_ended"


def test_an_amendment_is_signed_by_both_and_verifies(platform: Platform) -> None:
    p = platform
    cid = effective(p)
    service = lifecycle(p)
    change = Amendment(
        changes=(Change(clause="工作岗位", before=EXAMPLE.job.position, after="高级软件工程师"),),
        effective_from=date(2026, 7, 1),
    )
    drafted = service.amend(p.hr, cid, change, now=p.now())
    assert drafted.state is AmendmentState.AWAITING_SIGNATURES
    # The employer's signer signs, then the worker.
    with pytest.raises(PermissionDenied):
        service.sign_amendment(
            p.hr,
            drafted.id,
            lambda pdf: p.container.signing.sign_as_employer(pdf, ORGANISATION),
            now=p.now(),
        )
    service.sign_amendment(
        p.signer,
        drafted.id,
        lambda pdf: p.container.signing.sign_as_employer(pdf, ORGANISATION),
        now=p.now(),
    )
    done = service.sign_amendment(
        p.worker,
        drafted.id,
        lambda pdf: p.container.signing.sign_as_worker(pdf, WORKER, SIGNATURE),
        now=p.now(),
    )
    assert done.state is AmendmentState.EFFECTIVE
    assert set(done.signed_by) == {"employer", "worker"}
    _, pdf = service.amendment_document(p.worker, drafted.id)
    report = verify_pdf(pdf, roots(p))
    assert report.valid, report.to_json()
    assert p.service.summary(p.hr, cid).state is State.AMENDED
    types = [e.type for e in events_of(p, cid)]
    assert types[-4:] == [
        EventType.AMENDMENT_DRAFTED,
        EventType.AMENDMENT_SIGNED,
        EventType.AMENDMENT_SIGNED,
        EventType.AMENDED,
    ]
    assert events_of(p, cid)[-1].artifacts["amendment.pdf"] == report.sha256


def test_termination_issues_a_signed_certificate_and_the_package_still_verifies(
    platform: Platform,
) -> None:
    p = platform
    cid = effective(p)
    service = lifecycle(p)
    start = EXAMPLE.effective_employment_start
    termination = Termination(
        ground=Ground.MUTUAL,
        terminated_on=start.replace(year=start.year + 2) + timedelta(days=100),
        monthly_wage=Decimal("12000.00"),
    )
    with pytest.raises(PermissionDenied):  # HR drafts, the signer signs the certificate
        service.terminate(p.hr, cid, termination, now=p.now())
    result = service.terminate(p.signer, cid, termination, now=p.now())
    assert result.contract.state is State.TERMINATED
    assert result.severance.months_of_service == 27
    assert result.severance.months_of_wage == Decimal("2.5")
    assert result.severance.amount == Decimal("30000.00")
    certificate = service.certificate(p.worker, cid)
    report = verify_pdf(certificate, roots(p))
    assert report.valid, report.to_json()
    assert report.signatures[0].signer == EXAMPLE.employer.name
    events = events_of(p, cid)
    assert [e.type for e in events][-2:] == [
        EventType.TERMINATED,
        EventType.CERTIFICATE_DELIVERED,
    ]
    assert events[-2].artifacts["certificate.pdf"] == report.sha256
    with pytest.raises(TransitionRefused):
        service.terminate(p.signer, cid, termination, now=p.now())
    # The contract's package, with the later events, still verifies.
    final = p.service.current_document(Scope.system(), cid).pdf
    package = export_for(p.container, cid, final, datetime.now(UTC))
    assert verify_package(package, now=datetime.now(UTC)).valid


def test_a_draft_cannot_be_terminated(platform: Platform) -> None:
    p = platform
    cid = prepared(p)
    with pytest.raises(TransitionRefused):
        lifecycle(p).terminate(
            p.signer,
            cid,
            Termination(
                ground=Ground.EXPIRY, terminated_on=date(2027, 1, 1), monthly_wage=Decimal(1)
            ),
            now=p.now(),
        )
    assert p.service.summary(p.hr, cid).state is State.INTENT_CONFIRMED
