"""Authority access (guideline Art. 19): a labor-authority user reads a contract only after
entering a legal basis (case number and legal document). The basis is recorded as a grant
(parties domain); each read is an evidence event `contract.accessed_by_authority` carrying
the digest of the basis, which the worker sees in his contract's history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select

from laborsign.ceremony.common import record_event, system_scope
from laborsign.contracts.records import ContractDetail
from laborsign.contracts.service import ContractService
from laborsign.contracts.tables import ContractRow
from laborsign.db.tenancy import Scope, ScopeKind
from laborsign.db.uow import UnitOfWork
from laborsign.errors import NotFound, PermissionDenied
from laborsign.evidence.events import EventType, pseudonym
from laborsign.evidence.log import EvidenceLog
from laborsign.evidence.sequence import sha256_hex
from laborsign.i18n import Text
from laborsign.parties.tables import AuthorityGrantRow
from laborsign.parties.workers import WorkerService


def basis_digest(case_number: str, legal_document: str) -> str:
    return sha256_hex(f"{case_number.strip()}\n{legal_document.strip()}".encode())


@dataclass(frozen=True, slots=True)
class Access:
    grant: dict[str, object]
    contract_ids: list[str]


class AuthorityAccess:
    def __init__(
        self,
        uow: Callable[..., UnitOfWork],
        contracts: ContractService,
        workers: Callable[[], WorkerService],
        log: EvidenceLog,
        secret: bytes,
    ) -> None:
        self._uow = uow
        self._contracts = contracts
        self._workers = workers
        self._log = log
        self._secret = secret

    def open(
        self,
        scope: Scope,
        *,
        contract_id: str | None,
        worker_id: str | None,
        case_number: str,
        legal_document: str,
        now: datetime,
    ) -> Access:
        """Record the legal basis; returns the contracts it opens."""
        if contract_id is not None:
            with self._uow(system_scope()) as uow:
                if uow.session.get(ContractRow, contract_id) is None:
                    raise NotFound(Text("合同不存在", "no such contract"), field="contract_id")
        grant = self._workers().record_grant(
            scope,
            worker_id=worker_id,
            contract_id=contract_id,
            case_number=case_number,
            legal_document=legal_document,
            now=now,
        )
        with self._uow(system_scope()) as uow:
            query = select(ContractRow.id)
            if contract_id is not None:
                query = query.where(ContractRow.id == contract_id)
            else:
                query = query.where(ContractRow.worker_id == worker_id)
            ids = list(uow.session.scalars(query.order_by(ContractRow.created_at)))
        return Access(grant, ids)

    def read(self, scope: Scope, contract_id: str, now: datetime) -> tuple[ContractDetail, str]:
        """The contract, when a recorded basis covers it (the data layer checks that), and
        the access recorded with that basis's digest."""
        if scope.kind is not ScopeKind.AUTHORITY:
            raise PermissionDenied(Text("只有劳动行政部门可以调阅", "authorities only"))
        detail = self._contracts.get(scope, contract_id)
        with self._uow(system_scope()) as uow:
            s = uow.session
            grant = s.scalars(
                select(AuthorityGrantRow)
                .where(
                    AuthorityGrantRow.authority_user_id == scope.actor,
                    or_(
                        AuthorityGrantRow.contract_id == contract_id,
                        AuthorityGrantRow.worker_id == detail.summary.worker_id,
                    ),
                )
                .order_by(AuthorityGrantRow.created_at.desc())
            ).first()
            if grant is None:  # pragma: no cover - the data layer showed nothing then
                raise NotFound(Text("合同不存在", "no such contract"))
            digest = basis_digest(grant.case_number, grant.legal_document)
            record_event(
                s,
                self._log,
                EventType.AUTHORITY_ACCESSED,
                contract_id,
                pseudonym(self._secret, "authority", scope.actor),
                now,
                {"legal-basis.txt": digest},
                {"grant": str(grant.id)},
            )
            uow.commit()
        return detail, digest
