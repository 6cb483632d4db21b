"""Builds the ceremony's services from the container (composition root only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from laborsign.ceremony.authority import AuthorityAccess
from laborsign.ceremony.completion import Completion
from laborsign.ceremony.employer import EmployerSigning
from laborsign.ceremony.paper import PaperCopies
from laborsign.ceremony.reminders import Reminders
from laborsign.ceremony.retrieval import Retrieval
from laborsign.ceremony.seals import Seals
from laborsign.ceremony.worker import WorkerCeremony, WorkerPorts
from laborsign.contracts.render import shared_renderer

if TYPE_CHECKING:
    from laborsign.bootstrap import Container


@dataclass(frozen=True, slots=True)
class CeremonyServices:
    worker: WorkerCeremony
    employer: EmployerSigning
    completion: Completion
    seals: Seals
    retrieval: Retrieval
    paper: PaperCopies
    authority: AuthorityAccess
    reminders: Reminders


def build_ceremony(container: Container) -> CeremonyServices:
    c = container
    base_url = c.settings.base_url
    contracts = c.contracts
    log = c.evidence.log
    seals = Seals(c.uow, lambda: c.document_store)
    completion = Completion(c.uow, contracts, c.signing, c.privacy, base_url)
    worker = WorkerCeremony(
        WorkerPorts(
            uow=c.uow,
            contracts=contracts,
            links=c.ceremony_links,
            otp=c.otp,
            codes=c.code_sender,
            intent=c.intent,
            realname=c.realname,
            signing=c.signing,
            sealer=c.privacy,
            log=log,
            secret=c.secret_key,
            base_url=base_url,
        ),
        completion.complete,
    )
    employer = EmployerSigning(
        c.uow,
        contracts,
        c.signing,
        lambda: c.parties.accounts,
        seals,
        completion.complete,
        worker.invite,
    )
    return CeremonyServices(
        worker=worker,
        employer=employer,
        completion=completion,
        seals=seals,
        retrieval=Retrieval(
            c.uow, contracts, c.otp, c.code_sender, lambda: c.privacy, log, c.secret_key
        ),
        paper=PaperCopies(c.uow, contracts, shared_renderer, seals, log, base_url),
        authority=AuthorityAccess(c.uow, contracts, lambda: c.parties.workers, log, c.secret_key),
        reminders=Reminders(
            c.uow,
            c.ceremony_links,
            c.privacy,
            log,
            c.secret_key,
            worker.link_url,
            timedelta(hours=c.settings.ceremony_reminder_hours),
        ),
    )
