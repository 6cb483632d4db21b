"""The contract service's messages reach the worker through the relay, on SQLite and
PostgreSQL: sending a contract puts a link SMS in the development outbox (once, however
often the message is handled), voiding, declining and expiry tell the worker and HR, and a
message of an unknown kind ends failed instead of being retried forever.

One platform per database for the module; each test works on its own contracts.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from stdnum.cn import ric
from tests.integration.helpers import (
    EXAMPLE,
    database,
    employer,
    platform_settings,
    ready_draft,
)

from laborsign.bootstrap import Container
from laborsign.contracts.lifecycle import SigningOrder
from laborsign.contracts.model import Contract
from laborsign.db.tenancy import Scope
from laborsign.identity.tables import CeremonyLinkRow
from laborsign.notify import outbox
from laborsign.notify.dev_outbox import DevMessage, read_dev_outbox
from laborsign.notify.outbox_relay import OutboxMessage
from laborsign.notify.outbox_tables import OutboxMessageRow
from laborsign.parties.roles import Role
from laborsign.parties.workers import NewWorker

HR_ADDRESS = "hr@example.com"
_numbers = itertools.count(1)
_phones = itertools.count(13800001000)
_serials = itertools.count(100)


def id_number() -> str:
    """A valid resident ID number of its own (the example's birth date, a new serial)."""
    body = EXAMPLE.worker.id_number[:14] + f"{next(_serials):03d}"
    return next(body + c for c in "0123456789X" if ric.is_valid(body + c))


@dataclass
class Party:
    container: Container
    org_id: str

    @property
    def hr(self) -> Scope:
        return Scope.employer(self.org_id, "hr-1", {Role.HR})


@dataclass(frozen=True)
class Worker:
    id: str
    phone: str
    id_number: str


def new_worker(p: Party) -> Worker:
    """A worker with the example's name, and an ID number and phone of his own."""
    phone, number = str(next(_phones)), id_number()
    made = p.container.parties.workers.register(
        p.hr, NewWorker(EXAMPLE.worker.name, number, phone), datetime.now(UTC)
    )
    return Worker(str(made["id"]), phone, number)


def draft(p: Party, worker: Worker, order: SigningOrder = SigningOrder.WORKER_FIRST) -> str:
    data = EXAMPLE.model_dump()
    data["number"] = f"N-{next(_numbers):04d}"
    data["worker"].update(id_number=worker.id_number, phone=worker.phone)
    return ready_draft(p.container, p.hr, Contract.model_validate(data), worker.id, order)


def send(p: Party, worker: Worker, order: SigningOrder = SigningOrder.WORKER_FIRST) -> str:
    cid = draft(p, worker, order)
    p.container.contracts.send(p.hr, cid, now=datetime.now(UTC))
    return cid


def relay_all(container: Container, now: datetime | None = None) -> None:
    """Dispatch every due message, and what handling them wrote, until nothing is due."""
    relay = container.outbox_relay
    for _round in range(10):
        at = now or datetime.now(UTC)
        due = relay.due(at)
        if not due:
            return
        for message_id in due:
            relay.dispatch(message_id, at)
    raise AssertionError("the outbox did not settle")


def inbox(container: Container, phone: str, channel: str = "sms") -> list[DevMessage]:
    """The development outbox's messages to `phone` (or address), newest first."""
    return read_dev_outbox(
        container.uow, container.secret_key, development=True, channel=channel, address=phone
    )


def link_in(message: DevMessage) -> str:
    found = re.search(r"(https?://\S+/ceremony/[A-Za-z0-9_-]+)", message.body)
    assert found, message.body
    return found.group(1)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def party(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Party]:
    tmp = tmp_path_factory.mktemp("notifications")
    settings = platform_settings(
        tmp, database(request, tmp), watch_alert_emails={"*": HR_ADDRESS}, outbox_max_attempts=3
    )
    container = Container(settings)
    container.init()
    yield Party(container, employer(container))
    container.engine.dispose()


def test_sending_a_contract_texts_the_worker_his_link(party: Party) -> None:
    worker = new_worker(party)
    cid = send(party, worker)
    relay_all(party.container)
    messages = inbox(party.container, worker.phone)
    assert [m.template for m in messages] == ["contract-to-sign"]
    assert EXAMPLE.employer.name in messages[0].body
    # The link opens this contract's ceremony.
    token = link_in(messages[0]).rsplit("/", 1)[1]
    opened = party.container.ceremony.worker.open(token, datetime.now(UTC))
    assert opened.contract_id == cid


def test_handling_the_sent_message_again_sends_no_second_link(party: Party) -> None:
    worker = new_worker(party)
    cid = send(party, worker)
    relay_all(party.container)
    with party.container.uow(Scope.system()) as uow:
        row = uow.session.scalars(
            select(OutboxMessageRow).where(
                OutboxMessageRow.kind == "contract.sent",
                OutboxMessageRow.payload["contract"].as_string() == cid,
            )
        ).one()
        again = OutboxMessage(row.id, row.kind, dict(row.payload), row.attempts + 1, row.created_at)
    # As after a crash between the handler's work and the dispatched mark: handled twice.
    handler = party.container.outbox_relay._handlers["contract.sent"]
    with party.container.uow(Scope.system()) as uow:
        handler(uow.session, again)
        uow.commit()
    relay_all(party.container)
    assert [m.template for m in inbox(party.container, worker.phone)] == ["contract-to-sign"]
    with party.container.uow(Scope.system()) as uow:
        links = uow.session.scalar(select(func.count()).where(CeremonyLinkRow.contract_id == cid))
    assert links == 1


def test_a_worker_invited_directly_gets_no_second_link_from_the_relay(party: Party) -> None:
    worker = new_worker(party)
    cid = draft(party, worker)
    now = datetime.now(UTC)
    party.container.contracts.send(party.hr, cid, now=now)
    party.container.ceremony.worker.invite(cid, now)  # e.g. the employer's signing step
    relay_all(party.container)
    assert [m.template for m in inbox(party.container, worker.phone)] == ["contract-to-sign"]


def test_voiding_a_sent_contract_tells_the_worker_and_hr(party: Party) -> None:
    worker = new_worker(party)
    cid = send(party, worker)
    relay_all(party.container)
    party.container.contracts.void(party.hr, cid, now=datetime.now(UTC))
    relay_all(party.container)
    assert [m.template for m in inbox(party.container, worker.phone)] == [
        "voided",
        "contract-to-sign",
    ]
    mails = inbox(party.container, HR_ADDRESS, "email")
    assert any("作废" in m.subject and EXAMPLE.employer.name in m.body for m in mails)


def test_a_draft_voided_before_sending_is_not_announced_to_the_worker(party: Party) -> None:
    worker = new_worker(party)
    cid = draft(party, worker)
    party.container.contracts.void(party.hr, cid, now=datetime.now(UTC))
    relay_all(party.container)
    assert inbox(party.container, worker.phone) == []


def test_declining_tells_the_worker(party: Party) -> None:
    worker = new_worker(party)
    cid = send(party, worker)
    relay_all(party.container)
    party.container.contracts.decline(
        Scope.worker(worker.id), cid, now=datetime.now(UTC), reason="工资低于约定"
    )
    relay_all(party.container)
    assert inbox(party.container, worker.phone)[0].template == "declined"


def test_expiry_tells_the_worker(party: Party) -> None:
    worker = new_worker(party)
    cid = send(party, worker)
    later = datetime.now(UTC) + timedelta(days=60)
    assert cid in party.container.contracts.expire_due(later)
    relay_all(party.container, later)
    assert inbox(party.container, worker.phone)[0].template == "expired"


def test_a_message_of_an_unknown_kind_ends_failed(party: Party) -> None:
    with party.container.uow(Scope.system()) as uow:
        message_id = outbox.add(uow.session, "no.such-kind", {"x": 1})
        uow.commit()
    relay = party.container.outbox_relay
    at = datetime.now(UTC)
    for _attempt in range(3):
        at += timedelta(days=1)  # past any backoff
        assert message_id in relay.due(at)
        with pytest.raises(Exception, match="failed"):
            relay.dispatch(message_id, at)
    assert message_id not in relay.due(at + timedelta(days=3650))
