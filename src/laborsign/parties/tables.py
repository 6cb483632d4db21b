"""Tables of organisations, staff users and roles, workers, employments, API keys, authority
grants, web sessions, idempotency records and security events.

Tenant isolation is declared here, on the rows (laborsign.db.tenancy): each class says which
scopes may see and write it, and the data layer enforces that for every query.

Workers' names stay in clear: they are printed on every contract, put in certificate
subjects and searched by HR, and a name alone does not identify a person the way an ID
number does. ID numbers, phones and addresses are encrypted per field, with HMAC blind
indexes for the lookups the platform needs (ID number unique, phone to find a person).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import ClassVar

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    inspect,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, synonym

from laborsign.db.base import Base
from laborsign.db.tenancy import Criteria, Guarded, Scope, ScopeKind, TenantScoped, WorkerVisible
from laborsign.parties.roles import Role
from laborsign.privacy.cipher import Purpose
from laborsign.privacy.sqltypes import EncryptedString

ID_NUMBER = Purpose.id_number("workers.id_number")
PHONE = Purpose.phone("workers.phone")
ADDRESS = Purpose.text("workers.address")
TOTP_SECRET = Purpose("staff_users.totp_secret")

_ACCOUNT_ADMINS = frozenset({Role.SYSADMIN, Role.SECADMIN})


def new_id() -> str:
    return str(uuid.uuid4())


class OrganisationRow(TenantScoped, Base):
    """An employer or a dispatch agency; its own tenant (its id is its `org_id`)."""

    __tablename__ = "organisations"
    __tenant_column__: ClassVar[str] = "id"
    __platform_read__ = _ACCOUNT_ADMINS
    __platform_write__ = frozenset({Role.SYSADMIN})

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(20))  # employer | dispatch_agency
    name: Mapped[str] = mapped_column(String(200))
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    legal_representative: Mapped[str] = mapped_column(String(100))
    registered_address: Mapped[str] = mapped_column(String(300))
    business_address: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str] = mapped_column(String(40))
    dispatch_licence: Mapped[str | None] = mapped_column(String(100))
    certificate_serial: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    org_id = synonym("id")


class StaffUserRow(TenantScoped, Base):
    """A staff account: employer staff (org_id set), or platform/authority (org_id empty)."""

    __tablename__ = "staff_users"
    __platform_read__ = _ACCOUNT_ADMINS
    __platform_write__ = _ACCOUNT_ADMINS

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    org_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(200))
    totp_secret: Mapped[str | None] = mapped_column(EncryptedString(TOTP_SECRET))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    password_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)

    roles: Mapped[list[StaffRoleRow]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def role_set(self) -> frozenset[Role]:
        return frozenset(Role(r.role) for r in self.roles)


class StaffRoleRow(TenantScoped, Base):
    """One role of one account; `org_id` copies the account's so that roles are tenant rows."""

    __tablename__ = "staff_roles"
    __platform_read__ = _ACCOUNT_ADMINS
    __platform_write__ = _ACCOUNT_ADMINS

    user_id: Mapped[str] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(20), primary_key=True)
    org_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"), index=True)

    user: Mapped[StaffUserRow] = relationship(back_populates="roles")


class WorkerRow(WorkerVisible, Base):
    """A person. One person works for several employers over time (see employments)."""

    __tablename__ = "workers"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100))
    id_number: Mapped[str] = mapped_column(EncryptedString(ID_NUMBER))
    id_number_index: Mapped[str] = mapped_column(String(64), unique=True)
    phone: Mapped[str | None] = mapped_column(EncryptedString(PHONE))
    phone_index: Mapped[str | None] = mapped_column(String(64), index=True)
    address: Mapped[str | None] = mapped_column(EncryptedString(ADDRESS))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    worker_id = synonym("id")

    @classmethod
    def read_criteria(cls, scope: Scope) -> Criteria:
        # An employer sees the persons it employs (or employed), through employments.
        if scope.kind is ScopeKind.EMPLOYER:
            org = scope.org_id
            return lambda target: target.id.in_(
                select(EmploymentRow.worker_id).where(EmploymentRow.org_id == org)
            )
        return super().read_criteria(scope)

    def may_write(self, scope: Scope) -> bool:
        # Employers register persons (the service links them in the same transaction) and
        # correct their details; a worker keeps his own record.
        if scope.kind is ScopeKind.EMPLOYER:
            return True
        if scope.kind is ScopeKind.WORKER:
            return self.id == scope.worker_id
        return super().may_write(scope)


class EmploymentRow(TenantScoped, WorkerVisible, Base):
    """Links a person to an employer: the employer's view of its workers."""

    __tablename__ = "employments"
    __table_args__ = (UniqueConstraint("org_id", "worker_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    worker_id: Mapped[str] = mapped_column(ForeignKey("workers.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    worker: Mapped[WorkerRow] = relationship()


class ApiKeyRow(TenantScoped, Base):
    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[str] = mapped_column(String(200))  # space-separated ApiScope values
    created_by: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()


class AuthorityGrantRow(WorkerVisible, Base):
    """A labor authority's recorded legal basis to read one worker's or one contract's data.

    The authority that recorded it sees it; so does the worker concerned (he may see who
    accessed his contracts and why) and the audit administrator.
    """

    __tablename__ = "authority_grants"
    __platform_read__ = frozenset({Role.AUDITADMIN})

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    authority_user_id: Mapped[str] = mapped_column(ForeignKey("staff_users.id"), index=True)
    worker_id: Mapped[str | None] = mapped_column(ForeignKey("workers.id"), index=True)
    contract_id: Mapped[str | None] = mapped_column(String(36), index=True)
    case_number: Mapped[str] = mapped_column(String(100))
    legal_document: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    @classmethod
    def read_criteria(cls, scope: Scope) -> Criteria:
        if scope.kind is ScopeKind.AUTHORITY:
            me = scope.actor
            return lambda target: target.authority_user_id == me
        return super().read_criteria(scope)

    def may_write(self, scope: Scope) -> bool:
        return scope.kind is ScopeKind.AUTHORITY and self.authority_user_id == scope.actor


class SecurityEventRow(Guarded, Base):
    """Security audit record: who (a pseudonym), what, when, from where, outcome.

    Any scope appends; only the audit administrator reads (separation of duties).
    """

    __tablename__ = "security_events"
    __platform_read__ = frozenset({Role.AUDITADMIN})

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(80))
    subject: Mapped[str | None] = mapped_column(String(80))
    outcome: Mapped[str] = mapped_column(String(20))
    source: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(String(200))

    def may_write(self, scope: Scope) -> bool:
        # Append only: a scoped session may add events, never change or delete them.
        return inspect(self).pending


class WebSessionRow(Base):
    """A server-side login session; the cookie holds a random id, the table its SHA-256."""

    __tablename__ = "web_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    subject_kind: Mapped[str] = mapped_column(String(10))  # staff | worker
    subject_id: Mapped[str] = mapped_column(String(36), index=True)
    second_factor_pending: Mapped[bool] = mapped_column(Boolean)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class IdempotencyRow(Base):
    """The stored response of a creating POST, by the caller's Idempotency-Key."""

    __tablename__ = "idempotency_keys"

    principal: Mapped[str] = mapped_column(String(80), primary_key=True)
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
