"""Tables of the lifecycle domain: renewals, amendments and terminations of contracts.

Each row links a document to the contract it belongs to. What is personal (the amendment's
clauses, the wage a severance is computed from) is sealed in `data` like the contract's own
data; the clear columns hold only what lists and the retention check need.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    inspect,
)
from sqlalchemy.orm import Mapped, mapped_column

from laborsign.db.base import Base
from laborsign.db.tenancy import Scope, ScopeKind, TenantScoped, WorkerVisible


class RenewalRow(TenantScoped, WorkerVisible, Base):
    """A renewal: the new contract (`id`, a contract of its own) and the one it renews, with
    the worker's choice on an open-ended contract (LCL Art. 14(2))."""

    __tablename__ = "contract_renewals"

    id: Mapped[str] = mapped_column(ForeignKey("contracts.id"), primary_key=True)
    renewal_of: Mapped[str] = mapped_column(ForeignKey("contracts.id"), index=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    worker_id: Mapped[str | None] = mapped_column(ForeignKey("workers.id"), index=True)
    entitlement: Mapped[str | None] = mapped_column(String(30))  # EntitlementGround or None
    worker_choice: Mapped[str] = mapped_column(String(20))  # WorkerChoice
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AmendmentRow(TenantScoped, WorkerVisible, Base):
    """An amendment agreement (变更协议): its own PDF, signed by both parties."""

    __tablename__ = "contract_amendments"
    __table_args__ = (UniqueConstraint("contract_id", "sequence"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    contract_id: Mapped[str] = mapped_column(ForeignKey("contracts.id"), index=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    worker_id: Mapped[str | None] = mapped_column(ForeignKey("workers.id"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)  # 1 for the first amendment of a contract
    state: Mapped[str] = mapped_column(String(20))  # AmendmentState
    effective_from: Mapped[date] = mapped_column(Date)
    data: Mapped[bytes] = mapped_column(LargeBinary)  # sealed: the changed clauses
    document_sha256: Mapped[str] = mapped_column(String(64))
    signed_by: Mapped[str] = mapped_column(String(40))  # "", "worker", "employer", both
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's protocol

    def may_write(self, scope: Scope) -> bool:
        # The worker's signature changes the amendment of his own contract, nothing else.
        if scope.kind is ScopeKind.WORKER:
            moved = bool(inspect(self).attrs["worker_id"].history.deleted)
            return self.worker_id == scope.worker_id and not moved
        return super().may_write(scope)


class TerminationRow(TenantScoped, WorkerVisible, Base):
    """How a contract ended: legal ground, date, and the employer-signed certificate."""

    __tablename__ = "contract_terminations"

    contract_id: Mapped[str] = mapped_column(ForeignKey("contracts.id"), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    worker_id: Mapped[str | None] = mapped_column(ForeignKey("workers.id"), index=True)
    ground: Mapped[str] = mapped_column(String(40))  # Ground
    terminated_on: Mapped[date] = mapped_column(Date, index=True)
    service_months: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)  # sealed: wage, cap and severance
    certificate_sha256: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
