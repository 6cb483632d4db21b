"""The senders and the real-name adapter against provider stand-ins running as separate
processes: a fake Alibaba Cloud SMS endpoint and WeChat API and three-factor service (each
checks signatures its own way), and an aiosmtpd server that requires STARTTLS."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import ipaddress
import ssl
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from tests.unit.notify.processes import fake_provider

from laborsign.identity.realname import HttpRealNameVerifier
from laborsign.identity.results import Outcome
from laborsign.notify.email_smtp import SmtpEmailSender
from laborsign.notify.ports import DeliveryFailed
from laborsign.notify.sms_aliyun import HttpSmsSender
from laborsign.notify.wechat import WeChatTemplateSender

VALID_ID = "11010519491231002X"


def _received(port: int) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = httpx.get(f"http://127.0.0.1:{port}/_received").json()
    return data


# ---- SMS ---------------------------------------------------------------------------------

SMS = {"key_id": "LTAI-test", "key_secret": "s3cret-for-tests"}


@pytest.fixture(scope="module")
def sms_port() -> Iterator[int]:
    with fake_provider("sms", SMS) as port:
        yield port


def _sms_sender(port: int, secret: str) -> HttpSmsSender:
    return HttpSmsSender(
        endpoint=f"http://127.0.0.1:{port}/",
        access_key_id=SMS["key_id"],
        access_key_secret=secret,
        sign_name="劳动合同平台",
        template_codes={"otp": "SMS_100", "contract-to-sign": "SMS_200"},
    )


def test_sms_reaches_the_provider_with_a_valid_signature(sms_port: int) -> None:
    sender = _sms_sender(sms_port, SMS["key_secret"])
    params = {
        "employer": "示例科技有限公司",
        "link": "https://x.test/c/a+b*c~d",
        "expires": "3月8日",
    }
    receipt = sender.send("13800138000", "contract-to-sign", params)
    assert receipt.provider == "aliyun-sms" and receipt.message_id.startswith("biz")
    last = _received(sms_port)[-1]
    assert last == {
        "phone": "13800138000",
        "template": "SMS_200",
        "params": params,
        "sign_name": "劳动合同平台",
    }


def test_sms_with_a_wrong_secret_is_refused_by_the_provider(sms_port: int) -> None:
    before = len(_received(sms_port))
    with pytest.raises(DeliveryFailed) as failed:
        _sms_sender(sms_port, "wrong-secret").send(
            "13800138000", "otp", {"code": "1", "minutes": "5"}
        )
    assert "SignatureDoesNotMatch" in failed.value.message.en
    assert "13800138000" not in str(failed.value)
    assert len(_received(sms_port)) == before


def test_sms_to_an_unreachable_provider_fails_closed() -> None:
    sender = _sms_sender(9, SMS["key_secret"])  # discard port: nothing listens
    with pytest.raises(DeliveryFailed):
        sender.send("13800138000", "otp", {"code": "123456", "minutes": "5"})


# ---- WeChat ------------------------------------------------------------------------------

WECHAT = {"app_id": "wx-test", "app_secret": "wx-secret"}


def test_wechat_template_messages_reuse_and_renew_the_access_token() -> None:
    with fake_provider("wechat", WECHAT) as port:
        base = f"http://127.0.0.1:{port}"
        sender = WeChatTemplateSender(
            api_base=base, app_id=WECHAT["app_id"], app_secret=WECHAT["app_secret"]
        )
        data = {"first": "劳动合同待签署", "keyword1": "示例科技"}
        first = sender.send("openid-1", "TPL-SIGN", data, "https://x.test/c/1")
        sender.send("openid-2", "TPL-SIGN", data)
        received = _received(port)
        assert [r.get("token_fetch") for r in received].count(True) == 1
        assert received[1] == {
            "touser": "openid-1",
            "template_id": "TPL-SIGN",
            "data": {"first": {"value": "劳动合同待签署"}, "keyword1": {"value": "示例科技"}},
            "url": "https://x.test/c/1",
        }
        assert first.provider == "wechat-template" and first.message_id
        httpx.get(f"{base}/_expire")  # the provider invalidates the token early
        sender.send("openid-3", "TPL-SIGN", data)
        received = _received(port)
        assert [r.get("token_fetch") for r in received].count(True) == 2
        assert received[-1]["touser"] == "openid-3"

        wrong = WeChatTemplateSender(
            api_base=base, app_id=WECHAT["app_id"], app_secret=WECHAT["app_secret"][::-1]
        )
        with pytest.raises(DeliveryFailed):
            wrong.send("openid-4", "TPL-SIGN", data)


# ---- real-name three-factor service -------------------------------------------------------

RN_SECRET = "rn-secret"  # noqa: S105 - the fake service's test key
REALNAME = {
    "app_key": "rn-key",
    "app_secret": RN_SECRET,
    "people": [["张三", VALID_ID, "13800138000"]],
}


def test_three_factor_service_match_mismatch_and_forged_answer() -> None:
    with fake_provider("realname", REALNAME) as port:
        verifier = HttpRealNameVerifier(
            url=f"http://127.0.0.1:{port}/verify", app_key="rn-key", app_secret=RN_SECRET
        )
        match = verifier.verify("张三", VALID_ID.lower(), "13800138000")
        assert (match.outcome, match.authoritative, match.reference) == (
            Outcome.PASSED,
            True,
            "ref-42",
        )
        assert verifier.verify("张三", VALID_ID, "13900139000").outcome is Outcome.FAILED
        wrong_key = HttpRealNameVerifier(
            url=f"http://127.0.0.1:{port}/verify", app_key="rn-key", app_secret=RN_SECRET[::-1]
        )
        assert wrong_key.verify("张三", VALID_ID, "13800138000").outcome is Outcome.ERROR
    with fake_provider("realname", {**REALNAME, "response_secret": "forger"}) as port:
        forged = HttpRealNameVerifier(
            url=f"http://127.0.0.1:{port}/verify", app_key="rn-key", app_secret=RN_SECRET
        )
        assert forged.verify("张三", VALID_ID, "13800138000").outcome is Outcome.ERROR
    unreachable = HttpRealNameVerifier(
        url="http://127.0.0.1:9/verify", app_key="rn-key", app_secret=RN_SECRET
    )
    assert unreachable.verify("张三", VALID_ID, "13800138000").outcome is Outcome.ERROR


# ---- SMTP --------------------------------------------------------------------------------


def _self_signed(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "smtp.pem", directory / "smtp.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture
def smtp_server(tmp_path: Path) -> Iterator[tuple[int, Path, Path]]:
    cert, key = _self_signed(tmp_path)
    maildir = tmp_path / "mail"
    maildir.mkdir()
    config = {"cert": str(cert), "key": str(key), "maildir": str(maildir)}
    with fake_provider("smtp-starttls", config) as port:
        yield port, maildir, cert


def test_email_over_starttls_arrives_with_text_and_html(
    smtp_server: tuple[int, Path, Path],
) -> None:
    port, maildir, cert = smtp_server
    sender = SmtpEmailSender(
        host="127.0.0.1",
        port=port,
        sender="noreply@laborsign.test",
        security="starttls",
        tls_context=ssl.create_default_context(cafile=str(cert)),
    )
    receipt = sender.send(
        "worker@example.test", "合同待签署 / Contract to sign", "正文\n\nbody", "<p>正文</p>"
    )
    assert receipt.provider == "smtp" and receipt.message_id.endswith("@laborsign.test>")
    files = sorted(maildir.glob("*.eml"))
    assert len(files) == 1
    assert (files[0].parent / (files[0].name + ".rcpt")).read_text() == "worker@example.test"
    message = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    assert str(message["Subject"]) == "合同待签署 / Contract to sign"
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None and "正文" in plain.get_content()
    assert html is not None and "<p>正文</p>" in html.get_content()


def test_email_without_tls_is_refused_by_a_server_that_requires_it(
    smtp_server: tuple[int, Path, Path],
) -> None:
    port, maildir, _ = smtp_server
    sender = SmtpEmailSender(
        host="127.0.0.1", port=port, sender="noreply@laborsign.test", security="none"
    )
    with pytest.raises(DeliveryFailed) as failed:
        sender.send("worker@example.test", "s", "t")
    assert "worker@example.test" not in str(failed.value)
    assert list(maildir.glob("*.eml")) == []


def test_email_to_a_server_with_an_untrusted_certificate_is_not_sent(
    smtp_server: tuple[int, Path, Path],
) -> None:
    port, maildir, _ = smtp_server
    sender = SmtpEmailSender(host="127.0.0.1", port=port, sender="noreply@laborsign.test")
    with pytest.raises(DeliveryFailed):
        sender.send("worker@example.test", "s", "t")
    assert list(maildir.glob("*.eml")) == []
