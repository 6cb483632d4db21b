"""The ports through which the platform reaches people: SMS, e-mail, WeChat.

Each sender does one delivery attempt and either returns a `Receipt` or raises
`DeliveryFailed` (a `ServiceUnavailable`: nothing was sent, the caller — usually the outbox
relay — may retry). Senders never log or store the address in clear; a receipt names the
provider and the provider's own message id only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from laborsign.errors import ServiceUnavailable


@dataclass(frozen=True, slots=True)
class Receipt:
    """What a provider said when it accepted a message."""

    provider: str
    message_id: str


class DeliveryFailed(ServiceUnavailable):
    """The provider refused the message or could not be reached; nothing was delivered."""


class SmsSender(Protocol):
    def send(self, phone: str, template_id: str, params: Mapping[str, str]) -> Receipt:
        """Send the SMS template `template_id` (a `messages.MessageKind` value) to `phone`."""


class EmailSender(Protocol):
    def send(self, to: str, subject: str, text: str, html: str | None = None) -> Receipt:
        """Send one e-mail with a plain-text body and an optional HTML alternative."""


class WeChatSender(Protocol):
    def send(
        self, openid: str, template_id: str, data: Mapping[str, str], url: str | None = None
    ) -> Receipt:
        """Send a WeChat official-account template message to the follower `openid`."""
