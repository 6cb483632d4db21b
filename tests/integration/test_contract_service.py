"""The contract service on both databases, with the real renderer, store, signing and log.

One platform per database for the module (initialising one costs seconds); each test works
on its own contracts. Times are passed in: `NOW` is taken once, and each step is a little
later than the one before, as the evidence log requires.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.integration.helpers import DelegatingStore, add_org, database

from laborsign.bootstrap import Container
from laborsign.contracts.earlier_contracts import SqlEarlierContracts
from laborsign.contracts.examples import example_contract
from laborsign.contracts.lifecycle import SigningOrder, State, TransitionRefused, WrongParty
from laborsign.contracts.model import Contract
from laborsign.contracts.outbox_handlers import SIGNED, completion_handler
from laborsign.contracts.records import ContractHasErrors, DocumentKind
from laborsign.contracts.render import shared_renderer
from laborsign.contracts.rules import Severity
from laborsign.contracts.service import ContractService
from laborsign.contracts.tables import ContractDocumentRow, ContractRow
from laborsign.db.tenancy import Scope
from laborsign.errors import Conflict, InvalidInput, NotFound, PermissionDenied, ServiceUnavailable
from laborsign.evidence.events import Event, EventType
from laborsign.evidence.package_verify import verify_package
from laborsign.evidence.package_wiring import export_for
from laborsign.evidence.tables import EvidenceLeafRow
from laborsign.i18n import Text
from laborsign.identity.notice import notice_sha256
from laborsign.notify.outbox_relay import OutboxMessage, OutboxRelay
from laborsign.notify.outbox_tables import OutboxMessageRow
from laborsign.parties.roles import Role
from laborsign.parties.workers import NewWorker
from laborsign.settings import Settings
from laborsign.signing.images import drawn_signature_png
from laborsign.signing.service import Organisation, WorkerIdentity
from laborsign.storage.ports import DocumentRef, DocumentStore

EXAMPLE = example_contract()
ORGANISATION = Organisation(EXAMPLE.employer.name, EXAMPLE.employer.credit_code)
WORKER = WorkerIdentity(EXAMPLE.worker.name, EXAMPLE.worker.id_number)
SIGNATURE = drawn_signature_png(WORKER.name)
NOW = datetime.now(UTC).replace(microsecond=0)
_numbers = count(1)


class InjectingStore(DelegatingStore):
    """Something injected before the next `put`: a failure (the store is down) or another
    request that wins a race."""

    def __init__(self, inner: DocumentStore) -> None:
        super().__init__(inner)
        self.before_put: Callable[[], None] | None = None

    def put(self, tenant: str, data: bytes, content_type: str) -> DocumentRef:
        hook, self.before_put = self.before_put, None
        if hook is not None:
            hook()
        return super().put(tenant, data, content_type)


@dataclass
class Platform:
    container: Container
    service: ContractService
    store: InjectingStore
    org_id: str
    worker_id: str
    clock: list[datetime]

    @property
    def hr(self) -> Scope:
        return Scope.employer(self.org_id, "hr-1", {Role.HR})

    @property
    def signer(self) -> Scope:
        return Scope.employer(self.org_id, "signer-1", {Role.SIGNER})

    @property
    def worker(self) -> Scope:
        return Scope.worker(self.worker_id)

    def now(self) -> datetime:
        """A moment a little later than the last one."""
        self.clock[0] += timedelta(seconds=1)
        return self.clock[0]


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def platform(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Platform]:
    tmp: Path = tmp_path_factory.mktemp("contracts")
    container = Container(Settings(home=tmp / "home", database_url=database(request, tmp)))
    container.init()
    add_org(container, "org-1", EXAMPLE.employer.credit_code, NOW)
    hr = Scope.employer("org-1", "hr-1", {Role.HR})
    worker = container.parties.workers.register(
        hr, NewWorker(WORKER.name, WORKER.id_number, EXAMPLE.worker.phone), NOW
    )
    store = InjectingStore(container.document_store)
    service = ContractService(
        container.uow,
        lambda: container.privacy,
        lambda: store,
        shared_renderer,
        container.secret_key,
        container.minimum_wages,
        log=container.evidence.log,
    )
    start = datetime.now(UTC).replace(microsecond=0)
    yield Platform(container, service, store, "org-1", str(worker["id"]), [start])
    container.engine.dispose()


def contract(**changes: object) -> Contract:
    """The example contract under a fresh number (each test has its own contracts)."""
    data = EXAMPLE.model_dump()
    data["number"] = f"T-{next(_numbers):04d}"
    data.update(changes)
    return Contract.model_validate(data)


def events_of(p: Platform, contract_id: str) -> list[Event]:
    with p.container.uow(Scope.system()) as uow:
        entries = uow.session.scalars(
            select(EvidenceLeafRow.entry)
            .where(EvidenceLeafRow.contract_id == contract_id)
            .order_by(EvidenceLeafRow.leaf_index)
        ).all()
    return [Event.from_entry(e) for e in entries]


def messages_of(p: Platform, contract_id: str) -> list[str]:
    with p.container.uow(Scope.system()) as uow:
        rows = uow.session.scalars(select(OutboxMessageRow).order_by(OutboxMessageRow.created_at))
        return [r.kind for r in rows if r.payload.get("contract") == contract_id]


def documents_of(p: Platform, contract_id: str) -> list[tuple[int, str]]:
    with p.container.uow(Scope.system()) as uow:
        rows = uow.session.scalars(
            select(ContractDocumentRow)
            .where(ContractDocumentRow.contract_id == contract_id)
            .order_by(ContractDocumentRow.revision)
        )
        return [(r.revision, r.kind) for r in rows]


def sent(p: Platform, order: SigningOrder = SigningOrder.WORKER_FIRST) -> str:
    """A new contract, sent, with its warnings acknowledged."""
    draft = p.service.create_draft(
        p.hr, contract(), now=p.now(), worker_id=p.worker_id, signing_order=order
    )
    cid = draft.contract.id
    p.service.acknowledge_warnings(p.hr, cid, draft.contract.warnings, now=p.now())
    p.service.send(p.hr, cid, now=p.now())
    return cid


def prepared(p: Platform, order: SigningOrder = SigningOrder.WORKER_FIRST) -> str:
    """Sent, and the worker has done everything up to signing."""
    cid = sent(p, order)
    p.service.acknowledge_notice(p.worker, cid, notice_sha256=notice_sha256(), now=p.now())
    p.service.record_identity_verified(
        p.worker, cid, method="development", authoritative=False, now=p.now()
    )
    current = p.service.current_document(p.worker, cid)
    p.service.confirm_intent(
        p.worker,
        cid,
        document_sha256=current.contract.document_sha256,
        otp_channel="sms",
        now=p.now(),
    )
    return cid


def worker_signs(p: Platform, cid: str) -> bytes:
    current = p.service.current_document(p.worker, cid)
    return p.container.signing.sign_as_worker(current.pdf, WORKER, SIGNATURE)


def employer_signs(p: Platform, cid: str) -> bytes:
    current = p.service.current_document(p.signer, cid)
    return p.container.signing.sign_as_employer(current.pdf, ORGANISATION)


def worker_signed(p: Platform, cid: str) -> None:
    p.service.apply_signature(
        p.worker,
        cid,
        lambda pdf: p.container.signing.sign_as_worker(pdf, WORKER, SIGNATURE),
        now=p.now(),
    )


def employer_signed(p: Platform, cid: str) -> None:
    p.service.apply_signature(
        p.signer,
        cid,
        lambda pdf: p.container.signing.sign_as_employer(pdf, ORGANISATION),
        now=p.now(),
    )


# ---- drafts and sending ------------------------------------------------------------------


def test_a_draft_reports_findings_and_cannot_be_sent_with_errors(platform: Platform) -> None:
    p = platform
    # Probation beyond six months for a three-year term: an error (LCL Art. 19).
    bad = contract(
        term={
            **EXAMPLE.term.model_dump(),
            "probation_end": EXAMPLE.term.start_date + timedelta(days=250),
        }
    )
    draft = p.service.create_draft(p.hr, bad, now=p.now(), worker_id=p.worker_id)
    assert draft.contract.state is State.DRAFT and draft.contract.errors >= 1
    assert any(f.severity is Severity.ERROR for f in draft.findings)
    cid = draft.contract.id

    with pytest.raises(ContractHasErrors) as refused:
        p.service.send(p.hr, cid, now=p.now())
    assert [f.rule_id for f in refused.value.findings] == [f.rule_id for f in draft.findings]
    assert p.service.get(p.hr, cid).summary.state is State.DRAFT

    fixed = p.service.update_draft(p.hr, cid, contract(number=bad.number), now=p.now())
    assert fixed.contract.errors == 0 and fixed.contract.revision == 2
    # The remaining warning (no minimum wage loaded) must be acknowledged first.
    assert fixed.contract.warnings
    with pytest.raises(TransitionRefused) as unacknowledged:
        p.service.send(p.hr, cid, now=p.now())
    assert unacknowledged.value.reason == "warnings-unacknowledged"
    p.service.acknowledge_warnings(p.hr, cid, fixed.contract.warnings, now=p.now())
    summary = p.service.send(p.hr, cid, now=p.now())

    assert summary.state is State.SENT and summary.expires_at is not None
    assert [e.type for e in events_of(p, cid)] == [
        EventType.CREATED,
        EventType.RULES_CHECKED,
        EventType.RULES_CHECKED,
        EventType.SENT,
    ]
    assert messages_of(p, cid) == ["contract.sent"]
    assert documents_of(p, cid) == [(1, "rendered"), (2, "rendered")]
    with p.container.uow(Scope.system()) as uow:
        row = uow.session.get(ContractRow, cid)
        assert row is not None and row.acknowledged_by == "hr-1"
        # The personal data is sealed: no ID number or name in the stored row.
        assert EXAMPLE.worker.id_number.encode() not in row.data
        assert EXAMPLE.worker.name.encode() not in row.data


def test_bad_input_changes_nothing(platform: Platform) -> None:
    p = platform
    before = p.service.list_contracts(p.hr, limit=200).total
    other_employer = contract(
        employer={**EXAMPLE.employer.model_dump(), "credit_code": "91110000100000000X"}
    )
    with pytest.raises(InvalidInput):
        p.service.create_draft(p.hr, other_employer, now=p.now())
    existing = p.service.create_draft(p.hr, contract(), now=p.now())
    with pytest.raises(Conflict):
        p.service.create_draft(p.hr, contract(number=existing.contract.number), now=p.now())
    with pytest.raises(Conflict):  # no worker assigned yet
        p.service.send(p.hr, existing.contract.id, now=p.now())
    assert p.service.list_contracts(p.hr, limit=200).total == before + 1


# ---- the whole signing -----------------------------------------------------------------------


@pytest.mark.parametrize("order", list(SigningOrder))
def test_both_parties_sign_and_the_evidence_package_verifies(
    platform: Platform, order: SigningOrder
) -> None:
    p = platform
    cid = prepared(p, order)
    steps = [(worker_signed, "worker_signed"), (employer_signed, "employer_signed")]
    if order is SigningOrder.EMPLOYER_FIRST:
        steps.reverse()
    for step, _ in steps:
        step(p, cid)
    both = p.service.current_document(Scope.system(), cid)
    final = p.container.signing.complete(both.pdf)
    done = p.service.complete(Scope.system(), cid, final, now=p.now())

    assert done.state is State.EFFECTIVE and done.completed_at is not None
    assert p.service.current_document(p.worker, cid).pdf == final
    assert [kind for _, kind in documents_of(p, cid)][-3:] == [
        steps[0][1],
        steps[1][1],
        DocumentKind.COMPLETED.value,
    ]
    types = [e.type for e in events_of(p, cid)]
    assert types.count(EventType.WORKER_SIGNED) == types.count(EventType.EMPLOYER_SIGNED) == 1
    assert types[-1] is EventType.EFFECTIVE
    assert messages_of(p, cid) == [
        "contract.sent",
        "contract.awaiting-signature",
        "contract.signed",
        "contract.effective",
    ]
    # Exported and verified at the real time: the CA and TSA stamp CRLs and tokens with it.
    package = export_for(p.container, cid, final, datetime.now(UTC))
    report = verify_package(package, now=datetime.now(UTC))
    assert report.valid, report.to_json()


def test_a_signature_not_made_on_the_current_revision_is_refused(platform: Platform) -> None:
    p = platform
    cid = prepared(p)
    rendered = p.service.current_document(p.worker, cid)
    # An employer signature where the worker's belongs: refused, nothing stored.
    wrong = p.container.signing.sign_as_employer(rendered.pdf, ORGANISATION)
    with pytest.raises(InvalidInput):
        p.service.record_worker_signature(p.worker, cid, wrong, now=p.now())
    # The worker may not void; HR without the signer role may not sign for the employer.
    with pytest.raises(WrongParty):
        p.service.void(p.worker, cid, now=p.now())
    with pytest.raises(PermissionDenied):
        p.service.record_employer_signature(p.hr, cid, wrong, now=p.now())
    assert p.service.get(p.worker, cid).summary.state is State.INTENT_CONFIRMED
    assert documents_of(p, cid) == [(1, "rendered")]


def test_an_effective_contract_counts_as_an_earlier_contract_for_the_rules(
    platform: Platform,
) -> None:
    p = platform
    cid = prepared(p)
    worker_signed(p, cid)
    employer_signed(p, cid)
    p.service.apply_signature(Scope.system(), cid, p.container.signing.complete, now=p.now())
    concluded = p.service.get(p.hr, cid).summary.number
    unsent = p.service.create_draft(p.hr, contract(), now=p.now()).contract.number

    with p.container.uow(p.hr) as uow:
        earlier = SqlEarlierContracts(uow.session, p.container.privacy).between(
            EXAMPLE.employer.credit_code, WORKER.id_number.lower()
        )
    numbers = [c.number for c in earlier]
    assert concluded in numbers and unsent not in numbers

    # A later contract with a probation: only one probation per employer and worker.
    start = EXAMPLE.term.start_date.replace(year=EXAMPLE.term.start_date.year + 3)
    renewal = contract(
        term={
            **EXAMPLE.term.model_dump(),
            "start_date": start,
            "end_date": start.replace(year=start.year + 3) - timedelta(days=1),
            "probation_end": start + timedelta(days=59),
        }
    )
    draft = p.service.create_draft(p.hr, renewal, now=p.now(), worker_id=p.worker_id)
    one_probation = [f for f in draft.findings if f.rule_id == "LCL-19-2"]
    assert one_probation and concluded in one_probation[0].message.en


def test_the_relay_completes_a_contract_both_parties_signed(platform: Platform) -> None:
    p = platform
    cid = prepared(p)
    worker_signed(p, cid)
    employer_signed(p, cid)
    with p.container.uow(Scope.system()) as uow:
        message_id = next(
            row.id
            for row in uow.session.scalars(
                select(OutboxMessageRow).where(OutboxMessageRow.kind == SIGNED)
            )
            if row.payload["contract"] == cid
        )
    relay = OutboxRelay(
        p.container.uow, {SIGNED: completion_handler(p.service, p.container.signing.complete)}
    )
    assert relay.dispatch(message_id, now=p.now())
    assert p.service.get(p.hr, cid).summary.state is State.EFFECTIVE
    assert events_of(p, cid)[-1].type is EventType.EFFECTIVE
    # Handled again (e.g. after a crash before the dispatched mark): nothing changes.
    again = OutboxMessage(message_id, SIGNED, {"contract": cid}, 2, p.now())
    with p.container.uow() as uow:
        completion_handler(p.service, p.container.signing.complete)(uow.session, again)
    assert [e.type for e in events_of(p, cid)].count(EventType.EFFECTIVE) == 1


# ---- failures and races ----------------------------------------------------------------------


def test_a_failure_after_signing_leaves_the_contract_unchanged_and_a_retry_completes(
    platform: Platform,
) -> None:
    p = platform
    cid = prepared(p)
    before = p.service.get(p.worker, cid).summary
    events_before = events_of(p, cid)
    signed = worker_signs(p, cid)

    def store_down() -> None:
        raise ServiceUnavailable(Text("文件存储不可用", "document store unavailable"))

    p.store.before_put = store_down
    with pytest.raises(ServiceUnavailable):
        p.service.record_worker_signature(p.worker, cid, signed, now=p.now())
    assert p.service.get(p.worker, cid).summary == before
    assert events_of(p, cid) == events_before
    assert documents_of(p, cid) == [(1, "rendered")]

    again = p.service.record_worker_signature(p.worker, cid, signed, now=p.now())
    assert again.state is State.WORKER_SIGNED and again.version == before.version + 1
    assert [kind for _, kind in documents_of(p, cid)] == ["rendered", "worker_signed"]


def test_a_concurrent_second_signature_is_refused_by_the_version_check(
    platform: Platform,
) -> None:
    p = platform
    cid = prepared(p)
    worker_signed(p, cid)
    base = p.service.current_document(p.signer, cid)
    ours = p.container.signing.sign_as_employer(base.pdf, ORGANISATION)
    theirs = p.container.signing.sign_as_employer(base.pdf, ORGANISATION)
    assert ours != theirs

    # Another request records its signature after ours loaded the contract, before ours
    # writes: ours must lose, whole.
    def theirs_first() -> None:
        p.service.record_employer_signature(p.signer, cid, theirs, now=p.now())

    p.store.before_put = theirs_first
    with pytest.raises(Conflict) as raced:
        p.service.record_employer_signature(
            p.signer, cid, ours, now=p.now(), expected_version=base.contract.version
        )
    # Refused by the row's version when writing, not by the state machine when loading.
    assert not isinstance(raced.value, TransitionRefused)
    final = p.service.current_document(p.signer, cid)
    assert final.pdf == theirs and final.contract.state is State.EMPLOYER_SIGNED
    assert [e.type for e in events_of(p, cid)].count(EventType.EMPLOYER_SIGNED) == 1
    # A request that read the old version is refused up front.
    with pytest.raises(Conflict):
        p.service.record_employer_signature(
            p.signer, cid, ours, now=p.now(), expected_version=base.contract.version
        )


def test_a_batch_of_seals_is_recorded_whole_or_not_at_all(platform: Platform) -> None:
    p = platform
    first, second = prepared(p), prepared(p)
    worker_signed(p, first)
    worker_signed(p, second)
    bases = {cid: p.service.current_document(p.signer, cid) for cid in (first, second)}
    sealed = {
        cid: p.container.signing.sign_as_employer(base.pdf, ORGANISATION)
        for cid, base in bases.items()
    }
    events_before = {cid: events_of(p, cid) for cid in bases}
    batch = [(cid, bases[cid].contract.version, sealed[cid]) for cid in (first, second)]

    stale = [batch[0], (second, bases[second].contract.version - 1, sealed[second])]
    with pytest.raises(Conflict):
        p.service.record_employer_signatures(p.signer, stale, now=p.now())
    wrong = [batch[0], (second, bases[second].contract.version, sealed[first])]
    with pytest.raises(InvalidInput):
        p.service.record_employer_signatures(p.signer, wrong, now=p.now())
    for cid, base in bases.items():
        assert p.service.current_document(p.signer, cid) == base
        assert events_of(p, cid) == events_before[cid]

    recorded = p.service.record_employer_signatures(p.signer, batch, now=p.now())
    assert [r.state for r in recorded] == [State.EMPLOYER_SIGNED, State.EMPLOYER_SIGNED]
    for cid in bases:
        assert p.service.current_document(p.signer, cid).pdf == sealed[cid]
        assert [e.type for e in events_of(p, cid)][len(events_before[cid]) :] == [
            EventType.EMPLOYER_SIGNED
        ]
        assert messages_of(p, cid)[-1] == "contract.signed"


# ---- ending without signatures ---------------------------------------------------------------


def test_decline_void_and_expiry_are_recorded_and_announced(platform: Platform) -> None:
    p = platform
    declined = sent(p)
    p.service.decline(p.worker, declined, now=p.now())
    voided = sent(p)
    with pytest.raises(WrongParty):
        p.service.decline(p.hr, voided, now=p.now())
    p.service.void(p.hr, voided, now=p.now())
    expiring = sent(p)
    deadline = p.service.get(p.hr, expiring).summary.expires_at
    assert deadline is not None
    assert expiring not in p.service.expire_due(deadline - timedelta(seconds=1))
    expired = p.service.expire_due(deadline)
    assert expiring in expired

    for cid, state, event, message in (
        (declined, State.DECLINED, EventType.DECLINED, "contract.declined"),
        (voided, State.VOIDED, EventType.VOIDED, "contract.voided"),
        (expiring, State.EXPIRED, EventType.EXPIRED, "contract.expired"),
    ):
        assert p.service.get(p.hr, cid).summary.state is state
        assert events_of(p, cid)[-1].type is event
        assert messages_of(p, cid)[-1] == message
    with pytest.raises(TransitionRefused):
        p.service.void(p.hr, declined, now=p.now())


# ---- reading, scoped ---------------------------------------------------------------------------


def test_lists_and_reads_are_scoped_and_paginated(platform: Platform) -> None:
    p = platform
    created = [
        p.service.create_draft(p.hr, contract(), now=p.now(), worker_id=p.worker_id).contract.id
        for _ in range(3)
    ]
    page = p.service.list_contracts(p.hr, state=State.DRAFT, limit=2)
    assert len(page.items) == 2 and page.total >= 3
    assert [c.id for c in page.items] == created[::-1][:2]  # newest first
    rest = p.service.list_contracts(p.hr, state=State.DRAFT, limit=2, offset=2)
    assert created[0] in [c.id for c in rest.items]
    assert p.service.get(p.hr, created[0]).data.worker.id_number == WORKER.id_number

    stranger = Scope.employer("org-2", "hr-9", {Role.HR})
    assert p.service.list_contracts(stranger).total == 0
    with pytest.raises(NotFound):
        p.service.get(stranger, created[0])
    # The worker sees his contracts; another worker sees none of them.
    assert created[0] in [c.id for c in p.service.list_contracts(p.worker, limit=200).items]
    assert p.service.list_contracts(Scope.worker("someone-else")).total == 0
    with pytest.raises(InvalidInput):
        p.service.list_contracts(p.hr, limit=0)
