"""Use cases of the contract aggregate: drafts, sending, the worker's steps, signatures.

Each use case owns its transaction: it loads the contract under the caller's access scope,
asks the state machine (`lifecycle`) for the transition, and writes the new state, the
evidence event and the outbox message in one commit. A refusal, bad input or a failure of
any outside part (document store, database) leaves the contract exactly as it was.

Signing happens before, in memory, in the signing service: `record_*_signature` and
`complete` take the new document bytes and check that they extend the current revision
(an incremental update) before anything is stored. A concurrent second change computed
from the same revision is refused twice over: by the state machine's base-digest guard and
by the row's version (optimistic lock).

Evidence events carry pseudonyms (`evidence.events.pseudonym`) and digests only; outbox
messages carry ids only, never personal data.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from laborsign.contracts import lifecycle as lc
from laborsign.contracts.earlier_contracts import (
    RememberedEarlierContracts,
    SqlEarlierContracts,
    worker_index,
)
from laborsign.contracts.lifecycle import Party, SigningOrder, State
from laborsign.contracts.minimum_wage import RememberedMinimumWages
from laborsign.contracts.model import Contract
from laborsign.contracts.records import (
    ContractDetail,
    ContractHasErrors,
    ContractSummary,
    CurrentDocument,
    DocumentKind,
    DraftResult,
    Page,
    error_count,
    last_signature,
    revision_artifacts,
    status_of,
    summary_of,
    warning_ids,
    write_status,
)
from laborsign.contracts.render import RenderedContract, Renderer
from laborsign.contracts.rules import Finding, MinimumWages, RuleContext, check
from laborsign.contracts.tables import ContractDocumentRow, ContractRow
from laborsign.db.tenancy import Scope, ScopeKind
from laborsign.db.uow import UnitOfWork
from laborsign.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from laborsign.evidence.events import Event, EventType, ExtraValue, pseudonym
from laborsign.evidence.log import EvidenceLog
from laborsign.evidence.sequence import (
    CERTIFICATE,
    CONTRACT_JSON,
    CONTRACT_PDF,
    append_contract_events,
    append_events_of_contracts,
    chain,
    sha256_hex,
)
from laborsign.i18n import Text
from laborsign.notify import outbox
from laborsign.parties.roles import Role
from laborsign.parties.tables import OrganisationRow, WorkerRow
from laborsign.privacy.cipher import Privacy, Purpose
from laborsign.signing import pades
from laborsign.storage.ports import DocumentRef, DocumentStore

DATA_PURPOSE = Purpose("contracts.data")
PDF = "application/pdf"
DRAFT_PDF = "draft.pdf"  # a draft revision: never a prefix of the final contract
DEFAULT_SIGNING_DAYS = 7
MAX_PAGE = 200
# Labor-law dates (the day a rule is checked on) are dates in China.
CHINA = ZoneInfo("Asia/Shanghai")

# Who among the employer's staff may do what (laborsign.parties.roles).
DRAFTERS = frozenset({Role.HR, Role.EMPLOYER_ADMIN})
SIGNERS = frozenset({Role.SIGNER})

UowFactory = Callable[[Scope], UnitOfWork]


def _party(scope: Scope) -> Party:
    if scope.kind is ScopeKind.EMPLOYER:
        return Party.EMPLOYER
    if scope.kind is ScopeKind.WORKER:
        return Party.WORKER
    if scope.kind is ScopeKind.SYSTEM:
        return Party.PLATFORM
    raise PermissionDenied(Text("无权操作合同", "not allowed to act on contracts"))


def _require_role(scope: Scope, roles: frozenset[Role]) -> None:
    if scope.kind is ScopeKind.EMPLOYER and not scope.has_role(roles):
        raise PermissionDenied(
            Text(
                "需要以下角色之一：" + "、".join(sorted(roles)),
                "one of these roles is needed: " + ", ".join(sorted(roles)),
            )
        )


@dataclass(frozen=True, slots=True)
class _Change:
    """What a use case adds to a transition: event details, an outbox message, row edits."""

    artifacts: dict[str, str]
    extra: dict[str, ExtraValue]
    notify: str | None = None  # outbox kind
    edit: Callable[[ContractRow], None] | None = None


@dataclass(frozen=True, slots=True)
class PreparedDraft:
    """A draft rendered elsewhere: `pdf` is the rendering with both signature fields."""

    data: Contract
    pdf: bytes
    worker_id: str


class ContractService:
    def __init__(
        self,
        uow: UowFactory,
        privacy: Callable[[], Privacy],
        documents: Callable[[], DocumentStore],
        renderer: Callable[[], Renderer],
        secret: bytes,
        minimum_wages: MinimumWages | None = None,
        *,
        log: EvidenceLog | None = None,
        signing_days: int = DEFAULT_SIGNING_DAYS,
    ) -> None:
        # Adapters are fetched on first use: listing contracts needs no renderer.
        self._uow = uow
        self._privacy = privacy
        self._documents = documents
        self._renderer = renderer
        self._secret = secret
        self._minimum_wages = minimum_wages
        self._log = log or EvidenceLog()
        self._signing_days = signing_days

    # ---- drafts ---------------------------------------------------------------------------

    def create_draft(
        self,
        scope: Scope,
        data: Contract,
        *,
        now: datetime,
        worker_id: str | None = None,
        signing_order: SigningOrder = SigningOrder.WORKER_FIRST,
    ) -> DraftResult:
        """Check, render and store a new draft. Rule errors are returned, not raised: a draft
        may be saved with errors (it cannot be sent until they are fixed)."""
        org_id = self._employer_scope(scope)
        prepared = self._render(data)
        contract_id = str(uuid.uuid4())
        with self._uow(scope) as uow:
            s = uow.session
            self._check_employer(s, org_id, data)
            self._check_worker(s, worker_id, data)
            self._check_number(s, data.number)
            findings = self._check_rules(s, data, now)
            outcome = lc.create(
                signing_order, sha256_hex(prepared), error_count(findings), warning_ids(findings)
            )
            row = ContractRow(
                id=contract_id,
                org_id=org_id,
                worker_id=worker_id,
                state=State.DRAFT.value,
                signing_order=signing_order.value,
                created_by=scope.actor,
                created_at=now,
            )
            self._write_data(row, data)
            write_status(row, outcome.status, now)
            s.add(row)
            self._flush(s)  # the contract row before its document row (foreign key)
            self._put_document(s, row, prepared, DocumentKind.RENDERED, now)
            self._event(
                s,
                row,
                outcome.event,
                self._actor(scope, row),
                now,
                self._draft_artifacts(data, prepared),
                {
                    "template": data.template.value,
                    "signing-order": signing_order.value,
                    "errors": error_count(findings),
                    "warnings": len(warning_ids(findings)),
                },
            )
            self._flush(s)
            uow.commit()
            return DraftResult(summary_of(row), findings)

    def update_draft(
        self,
        scope: Scope,
        contract_id: str,
        data: Contract,
        *,
        now: datetime,
        worker_id: str | None = None,
        expected_version: int | None = None,
    ) -> DraftResult:
        """A new revision of a draft: checked, rendered and stored like the first."""
        org_id = self._employer_scope(scope)
        prepared = self._render(data)
        with self._uow(scope) as uow:
            s = uow.session
            row = self._load(s, contract_id, expected_version)
            self._check_employer(s, org_id, data)
            self._check_worker(s, worker_id or row.worker_id, data)
            self._check_number(s, data.number, row.id)
            findings = self._check_rules(s, data, now)
            command = lc.UpdateDraft(
                sha256_hex(prepared), error_count(findings), warning_ids(findings)
            )
            outcome = lc.apply(status_of(row), command, by=_party(scope), at=now)
            row.worker_id = worker_id or row.worker_id
            self._write_data(row, data)
            write_status(row, outcome.status, now)
            self._put_document(s, row, prepared, DocumentKind.RENDERED, now)
            self._event(
                s,
                row,
                outcome.event,
                self._actor(scope, row),
                now,
                self._draft_artifacts(data, prepared),
                {
                    "outcome": "revised",
                    "revision": row.revision,
                    "errors": error_count(findings),
                    "warnings": len(warning_ids(findings)),
                },
            )
            self._flush(s)
            uow.commit()
            return DraftResult(summary_of(row), findings)

    def acknowledge_warnings(
        self, scope: Scope, contract_id: str, warning_ids: Sequence[str], *, now: datetime
    ) -> ContractSummary:
        """An HR user acknowledges warnings of the current draft (recorded: who, when)."""
        _require_role(scope, DRAFTERS)
        ids = frozenset(warning_ids)

        def edit(row: ContractRow) -> None:
            row.acknowledged_by, row.acknowledged_at = scope.actor, now

        return self._advance(
            scope,
            contract_id,
            lc.AcknowledgeWarnings(ids),
            now,
            _Change({}, {"outcome": "warnings-acknowledged", "acknowledged": len(ids)}, edit=edit),
        )

    # ---- sending and ending ----------------------------------------------------------------

    def send(
        self,
        scope: Scope,
        contract_id: str,
        *,
        now: datetime,
        deadline: datetime | None = None,
    ) -> ContractSummary:
        """Send to the worker: the rules run again (today's date), errors refuse with the
        findings, every warning must have been acknowledged."""
        _require_role(scope, DRAFTERS)
        with self._uow(scope) as uow:
            s = uow.session
            row = self._load(s, contract_id)
            if row.worker_id is None:
                raise Conflict(
                    Text("尚未指定劳动者，不能发送", "no worker is assigned; cannot send"),
                    field="worker_id",
                )
            data = self._read_data(row)
            findings = self._check_rules(s, data, now)
            if error_count(findings):
                raise ContractHasErrors(findings)
            until = deadline or now + timedelta(days=self._signing_days)
            command = lc.Send(0, warning_ids(findings), until)
            outcome = lc.apply(status_of(row), command, by=_party(scope), at=now)
            pdf = self._documents().get(row.org_id, row.document_sha256)
            artifacts, extra = revision_artifacts(pdf)
            write_status(row, outcome.status, now)
            row.sent_at = now
            self._event(
                s,
                row,
                outcome.event,
                self._actor(scope, row),
                now,
                artifacts,
                {**extra, "warnings": len(command.warnings)},
            )
            self._notify(s, row, "contract.sent", now)
            self._flush(s)
            uow.commit()
            return summary_of(row)

    def void(
        self, scope: Scope, contract_id: str, *, now: datetime, reason: str | None = None
    ) -> ContractSummary:
        """The employer voids; like a decline, the event keeps only the reason's digest."""
        _require_role(scope, DRAFTERS)
        artifacts = {"void-reason.txt": sha256_hex(reason.encode())} if reason else {}
        return self._advance(
            scope, contract_id, lc.Void(), now, _Change(artifacts, {}, "contract.voided")
        )

    def decline(
        self, scope: Scope, contract_id: str, *, now: datetime, reason: str | None = None
    ) -> ContractSummary:
        """The worker declines; his reason is free text, so the event keeps only its digest."""
        artifacts = {"decline-reason.txt": sha256_hex(reason.encode())} if reason else {}
        return self._advance(
            scope,
            contract_id,
            lc.Decline(),
            now,
            _Change(artifacts, {}, "contract.declined"),
        )

    def expire_due(self, now: datetime) -> list[str]:
        """Expire every contract whose signing deadline has passed; one transaction each, so
        one contract that changed meanwhile (e.g. just signed) does not hold up the rest."""
        open_states = sorted({t.source.value for t in _EXPIRING})
        with self._uow(Scope.system()) as uow:
            due = uow.session.scalars(
                select(ContractRow.id).where(
                    ContractRow.state.in_(open_states), ContractRow.expires_at <= now
                )
            ).all()
        expired = []
        for contract_id in due:
            try:
                self._advance(
                    Scope.system(),
                    contract_id,
                    lc.Expire(),
                    now,
                    _Change({}, {}, "contract.expired"),
                )
            except (lc.TransitionRefused, Conflict):
                continue  # both signed meanwhile, or changed concurrently: not expired
            expired.append(contract_id)
        return expired

    # ---- the worker's steps -----------------------------------------------------------------

    def acknowledge_notice(
        self, scope: Scope, contract_id: str, *, notice_sha256: str, now: datetime
    ) -> ContractSummary:
        """The worker read and acknowledged the pre-signing notice (guideline Art. 6)."""
        return self._advance(
            scope,
            contract_id,
            lc.AcknowledgeNotice(),
            now,
            _Change({"notice.txt": notice_sha256}, {"outcome": "acknowledged"}),
        )

    def record_identity_verified(
        self,
        scope: Scope,
        contract_id: str,
        *,
        method: str,
        authoritative: bool,
        now: datetime,
    ) -> ContractSummary:
        """The identity domain verified the worker (real-name check; guideline Art. 7)."""
        return self._advance(
            scope,
            contract_id,
            lc.VerifyIdentity(),
            now,
            _Change({}, {"method": method, "authoritative": authoritative, "outcome": "passed"}),
        )

    def confirm_intent(
        self,
        scope: Scope,
        contract_id: str,
        *,
        document_sha256: str,
        now: datetime,
        otp_channel: str | None = None,
    ) -> ContractSummary:
        """The worker confirmed, by an OTP bound to `document_sha256`, that he signs that
        document.

        The identity domain's intent service checks the OTP and records `otp.verified`
        itself; a caller that checked the OTP elsewhere passes `otp_channel`, and the check
        is then recorded here, before the confirmation, in the same transaction.
        """
        with self._uow(scope) as uow:
            s = uow.session
            row = self._load(s, contract_id)
            outcome = lc.apply(
                status_of(row), lc.ConfirmIntent(document_sha256), by=_party(scope), at=now
            )
            pdf = self._documents().get(row.org_id, row.document_sha256)
            artifacts, extra = revision_artifacts(pdf)
            actor = self._actor(scope, row)
            events = [
                Event(
                    outcome.event, row.id, actor, now, artifacts, {**extra, "outcome": "confirmed"}
                )
            ]
            if otp_channel is not None:
                otp = {"method": "otp", "channel": otp_channel, "outcome": "passed"}
                events.insert(
                    0,
                    Event(EventType.OTP_VERIFIED, row.id, actor, now, artifacts, {**extra, **otp}),
                )
            write_status(row, outcome.status, now)
            self._flush(s)
            append_contract_events(s, self._log, events)
            self._flush(s)
            uow.commit()
            return summary_of(row)

    # ---- signatures ---------------------------------------------------------------------------

    def current_document(self, scope: Scope, contract_id: str) -> CurrentDocument:
        """The revision the next signature goes on, with the version to record it against."""
        with self._uow(scope) as uow:
            row = self._load(uow.session, contract_id)
            summary = summary_of(row)
        pdf = self._documents().get(summary.org_id, summary.document_sha256)
        return CurrentDocument(summary, pdf)

    def apply_signature(
        self,
        scope: Scope,
        contract_id: str,
        sign: Callable[[bytes], bytes],
        *,
        now: datetime,
    ) -> ContractSummary:
        """Read the current revision, sign it in memory with `sign` (an act of the signing
        service: the worker's or the employer's signature, or the completing document
        timestamp for the platform) and record the result against the version read.

        No transaction is open while `sign` talks to the TSA; a change in between makes the
        recording fail with a Conflict, and `sign` failing records nothing.
        """
        current = self.current_document(scope, contract_id)
        signed = sign(current.pdf)
        record = {
            Party.WORKER: self.record_worker_signature,
            Party.EMPLOYER: self.record_employer_signature,
            Party.PLATFORM: self.complete,
        }[_party(scope)]
        return record(
            scope, contract_id, signed, now=now, expected_version=current.contract.version
        )

    def record_worker_signature(
        self,
        scope: Scope,
        contract_id: str,
        signed_pdf: bytes,
        *,
        now: datetime,
        expected_version: int | None = None,
        authorise: Callable[[Session], None] | None = None,
    ) -> ContractSummary:
        """`authorise` runs in the recording transaction before anything is stored (the
        ceremony redeems the worker's single-use signing authorisation there, so that a
        refusal or a failure later in the transaction leaves the authorisation unused)."""
        return self._record_revision(
            scope,
            contract_id,
            signed_pdf,
            lc.SignWorker,
            DocumentKind.WORKER_SIGNED,
            pades.Role.WORKER,
            now,
            expected_version,
            authorise,
        )

    def record_employer_signature(
        self,
        scope: Scope,
        contract_id: str,
        signed_pdf: bytes,
        *,
        now: datetime,
        expected_version: int | None = None,
    ) -> ContractSummary:
        _require_role(scope, SIGNERS)
        return self._record_revision(
            scope,
            contract_id,
            signed_pdf,
            lc.SignEmployer,
            DocumentKind.EMPLOYER_SIGNED,
            pades.Role.EMPLOYER,
            now,
            expected_version,
        )

    def complete(
        self,
        scope: Scope,
        contract_id: str,
        final_pdf: bytes,
        *,
        now: datetime,
        expected_version: int | None = None,
    ) -> ContractSummary:
        """Both signed: store the document-timestamped contract; it is effective."""
        return self._record_revision(
            scope,
            contract_id,
            final_pdf,
            lc.Complete,
            DocumentKind.COMPLETED,
            None,
            now,
            expected_version,
        )

    # ---- bulk issuance ----------------------------------------------------------------------

    def issue_prepared(
        self,
        scope: Scope,
        drafts: Sequence[PreparedDraft],
        *,
        now: datetime,
        signing_order: SigningOrder = SigningOrder.WORKER_FIRST,
        within: Callable[[Session, list[ContractSummary | list[Finding]]], None] | None = None,
    ) -> list[ContractSummary | list[Finding]]:
        """Create and send many drafts rendered elsewhere (a bulk import renders them in
        worker processes), in one transaction with one evidence append.

        Each draft gets the events of `create_draft`, `acknowledge_warnings` (the caller
        showed the warnings before starting) and `send`. A draft whose rules now find errors
        is not created: its result is the findings. `within` runs in the transaction before
        the commit, so that the caller's own bookkeeping commits or rolls back with it."""
        _require_role(scope, DRAFTERS)
        org_id = self._employer_scope(scope)
        until = now + timedelta(days=self._signing_days)
        results: list[ContractSummary | list[Finding]] = []
        events: list[Event] = []
        with self._uow(scope) as uow:
            s = uow.session
            created: list[tuple[ContractRow, PreparedDraft, list[Event]]] = []
            # What the checks read, for the whole batch at once (held here: the session's
            # identity map keeps unchanged rows only while someone refers to them).
            org = s.get(OrganisationRow, org_id)
            wanted = sorted({d.worker_id for d in drafts})
            workers = {
                w.id: w for w in s.scalars(select(WorkerRow).where(WorkerRow.id.in_(wanted)))
            }
            numbers = sorted({d.data.number for d in drafts})
            taken = set(
                s.scalars(select(ContractRow.number).where(ContractRow.number.in_(numbers)))
            )
            context = self._rule_context(s, now, [d.data for d in drafts])
            for draft in drafts:
                data = draft.data
                _match_employer(org, data)
                _match_worker(workers.get(draft.worker_id), self._privacy(), data)
                if data.number in taken:
                    raise _number_taken(data.number)
                taken.add(data.number)
                findings = check(data, context)
                if error_count(findings):
                    results.append(findings)
                    continue
                warnings = warning_ids(findings)
                row = ContractRow(
                    id=str(uuid.uuid4()),
                    org_id=org_id,
                    worker_id=draft.worker_id,
                    state=State.DRAFT.value,
                    signing_order=signing_order.value,
                    created_by=scope.actor,
                    created_at=now,
                )
                self._write_data(row, data)
                outcome = lc.create(signing_order, sha256_hex(draft.pdf), 0, warnings)
                actor = self._actor(scope, row)
                own = [
                    Event(
                        outcome.event,
                        row.id,
                        actor,
                        now,
                        self._draft_artifacts(data, draft.pdf),
                        {
                            "template": data.template.value,
                            "signing-order": signing_order.value,
                            "errors": 0,
                            "warnings": len(warnings),
                            "bulk": True,
                        },
                    )
                ]
                status = outcome.status
                steps: list[tuple[lc.Command, dict[str, str], dict[str, ExtraValue]]] = []
                if warnings:
                    steps.append(
                        (
                            lc.AcknowledgeWarnings(warnings),
                            {},
                            {"outcome": "warnings-acknowledged", "acknowledged": len(warnings)},
                        )
                    )
                artifacts, extra = revision_artifacts(draft.pdf)
                steps.append(
                    (lc.Send(0, warnings, until), artifacts, {**extra, "warnings": len(warnings)})
                )
                for command, step_artifacts, step_extra in steps:
                    outcome = lc.apply(status, command, by=Party.EMPLOYER, at=now)
                    status = outcome.status
                    own.append(Event(outcome.event, row.id, actor, now, step_artifacts, step_extra))
                if warnings:
                    row.acknowledged_by, row.acknowledged_at = scope.actor, now
                write_status(row, status, now)
                row.sent_at = now
                s.add(row)
                created.append((row, draft, own))
                results.append(summary_of(row))
            self._flush(s)  # the contract rows before their document rows (foreign key)
            refs = self._documents().put_many(org_id, [(d.pdf, PDF) for _, d, _ in created])
            for (row, _, own), ref in zip(created, refs, strict=True):
                s.add(_document_row(row, ref, DocumentKind.RENDERED, now))
                events.extend(chain(own, None))
            outbox.add_many(s, [self._message(row, "contract.sent") for row, _, _ in created], now)
            self._flush(s)
            self._log.append_many(s, events)
            if within is not None:
                within(s, results)
            self._flush(s)
            uow.commit()
        return results

    # ---- reading ----------------------------------------------------------------------------

    def summary(self, scope: Scope, contract_id: str) -> ContractSummary:
        """The contract's clear facts and state, without decrypting its data."""
        with self._uow(scope) as uow:
            return summary_of(self._load(uow.session, contract_id))

    def get(self, scope: Scope, contract_id: str) -> ContractDetail:
        with self._uow(scope) as uow:
            row = self._load(uow.session, contract_id)
            return ContractDetail(summary_of(row), self._read_data(row))

    def list_contracts(
        self,
        scope: Scope,
        *,
        state: State | None = None,
        number_prefix: str | None = None,
        worker_id: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Page:
        """Contracts the scope may see, newest first; only clear columns are read."""
        if not 1 <= limit <= MAX_PAGE or offset < 0:
            raise InvalidInput(
                Text(f"每页 1–{MAX_PAGE} 条", f"limit must be 1–{MAX_PAGE}, offset ≥ 0"),
                field="limit",
            )
        query = select(ContractRow)
        if state is not None:
            query = query.where(ContractRow.state == state.value)
        if number_prefix:
            escaped = number_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            query = query.where(ContractRow.number.like(escaped + "%", escape="\\"))
        if worker_id is not None:
            query = query.where(ContractRow.worker_id == worker_id)
        with self._uow(scope) as uow:
            s = uow.session
            total = s.scalar(select(func.count()).select_from(query.subquery())) or 0
            rows = s.scalars(
                query.order_by(ContractRow.created_at.desc(), ContractRow.id)
                .limit(limit)
                .offset(offset)
            ).all()
            return Page([summary_of(r) for r in rows], total, limit, offset)

    # ---- internals ------------------------------------------------------------------------

    def _advance(
        self,
        scope: Scope,
        contract_id: str,
        command: lc.Command,
        now: datetime,
        change: _Change,
    ) -> ContractSummary:
        """One transition in one transaction: state, evidence event, outbox message."""
        with self._uow(scope) as uow:
            s = uow.session
            row = self._load(s, contract_id)
            outcome = lc.apply(status_of(row), command, by=_party(scope), at=now)
            write_status(row, outcome.status, now)
            if change.edit is not None:
                change.edit(row)
            self._event(
                s,
                row,
                outcome.event,
                self._actor(scope, row),
                now,
                change.artifacts,
                change.extra,
            )
            if change.notify is not None:
                self._notify(s, row, change.notify, now)
            self._flush(s)
            uow.commit()
            return summary_of(row)

    def _record_revision(
        self,
        scope: Scope,
        contract_id: str,
        new_pdf: bytes,
        command_type: type[lc.SignWorker | lc.SignEmployer | lc.Complete],
        kind: DocumentKind,
        role: pades.Role | None,
        now: datetime,
        expected_version: int | None,
        authorise: Callable[[Session], None] | None = None,
    ) -> ContractSummary:
        with self._uow(scope) as uow:
            s = uow.session
            row = self._load(s, contract_id, expected_version)
            current = self._documents().get(row.org_id, row.document_sha256)
            event = self._revise(
                scope,
                row,
                current,
                new_pdf,
                command_type,
                role,
                now,
                (lambda: authorise(s)) if authorise is not None else None,
            )
            self._put_document(s, row, new_pdf, kind, now)
            self._append(s, event)
            self._notify(s, row, _revised_message(row), now)
            self._flush(s)
            uow.commit()
            return summary_of(row)

    def _revise(
        self,
        scope: Scope,
        row: ContractRow,
        current: bytes,
        new_pdf: bytes,
        command_type: type[lc.SignWorker | lc.SignEmployer | lc.Complete],
        role: pades.Role | None,
        now: datetime,
        authorise: Callable[[], None] | None = None,
    ) -> Event:
        """Check a new revision of `row` (whose current document is `current`) and apply
        it to the row; returns the event to log. Stores nothing."""
        command = command_type(row.document_sha256, sha256_hex(new_pdf))
        # The state machine first: a refused step touches neither store nor database.
        outcome = lc.apply(status_of(row), command, by=_party(scope), at=now)
        if authorise is not None:
            authorise()
        if len(new_pdf) <= len(current) or not new_pdf.startswith(current):
            raise InvalidInput(
                Text(
                    "新文档不是当前版本的增量更新（签署所基于的文档不对）",
                    "the new document is not an incremental update of the current revision",
                ),
                field="pdf",
            )
        artifacts, extra = revision_artifacts(new_pdf)
        if role is not None:
            field, certificate = last_signature(new_pdf)
            if field != pades.field_name(role):
                raise InvalidInput(
                    Text("最后一个签名不是该方的签名", f"the last signature is not the {role}'s"),
                    field="pdf",
                )
            artifacts[CERTIFICATE] = sha256_hex(certificate)
            extra.update({"method": "pades-b-lt", "field": field})
        else:
            artifacts = {CONTRACT_PDF: sha256_hex(new_pdf)}
            extra = {"completion": "document-timestamp"}
        write_status(row, outcome.status, now)
        if outcome.status.state is State.EFFECTIVE:
            row.completed_at = now
        return Event(outcome.event, row.id, self._actor(scope, row), now, artifacts, extra)

    def record_employer_signatures(
        self,
        scope: Scope,
        signed: Sequence[tuple[str, int, bytes]],
        *,
        now: datetime,
        within: Callable[[Session], None] | None = None,
    ) -> list[ContractSummary]:
        """`record_employer_signature` for many (contract id, version read, signed PDF) in
        one transaction with one evidence append: a bulk import's sealing pass. Any refusal
        refuses the whole batch, which then stays as it was. `within` runs in the
        transaction before the commit (the caller's bookkeeping)."""
        _require_role(scope, SIGNERS)
        if scope.kind is not ScopeKind.EMPLOYER or scope.org_id is None:
            raise PermissionDenied(Text("只有用人单位可以盖章", "only employers seal contracts"))
        org_id = scope.org_id
        with self._uow(scope) as uow:
            s = uow.session
            rows = {
                r.id: r
                for r in s.scalars(
                    select(ContractRow).where(ContractRow.id.in_(sorted({c for c, _, _ in signed})))
                )
            }
            events: list[Event] = []
            for contract_id, version, pdf in signed:
                row = self._load(s, contract_id, version)  # from the identity map: held above
                current = self._documents().get(row.org_id, row.document_sha256)
                events.append(
                    self._revise(
                        scope, row, current, pdf, lc.SignEmployer, pades.Role.EMPLOYER, now
                    )
                )
            refs = self._documents().put_many(org_id, [(pdf, PDF) for _, _, pdf in signed])
            for (contract_id, _, _), ref in zip(signed, refs, strict=True):
                s.add(_document_row(rows[contract_id], ref, DocumentKind.EMPLOYER_SIGNED, now))
            self._flush(s)
            append_events_of_contracts(s, self._log, events)
            outbox.add_many(
                s, [self._message(rows[c], _revised_message(rows[c])) for c, _, _ in signed], now
            )
            if within is not None:
                within(s)
            self._flush(s)
            uow.commit()
            return [summary_of(rows[c]) for c, _, _ in signed]

    def _load(
        self, session: Session, contract_id: str, expected_version: int | None = None
    ) -> ContractRow:
        row = session.get(ContractRow, contract_id)
        if row is None:
            raise NotFound(Text("合同不存在", "no such contract"), field="contract_id")
        if expected_version is not None and row.version != expected_version:
            raise _concurrent()
        return row

    def _flush(self, session: Session) -> None:
        try:
            session.flush()
        except StaleDataError as exc:
            raise _concurrent() from exc
        except IntegrityError as exc:
            raise Conflict(
                Text("与已有数据冲突（合同编号重复？）", "conflicts with existing data"),
            ) from exc

    def _employer_scope(self, scope: Scope) -> str:
        if scope.kind is not ScopeKind.EMPLOYER or scope.org_id is None:
            raise PermissionDenied(
                Text("只有用人单位可以起草合同", "only employers draft contracts")
            )
        _require_role(scope, DRAFTERS)
        return scope.org_id

    def _check_number(self, session: Session, number: str, own_id: str | None = None) -> None:
        """Contract numbers are unique per organisation (the scope sees only its own)."""
        query = select(ContractRow.id).where(ContractRow.number == number)
        if own_id is not None:
            query = query.where(ContractRow.id != own_id)
        if session.scalar(query):
            raise _number_taken(number)

    def _check_employer(self, session: Session, org_id: str, data: Contract) -> None:
        _match_employer(session.get(OrganisationRow, org_id), data)

    def _check_worker(self, session: Session, worker_id: str | None, data: Contract) -> None:
        if worker_id is not None:
            _match_worker(session.get(WorkerRow, worker_id), self._privacy(), data)

    def _check_rules(self, session: Session, data: Contract, now: datetime) -> list[Finding]:
        return check(data, self._rule_context(session, now, [data]))

    def _rule_context(
        self, session: Session, now: datetime, contracts: Sequence[Contract]
    ) -> RuleContext:
        """The rules' outside data for `contracts`, each asked for once (several rules ask
        for the same earlier contracts and minimum wage)."""
        earlier = RememberedEarlierContracts(SqlEarlierContracts(session, self._privacy()))
        earlier.preload(contracts)
        wages = self._minimum_wages
        return RuleContext(
            today=now.astimezone(CHINA).date(),
            minimum_wages=RememberedMinimumWages(wages) if wages is not None else None,
            earlier_contracts=earlier,
        )

    def _render(self, data: Contract) -> bytes:
        """The draft's PDF with both parties' empty signature fields: the document the
        worker reads, confirms and signs (every later revision extends it)."""
        rendered: RenderedContract = self._renderer().render(data)
        return pades.prepare_fields(rendered.pdf, rendered.boxes)

    def _write_data(self, row: ContractRow, data: Contract) -> None:
        row.template, row.number = data.template.value, data.number
        row.data = self._privacy().encrypt(data.model_dump_json(), DATA_PURPOSE, context=row.id)
        row.employer_credit_code = data.employer.credit_code
        row.worker_index = worker_index(self._privacy(), data.worker.id_number)
        row.position = data.job.position
        row.term_type = data.term.type.value
        row.term_start, row.term_end = data.term.start_date, data.term.end_date
        row.probation_end = data.term.probation_end

    def _read_data(self, row: ContractRow) -> Contract:
        plain = self._privacy().decrypt(row.data, DATA_PURPOSE, context=row.id)
        return Contract.model_validate_json(plain)

    def _draft_artifacts(self, data: Contract, pdf: bytes) -> dict[str, str]:
        canonical = json.dumps(
            data.model_dump(mode="json"), ensure_ascii=False, sort_keys=True, separators=(",", ":")
        )
        return {DRAFT_PDF: sha256_hex(pdf), CONTRACT_JSON: sha256_hex(canonical.encode())}

    def _put_document(
        self, session: Session, row: ContractRow, pdf: bytes, kind: DocumentKind, now: datetime
    ) -> None:
        ref = self._documents().put(row.org_id, pdf, PDF)
        session.add(_document_row(row, ref, kind, now))

    def _actor(self, scope: Scope, row: ContractRow) -> str:
        """The pseudonym of whoever acts: a staff account, the worker, or the platform."""
        if scope.kind is ScopeKind.WORKER and row.worker_id is not None:
            return pseudonym(self._secret, "worker", row.worker_id)
        if scope.kind is ScopeKind.EMPLOYER:
            return pseudonym(self._secret, "staff", scope.actor)
        return "platform"

    def _event(
        self,
        session: Session,
        row: ContractRow,
        event_type: EventType,
        actor: str,
        at: datetime,
        artifacts: dict[str, str],
        extra: dict[str, ExtraValue],
    ) -> None:
        self._append(session, Event(event_type, row.id, actor, at, artifacts, extra))

    def _append(self, session: Session, event: Event) -> None:
        # The contract row first, so that a concurrent change surfaces as a Conflict here
        # rather than from the autoflush of the log's own statements.
        self._flush(session)
        append_contract_events(session, self._log, [event])

    def _notify(self, session: Session, row: ContractRow, kind: str, now: datetime) -> None:
        """A domain message for the notification handlers (ids only, no personal data)."""
        outbox.add_many(session, [self._message(row, kind)], now)

    def _message(self, row: ContractRow, kind: str) -> outbox.Message:
        payload = {
            "contract": row.id,
            "org": row.org_id,
            "worker": row.worker_id,
            "state": row.state,
            "revision": row.revision,
        }
        return outbox.Message(kind, payload, f"{kind}:{row.id}:{row.revision}")


def _match_employer(org: OrganisationRow | None, data: Contract) -> None:
    if org is None:
        raise NotFound(Text("用人单位不存在", "no such organisation"))
    if org.credit_code != data.employer.credit_code:
        raise InvalidInput(
            Text(
                "合同甲方的统一社会信用代码与本单位不一致",
                "the employer's credit code in the contract is not this organisation's",
            ),
            field="employer.credit_code",
        )


def _match_worker(worker: WorkerRow | None, privacy: Privacy, data: Contract) -> None:
    if worker is None:
        raise NotFound(Text("劳动者不存在", "no such worker"), field="worker_id")
    if worker.id_number_index != worker_index(privacy, data.worker.id_number):
        raise InvalidInput(
            Text(
                "合同乙方的证件号码与所选劳动者不一致",
                "the worker's ID number in the contract is not the chosen worker's",
            ),
            field="worker.id_number",
        )


def _number_taken(number: str) -> Conflict:
    return Conflict(
        Text(f"合同编号 {number} 已存在", f"contract number {number} exists"), field="number"
    )


def _document_row(
    row: ContractRow, ref: DocumentRef, kind: DocumentKind, now: datetime
) -> ContractDocumentRow:
    return ContractDocumentRow(
        id=str(uuid.uuid4()),
        contract_id=row.id,
        org_id=row.org_id,
        worker_id=row.worker_id,
        revision=row.revision,
        kind=kind.value,
        sha256=ref.sha256,
        size=ref.size,
        created_at=now,
    )


_EXPIRING = [
    t for order in SigningOrder for t in lc.transitions(order) if t.action is lc.Action.EXPIRE
]


def _revised_message(row: ContractRow) -> str:
    """The outbox kind that announces a new revision in the state it left the contract."""
    if row.state == State.EFFECTIVE.value:
        return "contract.effective"
    if status_of(row).both_signed:
        return "contract.signed"
    return "contract.awaiting-signature"


def _concurrent() -> Conflict:
    return Conflict(
        Text(
            "合同已被他人同时修改，请刷新后重试",
            "the contract was changed concurrently; reload and try again",
        )
    )
