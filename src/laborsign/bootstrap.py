"""The composition root: the one place that builds adapters from settings.

Services and routes receive what they need from a `Container`; nothing else reads settings
or constructs adapters. Each adapter is built lazily once, so a CLI command pays only for
what it uses.
"""

from __future__ import annotations

import os
import secrets
from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from laborsign.db.engine import make_engine
from laborsign.db.migrate import upgrade
from laborsign.db.tenancy import Scope
from laborsign.db.uow import UnitOfWork
from laborsign.settings import DEV_SECRET_PREFIX, Settings, load_settings

if TYPE_CHECKING:
    from laborsign.bulk.service import BulkService
    from laborsign.ceremony.wiring import CeremonyServices
    from laborsign.contracts.minimum_wage import SqlMinimumWages
    from laborsign.contracts.service import ContractService
    from laborsign.evidence.anchors import Anchor
    from laborsign.evidence.service import EvidenceService
    from laborsign.filing.service import FilingService
    from laborsign.identity.face import FaceVerification
    from laborsign.identity.intent import IntentService
    from laborsign.identity.links import CeremonyLinks
    from laborsign.identity.otp import OtpService
    from laborsign.identity.realname import RealNameVerifier
    from laborsign.identity.sending import CodeSender
    from laborsign.identity.social_security import SocialSecurityCardLogin
    from laborsign.jobs.runner import Jobs
    from laborsign.lifecycle.service import LifecycleService
    from laborsign.notify.outbox_relay import Handler, OutboxRelay
    from laborsign.notify.ports import EmailSender, SmsSender, WeChatSender
    from laborsign.notify.webhooks import WebhookService
    from laborsign.parties.wiring import Parties
    from laborsign.pki.ca import BuiltInCA
    from laborsign.pki.tsa import TimeStamper
    from laborsign.pki.tsa_server import BuiltInTsa
    from laborsign.privacy.cipher import Privacy
    from laborsign.retention.service import RetentionService
    from laborsign.signing.keys import KeyStore
    from laborsign.signing.service import SigningService
    from laborsign.storage.ports import DocumentStore
    from laborsign.watch.service import WatchService


class Container:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def engine(self) -> Engine:
        from laborsign.privacy.sqltypes import bind_privacy

        engine = make_engine(self.settings.database, pool_size=self.settings.database_pool_size)
        # Encrypted columns find their keys through the engine, resolved at first use.
        bind_privacy(engine, lambda: self.privacy)
        return engine

    def uow(self, scope: Scope | None = None) -> UnitOfWork:
        return UnitOfWork(self.engine, scope)

    @cached_property
    def secret_key(self) -> bytes:
        """The platform secret: given in settings, or (development) kept in the data home."""
        if self.settings.secret_key is not None:
            return self.settings.secret_key.get_secret_value().encode()
        path = self.settings.home / "secret.key"
        if not path.exists():
            raise RuntimeError("no secret key: run `laborsign init` first")
        return path.read_bytes().strip()

    def init(self) -> list[str]:
        """Create the data home, database and keys; safe to run again. Returns what it did."""
        done: list[str] = []
        home = self.settings.home
        if not home.exists():
            home.mkdir(parents=True, mode=0o700)
            done.append(f"created data home {home}")
        secret = home / "secret.key"
        if self.settings.secret_key is None and not secret.exists():
            # Created 0600 from the start: the secret is never readable by others.
            fd = os.open(secret, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as out:
                out.write(DEV_SECRET_PREFIX + secrets.token_urlsafe(32))
            done.append("generated development secret key")
        upgrade(self.engine)
        done.append("database migrated to the latest schema")
        done.extend(self._init_privacy())
        done.extend(self._init_trust())
        done.extend(self._init_evidence())
        return done

    def _init_evidence(self) -> list[str]:
        from laborsign.evidence.wiring import init_evidence

        return init_evidence(self.settings)

    @cached_property
    def evidence(self) -> EvidenceService:
        from laborsign.evidence.wiring import build_evidence

        return build_evidence(self.settings, self.uow, lambda: self.timestamper)

    @cached_property
    def anchors(self) -> list[Anchor]:
        """Outside ledgers that receive checkpoint hashes (none unless configured)."""
        from laborsign.evidence.wiring import build_anchors

        return build_anchors(self.settings)

    def _init_trust(self) -> list[str]:
        from laborsign.pki.wiring import init_trust

        return init_trust(self.settings, lambda: self.key_store, self.uow)

    @cached_property
    def key_store(self) -> KeyStore:
        from laborsign.signing.keys_wiring import build_key_store

        return build_key_store(self.settings)

    @cached_property
    def ca(self) -> BuiltInCA:
        from laborsign.pki.wiring import build_ca

        return build_ca(self.settings, self.key_store, self.uow)

    @cached_property
    def tsa(self) -> BuiltInTsa:
        from laborsign.pki.wiring import build_tsa

        return build_tsa(self.settings, self.ca, self.uow)

    @cached_property
    def timestamper(self) -> TimeStamper:
        """The TSA that signing uses: external when configured, else the built-in one."""
        from laborsign.pki.wiring import build_timestamper

        return build_timestamper(self.settings, lambda: self.tsa)

    @cached_property
    def signing(self) -> SigningService:
        from laborsign.signing.service import build_signing_service

        return build_signing_service(self)

    @cached_property
    def parties(self) -> Parties:
        """Organisations, staff accounts, workers and API keys."""
        from laborsign.parties.wiring import build_parties

        return build_parties(self)

    @cached_property
    def minimum_wages(self) -> SqlMinimumWages:
        from laborsign.contracts.minimum_wage import SqlMinimumWages

        return SqlMinimumWages(self.uow)

    @cached_property
    def contracts(self) -> ContractService:
        """Drafts, sending, the worker's steps and signatures of contracts."""
        from laborsign.contracts.render import shared_renderer
        from laborsign.contracts.service import ContractService

        return ContractService(
            self.uow,
            lambda: self.privacy,
            lambda: self.document_store,
            shared_renderer,
            self.secret_key,
            self.minimum_wages,
            log=self.evidence.log,
        )

    @cached_property
    def lifecycle(self) -> LifecycleService:
        """Renewal, amendment and termination of concluded contracts."""
        from laborsign.contracts.render import shared_renderer
        from laborsign.lifecycle.service import LifecycleService

        return LifecycleService(
            self.uow,
            self.contracts,
            lambda: self.privacy,
            lambda: self.document_store,
            shared_renderer,
            lambda: self.signing,
            self.secret_key,
            self.evidence.log,
        )

    @cached_property
    def retention(self) -> RetentionService:
        """Retention dates, legal holds and the erasure of personal data."""
        from laborsign.retention.service import RetentionService

        return RetentionService(
            self.uow,
            lambda: self.privacy,
            lambda: self.document_store,
            self.secret_key,
            self.evidence.log,
            retention_years=self.settings.retention_years,
        )

    @cached_property
    def bulk(self) -> BulkService:
        """Bulk issuance from Excel sheets."""
        from laborsign.bulk.service import BulkService

        return BulkService(self)

    @cached_property
    def ceremony(self) -> CeremonyServices:
        """The signing ceremony: the worker's steps, the employer's signature, completion,
        retrieval, paper copies, authority access and reminders."""
        from laborsign.ceremony.wiring import build_ceremony

        return build_ceremony(self)

    @cached_property
    def sms_sender(self) -> SmsSender:
        from laborsign.notify.wiring import build_sms_sender

        return build_sms_sender(self)

    @cached_property
    def email_sender(self) -> EmailSender:
        from laborsign.notify.wiring import build_email_sender

        return build_email_sender(self)

    @cached_property
    def wechat_sender(self) -> WeChatSender:
        from laborsign.notify.wiring import build_wechat_sender

        return build_wechat_sender(self)

    @cached_property
    def notification_handlers(self) -> dict[str, Handler]:
        """Outbox handlers for "sms" and "email" messages."""
        from laborsign.notify.wiring import notification_handlers

        return notification_handlers(self)

    @cached_property
    def ceremony_links(self) -> CeremonyLinks:
        from laborsign.identity.wiring import build_links

        return build_links(self)

    @cached_property
    def otp(self) -> OtpService:
        from laborsign.identity.wiring import build_otp

        return build_otp(self)

    @cached_property
    def code_sender(self) -> CodeSender:
        from laborsign.identity.wiring import build_code_sender

        return build_code_sender(self)

    @cached_property
    def intent(self) -> IntentService:
        from laborsign.identity.wiring import build_intent

        return build_intent(self)

    @cached_property
    def realname(self) -> RealNameVerifier:
        from laborsign.identity.wiring import build_realname

        return build_realname(self)

    @cached_property
    def face(self) -> FaceVerification:
        from laborsign.identity.wiring import build_face

        return build_face(self)

    @cached_property
    def social_security_card(self) -> SocialSecurityCardLogin:
        from laborsign.identity.wiring import build_social_security_card

        return build_social_security_card(self)

    @cached_property
    def jobs(self) -> Jobs:
        """The job queue; building it also connects the outbox to it."""
        from laborsign.jobs.wiring import build_jobs

        return build_jobs(self)

    @cached_property
    def outbox_relay(self) -> OutboxRelay:
        from laborsign.notify.outbox_wiring import build_outbox_relay

        return build_outbox_relay(self)

    @cached_property
    def webhooks(self) -> WebhookService:
        from laborsign.notify.webhooks_wiring import build_webhooks

        return build_webhooks(self)

    def _init_privacy(self) -> list[str]:
        from laborsign.privacy.wiring import init_privacy

        return init_privacy(self.settings)

    @cached_property
    def privacy(self) -> Privacy:
        """Field encryption and blind indexes for personal data."""
        from laborsign.privacy.wiring import build_privacy

        return build_privacy(self.settings)

    @cached_property
    def document_store(self) -> DocumentStore:
        """Content-addressed, per-tenant encrypted documents (local files or S3)."""
        from laborsign.storage.wiring import build_document_store

        return build_document_store(self.settings, self.privacy.keys)

    @cached_property
    def watch(self) -> WatchService:
        """Signing deadlines, double-wage exposure, terms and probation ending."""
        from laborsign.watch.wiring import build_watch

        return build_watch(self)

    @cached_property
    def filing(self) -> FilingService:
        """Exports to labor departments and the push client."""
        from laborsign.filing.wiring import build_filing

        return build_filing(self)


def build(**overrides: object) -> Container:
    return Container(load_settings(**overrides))
