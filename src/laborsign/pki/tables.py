"""Tables of the PKI domain: every certificate the built-in CA issued, and TSA serials."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from laborsign.db.base import Base


class IssuedCertificateRow(Base):
    """One certificate issued by the built-in CA; revocation is recorded on the row.

    `serial` is the certificate serial in lower-case hex (up to 20 bytes, so it does not fit
    a database integer).
    """

    __tablename__ = "issued_certificates"

    serial: Mapped[str] = mapped_column(String(40), primary_key=True)
    subject: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(20), index=True)
    not_before: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    not_after: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    der: Mapped[bytes] = mapped_column(LargeBinary)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revocation_reason: Mapped[str | None] = mapped_column(String(30), nullable=True)


class TimestampSerialRow(Base):
    """One time-stamp token: the row id is the token's serial number, unique and durable."""

    __tablename__ = "tsa_serials"

    serial: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    message_imprint: Mapped[bytes] = mapped_column(LargeBinary)
    gen_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    policy: Mapped[str] = mapped_column(String(100))
