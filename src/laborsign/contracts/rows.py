"""A contract's row and its evidence events, inside the transaction of the service using them.

The lifecycle and retention services both change a contract and record why in the same
transaction; they differ only in who they name as the actor, which the caller passes in.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from laborsign.contracts.tables import ContractRow
from laborsign.errors import NotFound
from laborsign.evidence.events import Event, EventType, ExtraValue
from laborsign.evidence.log import EvidenceLog
from laborsign.evidence.sequence import append_contract_events
from laborsign.i18n import Text


def load_contract(session: Session, contract_id: str) -> ContractRow:
    row = session.get(ContractRow, contract_id)
    if row is None:
        raise NotFound(Text("合同不存在", "no such contract"), field="contract_id")
    return row


def append_contract_event(
    session: Session,
    log: EvidenceLog,
    row: ContractRow,
    event_type: EventType,
    actor: str,
    at: datetime,
    artifacts: dict[str, str],
    extra: dict[str, ExtraValue],
) -> None:
    # Flushed first: the event is sequenced after the row change it records.
    session.flush()
    append_contract_events(session, log, [Event(event_type, row.id, actor, at, artifacts, extra)])
