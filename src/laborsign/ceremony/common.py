"""What the ceremony's services share: who the worker of a contract is, evidence events
outside the state machine, and messages to the worker."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from laborsign.contracts.tables import ContractRow
from laborsign.db.tenancy import Scope
from laborsign.errors import Conflict, NotFound
from laborsign.evidence.events import Event, EventType, ExtraValue, pseudonym
from laborsign.evidence.log import EvidenceLog
from laborsign.evidence.sequence import append_contract_events
from laborsign.i18n import Text
from laborsign.notify import outbox
from laborsign.notify.delivery import Sealer, sms_payload
from laborsign.notify.messages import MessageKind
from laborsign.parties.tables import OrganisationRow, WorkerRow


@dataclass(frozen=True, slots=True)
class ContractParties:
    """The clear facts the ceremony needs about a contract and its two parties."""

    contract_id: str
    number: str
    org_id: str
    employer_name: str
    employer_credit_code: str
    worker_id: str
    worker_name: str
    worker_id_number: str
    worker_phone: str | None


def worker_subject(secret: bytes, worker_id: str) -> str:
    """The worker's pseudonym: links, codes, authorisations and events name him by it."""
    return pseudonym(secret, "worker", worker_id)


def parties_of(session: Session, contract_id: str) -> ContractParties:
    """Read in the system scope: callers have checked that their scope may act on it."""
    row = session.get(ContractRow, contract_id)
    if row is None:
        raise NotFound(Text("合同不存在", "no such contract"), field="contract_id")
    if row.worker_id is None:
        raise Conflict(Text("合同尚未指定劳动者", "the contract has no worker"))
    worker = session.get(WorkerRow, row.worker_id)
    org = session.get(OrganisationRow, row.org_id)
    if worker is None or org is None:  # pragma: no cover - foreign keys keep them
        raise NotFound(Text("合同当事人不存在", "a party of the contract is missing"))
    return ContractParties(
        contract_id=row.id,
        number=row.number,
        org_id=row.org_id,
        employer_name=org.name,
        employer_credit_code=org.credit_code,
        worker_id=worker.id,
        worker_name=worker.name,
        worker_id_number=worker.id_number,
        worker_phone=worker.phone,
    )


def record_event(
    session: Session,
    log: EvidenceLog,
    event_type: EventType,
    contract_id: str,
    actor: str,
    at: datetime,
    artifacts: Mapping[str, str] | None = None,
    extra: Mapping[str, ExtraValue] | None = None,
) -> None:
    """An event that is not a state transition (a view, a download, a paper copy...)."""
    event = Event(event_type, contract_id, actor, at, dict(artifacts or {}), dict(extra or {}))
    append_contract_events(session, log, [event])


def text_to_worker(
    session: Session,
    sealer: Sealer,
    parties: ContractParties,
    kind: MessageKind,
    params: Mapping[str, str],
    *,
    key: str,
    now: datetime,
) -> bool:
    """Queue an SMS to the worker's phone on record; False when he has none."""
    if not parties.worker_phone:
        return False
    payload = sms_payload(sealer, parties.worker_phone, kind, params)
    outbox.add(session, "sms", payload, key=key, now=now)
    return True


def system_scope() -> Scope:
    return Scope.system("ceremony")
