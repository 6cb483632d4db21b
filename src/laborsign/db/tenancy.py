"""Tenant isolation in the data layer.

Every session carries an access `Scope` in `session.info`. Mapped classes that hold tenant
data derive from `Guarded` (through the `TenantScoped` and `WorkerVisible` mixins) and say,
per kind of scope, which of their rows that scope may read and write:

- reads: a `do_orm_execute` hook adds `with_loader_criteria` for every guarded class to every
  ORM statement (SELECT, UPDATE, DELETE, relationship and column loads, `session.get`), so a
  query cannot return a row its scope may not see, whatever joins or aliases it uses;
- writes: a `before_flush` hook refuses a flush that would insert, change or delete a row
  the scope may not write, including moving a row to another tenant;
- fail closed: a session without a scope may not touch a guarded table at all, and a scoped
  session may not reach a guarded table around the ORM (a Core `select(table)` or a bulk
  INSERT), because the loader criteria would not apply there. Only the `system` scope (jobs,
  migrations, authentication itself) reads and writes everything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import Any, ClassVar

from sqlalchemy import ColumnElement, Table, event, false, inspect, true
from sqlalchemy.orm import Mapper, ORMExecuteState, Session, UOWTransaction, with_loader_criteria
from sqlalchemy.sql import visitors

from laborsign.db.base import Base
from laborsign.errors import PermissionDenied
from laborsign.i18n import Text

SCOPE_KEY = "laborsign.scope"


class ScopeKind(StrEnum):
    SYSTEM = "system"
    PLATFORM = "platform"
    EMPLOYER = "employer"
    WORKER = "worker"
    AUTHORITY = "authority"


@dataclass(frozen=True, slots=True)
class Scope:
    """Who is asking, as far as the data layer cares. Build one with the class methods."""

    kind: ScopeKind
    actor: str = ""
    roles: frozenset[str] = frozenset()
    org_id: str | None = None
    worker_id: str | None = None
    # Authorities see only what a recorded legal basis covers.
    granted_workers: tuple[str, ...] = field(default=())
    granted_contracts: tuple[str, ...] = field(default=())

    @classmethod
    def system(cls, actor: str = "system") -> Scope:
        return cls(ScopeKind.SYSTEM, actor)

    @classmethod
    def platform(cls, actor: str, roles: Iterable[str]) -> Scope:
        return cls(ScopeKind.PLATFORM, actor, frozenset(roles))

    @classmethod
    def employer(cls, org_id: str, actor: str, roles: Iterable[str]) -> Scope:
        return cls(ScopeKind.EMPLOYER, actor, frozenset(roles), org_id=org_id)

    @classmethod
    def worker(cls, worker_id: str) -> Scope:
        return cls(ScopeKind.WORKER, f"worker:{worker_id}", worker_id=worker_id)

    @classmethod
    def authority(
        cls, actor: str, workers: Iterable[str] = (), contracts: Iterable[str] = ()
    ) -> Scope:
        return cls(
            ScopeKind.AUTHORITY,
            actor,
            frozenset({"authority"}),
            granted_workers=tuple(sorted(set(workers))),
            granted_contracts=tuple(sorted(set(contracts))),
        )

    def has_role(self, roles: Iterable[str]) -> bool:
        return not self.roles.isdisjoint(roles)


class TenancyViolation(PermissionDenied):
    """A session tried to read or write rows outside its scope: a bug or an attack."""

    code = "tenancy-violation"


NO_SCOPE = Text(
    "数据访问缺少访问范围（租户隔离）", "data access without an access scope (tenant isolation)"
)
RAW_ACCESS = Text(
    "租户数据只能通过 ORM 实体访问", "tenant data may only be reached through ORM entities"
)
FOREIGN_WRITE = Text(
    "不能写入其他租户的数据", "cannot write rows outside the caller's tenant (tenant isolation)"
)


Criteria = Callable[[Any], ColumnElement[bool]]


class Guarded:
    """Base of every mapped class whose rows are visible only within a scope.

    Subclasses override `read_criteria` and `may_write`; the defaults deny everything to
    every scope but `system` and the platform roles named below.

    `read_criteria` returns a lambda over the target entity (which may be an alias). Each
    distinct SQL shape must come from its own lambda literal, and its closure may hold only
    plain values (strings, tuples): SQLAlchemy caches a lambda criterion by its code object
    and binds the closure's values as parameters on every execution.
    """

    # Platform roles that may read (write) every row of the class, e.g. the system admin
    # reads all organisations; empty: platform staff see none of it.
    __platform_read__: ClassVar[frozenset[str]] = frozenset()
    __platform_write__: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def read_criteria(cls, scope: Scope) -> Criteria:
        if scope.kind is ScopeKind.PLATFORM and scope.has_role(cls.__platform_read__):
            return lambda _target: true()
        return lambda _target: false()

    def may_write(self, scope: Scope) -> bool:
        return scope.kind is ScopeKind.PLATFORM and scope.has_role(self.__platform_write__)


class TenantScoped(Guarded):
    """Rows owned by one organisation: the class has an `org_id` attribute (a column, or a
    synonym of the primary key for the organisation itself, named in __tenant_column__)."""

    __tenant_column__: ClassVar[str] = "org_id"
    org_id: Any

    @classmethod
    def read_criteria(cls, scope: Scope) -> Criteria:
        if scope.kind is ScopeKind.EMPLOYER:
            org = scope.org_id
            return lambda target: target.org_id == org
        return super().read_criteria(scope)

    def may_write(self, scope: Scope) -> bool:
        if scope.kind is ScopeKind.EMPLOYER:
            return self.org_id == scope.org_id and _unchanged(self, self.__tenant_column__)
        return super().may_write(scope)


class WorkerVisible(Guarded):
    """Rows about one worker (`worker_id`): he may read them, and so may an authority that
    recorded a legal basis for him."""

    worker_id: Any

    @classmethod
    def read_criteria(cls, scope: Scope) -> Criteria:
        if scope.kind is ScopeKind.WORKER:
            worker = scope.worker_id
            return lambda target: target.worker_id == worker
        if scope.kind is ScopeKind.AUTHORITY:
            granted = scope.granted_workers
            return lambda target: target.worker_id.in_(granted)
        return super().read_criteria(scope)


def _unchanged(obj: object, attribute: str) -> bool:
    """False when a loaded row's `attribute` was changed in this session (moving tenants)."""
    return not inspect(obj).attrs[attribute].history.deleted


def scope_of(session: Session) -> Scope | None:
    scope = session.info.get(SCOPE_KEY)
    return scope if isinstance(scope, Scope) else None


def set_scope(session: Session, scope: Scope | None) -> None:
    if scope is None:
        session.info.pop(SCOPE_KEY, None)
    else:
        session.info[SCOPE_KEY] = scope


# -- registry of guarded classes -------------------------------------------------------------

_guarded_tables: dict[Table, type[Guarded]] | None = None


def guarded_classes() -> dict[Table, type[Guarded]]:
    """Every mapped `Guarded` class by its table, read from the declarative registry (again
    after a class is mapped: domains import their tables lazily). Built aside and then
    published, so that a concurrent reader never sees half of it."""
    global _guarded_tables
    found = _guarded_tables
    if found is None:
        found = {
            mapper.local_table: mapper.class_
            for mapper in Base.registry.mappers
            if issubclass(mapper.class_, Guarded) and isinstance(mapper.local_table, Table)
        }
        _guarded_tables = found
    return found


@event.listens_for(Mapper, "after_mapper_constructed")
def _forget_guarded(_mapper: Mapper[Any], _cls: type) -> None:
    global _guarded_tables
    _guarded_tables = None
    _criteria_for.cache_clear()


# -- reads -----------------------------------------------------------------------------------


def _tables_in(statement: Any) -> set[Table]:
    """Every table the statement reaches, through ORM entities or directly."""
    found: set[Table] = set()
    for element in visitors.iterate(statement):
        mapper = getattr(element, "_annotations", {}).get("parentmapper")
        if mapper is not None:
            found.add(mapper.local_table)
        elif isinstance(element, Table):
            found.add(element)
    return found


@event.listens_for(Session, "do_orm_execute")
def _scope_reads(state: ORMExecuteState) -> None:
    guarded = guarded_classes()
    scope = scope_of(state.session)
    if scope is not None and scope.kind is ScopeKind.SYSTEM:
        return
    if guarded.keys().isdisjoint(_tables_in(state.statement)):
        return
    if scope is None:
        raise TenancyViolation(NO_SCOPE)
    # Loader criteria apply to ORM entities only: a Core statement on a guarded table, or a
    # bulk INSERT that skips the flush check, would escape them.
    if state.is_insert or not state.is_orm_statement:
        raise TenancyViolation(RAW_ACCESS)
    state.statement = state.statement.options(*_criteria_for(scope))


@lru_cache(maxsize=4096)
def _criteria_for(scope: Scope) -> tuple[Any, ...]:
    """The loader criteria of every guarded class for one scope. Built once per scope: the
    options are immutable and their lambdas hold only the scope's plain values, while
    building them anew cost more than the query itself."""
    return tuple(
        with_loader_criteria(cls, cls.read_criteria(scope), include_aliases=True)
        for cls in sorted(set(guarded_classes().values()), key=lambda c: c.__name__)
    )


# -- writes ----------------------------------------------------------------------------------


@event.listens_for(Session, "before_flush")
def _scope_writes(session: Session, _flush: UOWTransaction, _instances: object) -> None:
    scope = scope_of(session)
    if scope is not None and scope.kind is ScopeKind.SYSTEM:
        return
    for obj in (*session.new, *session.dirty, *session.deleted):
        if not isinstance(obj, Guarded):
            continue
        if scope is None:
            raise TenancyViolation(NO_SCOPE)
        if not obj.may_write(scope):
            raise TenancyViolation(FOREIGN_WRITE)
