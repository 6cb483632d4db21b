"""Access audit: each read of a contract through the API is an evidence event.

Views are `contract.viewed`, which the package verifier lets happen at any point of a
signing. A download is `contract.downloaded` once the contract is effective; before that
it is recorded as a view of kind "pdf" or "evidence", because a download event is a step
after the effective contract in the order the package verifier checks.

An access is written to the pending table and integrated into the log shortly after
(laborsign.evidence.pending): reads never wait for the log's append lock, and the access
is durable once the request has recorded it. `read_contract` inserts it in the very
transaction that read the contract, so a read that answered is a read on record (and costs
one transaction, not two); `record_access` is for reads that end outside the database
(documents from the store), in a short transaction of its own.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from sqlalchemy.orm import Session

from laborsign.contracts.model import Contract
from laborsign.contracts.records import ContractSummary, summary_of
from laborsign.contracts.service import DATA_PURPOSE
from laborsign.contracts.tables import ContractRow
from laborsign.errors import NotFound
from laborsign.evidence.events import Event, EventType, pseudonym
from laborsign.evidence.pending import Integrator, add_pending
from laborsign.i18n import Text
from laborsign.jobs.after_commit import call_after_commit

if TYPE_CHECKING:
    from laborsign.bootstrap import Container
    from laborsign.web.auth import Principal


class AccessKind(StrEnum):
    SUMMARY = "summary"
    DATA = "data"
    VERIFICATION = "verification"
    PDF = "pdf"
    EVIDENCE = "evidence"


DOWNLOADS = frozenset({AccessKind.PDF, AccessKind.EVIDENCE})


def access_event(
    secret: bytes, principal: Principal, summary: ContractSummary, kind: AccessKind, at: datetime
) -> Event:
    """The event for one access: who (a pseudonym and the kind of caller), what, when."""
    download = kind in DOWNLOADS and summary.completed_at is not None
    return Event(
        EventType.DOWNLOADED if download else EventType.VIEWED,
        summary.id,
        pseudonym(secret, principal.kind, principal.id),
        at,
        {},
        {"access": kind.value, "caller": principal.kind, "revision": summary.revision},
    )


_integrators: WeakKeyDictionary[Container, Integrator] = WeakKeyDictionary()


def integrator(container: Container) -> Integrator:
    """The process's integrator for this container's database (one per container)."""
    found = _integrators.get(container)
    if found is None:
        found = _integrators.setdefault(
            container, Integrator(container.uow, container.evidence.log)
        )
    return found


def _add(
    session: Session,
    container: Container,
    principal: Principal,
    summary: ContractSummary,
    kind: AccessKind,
    at: datetime,
) -> None:
    add_pending(session, access_event(container.secret_key, principal, summary, kind, at))
    if container.settings.evidence_integrate_after_commit:
        call_after_commit(session, integrator(container).poke_soon)


def record_access(
    container: Container,
    principal: Principal,
    summary: ContractSummary,
    kind: AccessKind,
    at: datetime,
) -> None:
    with container.uow(principal.scope) as uow:
        _add(uow.session, container, principal, summary, kind, at)
        uow.commit()


def read_contract(
    container: Container, principal: Principal, contract_id: str, at: datetime, *, data: bool
) -> tuple[ContractSummary, Contract | None]:
    """The contract's summary (and with `data`, its decrypted data) under the caller's scope,
    with the access recorded in the same transaction: if the record cannot be committed,
    the caller gets nothing."""
    with container.uow(principal.scope) as uow:
        row = uow.session.get(ContractRow, contract_id)
        if row is None:
            raise NotFound(Text("合同不存在", "no such contract"), field="contract_id")
        summary = summary_of(row)
        contract = None
        if data:
            plain = container.privacy.decrypt(row.data, DATA_PURPOSE, context=row.id)
            contract = Contract.model_validate_json(plain)
        kind = AccessKind.DATA if data else AccessKind.SUMMARY
        _add(uow.session, container, principal, summary, kind, at)
        uow.commit()
    return summary, contract
