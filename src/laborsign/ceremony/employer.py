"""The employer's signature: an authorised signer confirms with a TOTP code, the contract is
signed with the organisation's certificate and seal; singly or many contracts in a batch
under one confirmation, each contract in its own transaction.

In the employer-first order the worker has confirmed his intent before the employer signs;
after the employer's signature he gets a new link to sign (his fresh confirmation).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from laborsign.ceremony.seals import Seals
from laborsign.contracts.lifecycle import STATE_NAMES, SigningOrder, State
from laborsign.contracts.records import ContractSummary
from laborsign.contracts.service import SIGNERS, ContractService
from laborsign.db.tenancy import Scope, ScopeKind
from laborsign.db.uow import UnitOfWork
from laborsign.errors import Conflict, InvalidInput, LaborSignError, NotFound, PermissionDenied
from laborsign.i18n import Text
from laborsign.parties.accounts import AccountService
from laborsign.parties.tables import OrganisationRow
from laborsign.signing.service import Organisation, SigningService

MAX_BATCH = 200


@dataclass(frozen=True, slots=True)
class BatchItem:
    contract_id: str
    ok: bool
    state: str | None = None
    error: str | None = None  # the problem's code
    message: Text | None = None


class EmployerSigning:
    def __init__(
        self,
        uow: Callable[..., UnitOfWork],
        contracts: ContractService,
        signing: SigningService,
        accounts: Callable[[], AccountService],
        seals: Seals,
        complete: Callable[[str, datetime], object],
        invite_worker: Callable[[str, datetime], object],
    ) -> None:
        self._uow = uow
        self._contracts = contracts
        self._signing = signing
        self._accounts = accounts
        self._seals = seals
        self._complete = complete
        self._invite_worker = invite_worker

    def confirm(self, scope: Scope, totp_code: str, now: datetime, source: str | None) -> None:
        """The signer's confirmation: his role, then his TOTP code (single use)."""
        if scope.kind is not ScopeKind.EMPLOYER or not scope.has_role(SIGNERS):
            raise PermissionDenied(
                Text("只有授权签署人可以签署", "only an authorised signer may sign")
            )
        self._accounts().verify_totp(scope.actor, totp_code, now, source)

    def sign(
        self, scope: Scope, contract_id: str, totp_code: str, now: datetime, source: str | None
    ) -> ContractSummary:
        self._contracts.summary(scope, contract_id)  # not found before the code is spent
        self.confirm(scope, totp_code, now, source)
        return self.sign_confirmed(scope, contract_id, now)

    def sign_batch(
        self,
        scope: Scope,
        contract_ids: Sequence[str],
        totp_code: str,
        now: datetime,
        source: str | None,
    ) -> list[BatchItem]:
        """One confirmation for all; one transaction per contract, so that a failure leaves
        the others signed."""
        ids = list(dict.fromkeys(contract_ids))
        if not 1 <= len(ids) <= MAX_BATCH:
            raise InvalidInput(
                Text(f"一次签署 1–{MAX_BATCH} 份合同", f"sign 1–{MAX_BATCH} contracts at a time"),
                field="contract_ids",
            )
        self.confirm(scope, totp_code, now, source)
        results = []
        for contract_id in ids:
            try:
                summary = self.sign_confirmed(scope, contract_id, now)
            except LaborSignError as exc:
                results.append(BatchItem(contract_id, False, error=exc.code, message=exc.message))
                continue
            results.append(BatchItem(contract_id, True, state=summary.state.value))
        return results

    def sign_confirmed(self, scope: Scope, contract_id: str, now: datetime) -> ContractSummary:
        with self._uow(scope) as uow:
            org = uow.session.get(OrganisationRow, scope.org_id)
            if org is None:
                raise NotFound(Text("用人单位不存在", "no such organisation"))
            organisation = Organisation(org.name, org.credit_code)
            org_id = org.id
        current = self._contracts.summary(scope, contract_id)
        turn = (
            State.WORKER_SIGNED
            if current.signing_order is SigningOrder.WORKER_FIRST
            else State.INTENT_CONFIRMED
        )
        if current.state is not turn:
            # Refused before the (costly) signature: not the employer's turn.
            raise Conflict(
                Text(
                    f"合同处于“{STATE_NAMES[current.state].zh}”状态，现在不能由用人单位签署",
                    f"a contract in state {current.state.value} cannot be signed by the "
                    "employer now",
                )
            )
        seal = self._seals.image(org_id, organisation.name)
        summary = self._contracts.apply_signature(
            scope,
            contract_id,
            lambda pdf: self._signing.sign_as_employer(pdf, organisation, seal=seal),
            now=now,
        )
        if summary.signing_order is SigningOrder.WORKER_FIRST:
            self._complete(contract_id, now)
            return self._contracts.summary(scope, contract_id)
        if summary.state is State.EMPLOYER_SIGNED:
            self._invite_worker(contract_id, now)  # his turn now
        return summary
