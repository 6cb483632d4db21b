"""Shared set-up of the watch and filing tests: one platform, one employer, contracts taken
through the real signing steps. Holds no tests itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import count
from pathlib import Path
from typing import Any

from laborsign.bootstrap import Container
from laborsign.contracts.examples import example_contract
from laborsign.contracts.model import Contract
from laborsign.db.tenancy import Scope
from laborsign.identity.notice import notice_sha256
from laborsign.parties.roles import Role
from laborsign.parties.workers import NewWorker
from laborsign.settings import Settings
from laborsign.signing.images import drawn_signature_png
from laborsign.signing.service import Organisation, WorkerIdentity

EXAMPLE = example_contract()
_numbers = count(1)


def new_container(url: str, tmp: Path, **settings: Any) -> Container:
    container = Container(Settings(home=tmp / "home", database_url=url, **settings))
    container.init()
    return container


@dataclass
class Employer:
    container: Container
    org_id: str
    clock: list[datetime]

    @property
    def hr(self) -> Scope:
        return Scope.employer(self.org_id, "hr-1", {Role.HR})

    @property
    def signer(self) -> Scope:
        return Scope.employer(self.org_id, "signer-1", {Role.SIGNER})

    def now(self) -> datetime:
        self.clock[0] += timedelta(seconds=1)
        return self.clock[0]

    def worker(self, name: str, id_number: str, started: datetime) -> str:
        made = self.container.parties.workers.register(
            self.hr, NewWorker(name, id_number, EXAMPLE.worker.phone), started
        )
        return str(made["id"])

    def contract(self, worker_name: str, id_number: str, **term: Any) -> Contract:
        data = EXAMPLE.model_dump()
        data["number"] = f"F-{next(_numbers):04d}"
        data["worker"] = {**data["worker"], "name": worker_name, "id_number": id_number}
        data["employment_start"] = term.pop("employment_start", None)
        data["signing_date"] = None
        data["term"] = {**data["term"], **term}
        return Contract.model_validate(data)

    def draft(self, worker_id: str, data: Contract) -> str:
        draft = self.container.contracts.create_draft(
            self.hr, data, now=self.now(), worker_id=worker_id
        )
        return draft.contract.id

    def conclude(self, worker_id: str, data: Contract) -> str:
        """Draft, send and sign by both parties: an effective contract."""
        service, signing = self.container.contracts, self.container.signing
        created = service.create_draft(self.hr, data, now=self.now(), worker_id=worker_id)
        cid = created.contract.id
        service.acknowledge_warnings(self.hr, cid, created.contract.warnings, now=self.now())
        service.send(self.hr, cid, now=self.now())
        me = Scope.worker(worker_id)
        service.acknowledge_notice(me, cid, notice_sha256=notice_sha256(), now=self.now())
        service.record_identity_verified(
            me, cid, method="development", authoritative=False, now=self.now()
        )
        current = service.current_document(me, cid)
        service.confirm_intent(
            me,
            cid,
            document_sha256=current.contract.document_sha256,
            otp_channel="sms",
            now=self.now(),
        )
        identity = WorkerIdentity(data.worker.name, data.worker.id_number)
        signed = signing.sign_as_worker(
            service.current_document(me, cid).pdf, identity, drawn_signature_png(identity.name)
        )
        service.record_worker_signature(me, cid, signed, now=self.now())
        organisation = Organisation(data.employer.name, data.employer.credit_code)
        both = signing.sign_as_employer(
            service.current_document(self.signer, cid).pdf, organisation
        )
        service.record_employer_signature(self.signer, cid, both, now=self.now())
        final = signing.complete(service.current_document(Scope.system(), cid).pdf)
        service.complete(Scope.system(), cid, final, now=self.now())
        return cid


def days(n: int) -> timedelta:
    return timedelta(days=n)


def on(moment: datetime) -> date:
    return moment.date()
