"""Tables of filing: exports (the bytes live in the document store, encrypted per tenant),
push deliveries to a labor department, and each delivery attempt (the delivery log)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from laborsign.db.base import Base
from laborsign.db.tenancy import TenantScoped


class FilingExportRow(TenantScoped, Base):
    __tablename__ = "filing_exports"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(36), index=True)
    format: Mapped[str] = mapped_column(String(20))
    contracts: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(100))
    filename: Mapped[str] = mapped_column(String(100))
    created_by: Mapped[str] = mapped_column(String(80))  # a pseudonym
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    evidence_leaf: Mapped[int] = mapped_column(Integer)


class FilingDeliveryRow(TenantScoped, Base):
    """One export pushed to the configured labor-department endpoint."""

    __tablename__ = "filing_deliveries"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(36), index=True)
    export_id: Mapped[str] = mapped_column(ForeignKey("filing_exports.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    status: Mapped[str] = mapped_column(String(20), index=True)  # pending|delivered|failed
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    receipt_id: Mapped[str | None] = mapped_column(String(200))
    receipt: Mapped[str | None] = mapped_column(Text)  # the receiver's answer, as received
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FilingAttemptRow(TenantScoped, Base):
    __tablename__ = "filing_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    delivery_id: Mapped[str] = mapped_column(ForeignKey("filing_deliveries.id"), index=True)
    org_id: Mapped[str] = mapped_column(String(36), index=True)
    attempted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(2000))
    response_excerpt: Mapped[str | None] = mapped_column(String(500))
