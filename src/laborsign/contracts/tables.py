"""Tables of the contracts domain: minimum wages, contracts and their documents."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    Numeric,
    String,
    UniqueConstraint,
    inspect,
    or_,
)
from sqlalchemy.orm import Mapped, mapped_column

from laborsign.db.base import Base
from laborsign.db.tenancy import Criteria, Scope, ScopeKind, TenantScoped, WorkerVisible


class MinimumWageRow(Base):
    """One published minimum-wage figure: an area's tier, valid from a date (operator data).

    `area` is '' for a figure that applies to the whole province, else a city or a
    district name as the province's notice lists it.
    """

    __tablename__ = "minimum_wages"
    __table_args__ = (UniqueConstraint("province", "area", "effective_from"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    province: Mapped[str] = mapped_column(String(50))
    area: Mapped[str] = mapped_column(String(100), default="")
    tier: Mapped[int] = mapped_column(Integer)
    monthly: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    hourly: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    effective_from: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(500))
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ContractRow(TenantScoped, WorkerVisible, Base):
    """One contract: its state and the columns lists need, with the personal data sealed.

    `data` is the whole `Contract` (names, ID numbers, addresses, pay) as one AES-GCM
    ciphertext bound to the row's id; only non-personal facts are in clear for lists and
    filters. `worker_index` is the blind index of the worker's ID number (the same one
    `workers.id_number_index` holds), so earlier contracts of a worker are found without
    decrypting anything. `version` is the optimistic lock: a second, concurrent change
    computed from the same version is refused.
    """

    __tablename__ = "contracts"
    __table_args__ = (UniqueConstraint("org_id", "number"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    worker_id: Mapped[str | None] = mapped_column(ForeignKey("workers.id"), index=True)
    template: Mapped[str] = mapped_column(String(20))
    number: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(24), index=True)
    signing_order: Mapped[str] = mapped_column(String(20))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    employer_credit_code: Mapped[str] = mapped_column(String(18), index=True)
    worker_index: Mapped[str] = mapped_column(String(64), index=True)
    position: Mapped[str] = mapped_column(String(200))
    term_type: Mapped[str] = mapped_column(String(20))
    term_start: Mapped[date] = mapped_column(Date)
    term_end: Mapped[date | None] = mapped_column(Date)
    probation_end: Mapped[date | None] = mapped_column(Date)
    revision: Mapped[int] = mapped_column(Integer)
    document_sha256: Mapped[str] = mapped_column(String(64))
    errors: Mapped[int] = mapped_column(Integer)
    # Ids of the current draft's warnings, and those acknowledged (by whom, when).
    warnings: Mapped[list[str]] = mapped_column(JSON)
    acknowledged: Mapped[list[str]] = mapped_column(JSON)
    acknowledged_by: Mapped[str | None] = mapped_column(String(64))
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    intent_sha256: Mapped[str | None] = mapped_column(String(64))
    intent_revision: Mapped[int | None] = mapped_column(Integer)
    worker_signed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    employer_signed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's protocol

    @classmethod
    def read_criteria(cls, scope: Scope) -> Criteria:
        # An authority's legal basis may name a contract rather than a worker.
        if scope.kind is ScopeKind.AUTHORITY:
            workers, contracts = scope.granted_workers, scope.granted_contracts
            return lambda target: or_(target.worker_id.in_(workers), target.id.in_(contracts))
        return super().read_criteria(scope)

    def may_write(self, scope: Scope) -> bool:
        # The worker's own steps (notice, identity, intent, signature, decline) change the
        # state of his contract; he can never move it to someone else.
        if scope.kind is ScopeKind.WORKER:
            return self.worker_id == scope.worker_id and not _moved(self, "worker_id")
        return super().may_write(scope)


class ContractDocumentRow(TenantScoped, WorkerVisible, Base):
    """One stored revision of a contract's PDF; the bytes live in the document store under
    the organisation's tenant, addressed by `sha256`. `org_id` and `worker_id` copy the
    contract's so that the rows are scoped like it."""

    __tablename__ = "contract_documents"
    __table_args__ = (UniqueConstraint("contract_id", "kind", "revision"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    contract_id: Mapped[str] = mapped_column(ForeignKey("contracts.id"), index=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    worker_id: Mapped[str | None] = mapped_column(ForeignKey("workers.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))  # DocumentKind
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    def may_write(self, scope: Scope) -> bool:
        if scope.kind is ScopeKind.WORKER:
            return self.worker_id == scope.worker_id and not _moved(self, "worker_id")
        return super().may_write(scope)


def _moved(row: object, attribute: str) -> bool:
    """True when a loaded row's `attribute` was changed in this session."""
    return bool(inspect(row).attrs[attribute].history.deleted)
