"""Tables of the identity steps. Secrets (link tokens, session ids, codes) are stored only
as keyed digests; people appear only as pseudonyms and as keyed digests of their phone."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from laborsign.db.base import Base


class CeremonyLinkRow(Base):
    """A link sent to a worker: opens the ceremony of one contract once, until it expires."""

    __tablename__ = "ceremony_links"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    contract_id: Mapped[str] = mapped_column(String(64), index=True)
    worker: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class CeremonySessionRow(Base):
    """The server-side session a used link turns into (its id travels in a cookie)."""

    __tablename__ = "ceremony_sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    session_digest: Mapped[str] = mapped_column(String(64), unique=True)
    link_id: Mapped[str] = mapped_column(String(32))
    contract_id: Mapped[str] = mapped_column(String(64), index=True)
    worker: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class OtpRow(Base):
    """One code sent by SMS, bound to a subject (pseudonym) and a purpose."""

    __tablename__ = "otp_codes"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    subject: Mapped[str] = mapped_column(String(80), index=True)
    purpose: Mapped[str] = mapped_column(String(200))
    phone_digest: Mapped[str] = mapped_column(String(64))
    code_mac: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer)
    # used, superseded (a newer code was sent) or locked (too many wrong tries)
    closed_reason: Mapped[str | None] = mapped_column(String(20), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class OtpSendCounterRow(Base):
    """Codes sent per phone or per client address in one fixed time window."""

    __tablename__ = "otp_send_counters"

    scope: Mapped[str] = mapped_column(String(20), primary_key=True)
    key_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class VerificationAttemptRow(Base):
    """One identity verification attempt, whatever its outcome (guideline Art. 7)."""

    __tablename__ = "identity_attempts"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    contract_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    subject: Mapped[str] = mapped_column(String(80), index=True)
    method: Mapped[str] = mapped_column(String(40))
    provider: Mapped[str] = mapped_column(String(60))
    outcome: Mapped[str] = mapped_column(String(20))
    authoritative: Mapped[bool] = mapped_column(Boolean)
    reference: Mapped[str | None] = mapped_column(String(120), nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    leaf_index: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class SigningAuthorisationRow(Base):
    """An authorisation to use a worker's key once, for one document (intent confirmed)."""

    __tablename__ = "signing_authorisations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    contract_id: Mapped[str] = mapped_column(String(64), index=True)
    worker: Mapped[str] = mapped_column(String(80))
    document_sha256: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
