"""Outbox handlers of the contracts domain, for the relay's wiring to merge.

`contract.signed` is written when both parties have signed; its handler applies the
completing document timestamp, so a contract never stays "both signed" silently: a TSA
that is down fails the attempt, and the relay retries it with backoff until it succeeds.
Handling the same message twice is harmless (an effective contract is left as it is).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from laborsign.contracts.lifecycle import State
from laborsign.contracts.service import ContractService
from laborsign.db.tenancy import Scope
from laborsign.notify.outbox_relay import Handler, OutboxMessage

if TYPE_CHECKING:
    from laborsign.bootstrap import Container

SIGNED = "contract.signed"


def completion_handler(service: ContractService, seal: Callable[[bytes], bytes]) -> Handler:
    """Complete a contract both parties signed; `seal` adds the document timestamp."""

    def handle(_session: Session, message: OutboxMessage) -> None:
        contract_id = str(message.payload["contract"])
        if service.summary(Scope.system(), contract_id).state is State.EFFECTIVE:
            return  # handled before; the relay had not yet marked the message
        service.apply_signature(Scope.system(), contract_id, seal, now=message.at)

    return handle


def contract_handlers(container: Container) -> dict[str, Handler]:
    return {SIGNED: completion_handler(container.contracts, container.signing.complete)}
