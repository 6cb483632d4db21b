"""Builds the identity services from settings."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from laborsign.errors import ConfigurationError
from laborsign.i18n import Text
from laborsign.identity.face import DevelopmentFaceVerifier, FaceVerification
from laborsign.identity.intent import Authorisations, IntentService
from laborsign.identity.links import CeremonyLinks
from laborsign.identity.otp import OtpPolicy, OtpService
from laborsign.identity.realname import (
    DevelopmentRealNameVerifier,
    HttpRealNameVerifier,
    RealNameVerifier,
)
from laborsign.identity.sending import CodeSender
from laborsign.identity.social_security import (
    DevelopmentSocialSecurityCard,
    SocialSecurityCardLogin,
)

if TYPE_CHECKING:
    from laborsign.bootstrap import Container


def build_links(container: Container) -> CeremonyLinks:
    s = container.settings
    return CeremonyLinks(
        container.secret_key,
        link_ttl=timedelta(days=s.ceremony_link_days),
        session_idle=timedelta(minutes=s.ceremony_idle_minutes),
    )


def build_otp(container: Container) -> OtpService:
    s = container.settings
    policy = OtpPolicy(
        ttl=timedelta(seconds=s.otp_ttl_seconds),
        max_tries=s.otp_max_tries,
        resend_interval=timedelta(seconds=s.otp_resend_seconds),
        per_phone_per_hour=s.otp_per_phone_per_hour,
        per_phone_per_day=s.otp_per_phone_per_day,
        per_ip_per_hour=s.otp_per_ip_per_hour,
    )
    return OtpService(container.secret_key, policy)


def build_code_sender(container: Container) -> CodeSender:
    provider = container.settings.sms_provider
    return CodeSender(
        container.otp, container.privacy, provider, authoritative=provider != "dev-outbox"
    )


def build_intent(container: Container) -> IntentService:
    ttl = timedelta(seconds=container.settings.signing_authorisation_seconds)
    return IntentService(
        container.uow,
        container.otp,
        container.code_sender,
        Authorisations(container.secret_key, ttl),
        container.evidence.log,
    )


def build_realname(container: Container) -> RealNameVerifier:
    s = container.settings
    if s.realname_provider == "http":
        secret = s.realname_app_secret.get_secret_value() if s.realname_app_secret else ""
        return HttpRealNameVerifier(
            url=s.realname_url,
            app_key=s.realname_app_key,
            app_secret=secret,
            timeout=s.realname_timeout_seconds,
        )
    if s.is_production:
        raise ConfigurationError(
            Text(
                "生产模式需要权威的实名核验服务（LABORSIGN_REALNAME_PROVIDER=http）",
                "production mode needs an authoritative real-name service "
                "(LABORSIGN_REALNAME_PROVIDER=http)",
            ),
            field="realname_provider",
        )
    return DevelopmentRealNameVerifier()


def build_face(container: Container) -> FaceVerification:
    # Only the development verifier exists so far; a provider adapter plugs in here. No
    # image store is wired, so no image is ever kept even with face_store_images set.
    return FaceVerification(
        DevelopmentFaceVerifier(), store_images=container.settings.face_store_images
    )


def build_social_security_card(container: Container) -> SocialSecurityCardLogin:
    return DevelopmentSocialSecurityCard(f"{container.settings.base_url}/dev/e-ssc")
