"""The signing ceremony's identity steps on SQLite and PostgreSQL, with a frozen clock:
links, codes, intent confirmation and signing authorisations, and every refusal."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from tests.unit.identity.platform import light_platform

from laborsign.bootstrap import Container
from laborsign.evidence.events import Event, EventType
from laborsign.evidence.tables import EvidenceLeafRow
from laborsign.identity.attempts import record_attempt
from laborsign.identity.errors import AuthorisationRefused, LinkRefused, OtpRefused, RateLimited
from laborsign.identity.intent import SigningAuthorisation
from laborsign.identity.otp import OtpPolicy, OtpService, signing_purpose
from laborsign.identity.realname import DevelopmentRealNameVerifier
from laborsign.identity.tables import (
    CeremonyLinkRow,
    CeremonySessionRow,
    OtpRow,
    SigningAuthorisationRow,
    VerificationAttemptRow,
)
from laborsign.notify.dev_outbox import read_dev_outbox
from laborsign.notify.outbox_relay import OutboxRelay
from laborsign.notify.outbox_tables import OutboxMessageRow

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
CONTRACT = "c-2025-0001"
WORKER_A = "worker:abcdefghijklmnop"
WORKER_B = "worker:qrstuvwxyzabcdef"
PHONE_A, PHONE_B = "13800138000", "13900139000"
DOC_1 = hashlib.sha256(b"revision 1").hexdigest()
DOC_2 = hashlib.sha256(b"revision 2").hexdigest()


@pytest.fixture
def platform(database_url: str, tmp_path: Path) -> Iterator[Container]:
    with light_platform(database_url, tmp_path / "home") as container:
        yield container


def _count(platform: Container, table: type) -> int:
    with platform.uow() as work:
        return int(work.session.scalar(select(func.count()).select_from(table)) or 0)


def _leaves(platform: Container) -> list[Event]:
    with platform.uow() as work:
        entries = work.session.scalars(
            select(EvidenceLeafRow.entry).order_by(EvidenceLeafRow.leaf_index)
        ).all()
    return [Event.from_entry(e) for e in entries]


def _deliver_and_read_code(platform: Container, phone: str) -> str:
    """Run the outbox relay with the real handlers (development outbox) and read the code
    the person with `phone` received."""
    relay = OutboxRelay(platform.uow, platform.notification_handlers)
    for message_id in relay.due(datetime.now(UTC) + timedelta(days=400)):
        relay.dispatch(message_id, datetime.now(UTC) + timedelta(days=400))
    messages = read_dev_outbox(
        platform.uow, platform.secret_key, development=True, channel="sms", address=phone
    )
    match = re.search(r"\d{6}", messages[0].body)
    assert match is not None
    return match.group()


def _otp_rows(platform: Container) -> list[tuple[str, int, str | None]]:
    with platform.uow() as work:
        rows = work.session.scalars(select(OtpRow).order_by(OtpRow.issued_at)).all()
        return [(r.subject, r.attempts, r.closed_reason) for r in rows]


def _request(platform: Container, worker: str, phone: str, doc: str, at: datetime) -> str:
    platform.intent.request_code(
        CONTRACT, doc, worker=worker, phone=phone, client_ip="203.0.113.7", now=at
    )
    return _deliver_and_read_code(platform, phone)


def _redeem(
    platform: Container,
    token: str,
    at: datetime,
    *,
    document: str = DOC_1,
    worker: str = WORKER_A,
) -> None:
    """Redeem an authorisation for CONTRACT in a transaction of its own, kept if it passes."""
    with platform.uow() as work:
        platform.intent.authorisations.redeem(
            work.session,
            token,
            contract_id=CONTRACT,
            document_sha256=document,
            worker=worker,
            now=at,
        )
        work.commit()


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


# ---- ceremony links ----------------------------------------------------------------------


def test_a_link_opens_the_ceremony_once(platform: Container) -> None:
    links = platform.ceremony_links
    with platform.uow() as work:
        issued = links.issue(work.session, CONTRACT, WORKER_A, T0)
        work.commit()
    with platform.uow() as work:
        ceremony = links.open(work.session, issued.token, T0 + timedelta(minutes=1))
        work.commit()
    assert (ceremony.contract_id, ceremony.worker) == (CONTRACT, WORKER_A)
    assert ceremony.session_token is not None
    with platform.uow() as work:
        again = links.resume(work.session, ceremony.session_token, T0 + timedelta(minutes=20))
        work.commit()
    assert again.session_id == ceremony.session_id

    with pytest.raises(LinkRefused) as refused, platform.uow() as work:
        links.open(work.session, issued.token, T0 + timedelta(minutes=2))
    assert refused.value.reason == "used"
    assert "已使用" in refused.value.message.zh and "already been used" in refused.value.message.en
    assert _count(platform, CeremonySessionRow) == 1


def test_the_token_is_stored_only_as_a_digest(platform: Container) -> None:
    with platform.uow() as work:
        issued = platform.ceremony_links.issue(work.session, CONTRACT, WORKER_A, T0)
        work.commit()
    assert len(issued.token) >= 43  # 256 bits in base64url
    with platform.uow() as work:
        row = work.session.get_one(CeremonyLinkRow, issued.link_id)
        assert issued.token not in (row.token_digest, row.id)
        assert row.expires_at.replace(tzinfo=UTC) == T0 + timedelta(days=7)


def test_an_expired_link_is_refused_and_changes_nothing(platform: Container) -> None:
    links = platform.ceremony_links
    with platform.uow() as work:
        issued = links.issue(work.session, CONTRACT, WORKER_A, T0)
        work.commit()
    with pytest.raises(LinkRefused) as refused, platform.uow() as work:
        links.open(work.session, issued.token, T0 + timedelta(days=7))
    assert refused.value.reason == "expired"
    with platform.uow() as work:
        assert work.session.get_one(CeremonyLinkRow, issued.link_id).used_at is None
    assert _count(platform, CeremonySessionRow) == 0


def test_unknown_and_revoked_links_are_refused(platform: Container) -> None:
    links = platform.ceremony_links
    with platform.uow() as work:
        issued = links.issue(work.session, CONTRACT, WORKER_A, T0)
        work.commit()
    with pytest.raises(LinkRefused) as unknown, platform.uow() as work:
        links.open(work.session, issued.token + "x", T0)
    assert unknown.value.reason == "unknown"
    with platform.uow() as work:
        assert links.revoke(work.session, CONTRACT, T0 + timedelta(hours=1)) == 1
        work.commit()
    with pytest.raises(LinkRefused) as revoked, platform.uow() as work:
        links.open(work.session, issued.token, T0 + timedelta(hours=2))
    assert revoked.value.reason == "expired"


def test_an_idle_ceremony_session_ends(platform: Container) -> None:
    links = platform.ceremony_links
    with platform.uow() as work:
        issued = links.issue(work.session, CONTRACT, WORKER_A, T0)
        ceremony = links.open(work.session, issued.token, T0)
        work.commit()
    assert ceremony.session_token is not None
    with pytest.raises(LinkRefused) as ended, platform.uow() as work:
        links.resume(work.session, ceremony.session_token, T0 + timedelta(minutes=30))
    assert ended.value.reason == "session-ended"


# ---- intent confirmation -----------------------------------------------------------------


def _confirm(
    platform: Container, worker: str, doc: str, code: str, at: datetime
) -> SigningAuthorisation:
    return platform.intent.confirm_intent(CONTRACT, doc, code, worker=worker, now=at)


def test_confirmation_gives_a_single_use_authorisation_for_that_document(
    platform: Container,
) -> None:
    code = _request(platform, WORKER_A, PHONE_A, DOC_1, T0)
    authorisation = _confirm(platform, WORKER_A, DOC_1, code, T0 + timedelta(minutes=1))
    assert (authorisation.contract_id, authorisation.document_sha256) == (CONTRACT, DOC_1)

    at = T0 + timedelta(minutes=2)
    with pytest.raises(AuthorisationRefused) as other_doc:
        _redeem(platform, authorisation.token, at, document=DOC_2)
    assert other_doc.value.reason == "binding"
    with pytest.raises(AuthorisationRefused) as other_worker:
        _redeem(platform, authorisation.token, at, worker=WORKER_B)
    assert other_worker.value.reason == "binding"
    _redeem(platform, authorisation.token, at)
    with pytest.raises(AuthorisationRefused) as twice:
        _redeem(platform, authorisation.token, at)
    assert twice.value.reason == "used"

    # The code itself is single use too.
    with pytest.raises(OtpRefused) as reused:
        _confirm(platform, WORKER_A, DOC_1, code, T0 + timedelta(minutes=3))
    assert reused.value.reason == "used"

    events = _leaves(platform)
    assert [e.type for e in events] == [EventType.OTP_VERIFIED]
    assert events[0].extra["outcome"] == "passed"
    assert events[0].artifacts["confirmed-document"] == DOC_1
    # A development outbox proves nothing about the phone: not authoritative.
    assert events[0].extra["authoritative"] is False
    assert PHONE_A not in events[0].entry().decode()


def test_an_expired_or_tampered_authorisation_is_refused(platform: Container) -> None:
    code = _request(platform, WORKER_A, PHONE_A, DOC_1, T0)
    authorisation = _confirm(platform, WORKER_A, DOC_1, code, T0)
    body, mac = authorisation.token.split(".")
    for token, at, reason in (
        (f"{body}.{mac[:-2]}AA", T0, "malformed"),
        ("garbage", T0, "malformed"),
        (authorisation.token, T0 + timedelta(minutes=5), "expired"),
    ):
        with pytest.raises(AuthorisationRefused) as refused:
            _redeem(platform, token, at)
        assert refused.value.reason == reason
    with platform.uow() as work:
        assert work.session.get_one(SigningAuthorisationRow, authorisation.id).used_at is None


def test_a_code_for_another_document_revision_is_refused_without_change(
    platform: Container,
) -> None:
    code = _request(platform, WORKER_A, PHONE_A, DOC_1, T0)
    before = _otp_rows(platform)
    with pytest.raises(OtpRefused) as refused:
        _confirm(platform, WORKER_A, DOC_2, code, T0 + timedelta(minutes=1))
    assert refused.value.reason == "other-document"
    assert "合同文本已变更" in refused.value.message.zh
    assert "document changed" in refused.value.message.en
    assert _otp_rows(platform) == before
    assert _count(platform, SigningAuthorisationRow) == 0
    assert _leaves(platform) == []
    # the code still confirms the revision it was sent for
    _confirm(platform, WORKER_A, DOC_1, code, T0 + timedelta(minutes=2))


def test_another_persons_code_is_refused(platform: Container) -> None:
    code_a = _request(platform, WORKER_A, PHONE_A, DOC_1, T0)
    # B holds no code: refused, nothing changes
    with pytest.raises(OtpRefused) as no_code:
        _confirm(platform, WORKER_B, DOC_1, code_a, T0 + timedelta(minutes=1))
    assert no_code.value.reason == "no-code"
    assert _leaves(platform) == [] and _count(platform, SigningAuthorisationRow) == 0

    # B holds his own code: A's code is a wrong try on B's code, and A's code is untouched
    code_b = _request(platform, WORKER_B, PHONE_B, DOC_1, T0 + timedelta(minutes=1))
    if code_b == code_a:  # pragma: no cover - one chance in a million
        pytest.skip("both codes happen to be equal")
    with pytest.raises(OtpRefused) as wrong:
        _confirm(platform, WORKER_B, DOC_1, code_a, T0 + timedelta(minutes=2))
    assert wrong.value.reason == "wrong"
    assert "还可尝试 4 次" in wrong.value.message.zh
    assert _count(platform, SigningAuthorisationRow) == 0
    assert _confirm(platform, WORKER_A, DOC_1, code_a, T0 + timedelta(minutes=3)).worker == WORKER_A


def test_the_sixth_try_is_locked_out_even_with_the_right_code(platform: Container) -> None:
    code = _request(platform, WORKER_A, PHONE_A, DOC_1, T0)
    reasons = []
    for i in range(5):
        with pytest.raises(OtpRefused) as refused:
            _confirm(platform, WORKER_A, DOC_1, _wrong(code), T0 + timedelta(seconds=10 + i))
        reasons.append(refused.value.reason)
    assert reasons == ["wrong", "wrong", "wrong", "wrong", "locked"]
    with pytest.raises(OtpRefused) as sixth:
        _confirm(platform, WORKER_A, DOC_1, code, T0 + timedelta(seconds=30))
    assert sixth.value.reason == "locked"
    assert "错误次数过多" in sixth.value.message.zh
    assert _count(platform, SigningAuthorisationRow) == 0
    events = _leaves(platform)
    assert [e.extra["outcome"] for e in events] == ["failed"] * 5
    assert [e.extra["tries"] for e in events] == [1, 2, 3, 4, 5]
    assert _count(platform, VerificationAttemptRow) == 5


def test_an_expired_code_is_refused_without_change(platform: Container) -> None:
    code = _request(platform, WORKER_A, PHONE_A, DOC_1, T0)
    before = _otp_rows(platform)
    with pytest.raises(OtpRefused) as refused:
        _confirm(platform, WORKER_A, DOC_1, code, T0 + timedelta(minutes=5))
    assert refused.value.reason == "expired"
    assert _otp_rows(platform) == before and _leaves(platform) == []


def test_a_new_code_supersedes_the_old_one(platform: Container) -> None:
    first = _request(platform, WORKER_A, PHONE_A, DOC_1, T0)
    second = _request(platform, WORKER_A, PHONE_A, DOC_1, T0 + timedelta(minutes=2))
    if first == second:  # pragma: no cover - one chance in a million
        pytest.skip("both codes happen to be equal")
    with pytest.raises(OtpRefused):
        _confirm(platform, WORKER_A, DOC_1, first, T0 + timedelta(minutes=3))
    _confirm(platform, WORKER_A, DOC_1, second, T0 + timedelta(minutes=3))


# ---- send limits ---------------------------------------------------------------------------


def test_sends_are_limited_per_phone_and_per_address(platform: Container) -> None:
    otp = OtpService(
        platform.secret_key,
        OtpPolicy(per_phone_per_hour=3, per_ip_per_hour=4, resend_interval=timedelta(seconds=60)),
    )

    def send(phone: str, ip: str, at: datetime) -> None:
        with platform.uow() as work:
            otp.issue(
                work.session, subject=WORKER_A, purpose="login", phone=phone, client_ip=ip, now=at
            )
            work.commit()

    send(PHONE_A, "198.51.100.1", T0)
    with pytest.raises(RateLimited) as too_soon:
        send(PHONE_A, "198.51.100.1", T0 + timedelta(seconds=59))
    assert too_soon.value.retry_after == 1
    send(PHONE_A, "198.51.100.1", T0 + timedelta(seconds=60))
    send(PHONE_A, "198.51.100.2", T0 + timedelta(seconds=120))
    with pytest.raises(RateLimited):  # fourth send to this phone within the hour
        send(PHONE_A, "198.51.100.3", T0 + timedelta(seconds=180))
    assert _count(platform, OtpRow) == 3
    # per address: the first address has sent 2; two more phones reach its limit of 4
    send(PHONE_B, "198.51.100.1", T0 + timedelta(seconds=240))
    send("13700137000", "198.51.100.1", T0 + timedelta(seconds=300))
    with pytest.raises(RateLimited) as per_ip:
        send("13600136000", "198.51.100.1", T0 + timedelta(seconds=360))
    assert "过于频繁" in per_ip.value.message.zh
    # the next hour's window starts afresh
    send("13600136000", "198.51.100.1", T0 + timedelta(hours=1))


def test_the_outbox_holds_no_phone_or_code_in_clear(platform: Container) -> None:
    platform.intent.request_code(
        CONTRACT, DOC_1, worker=WORKER_A, phone=PHONE_A, client_ip="203.0.113.7", now=T0
    )
    with platform.uow() as work:
        payloads = work.session.scalars(select(OutboxMessageRow.payload)).all()
    assert len(payloads) == 1
    code = _deliver_and_read_code(platform, PHONE_A)
    assert PHONE_A not in str(payloads[0]) and code not in str(payloads[0])


# ---- other verification attempts -------------------------------------------------------------


def test_real_name_attempts_are_recorded_as_evidence_without_personal_data(
    platform: Container,
) -> None:
    verifier = DevelopmentRealNameVerifier()
    log = platform.evidence.log
    results = [
        verifier.verify("张三", "11010519491231002X", PHONE_A),
        verifier.verify("张三", "110105194912310021", PHONE_A),
    ]
    with platform.uow() as work:
        for i, result in enumerate(results):
            record_attempt(
                work.session,
                log,
                subject=WORKER_A,
                result=result,
                now=T0 + timedelta(seconds=i),
                contract_id=CONTRACT,
            )
        work.commit()
    events = _leaves(platform)
    assert [e.type for e in events] == [EventType.IDENTITY_VERIFIED] * 2
    assert [e.extra["outcome"] for e in events] == ["passed", "failed"]
    assert all(e.extra["authoritative"] is False for e in events)
    assert events[1].artifacts["previous-event"] == hashlib.sha256(events[0].entry()).hexdigest()
    for event in events:
        entry = event.entry().decode()
        assert "11010519491231002" not in entry and PHONE_A not in entry and "张三" not in entry


def test_a_login_code_is_bound_to_its_purpose(platform: Container) -> None:
    otp = OtpService(platform.secret_key, codes=lambda: "424242")
    with platform.uow() as work:
        otp.issue(
            work.session,
            subject=WORKER_A,
            purpose="login",
            phone=PHONE_A,
            client_ip="198.51.100.1",
            now=T0,
        )
        work.commit()
    with platform.uow() as work:
        check = otp.verify(
            work.session,
            subject=WORKER_A,
            purpose=signing_purpose(CONTRACT, DOC_1),
            code="424242",
            now=T0,
        )
    assert check.reason == "no-code"
    with platform.uow() as work:
        check = otp.verify(work.session, subject=WORKER_A, purpose="login", code="424242", now=T0)
        work.commit()
    assert check.ok
