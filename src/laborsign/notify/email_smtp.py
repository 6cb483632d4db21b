"""E-mail over SMTP with smtplib: STARTTLS (port 587), implicit TLS (465) or plain (tests
and trusted relays only). One connection per message: e-mail volume is low and a pooled
SMTP connection would time out between messages anyway."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Literal

from laborsign.errors import ConfigurationError
from laborsign.i18n import Text
from laborsign.notify.ports import DeliveryFailed, Receipt

PROVIDER = "smtp"
Security = Literal["starttls", "ssl", "none"]


class SmtpEmailSender:
    def __init__(
        self,
        *,
        host: str,
        port: int,
        sender: str,
        security: Security = "starttls",
        username: str = "",
        password: str = "",
        timeout: float = 10.0,
        tls_context: ssl.SSLContext | None = None,
    ) -> None:
        if not host or not sender:
            raise ConfigurationError(
                Text("SMTP 需要服务器地址和发件人", "SMTP needs a host and a sender address"),
                field="smtp_host",
            )
        self._host = host
        self._port = port
        self._sender = sender
        self._security = security
        self._username = username
        self._password = password
        self._timeout = timeout
        self._tls = tls_context or ssl.create_default_context()

    def message(self, to: str, subject: str, text: str, html: str | None) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = self._sender
        msg["To"] = to
        msg["Subject"] = subject
        domain = self._sender.rpartition("@")[2] or None
        msg["Message-ID"] = make_msgid(domain=domain)
        msg.set_content(text)
        if html is not None:
            msg.add_alternative(html, subtype="html")
        return msg

    def _connect(self) -> smtplib.SMTP:
        if self._security == "ssl":
            return smtplib.SMTP_SSL(
                self._host, self._port, timeout=self._timeout, context=self._tls
            )
        client = smtplib.SMTP(self._host, self._port, timeout=self._timeout)
        if self._security == "starttls":
            client.starttls(context=self._tls)
        return client

    def send(self, to: str, subject: str, text: str, html: str | None = None) -> Receipt:
        msg = self.message(to, subject, text, html)
        try:
            with self._connect() as client:
                if self._username:
                    client.login(self._username, self._password)
                refused = client.send_message(msg)
        except (smtplib.SMTPException, OSError) as exc:
            # The exception text can contain the recipient; only its type is reported.
            raise DeliveryFailed(
                Text("邮件发送失败（{e}）", "e-mail not sent ({e})").format(e=type(exc).__name__)
            ) from exc
        if refused:
            raise DeliveryFailed(
                Text("邮件服务器拒收了收件人", "the SMTP server refused the recipient")
            )
        return Receipt(PROVIDER, str(msg["Message-ID"]))
