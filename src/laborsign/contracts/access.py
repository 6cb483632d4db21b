"""Access audit: each read of a contract through the API is an evidence event.

Views are `contract.viewed`, which the package verifier lets happen at any point of a
signing. A download is `contract.downloaded` once the contract is effective; before that
it is recorded as a view of kind "pdf" or "evidence", because a download event is a step
after the effective contract in the order the package verifier checks.

An access is written to the pending table in its own short transaction and integrated
into the log shortly after (laborsign.evidence.pending): reads never wait for the log's
append lock, and the access is durable once the request has recorded it.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from laborsign.contracts.records import ContractSummary
from laborsign.evidence.events import Event, EventType, pseudonym
from laborsign.evidence.pending import Integrator, add_pending
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


def record_access(
    container: Container,
    principal: Principal,
    summary: ContractSummary,
    kind: AccessKind,
    at: datetime,
) -> None:
    event = access_event(container.secret_key, principal, summary, kind, at)
    with container.uow(principal.scope) as uow:
        add_pending(uow.session, event)
        call_after_commit(uow.session, integrator(container).poke)
        uow.commit()
