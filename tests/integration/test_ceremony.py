"""The signing ceremony through the API on SQLite and PostgreSQL: from the SMS link to a
signed, downloaded and certified contract, in both signing orders; batch signing; every
refusal of the issue with no state change; a crash between signing and storing.

One platform per database for the module (initialising the trust core costs seconds); each
test works on its own contracts. SMS codes are read from the development outbox, as a
worker reads them on his phone.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from stdnum.cn import ric
from tests.integration.helpers import (
    DelegatingStore,
    database,
    employer,
    platform_settings,
    ready_draft,
)

from laborsign.bootstrap import Container
from laborsign.contracts.examples import example_contract
from laborsign.contracts.lifecycle import SigningOrder, State
from laborsign.contracts.model import Contract
from laborsign.db.tenancy import Scope
from laborsign.evidence.events import Event, EventType
from laborsign.evidence.package_verify import verify_package
from laborsign.evidence.package_wiring import export_for
from laborsign.evidence.tables import EvidenceLeafRow
from laborsign.identity.tables import SigningAuthorisationRow
from laborsign.notify.dev_outbox import read_dev_outbox
from laborsign.notify.outbox_relay import OutboxRelay
from laborsign.notify.outbox_tables import OutboxMessageRow
from laborsign.parties import totp
from laborsign.parties.roles import Role
from laborsign.parties.workers import NewWorker
from laborsign.signing.images import drawn_signature_png
from laborsign.storage.ports import DocumentRef, DocumentStore
from laborsign.web.app import create_app
from laborsign.web.auth import COOKIE, CSRF_HEADER

EXAMPLE = example_contract()
PASSWORD = "Correct-Horse-42"  # noqa: S105 - a test account
SIGNATURE = base64.b64encode(drawn_signature_png(EXAMPLE.worker.name)).decode()
_numbers = itertools.count(1)


class FailingOnceStore(DelegatingStore):
    """`fail_next` makes the next `put` fail (the store is down)."""

    def __init__(self, inner: DocumentStore) -> None:
        super().__init__(inner)
        self.fail_next = False

    def put(self, tenant: str, data: bytes, content_type: str) -> DocumentRef:
        if self.fail_next:
            self.fail_next = False
            raise OSError("document store unavailable")
        return super().put(tenant, data, content_type)


@dataclass
class Platform:
    container: Container
    app: object
    org_id: str
    worker_id: str
    phone: str
    store: FailingOnceStore

    @property
    def hr(self) -> Scope:
        return Scope.employer(self.org_id, "hr-1", {Role.HR})

    def client(self) -> TestClient:
        return TestClient(self.app)  # type: ignore[arg-type]


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def platform(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Platform]:
    tmp: Path = tmp_path_factory.mktemp("ceremony")
    container = Container(platform_settings(tmp, database(request, tmp)))
    container.init()
    store = FailingOnceStore(container.document_store)
    container.__dict__["document_store"] = store  # the container hands this one out
    org_id = employer(container)
    hr = Scope.employer(org_id, "hr-1", {Role.HR})
    worker = container.parties.workers.register(
        hr,
        NewWorker(EXAMPLE.worker.name, EXAMPLE.worker.id_number, EXAMPLE.worker.phone),
        datetime.now(UTC),
    )
    app = create_app(container)
    yield Platform(container, app, org_id, str(worker["id"]), EXAMPLE.worker.phone, store)
    container.engine.dispose()


# ---- helpers -------------------------------------------------------------------------------


def sent(p: Platform, order: SigningOrder = SigningOrder.WORKER_FIRST) -> str:
    data = EXAMPLE.model_dump()
    data["number"] = f"C-{next(_numbers):04d}"
    cid = ready_draft(p.container, p.hr, Contract.model_validate(data), p.worker_id, order)
    p.container.contracts.send(p.hr, cid, now=datetime.now(UTC))
    return cid


def invite(p: Platform, cid: str, at: datetime | None = None) -> str:
    return p.container.ceremony.worker.invite(cid, at or datetime.now(UTC)).token


def last_code(p: Platform, phone: str) -> str:
    """Deliver the queued SMS (development outbox) and read the newest code sent to `phone`."""
    relay = OutboxRelay(p.container.uow, p.container.notification_handlers)
    with p.container.uow(Scope.system()) as uow:
        due = uow.session.scalars(
            select(OutboxMessageRow.id).where(
                OutboxMessageRow.kind == "sms", OutboxMessageRow.dispatched_at.is_(None)
            )
        ).all()
    for message_id in due:
        relay.dispatch(message_id)
    messages = read_dev_outbox(
        p.container.uow, p.container.secret_key, development=True, channel="sms", address=phone
    )
    for message in messages:  # newest first
        found = re.search(r"验证码 (\d{6})", message.body)
        if found:
            return found.group(1)
    raise AssertionError("no code was sent")


def ok(response: object) -> dict[str, object]:
    from httpx import Response

    assert isinstance(response, Response)
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def refused(response: object, status: int, text: str) -> None:
    from httpx import Response

    assert isinstance(response, Response)
    assert response.status_code == status, response.text
    assert text in response.json()["title_en"], response.json()


def worker_until_identity(p: Platform, cid: str) -> TestClient:
    """A worker's browser: link opened, notice acknowledged, identity verified."""
    browser = p.client()
    ok(browser.post("/api/v1/ceremony/open", json={"token": invite(p, cid)}))
    notice = ok(browser.get("/api/v1/ceremony/notice"))
    assert notice["sha256"] and "免费" in str(notice["text_zh"])
    ok(browser.post("/api/v1/ceremony/notice"))
    sent_to = ok(
        browser.post(
            "/api/v1/ceremony/identity",
            json={"name": EXAMPLE.worker.name, "id_number": EXAMPLE.worker.id_number},
        )
    )
    assert sent_to["code_sent_to"] == p.phone[:3] + "****" + p.phone[-4:]
    verified = ok(
        browser.post("/api/v1/ceremony/identity/code", json={"code": last_code(p, p.phone)})
    )
    assert verified["state"] == State.IDENTITY_VERIFIED.value
    return browser


def worker_confirms_and_signs(p: Platform, browser: TestClient) -> dict[str, object]:
    document = browser.get("/api/v1/ceremony/document")
    assert document.status_code == 200 and document.content.startswith(b"%PDF")
    sha = document.headers["X-Document-SHA256"]
    assert hashlib.sha256(document.content).hexdigest() == sha
    intent = ok(browser.post("/api/v1/ceremony/intent"))
    assert intent["document_sha256"] == sha
    return ok(
        browser.post(
            "/api/v1/ceremony/sign",
            json={"code": last_code(p, p.phone), "signature_png": SIGNATURE},
        )
    )


def signer(p: Platform) -> tuple[TestClient, Callable[[], str]]:
    """A new authorised signer, logged in; and a function giving his current TOTP code.

    A new account per signing: a TOTP code is single use, and the tests do not wait for the
    next time step."""
    n = next(_numbers)
    made = p.container.parties.accounts.create(
        Scope.system(),
        username=f"signer-{n}",
        display_name=f"signer {n}",
        password=PASSWORD,
        roles=[Role.SIGNER],
        org_id=p.org_id,
        now=datetime.now(UTC),
    )
    assert made.totp_secret is not None
    secret = made.totp_secret
    from laborsign.web.auth import SessionStore

    raw = SessionStore(p.container).open("staff", made.id, datetime.now(UTC), pending=False)
    client = p.client()
    client.cookies.set(COOKIE, raw)
    csrf = client.get("/api/v1/auth/me").json()["csrf_token"]
    client.headers[CSRF_HEADER] = csrf
    return client, lambda: totp.code_at(secret, totp.step_at(datetime.now(UTC)))


def state_of(p: Platform, cid: str) -> State:
    return p.container.contracts.summary(Scope.system(), cid).state


def events_of(p: Platform, cid: str) -> list[Event]:
    with p.container.uow(Scope.system()) as uow:
        entries = uow.session.scalars(
            select(EvidenceLeafRow.entry)
            .where(EvidenceLeafRow.contract_id == cid)
            .order_by(EvidenceLeafRow.leaf_index)
        ).all()
    return [Event.from_entry(e) for e in entries]


def worker_session(p: Platform) -> TestClient:
    """The worker signs in to his contracts with his phone and a code."""
    client = p.client()
    assert client.post("/api/v1/me/login/code", json={"phone": p.phone}).status_code == 202
    ok(client.post("/api/v1/me/login", json={"phone": p.phone, "code": last_code(p, p.phone)}))
    return client


# ---- the whole ceremony ----------------------------------------------------------------------


@pytest.mark.parametrize("order", list(SigningOrder))
def test_from_the_link_to_a_downloaded_and_certified_contract(
    platform: Platform, order: SigningOrder
) -> None:
    p = platform
    cid = sent(p, order)
    browser = worker_until_identity(p, cid)
    employer, code = signer(p)
    if order is SigningOrder.WORKER_FIRST:
        signed = worker_confirms_and_signs(p, browser)
        assert signed["signed"] is True and signed["state"] == State.WORKER_SIGNED.value
        done = ok(employer.post(f"/api/v1/contracts/{cid}/employer-sign", json={"totp": code()}))
    else:
        confirmed = worker_confirms_and_signs(p, browser)
        assert confirmed["signed"] is False
        assert confirmed["state"] == State.INTENT_CONFIRMED.value
        after = ok(employer.post(f"/api/v1/contracts/{cid}/employer-sign", json={"totp": code()}))
        assert after["state"] == State.EMPLOYER_SIGNED.value
        # The employer's signature sent the worker a new link for his own signature.
        second = p.client()
        ok(second.post("/api/v1/ceremony/open", json={"token": invite(p, cid)}))
        done = worker_confirms_and_signs(p, second)
    assert done["state"] == State.EFFECTIVE.value

    # Completion: the worker's SMS and the HR system's webhook event are queued.
    with p.container.uow(Scope.system()) as uow:
        kinds = {
            (row.kind, row.payload.get("event_type"))
            for row in uow.session.scalars(select(OutboxMessageRow))
            if row.dedup_key.endswith(cid)
        }
    assert ("webhook.event", "contract.completed") in kinds
    assert ("sms", None) in kinds

    # The worker signs in later, lists, downloads, prints.
    me = worker_session(p)
    listed = me.get("/api/v1/me/contracts").json()
    assert cid in [c["id"] for c in listed]
    pdf = me.get(f"/api/v1/me/contracts/{cid}/pdf")
    assert pdf.status_code == 200
    original = p.container.contracts.current_document(Scope.system(), cid).pdf
    assert pdf.content == original
    me.headers[CSRF_HEADER] = me.get("/api/v1/auth/me").json()["csrf_token"]
    copy = me.post(f"/api/v1/contracts/{cid}/paper-copy")
    assert copy.status_code == 200 and copy.content.startswith(b"%PDF")
    sha = hashlib.sha256(original).hexdigest()
    # The certification page names the original's digest and the verification address.
    import subprocess

    text = subprocess.run(
        ["pdftotext", "-", "-"], input=copy.content, capture_output=True, check=True
    ).stdout.decode()
    assert sha in text and "纸质件证明" in text
    # ...and the public verification page finds the original by that digest.
    verified = p.client().get(f"/verify/{sha}")
    unknown = p.client().get(f"/verify/{hashlib.sha256(b'unknown').hexdigest()}")
    assert verified.status_code == 200 and verified.text != unknown.text

    history = me.get(f"/api/v1/me/contracts/{cid}/history").json()
    steps = [h["type"] for h in history]
    assert steps.index("contract.viewed") < steps.index("worker.signed")
    assert "paper_copy.issued" in steps and "contract.downloaded" in steps

    # Every step is in the evidence package, in order, and the package verifies.
    types = [e.type for e in events_of(p, cid)]
    for step in (
        EventType.SENT,
        EventType.NOTICE_ACKNOWLEDGED,
        EventType.IDENTITY_VERIFIED,
        EventType.OTP_VERIFIED,
        EventType.VIEWED,
        EventType.INTENT_CONFIRMED,
        EventType.WORKER_SIGNED,
        EventType.EMPLOYER_SIGNED,
        EventType.EFFECTIVE,
        EventType.PAPER_COPY_ISSUED,
    ):
        assert step in types, step
    assert types.index(EventType.NOTICE_ACKNOWLEDGED) < types.index(EventType.INTENT_CONFIRMED)
    package = export_for(p.container, cid, original, datetime.now(UTC))
    report = verify_package(package, now=datetime.now(UTC))
    assert report.valid, report.to_json()


def test_batch_signing_with_one_confirmation(platform: Platform) -> None:
    p = platform
    ready = []
    for _ in range(2):
        cid = sent(p)
        worker_confirms_and_signs(p, worker_until_identity(p, cid))
        ready.append(cid)
    not_ready = sent(p)  # the worker has not signed: refused, the others unaffected
    employer, code = signer(p)
    results = employer.post(
        "/api/v1/contracts/batch-sign",
        json={"contract_ids": [*ready, not_ready], "totp": code()},
    ).json()
    assert [(r["contract_id"], r["ok"]) for r in results] == [
        (ready[0], True),
        (ready[1], True),
        (not_ready, False),
    ]
    assert results[2]["error"] == "conflict"
    assert [state_of(p, c) for c in ready] == [State.EFFECTIVE, State.EFFECTIVE]
    assert state_of(p, not_ready) is State.SENT


def test_a_wrong_totp_signs_nothing(platform: Platform) -> None:
    p = platform
    cid = sent(p)
    worker_confirms_and_signs(p, worker_until_identity(p, cid))
    employer, code = signer(p)
    wrong = f"{(int(code()) + 1) % 1_000_000:06d}"
    response = employer.post(f"/api/v1/contracts/{cid}/employer-sign", json={"totp": wrong})
    assert response.status_code == 401
    assert state_of(p, cid) is State.WORKER_SIGNED


# ---- refusals: each clear, each changing nothing ----------------------------------------------


def test_a_link_token_opens_once_and_not_after_expiry(platform: Platform) -> None:
    p = platform
    cid = sent(p)
    token = invite(p, cid)
    ok(p.client().post("/api/v1/ceremony/open", json={"token": token}))
    refused(p.client().post("/api/v1/ceremony/open", json={"token": token}), 403, "already")
    stale = invite(p, cid, datetime.now(UTC) - timedelta(days=30))
    refused(p.client().post("/api/v1/ceremony/open", json={"token": stale}), 403, "expired")
    refused(p.client().get("/api/v1/ceremony/notice"), 403, "open the signing link")
    assert state_of(p, cid) is State.SENT


def test_a_worker_who_never_passed_identity_verification_cannot_sign(platform: Platform) -> None:
    p = platform
    cid = sent(p)
    browser = p.client()
    ok(browser.post("/api/v1/ceremony/open", json={"token": invite(p, cid)}))
    ok(browser.post("/api/v1/ceremony/notice"))
    refused(browser.post("/api/v1/ceremony/intent"), 403, "identity has not been verified")
    refused(
        browser.post("/api/v1/ceremony/sign", json={"code": "123456", "signature_png": SIGNATURE}),
        403,
        "identity has not been verified",
    )
    refused(browser.get("/api/v1/ceremony/document"), 403, "identity has not been verified")
    # Another person's name and ID number: a failed attempt, recorded; still not verified.
    other = "11010119900101" + "123"
    other += ric.calc_check_digit(other + "0")
    refused(
        browser.post("/api/v1/ceremony/identity", json={"name": "王五", "id_number": other}),
        403,
        "do not match",
    )
    assert state_of(p, cid) is State.NOTICE_ACKNOWLEDGED
    outcomes = [e.extra.get("outcome") for e in events_of(p, cid)]
    assert "failed" in outcomes


def test_codes_of_another_person_or_revision_and_brute_force_are_refused(
    platform: Platform,
) -> None:
    p = platform
    cid = sent(p, SigningOrder.EMPLOYER_FIRST)
    browser = worker_until_identity(p, cid)
    before = p.container.contracts.summary(Scope.system(), cid)

    # Another person's code: a code sent to another phone for another subject.
    other_phone = "13900139000"
    with p.container.uow(Scope.system()) as uow:
        p.container.code_sender.issue_and_send(
            uow.session,
            subject="worker:someoneelse",
            purpose="login",
            phone=other_phone,
            client_ip="203.0.113.9",
            now=datetime.now(UTC),
        )
        uow.commit()
    foreign = last_code(p, other_phone)
    refused(
        browser.post("/api/v1/ceremony/sign", json={"code": foreign, "signature_png": SIGNATURE}),
        403,
        "request a code first",
    )

    # Brute force: the fifth wrong try locks the code; then even the right code is refused.
    ok(browser.post("/api/v1/ceremony/intent"))
    right = last_code(p, p.phone)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(4):
        refused(
            browser.post("/api/v1/ceremony/sign", json={"code": wrong, "signature_png": SIGNATURE}),
            403,
            "not correct",
        )
    refused(
        browser.post("/api/v1/ceremony/sign", json={"code": wrong, "signature_png": SIGNATURE}),
        403,
        "too many wrong tries",
    )
    refused(
        browser.post("/api/v1/ceremony/sign", json={"code": right, "signature_png": SIGNATURE}),
        403,
        "too many wrong tries",
    )
    assert p.container.contracts.summary(Scope.system(), cid).version == before.version

    # A code for an earlier revision: the worker confirms, the employer signs (a new
    # revision), and a code requested before that no longer signs.
    ok(browser.post("/api/v1/ceremony/intent"))
    ok(
        browser.post(
            "/api/v1/ceremony/sign",
            json={"code": last_code(p, p.phone), "signature_png": SIGNATURE},
        )
    )
    second = p.client()
    ok(second.post("/api/v1/ceremony/open", json={"token": invite(p, cid)}))
    # The worker requests his code, then the employer's signature changes the document.
    # (In this order the employer signs after the worker's confirmation: state allows it.)
    employer, code = signer(p)
    ok(employer.post(f"/api/v1/contracts/{cid}/employer-sign", json={"totp": code()}))
    old_revision_code = None
    with p.container.uow(Scope.system()) as uow:
        # A code bound to the revision before the employer's signature.
        issued = p.container.code_sender.issue_and_send(
            uow.session,
            subject=_subject(p),
            purpose=f"sign:{cid}:{before.document_sha256}",
            phone=p.phone,
            client_ip="203.0.113.9",
            now=datetime.now(UTC),
        )
        uow.commit()
        old_revision_code = issued.code
    at_employer_signed = p.container.contracts.summary(Scope.system(), cid)
    refused(
        second.post(
            "/api/v1/ceremony/sign",
            json={"code": old_revision_code, "signature_png": SIGNATURE},
        ),
        403,
        "the document changed after the code was sent",
    )
    assert p.container.contracts.summary(Scope.system(), cid).version == (
        at_employer_signed.version
    )
    # A blank drawing is no signature.
    blank = base64.b64encode(_blank_png()).decode()
    refused(
        second.post("/api/v1/ceremony/sign", json={"code": "123456", "signature_png": blank}),
        422,
        "blank",
    )


def _subject(p: Platform) -> str:
    from laborsign.ceremony.common import worker_subject

    return worker_subject(p.container.secret_key, p.worker_id)


def _blank_png() -> bytes:
    from PIL import Image

    from laborsign.signing.images import png_bytes

    return png_bytes(Image.new("RGBA", (300, 120), (255, 255, 255, 0)))


# ---- crash safety --------------------------------------------------------------------------


def test_a_crash_between_signing_and_storing_leaves_the_contract_and_a_retry_completes(
    platform: Platform,
) -> None:
    p = platform
    cid = sent(p)
    browser = worker_until_identity(p, cid)
    p.store.fail_next = True
    document = browser.get("/api/v1/ceremony/document")
    ok(browser.post("/api/v1/ceremony/intent"))
    with pytest.raises(OSError):
        browser.post(
            "/api/v1/ceremony/sign",
            json={"code": last_code(p, p.phone), "signature_png": SIGNATURE},
        )
    after = p.container.contracts.current_document(Scope.system(), cid)
    # Intent confirmed (its own step), nothing signed, nothing stored, authorisation unused.
    assert after.contract.state is State.INTENT_CONFIRMED
    assert after.pdf == document.content
    assert EventType.WORKER_SIGNED not in [e.type for e in events_of(p, cid)]
    with p.container.uow(Scope.system()) as uow:
        rows = uow.session.scalars(
            select(SigningAuthorisationRow).where(SigningAuthorisationRow.contract_id == cid)
        ).all()
        assert rows and all(r.used_at is None for r in rows)
    # The worker retries with a fresh code.
    signed = worker_confirms_and_signs(p, browser)
    assert signed["state"] == State.WORKER_SIGNED.value


# ---- decline, authority access ---------------------------------------------------------------


def test_decline_with_a_reason(platform: Platform) -> None:
    p = platform
    cid = sent(p)
    browser = p.client()
    ok(browser.post("/api/v1/ceremony/open", json={"token": invite(p, cid)}))
    declined = ok(browser.post("/api/v1/ceremony/decline", json={"reason": "薪资与面谈不符"}))
    assert declined["state"] == State.DECLINED.value
    event = events_of(p, cid)[-1]
    assert event.type is EventType.DECLINED and "decline-reason.txt" in event.artifacts
    refused(browser.post("/api/v1/ceremony/notice"), 403, "session")


def test_authority_reads_only_with_a_legal_basis_and_the_worker_sees_it(
    platform: Platform,
) -> None:
    p = platform
    cid = sent(p)
    made = p.container.parties.accounts.create(
        Scope.system(),
        username=f"inspector-{next(_numbers)}",
        display_name="inspector",
        password=PASSWORD,
        roles=[Role.AUTHORITY],
        org_id=None,
        now=datetime.now(UTC),
    )
    from laborsign.web.auth import SessionStore

    raw = SessionStore(p.container).open("staff", made.id, datetime.now(UTC), pending=False)
    inspector = p.client()
    inspector.cookies.set(COOKIE, raw)
    inspector.headers[CSRF_HEADER] = inspector.get("/api/v1/auth/me").json()["csrf_token"]
    assert inspector.get(f"/api/v1/authority/contracts/{cid}").status_code == 404
    opened = ok(
        inspector.post(
            "/api/v1/authority/access",
            json={
                "contract_id": cid,
                "case_number": "京劳仲〔2026〕8号",
                "legal_document": "立案通知书",
            },
        )
    )
    assert opened["contract_ids"] == [cid]
    read = ok(inspector.get(f"/api/v1/authority/contracts/{cid}"))
    assert read["number"] and read["basis_sha256"] == opened["basis_sha256"]
    event = events_of(p, cid)[-1]
    assert event.type is EventType.AUTHORITY_ACCESSED
    assert event.artifacts["legal-basis.txt"] == opened["basis_sha256"]
    history = worker_session(p).get(f"/api/v1/me/contracts/{cid}/history").json()
    assert history[-1]["type"] == "contract.accessed_by_authority"
    assert history[-1]["actor"] == "authority"
