"""Outbox handlers that tell the worker (and HR) what the contract service did.

The contract service writes a domain message (ids only) in the transaction of each
transition; the relay hands it here after the commit:

* `contract.sent`, and `contract.awaiting-signature` when it is the worker's turn (the
  employer signed first): a new signing link by SMS (`WorkerCeremony.invite`);
* `contract.effective`: the worker's SMS with the link to his contracts (the same keyed
  message `Completion.notify` writes, so a contract completed in the request is not
  announced twice); HR's systems hear of it by the webhook event `contract.completed`;
* `contract.declined`, `contract.voided`, `contract.expired`: an SMS to the worker and an
  e-mail to the organisation's HR address when the settings name one
  (`watch_alert_emails`: organisation id → address, "*" for every other organisation).

Delivery is at least once, so each handler is idempotent per message: the texts are keyed
by contract and kind, and an invitation is skipped when a link for the contract was issued
at or after the message was written (a retry, or the employer's signing that already
invited the worker in the same request).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from laborsign.ceremony.common import parties_of, system_scope, text_to_worker
from laborsign.contracts.lifecycle import State
from laborsign.contracts.service import ContractService
from laborsign.contracts.tables import ContractRow
from laborsign.db.uow import UnitOfWork
from laborsign.identity.tables import CeremonyLinkRow
from laborsign.notify import outbox
from laborsign.notify.delivery import Sealer, email_payload
from laborsign.notify.messages import MessageKind
from laborsign.notify.outbox_relay import Handler, OutboxMessage
from laborsign.notify.outbox_tables import OutboxMessageRow

if TYPE_CHECKING:
    from laborsign.bootstrap import Container

SENT = "contract.sent"
AWAITING = "contract.awaiting-signature"
EFFECTIVE = "contract.effective"
DECLINED = "contract.declined"
VOIDED = "contract.voided"
EXPIRED = "contract.expired"

# The state in which each invitation kind finds the contract when the worker is to act.
_WORKER_TURN = {SENT: State.SENT, AWAITING: State.EMPLOYER_SIGNED}
_ENDINGS = {
    DECLINED: MessageKind.DECLINED,
    VOIDED: MessageKind.VOIDED,
    EXPIRED: MessageKind.EXPIRED,
}

Invite = Callable[[str, datetime], object]


def _contract_of(message: OutboxMessage) -> str:
    return str(message.payload["contract"])


def _invited_since(session: Session, contract_id: str, message_id: str) -> bool:
    """Whether a link for the contract was issued at or after the message was written."""
    written = (
        select(OutboxMessageRow.created_at)
        .where(OutboxMessageRow.id == message_id)
        .scalar_subquery()
    )
    found = session.scalar(
        select(CeremonyLinkRow.id)
        .where(CeremonyLinkRow.contract_id == contract_id, CeremonyLinkRow.created_at >= written)
        .limit(1)
    )
    return found is not None


def invitation_handler(contracts: Callable[[], ContractService], invite: Invite) -> Handler:
    """Send the worker his link when the contract waits for him."""

    def handle(session: Session, message: OutboxMessage) -> None:
        contract_id = _contract_of(message)
        state = contracts().summary(system_scope(), contract_id).state
        if state is not _WORKER_TURN[message.kind]:
            # Not (or no longer) his turn: the employer signs next, or the contract moved
            # on (declined, voided, signed) before the relay came to this message.
            return
        if _invited_since(session, contract_id, message.id):
            return
        invite(contract_id, message.at)

    return handle


def hr_address(addresses: Mapping[str, str], org_id: str) -> str | None:
    return addresses.get(org_id) or addresses.get("*") or None


def ending_handler(
    uow: Callable[..., UnitOfWork], sealer: Sealer, addresses: Mapping[str, str]
) -> Handler:
    """Declined, voided or expired: the worker by SMS, HR by e-mail where configured."""

    def handle(_session: Session, message: OutboxMessage) -> None:
        contract_id = _contract_of(message)
        kind = _ENDINGS[message.kind]
        # The relay's session has no tenant scope; the contract is read in the system's.
        # The texts are keyed, so a second run of this transaction adds nothing.
        with uow(system_scope()) as work:
            s = work.session
            parties = parties_of(s, contract_id)
            params = {"employer": parties.employer_name}
            row = s.get(ContractRow, contract_id)
            # A draft voided before it was sent was never announced to the worker.
            if row is not None and row.sent_at is not None:
                text_to_worker(
                    s,
                    sealer,
                    parties,
                    kind,
                    params,
                    key=f"{message.kind}:sms:{contract_id}",
                    now=message.at,
                )
            address = hr_address(addresses, parties.org_id)
            if address:
                outbox.add(
                    s,
                    "email",
                    email_payload(sealer, address, kind, params),
                    key=f"{message.kind}:email:{contract_id}",
                    now=message.at,
                )
            work.commit()

    return handle


def effective_handler(notify: Callable[[str, datetime], None]) -> Handler:
    def handle(_session: Session, message: OutboxMessage) -> None:
        notify(_contract_of(message), message.at)

    return handle


def ceremony_handlers(container: Container) -> dict[str, Handler]:
    """The handlers above by outbox kind, for the relay's wiring to merge. The ceremony's
    services are looked up at the first message, not when the relay is built."""

    def invite(contract_id: str, at: datetime) -> object:
        return container.ceremony.worker.invite(contract_id, at)

    def notify(contract_id: str, at: datetime) -> None:
        container.ceremony.completion.notify(contract_id, at)

    invitation = invitation_handler(lambda: container.contracts, invite)
    ending = ending_handler(container.uow, container.privacy, container.settings.watch_alert_emails)
    return {
        SENT: invitation,
        AWAITING: invitation,
        EFFECTIVE: effective_handler(notify),
        DECLINED: ending,
        VOIDED: ending,
        EXPIRED: ending,
    }
