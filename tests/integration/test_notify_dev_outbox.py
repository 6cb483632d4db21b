"""The development outbox and the outbox handlers on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.unit.identity.platform import light_platform

from laborsign.bootstrap import Container
from laborsign.errors import ConfigurationError, PermissionDenied
from laborsign.notify import outbox
from laborsign.notify.delivery import email_payload, sms_payload
from laborsign.notify.dev_outbox import DevOutboxSms, read_dev_outbox
from laborsign.notify.messages import MessageKind
from laborsign.notify.outbox_relay import OutboxRelay
from laborsign.notify.tables import DevOutboxMessageRow

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
PHONE = "13800138000"
INVITE = {"employer": "示例科技有限公司", "link": "https://x.test/c/t0k3n", "expires": "3月8日"}


@pytest.fixture
def platform(database_url: str, tmp_path: Path) -> Iterator[Container]:
    with light_platform(database_url, tmp_path / "home") as container:
        yield container


def test_dev_outbox_keeps_the_text_but_not_the_number(platform: Container) -> None:
    sender = DevOutboxSms(platform.uow, platform.secret_key, clock=lambda: T0)
    receipt = sender.send(PHONE, "contract-to-sign", INVITE)
    assert receipt.provider == "dev-outbox"
    with platform.uow() as work:
        row = work.session.scalars(select(DevOutboxMessageRow)).one()
        assert row.recipient_masked == "138****8000"
        assert PHONE not in row.recipient_digest + row.body + row.subject
        assert INVITE["link"] in row.body
    mine = read_dev_outbox(
        platform.uow, platform.secret_key, development=True, channel="sms", address=PHONE
    )
    assert [m.id for m in mine] == [receipt.message_id]
    others = read_dev_outbox(
        platform.uow, platform.secret_key, development=True, channel="sms", address="13900139000"
    )
    assert others == []


def test_dev_outbox_is_readable_in_development_mode_only(platform: Container) -> None:
    with pytest.raises(PermissionDenied) as refused:
        read_dev_outbox(platform.uow, platform.secret_key, development=False)
    assert "开发模式" in refused.value.message.zh


def test_relay_delivers_sealed_sms_and_email_through_the_configured_senders(
    platform: Container,
) -> None:
    with platform.uow() as work:
        outbox.add(
            work.session,
            "sms",
            sms_payload(platform.privacy, PHONE, MessageKind.CONTRACT_TO_SIGN, INVITE),
            key="invite-sms",
            now=T0,
        )
        outbox.add(
            work.session,
            "email",
            email_payload(
                platform.privacy, "worker@example.test", MessageKind.CONTRACT_TO_SIGN, INVITE
            ),
            key="invite-email",
            now=T0,
        )
        work.commit()
    relay = OutboxRelay(platform.uow, platform.notification_handlers)
    for message_id in relay.due(T0):
        assert relay.dispatch(message_id, T0)
    sms = read_dev_outbox(platform.uow, platform.secret_key, development=True, channel="sms")
    mail = read_dev_outbox(platform.uow, platform.secret_key, development=True, channel="email")
    assert len(sms) == 1 and INVITE["link"] in sms[0].body
    assert len(mail) == 1 and mail[0].recipient == "w***@example.test"
    assert mail[0].subject.startswith("示例科技有限公司邀请您签订电子劳动合同")


def test_production_refuses_the_development_outbox_and_real_name_check(
    database_url: str, tmp_path: Path
) -> None:
    with light_platform(
        database_url, tmp_path / "home", mode="production", public_url="https://sign.example"
    ) as production:
        for build in (
            lambda: production.sms_sender,
            lambda: production.email_sender,
            lambda: production.realname,
        ):
            with pytest.raises(ConfigurationError):
                build()
