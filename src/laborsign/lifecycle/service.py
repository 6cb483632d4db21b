"""Use cases after signing: renew, amend, terminate.

Each is its own document with its own evidence, linked to the contract: a renewal is a new
contract (drafted through the contract service, so the labor-law rules run again with the
earlier contracts as history); an amendment agreement and a termination certificate are
PDFs of their own, signed through the signing service, whose events join the contract's
chain in the evidence log (after `contract.effective`, where the package verifier expects
later steps).

Signing and typesetting happen outside any transaction; the recording transaction loads
the contract again, asks the state machine, and refuses a change made meanwhile.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from laborsign.contracts import lifecycle as lc
from laborsign.contracts.earlier_contracts import SqlEarlierContracts
from laborsign.contracts.lifecycle import SigningOrder, State
from laborsign.contracts.model import Contract, Term, TermType
from laborsign.contracts.records import last_signature, status_of, summary_of, write_status
from laborsign.contracts.render import Renderer
from laborsign.contracts.rows import append_contract_event, load_contract
from laborsign.contracts.rules.ports import EarlierContract
from laborsign.contracts.service import CHINA, DRAFTERS, PDF, SIGNERS, ContractService
from laborsign.contracts.tables import ContractRow
from laborsign.db.tenancy import Scope, ScopeKind
from laborsign.db.uow import UnitOfWork
from laborsign.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from laborsign.evidence.events import EventType, ExtraValue, pseudonym
from laborsign.evidence.log import EvidenceLog
from laborsign.evidence.sequence import CERTIFICATE, sha256_hex
from laborsign.i18n import Text
from laborsign.lifecycle import documents
from laborsign.lifecycle.grounds import GROUNDS
from laborsign.lifecycle.model import (
    Amendment,
    AmendmentState,
    AmendmentSummary,
    Renewal,
    RenewalResult,
    Termination,
    TerminationResult,
    WorkerChoice,
)
from laborsign.lifecycle.severance import Severance, compute, service_months, years_of_service_text
from laborsign.lifecycle.tables import AmendmentRow, RenewalRow, TerminationRow
from laborsign.notify import outbox
from laborsign.parties.roles import Role
from laborsign.privacy.cipher import Privacy, Purpose
from laborsign.signing import pades
from laborsign.signing.service import Organisation, SigningService
from laborsign.storage.ports import DocumentStore
from laborsign.watch.terms import Entitlement, open_ended_at_renewal

AMENDMENT_PURPOSE = Purpose("lifecycle.amendment")
TERMINATION_PURPOSE = Purpose("lifecycle.termination")
AMENDMENT_PDF = "amendment.pdf"
CERTIFICATE_PDF = "certificate.pdf"

UowFactory = Callable[[Scope], UnitOfWork]
Sign = Callable[[bytes], bytes]


def require_employer_roles(scope: Scope, roles: frozenset[Role]) -> None:
    """The scope is an employer's, with one of `roles`; PermissionDenied names them."""
    if scope.kind is not ScopeKind.EMPLOYER or not scope.has_role(roles):
        raise PermissionDenied(
            Text(
                "需要用人单位的以下角色之一：" + "、".join(sorted(roles)),
                "one of these employer roles is needed: " + ", ".join(sorted(roles)),
            )
        )


def _term_text(data: Contract) -> str:
    term = data.term
    if term.type is TermType.OPEN_ENDED:
        return f"无固定期限，自 {term.start_date} 起"
    if term.type is TermType.TASK:
        return f"以完成一定工作任务为期限，自 {term.start_date} 起"
    return f"固定期限，{term.start_date} 至 {term.end_date}"


class LifecycleService:
    def __init__(
        self,
        uow: UowFactory,
        contracts: ContractService,
        privacy: Callable[[], Privacy],
        documents_store: Callable[[], DocumentStore],
        renderer: Callable[[], Renderer],
        signing: Callable[[], SigningService],
        secret: bytes,
        log: EvidenceLog,
    ) -> None:
        self._uow = uow
        self._contracts = contracts
        self._privacy = privacy
        self._documents = documents_store
        self._renderer = renderer
        self._signing = signing
        self._secret = secret
        self._log = log

    # ---- renewal (续订) ---------------------------------------------------------------------

    def renew(
        self, scope: Scope, contract_id: str, renewal: Renewal, *, now: datetime
    ) -> RenewalResult:
        """Draft the renewal from the contract: its data carried over with the new term and no
        probation; the open-ended entitlement checked from the records and the stated service
        start; the worker's choice recorded with the link."""
        require_employer_roles(scope, DRAFTERS)
        original = self._contracts.get(scope, contract_id)
        self._check_allowed(original.summary.state, lc.Renew())
        entitlement = self._entitlement(scope, original.data)
        if renewal.worker_choice is WorkerChoice.OPEN_ENDED and (
            renewal.term_type is not TermType.OPEN_ENDED
        ):
            raise InvalidInput(
                Text(
                    "劳动者选择订立无固定期限劳动合同，续订合同的期限类型必须为无固定期限",
                    "the worker chose an open-ended contract: the renewal must be open-ended",
                ),
                field="term_type",
            )
        if renewal.worker_choice is WorkerChoice.NOT_ASKED and entitlement is not None:
            raise InvalidInput(
                Text(
                    "劳动者有权要求订立无固定期限劳动合同：须记录劳动者的选择",
                    "the worker may demand an open-ended contract: record the worker's choice",
                ),
                field="worker_choice",
            )
        old = original.data
        data = old.model_copy(
            update={
                "number": renewal.number,
                "signing_date": None,
                "employment_start": None,
                "continuous_service_start": old.continuous_service_start
                or old.effective_employment_start,
                "term": Term(
                    type=renewal.term_type,
                    start_date=renewal.start_date,
                    end_date=renewal.end_date,
                    task=old.term.task if renewal.term_type is TermType.TASK else None,
                    probation_end=renewal.probation_end,
                ),
                "pay": renewal.pay or old.pay,
            }
        )
        # Validated again as a whole: the copy skipped the model's cross-field checks.
        data = Contract.model_validate(data.model_dump())
        drafted = self._contracts.create_draft(
            scope,
            data,
            now=now,
            worker_id=original.summary.worker_id,
            signing_order=SigningOrder(original.summary.signing_order),
        )
        with self._uow(scope) as uow:
            s = uow.session
            row = load_contract(s, contract_id)
            outcome = lc.apply(status_of(row), lc.Renew(), by=lc.Party.EMPLOYER, at=now)
            write_status(row, outcome.status, now)
            s.add(
                RenewalRow(
                    id=drafted.contract.id,
                    renewal_of=row.id,
                    org_id=row.org_id,
                    worker_id=row.worker_id,
                    entitlement=entitlement.ground.value if entitlement else None,
                    worker_choice=renewal.worker_choice.value,
                    created_by=scope.actor,
                    created_at=now,
                )
            )
            self._event(
                s,
                row,
                outcome.event,
                scope,
                now,
                {},
                {
                    "renewal": drafted.contract.id,
                    "worker-choice": renewal.worker_choice.value,
                    "entitlement": entitlement.ground.value if entitlement else None,
                },
            )
            self._notify(s, row, "contract.renewed", now, renewal=drafted.contract.id)
            s.flush()
            uow.commit()
            return RenewalResult(summary_of(row), drafted, entitlement, renewal.worker_choice)

    def _entitlement(self, scope: Scope, data: Contract) -> Entitlement | None:
        with self._uow(scope) as uow:
            earlier = SqlEarlierContracts(uow.session, self._privacy()).between(
                data.employer.credit_code, data.worker.id_number
            )
        running = EarlierContract(
            number=data.number,
            term_type=data.term.type,
            start_date=data.term.start_date,
            end_date=data.term.end_date,
            probation_end=data.term.probation_end,
        )
        return open_ended_at_renewal(earlier, running, data.continuous_service_start)

    # ---- amendment (变更协议) ---------------------------------------------------------------

    def amend(
        self, scope: Scope, contract_id: str, amendment: Amendment, *, now: datetime
    ) -> AmendmentSummary:
        """Typeset the amendment agreement with both parties' signature fields; it awaits
        both signatures (`sign_amendment`)."""
        require_employer_roles(scope, DRAFTERS)
        detail = self._contracts.get(scope, contract_id)
        self._check_allowed(detail.summary.state, lc.Amend())
        with self._uow(scope) as uow:
            count = uow.session.scalar(
                select(func.count())
                .select_from(AmendmentRow)
                .where(AmendmentRow.contract_id == contract_id)
            )
        sequence = (count or 0) + 1
        data = detail.data
        pdf = documents.typeset(
            self._renderer(),
            documents.AMENDMENT_TEMPLATE,
            {
                "number": f"{data.number}-BG{sequence}",
                "contract_number": data.number,
                "employer": data.employer.name,
                "worker": data.worker.name,
                "effective_from": amendment.effective_from.isoformat(),
                "changes": [c.model_dump() for c in amendment.changes],
            },
            documents.BOTH,
            now.astimezone(CHINA).date(),
        )
        amendment_id = str(uuid.uuid4())
        with self._uow(scope) as uow:
            s = uow.session
            row = load_contract(s, contract_id)
            self._check_allowed(State(row.state), lc.Amend())
            ref = self._documents().put(row.org_id, pdf, PDF)
            amended = AmendmentRow(
                id=amendment_id,
                contract_id=row.id,
                org_id=row.org_id,
                worker_id=row.worker_id,
                sequence=sequence,
                state=AmendmentState.AWAITING_SIGNATURES.value,
                effective_from=amendment.effective_from,
                data=self._privacy().encrypt(
                    amendment.model_dump_json(), AMENDMENT_PURPOSE, context=amendment_id
                ),
                document_sha256=ref.sha256,
                signed_by="",
                created_by=scope.actor,
                created_at=now,
                updated_at=now,
            )
            s.add(amended)
            s.flush()
            self._event(
                s,
                row,
                EventType.AMENDMENT_DRAFTED,
                scope,
                now,
                {AMENDMENT_PDF: ref.sha256},
                {
                    "amendment": amendment_id,
                    "sequence": sequence,
                    "changes": len(amendment.changes),
                },
            )
            self._notify(s, row, "amendment.drafted", now, amendment=amendment_id)
            uow.commit()
            return _amendment_summary(amended)

    def amendment_document(self, scope: Scope, amendment_id: str) -> tuple[AmendmentSummary, bytes]:
        with self._uow(scope) as uow:
            row = self._amendment(uow.session, amendment_id)
            return _amendment_summary(row), self._documents().get(row.org_id, row.document_sha256)

    def sign_amendment(
        self, scope: Scope, amendment_id: str, sign: Sign, *, now: datetime
    ) -> AmendmentSummary:
        """One party signs the amendment (the worker in his scope, the employer's signer in
        the employer's). The second signature makes it effective: a document timestamp is
        added and the contract becomes `amended`."""
        party = self._signing_party(scope)
        current, pdf = self.amendment_document(scope, amendment_id)
        if party.value in current.signed_by:
            raise Conflict(Text("该方已签署此变更协议", "this party already signed the amendment"))
        signed = sign(pdf)
        _check_extends(pdf, signed, party)
        both = len(current.signed_by) == 1
        final = self._signing().complete(signed) if both else None
        with self._uow(scope) as uow:
            s = uow.session
            amended = self._amendment(s, amendment_id)
            if amended.version != current.version or amended.document_sha256 != sha256_hex(pdf):
                raise Conflict(
                    Text("变更协议已被同时修改，请重试", "the amendment changed meanwhile; retry")
                )
            row = load_contract(s, amended.contract_id)
            if final is not None:
                # Who records the final step is the platform, but the check belongs to the
                # contract's state: an amendment of a terminated contract is refused.
                outcome = lc.apply(status_of(row), lc.Amend(), by=lc.Party.EMPLOYER, at=now)
            signed_ref = self._documents().put(amended.org_id, signed, PDF)
            _, certificate = last_signature(signed)
            amended.signed_by = ",".join(sorted({*current.signed_by, party.value}))
            amended.document_sha256 = signed_ref.sha256
            amended.updated_at = now
            self._event(
                s,
                row,
                EventType.AMENDMENT_SIGNED,
                scope,
                now,
                {AMENDMENT_PDF: signed_ref.sha256, CERTIFICATE: sha256_hex(certificate)},
                {"amendment": amendment_id, "party": party.value, "revision-bytes": len(signed)},
            )
            if final is not None:
                final_ref = self._documents().put(amended.org_id, final, PDF)
                amended.document_sha256 = final_ref.sha256
                amended.state = AmendmentState.EFFECTIVE.value
                write_status(row, outcome.status, now)
                self._event(
                    s,
                    row,
                    outcome.event,
                    Scope.system(),
                    now,
                    {AMENDMENT_PDF: final_ref.sha256},
                    {"amendment": amendment_id, "completion": "document-timestamp"},
                )
                self._notify(s, row, "contract.amended", now, amendment=amendment_id)
            s.flush()
            uow.commit()
            return _amendment_summary(amended)

    # ---- termination (解除/终止) -------------------------------------------------------------

    def terminate(
        self, scope: Scope, contract_id: str, termination: Termination, *, now: datetime
    ) -> TerminationResult:
        """End the contract on a legal ground: severance computed (LCL Art. 47), the
        termination certificate (LCL Art. 50) typeset, signed by the employer and
        timestamped, then stored and delivered to the worker with the state change."""
        require_employer_roles(scope, SIGNERS)
        detail = self._contracts.get(scope, contract_id)
        self._check_allowed(detail.summary.state, lc.Terminate())
        data = detail.data
        if termination.terminated_on < data.term.start_date:
            raise InvalidInput(
                Text("终止日期早于合同期限开始日期", "the end date is before the term began"),
                field="terminated_on",
            )
        info = GROUNDS[termination.ground]
        started = data.continuous_service_start or data.effective_employment_start
        months = service_months(started, termination.terminated_on)
        due = info.severance_due if termination.severance_due is None else termination.severance_due
        severance = (
            compute(months, termination.monthly_wage, termination.local_average_wage)
            if due
            else Severance(months, 0, Decimal(0), False, Decimal("0.00"))
        )
        unsigned = documents.typeset(
            self._renderer(),
            documents.CERTIFICATE_TEMPLATE,
            {
                "number": f"{data.number}-ZM",
                "contract_number": data.number,
                "worker": data.worker.name,
                "worker_id": data.worker.id_number,
                "employer": data.employer.name,
                "term": _term_text(data),
                "position": data.job.position,
                "years_of_service": years_of_service_text(months).zh,
                "terminated_on": termination.terminated_on.isoformat(),
                "ground": info.name.zh,
                "ground_article": info.article.zh,
            },
            documents.EMPLOYER_ONLY,
            now.astimezone(CHINA).date(),
        )
        signing = self._signing()
        signed = signing.sign_as_employer(
            unsigned, Organisation(data.employer.name, data.employer.credit_code)
        )
        certificate = signing.complete(signed)
        with self._uow(scope) as uow:
            s = uow.session
            row = load_contract(s, contract_id)
            outcome = lc.apply(status_of(row), lc.Terminate(), by=lc.Party.EMPLOYER, at=now)
            ref = self._documents().put(row.org_id, certificate, PDF)
            write_status(row, outcome.status, now)
            sealed = json.dumps(
                {
                    "monthly_wage": str(termination.monthly_wage),
                    "local_average_wage": str(termination.local_average_wage or ""),
                    "severance_due": due,
                    "half_months": severance.half_months,
                    "monthly_base": str(severance.monthly_base),
                    "capped": severance.capped,
                    "amount": str(severance.amount),
                }
            )
            s.add(
                TerminationRow(
                    contract_id=row.id,
                    org_id=row.org_id,
                    worker_id=row.worker_id,
                    ground=termination.ground.value,
                    terminated_on=termination.terminated_on,
                    service_months=months,
                    data=self._privacy().encrypt(sealed, TERMINATION_PURPOSE, context=row.id),
                    certificate_sha256=ref.sha256,
                    created_by=scope.actor,
                    created_at=now,
                )
            )
            _, employer_certificate = last_signature(certificate)
            self._event(
                s,
                row,
                outcome.event,
                scope,
                now,
                {CERTIFICATE_PDF: ref.sha256, CERTIFICATE: sha256_hex(employer_certificate)},
                {
                    "ground": termination.ground.value,
                    "terminated-on": termination.terminated_on.isoformat(),
                    "service-months": months,
                    "severance-due": due,
                },
            )
            # Delivered: the signed certificate is in the worker's documents from this commit
            # on, and the outbox tells him so.
            self._event(
                s,
                row,
                EventType.CERTIFICATE_DELIVERED,
                Scope.system(),
                now,
                {CERTIFICATE_PDF: ref.sha256},
                {"channel": "platform"},
            )
            self._notify(s, row, "contract.terminated", now, certificate=ref.sha256)
            s.flush()
            uow.commit()
            return TerminationResult(
                summary_of(row),
                termination.ground,
                termination.terminated_on,
                severance,
                due,
                ref.sha256,
            )

    def certificate(self, scope: Scope, contract_id: str) -> bytes:
        """The signed termination certificate (the worker may read his own)."""
        with self._uow(scope) as uow:
            row = uow.session.get(TerminationRow, contract_id)
            if row is None:
                raise NotFound(Text("没有解除或终止记录", "no termination recorded"))
            return self._documents().get(row.org_id, row.certificate_sha256)

    # ---- internals --------------------------------------------------------------------------

    @staticmethod
    def _check_allowed(state: State, command: lc.Command) -> None:
        """The state machine's answer before any work is done (asked again when recording)."""
        if (state, command.action) not in lc.AFTER_SIGNING:
            action = lc.ACTION_NAMES[command.action]
            raise lc.TransitionRefused(
                Text(
                    f"合同处于“{lc.STATE_NAMES[state].zh}”状态，不能{action.zh}",
                    f"a contract in state {state.value} cannot {action.en}",
                ),
                "not-allowed",
            )

    @staticmethod
    def _signing_party(scope: Scope) -> lc.Party:
        if scope.kind is ScopeKind.WORKER:
            return lc.Party.WORKER
        require_employer_roles(scope, SIGNERS)
        return lc.Party.EMPLOYER

    def _amendment(self, session: Session, amendment_id: str) -> AmendmentRow:
        row = session.get(AmendmentRow, amendment_id)
        if row is None:
            raise NotFound(Text("变更协议不存在", "no such amendment"), field="amendment_id")
        return row

    def _event(
        self,
        session: Session,
        row: ContractRow,
        event_type: EventType,
        scope: Scope,
        at: datetime,
        artifacts: dict[str, str],
        extra: dict[str, ExtraValue],
    ) -> None:
        if scope.kind is ScopeKind.WORKER and row.worker_id is not None:
            actor = pseudonym(self._secret, "worker", row.worker_id)
        elif scope.kind is ScopeKind.EMPLOYER:
            actor = pseudonym(self._secret, "staff", scope.actor)
        else:
            actor = "platform"
        append_contract_event(session, self._log, row, event_type, actor, at, artifacts, extra)

    def _notify(
        self, session: Session, row: ContractRow, kind: str, now: datetime, **ids: str
    ) -> None:
        """A domain message (ids only, no personal data)."""
        payload = {"contract": row.id, "org": row.org_id, "worker": row.worker_id, **ids}
        key = ":".join([kind, row.id, *ids.values()])
        outbox.add(session, kind, payload, key=key, now=now)


def _check_extends(before: bytes, after: bytes, party: lc.Party) -> None:
    """A signature is an incremental update of the current revision, by the right party."""
    if len(after) <= len(before) or not after.startswith(before):
        raise InvalidInput(
            Text(
                "新文档不是当前版本的增量更新",
                "the new document is not an incremental update of the current revision",
            ),
            field="pdf",
        )
    field, _ = last_signature(after)
    if field != pades.field_name(party.value):
        raise InvalidInput(
            Text("最后一个签名不是该方的签名", f"the last signature is not the {party}'s"),
            field="pdf",
        )


def _amendment_summary(row: AmendmentRow) -> AmendmentSummary:
    return AmendmentSummary(
        id=row.id,
        contract_id=row.contract_id,
        sequence=row.sequence,
        state=AmendmentState(row.state),
        document_sha256=row.document_sha256,
        signed_by=tuple(p for p in row.signed_by.split(",") if p),
        version=row.version,
    )
