"""Completion (guideline Art. 9–10): once both parties signed, the document timestamp makes
the contract PAdES B-LTA and effective; the worker is told by SMS where to find it, and the
employer's HR system by the webhook event `contract.completed`.

A TSA that does not answer leaves the contract "both signed": the outbox message
`contract.signed` that the contract service wrote is handled by the relay
(`contracts.outbox_handlers`), which retries until the timestamp is applied. Notifications
are keyed by contract, so completing twice never notifies twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from laborsign.ceremony.common import parties_of, system_scope, text_to_worker
from laborsign.contracts.lifecycle import State
from laborsign.contracts.records import ContractSummary
from laborsign.contracts.service import ContractService
from laborsign.db.uow import UnitOfWork
from laborsign.errors import ServiceUnavailable
from laborsign.notify import outbox
from laborsign.notify.delivery import Sealer
from laborsign.notify.messages import MessageKind
from laborsign.signing.service import SigningService

COMPLETED_EVENT = "contract.completed"


class Completion:
    def __init__(
        self,
        uow: Callable[..., UnitOfWork],
        contracts: ContractService,
        signing: SigningService,
        sealer: Sealer,
        base_url: str,
    ) -> None:
        self._uow = uow
        self._contracts = contracts
        self._signing = signing
        self._sealer = sealer
        self._base_url = base_url

    def complete(self, contract_id: str, now: datetime) -> ContractSummary | None:
        """Timestamp and notify; None when the TSA failed (the relay completes it later)."""
        scope = system_scope()
        summary = self._contracts.summary(scope, contract_id)
        if summary.state is not State.EFFECTIVE:
            try:
                summary = self._contracts.apply_signature(
                    scope, contract_id, self._signing.complete, now=now
                )
            except ServiceUnavailable:
                return None
        self.notify(contract_id, now)
        return summary

    def notify(self, contract_id: str, now: datetime) -> None:
        """Both parties, each by its channel: the worker by SMS with the link to his
        contracts, the employer's systems by webhook."""
        with self._uow(system_scope()) as uow:
            s = uow.session
            parties = parties_of(s, contract_id)
            text_to_worker(
                s,
                self._sealer,
                parties,
                MessageKind.COMPLETION,
                {"employer": parties.employer_name, "link": f"{self._base_url}/me"},
                key=f"completed-sms:{contract_id}",
                now=now,
            )
            outbox.add(
                s,
                "webhook.event",
                {
                    "org_id": parties.org_id,
                    "event_type": COMPLETED_EVENT,
                    "occurred_at": now.isoformat(),
                    "data": {"contract": contract_id, "number": parties.number},
                },
                key=f"webhook:{COMPLETED_EVENT}:{contract_id}",
                now=now,
            )
            uow.commit()
