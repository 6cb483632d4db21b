"""Reminders to the party that has not signed yet, and expiry past the signing deadline.

A reminder goes at most once per interval (`ceremony_reminder_hours`) per contract and
party: the outbox key names the interval's slot, so a job that runs twice in one slot adds
nothing. Each reminder is an evidence event (`contract.reminded`). The worker's reminder
carries a new link (the old one may be used already); the employer's goes to its systems as
the webhook event `contract.awaiting-signature`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select

from laborsign.ceremony.common import parties_of, record_event, system_scope, text_to_worker
from laborsign.ceremony.common import worker_subject as _subject
from laborsign.contracts.lifecycle import SigningOrder, State
from laborsign.contracts.tables import ContractRow
from laborsign.db.uow import UnitOfWork
from laborsign.evidence.events import EventType
from laborsign.evidence.log import EvidenceLog
from laborsign.identity.links import CeremonyLinks
from laborsign.notify import outbox
from laborsign.notify.delivery import Sealer
from laborsign.notify.messages import MessageKind
from laborsign.notify.outbox_tables import OutboxMessageRow

WORKER_TURN = (State.SENT, State.NOTICE_ACKNOWLEDGED, State.IDENTITY_VERIFIED)


def waiting_party(state: State, order: SigningOrder) -> str | None:
    """Whose turn it is in a contract that awaits a signature, or None."""
    if state in WORKER_TURN:
        return "worker"
    if state is State.INTENT_CONFIRMED:
        return "worker" if order is SigningOrder.WORKER_FIRST else "employer"
    if state is State.WORKER_SIGNED and order is SigningOrder.WORKER_FIRST:
        return "employer"
    if state is State.EMPLOYER_SIGNED and order is SigningOrder.EMPLOYER_FIRST:
        return "worker"
    return None


class Reminders:
    def __init__(
        self,
        uow: Callable[..., UnitOfWork],
        links: CeremonyLinks,
        sealer: Sealer,
        log: EvidenceLog,
        secret: bytes,
        link_url: Callable[[str], str],
        interval: timedelta,
    ) -> None:
        self._uow = uow
        self._links = links
        self._sealer = sealer
        self._log = log
        self._secret = secret
        self._link_url = link_url
        self._interval = interval

    def send_due(self, now: datetime) -> list[tuple[str, str]]:
        """Remind each unsigned party of each open contract once per interval; returns
        (contract, party) of the reminders sent by this call."""
        slot = int(now.timestamp() // self._interval.total_seconds())
        with self._uow(system_scope()) as uow:
            rows = uow.session.execute(
                select(ContractRow.id, ContractRow.state, ContractRow.signing_order).where(
                    ContractRow.state.in_(
                        [s.value for s in (*WORKER_TURN, State.INTENT_CONFIRMED)]
                        + [State.WORKER_SIGNED.value, State.EMPLOYER_SIGNED.value]
                    )
                )
            ).all()
        sent = []
        for contract_id, state, order in rows:
            party = waiting_party(State(state), SigningOrder(order))
            if party is not None and self._remind(contract_id, party, slot, now):
                sent.append((contract_id, party))
        return sent

    def remind(self, contract_id: str, now: datetime) -> str | None:
        """Remind the party whose turn it is in one contract (HR asking for it), within the
        same once-per-interval limit as the job; the party reminded, or None when nobody is
        waiting or the party was reminded in this interval already. The caller has checked
        that the contract is one it may see (this reads it in the system scope)."""
        slot = int(now.timestamp() // self._interval.total_seconds())
        with self._uow(system_scope()) as uow:
            row = uow.session.get(ContractRow, contract_id)
            waiting = (
                waiting_party(State(row.state), SigningOrder(row.signing_order))
                if row is not None
                else None
            )
        if waiting is None or not self._remind(contract_id, waiting, slot, now):
            return None
        return waiting

    def _remind(self, contract_id: str, party: str, slot: int, now: datetime) -> bool:
        key = f"reminder:{contract_id}:{party}:{slot}"
        with self._uow(system_scope()) as uow:
            s = uow.session
            if s.scalar(select(OutboxMessageRow.id).where(OutboxMessageRow.dedup_key == key)):
                return False  # already reminded in this slot
            parties = parties_of(s, contract_id)
            row = s.get(ContractRow, contract_id)
            assert row is not None  # noqa: S101 - parties_of found it
            expires = row.expires_at.strftime("%Y-%m-%d %H:%M UTC") if row.expires_at else "-"
            if party == "worker":
                issued = self._links.issue(
                    s, contract_id, _subject(self._secret, parties.worker_id), now
                )
                if not text_to_worker(
                    s,
                    self._sealer,
                    parties,
                    MessageKind.REMINDER,
                    {
                        "employer": parties.employer_name,
                        "link": self._link_url(issued.token),
                        "expires": expires,
                    },
                    key=key,
                    now=now,
                ):
                    return False
            else:
                outbox.add(
                    s,
                    "webhook.event",
                    {
                        "org_id": parties.org_id,
                        "event_type": "contract.awaiting-signature",
                        "occurred_at": now.isoformat(),
                        "data": {"contract": contract_id, "number": parties.number},
                    },
                    key=key,
                    now=now,
                )
            record_event(
                s,
                self._log,
                EventType.REMINDED,
                contract_id,
                "platform",
                now,
                extra={"party": party},
            )
            uow.commit()
        return True
