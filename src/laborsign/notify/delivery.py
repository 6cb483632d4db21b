"""SMS and e-mail as outbox handlers (kinds "sms" and "email").

A service that wants to notify someone writes the message into the outbox in its own
transaction::

    outbox.add(session, "sms", sms_payload(privacy, phone, MessageKind.OTP, params), key=...)

The address and the parameters travel sealed (AES-GCM under the personal-data keys,
purpose `outbox.message`), so the outbox table never holds a phone number, an e-mail
address, a code or a link token in clear. After the commit
the relay calls the handler, which opens the address, renders the text (e-mail) or passes
the template and parameters (SMS providers keep approved templates), and sends.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any, Protocol

from sqlalchemy.orm import Session

from laborsign.errors import InvalidInput
from laborsign.i18n import Text
from laborsign.notify.messages import MessageKind, render
from laborsign.notify.outbox_relay import Handler, OutboxMessage
from laborsign.notify.ports import EmailSender, SmsSender

SEALED_PURPOSE = "outbox.message"


class Sealer(Protocol):
    """The personal-data cipher (`laborsign.privacy.cipher.Privacy` satisfies it)."""

    def encrypt(self, value: str, purpose: str, *, context: str = "") -> bytes: ...

    def decrypt(self, blob: bytes, purpose: str, *, context: str = "") -> str: ...


def _payload(
    sealer: Sealer, channel: str, address: str, kind: MessageKind, params: Mapping[str, str]
) -> dict[str, Any]:
    render(kind.value, params)  # refuse bad parameters now, not in the relay later
    # Parameters are sealed too: they carry codes and link tokens.
    inner = json.dumps({"to": address, "params": dict(params)}, ensure_ascii=False)
    sealed = sealer.encrypt(inner, SEALED_PURPOSE, context=channel)
    return {"sealed": base64.b64encode(sealed).decode("ascii"), "template": kind.value}


def sms_payload(
    sealer: Sealer, phone: str, kind: MessageKind, params: Mapping[str, str]
) -> dict[str, Any]:
    return _payload(sealer, "sms", phone, kind, params)


def email_payload(
    sealer: Sealer, address: str, kind: MessageKind, params: Mapping[str, str]
) -> dict[str, Any]:
    return _payload(sealer, "email", address, kind, params)


def _unpack(
    sealer: Sealer, channel: str, payload: Mapping[str, Any]
) -> tuple[str, str, dict[str, str]]:
    sealed, template = payload.get("sealed"), payload.get("template")
    try:
        if not isinstance(sealed, str) or not isinstance(template, str):
            raise ValueError("sealed and template must be strings")
        inner = json.loads(
            sealer.decrypt(base64.b64decode(sealed), SEALED_PURPOSE, context=channel)
        )
        address, params = inner["to"], inner["params"]
        if not isinstance(address, str) or not all(isinstance(v, str) for v in params.values()):
            raise ValueError("address and parameters must be strings")
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InvalidInput(
            Text("外发消息格式无效", "malformed notification payload"), field="payload"
        ) from exc
    return address, template, dict(params)


def sms_handler(sender: SmsSender, sealer: Sealer) -> Handler:
    def handle(_session: Session, message: OutboxMessage) -> None:
        phone, template, params = _unpack(sealer, "sms", message.payload)
        sender.send(phone, template, params)

    return handle


def email_handler(sender: EmailSender, sealer: Sealer) -> Handler:
    def handle(_session: Session, message: OutboxMessage) -> None:
        address, template, params = _unpack(sealer, "email", message.payload)
        rendered = render(template, params)
        sender.send(address, rendered.subject, rendered.text, rendered.html)

    return handle
