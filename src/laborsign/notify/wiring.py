"""Builds the notification senders the settings choose, and their outbox handlers."""

from __future__ import annotations

import ssl
from typing import TYPE_CHECKING

from laborsign.errors import ConfigurationError
from laborsign.i18n import Text
from laborsign.notify.delivery import email_handler, sms_handler
from laborsign.notify.dev_outbox import DevOutboxEmail, DevOutboxSms
from laborsign.notify.email_smtp import SmtpEmailSender
from laborsign.notify.outbox_relay import Handler
from laborsign.notify.ports import EmailSender, SmsSender, WeChatSender
from laborsign.notify.sms_aliyun import HttpSmsSender
from laborsign.notify.wechat import WeChatTemplateSender

if TYPE_CHECKING:
    from laborsign.bootstrap import Container


def _secret(value: object) -> str:
    getter = getattr(value, "get_secret_value", None)
    return str(getter()) if getter is not None else ""


def _no_dev_outbox_in_production(container: Container, channel: str) -> None:
    if container.settings.is_production:
        raise ConfigurationError(
            Text(
                "生产模式不能使用开发发件箱发送{c}，请配置服务商",
                "production mode cannot send {c} to the development outbox; configure a provider",
            ).format(c=channel),
            field=f"{channel}_provider",
        )


def build_sms_sender(container: Container) -> SmsSender:
    s = container.settings
    if s.sms_provider == "aliyun":
        return HttpSmsSender(
            endpoint=s.sms_endpoint,
            access_key_id=s.sms_access_key_id,
            access_key_secret=_secret(s.sms_access_key_secret),
            sign_name=s.sms_sign_name,
            template_codes=s.sms_template_codes,
            region=s.sms_region,
            timeout=s.sms_timeout_seconds,
        )
    _no_dev_outbox_in_production(container, "sms")
    return DevOutboxSms(container.uow, container.secret_key)


def build_email_sender(container: Container) -> EmailSender:
    s = container.settings
    if s.email_provider == "smtp":
        return SmtpEmailSender(
            host=s.smtp_host,
            port=s.smtp_port,
            sender=s.smtp_sender,
            security=s.smtp_security,
            username=s.smtp_username,
            password=_secret(s.smtp_password),
            timeout=s.smtp_timeout_seconds,
            tls_context=ssl.create_default_context(),
        )
    _no_dev_outbox_in_production(container, "email")
    return DevOutboxEmail(container.uow, container.secret_key)


def build_wechat_sender(container: Container) -> WeChatSender:
    s = container.settings
    return WeChatTemplateSender(
        app_id=s.wechat_app_id,
        app_secret=_secret(s.wechat_app_secret),
        api_base=s.wechat_api_base,
    )


def notification_handlers(container: Container) -> dict[str, Handler]:
    """Outbox handlers for the kinds "sms" and "email" (the relay's wiring merges them)."""
    return {
        "sms": sms_handler(container.sms_sender, container.privacy),
        "email": email_handler(container.email_sender, container.privacy),
    }
