"""Tables of the retention domain: legal holds and erasures.

A legal hold names its case only by digest in the evidence log; the reference itself is
kept here (a case number is not personal data, but it is not the log's business either).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from laborsign.db.base import Base
from laborsign.db.tenancy import TenantScoped, WorkerVisible


class LegalHoldRow(TenantScoped, WorkerVisible, Base):
    """A hold for a dispute: while `lifted_at` is empty, nothing of the contract is erased."""

    __tablename__ = "legal_holds"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    contract_id: Mapped[str] = mapped_column(ForeignKey("contracts.id"), index=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    worker_id: Mapped[str | None] = mapped_column(ForeignKey("workers.id"), index=True)
    case_reference: Mapped[str] = mapped_column(String(200))
    placed_by: Mapped[str] = mapped_column(String(64))
    placed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    lifted_by: Mapped[str | None] = mapped_column(String(64))
    lifted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ErasureRow(TenantScoped, Base):
    """A contract whose personal data was erased after its retention date (one row each)."""

    __tablename__ = "contract_erasures"

    contract_id: Mapped[str] = mapped_column(ForeignKey("contracts.id"), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    retain_until: Mapped[date] = mapped_column(Date)
    erased_by: Mapped[str] = mapped_column(String(64))
    erased_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    documents: Mapped[int] = mapped_column(Integer)  # how many stored documents were deleted
