"""The unit of work: services open one, do their changes, and it alone commits."""

from __future__ import annotations

from types import TracebackType
from weakref import WeakKeyDictionary

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from laborsign.db.tenancy import Scope, set_scope

# One session factory per engine: each `sessionmaker` defines a new Session subclass, and
# SQLAlchemy sets up that class's event dispatch on its first session (about 0.25 ms, more
# than a short query), so a factory made per unit of work paid it on every request.
_factories: WeakKeyDictionary[Engine, sessionmaker[Session]] = WeakKeyDictionary()


def _factory_for(engine: Engine) -> sessionmaker[Session]:
    found = _factories.get(engine)
    if found is None:
        found = _factories.setdefault(engine, sessionmaker(bind=engine, expire_on_commit=False))
    return found


class UnitOfWork:
    """`with uow:` opens a session; `uow.commit()` makes the work durable.

    Leaving the block without commit rolls back, so a failure anywhere in a use case leaves
    the database exactly as it was.

    `scope` is the access scope the session carries (laborsign.db.tenancy): without one, the
    session cannot touch tenant-scoped tables at all.
    """

    def __init__(self, engine: Engine, scope: Scope | None = None) -> None:
        self._factory = _factory_for(engine)
        self._session: Session | None = None
        self.scope = scope

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("UnitOfWork used outside its `with` block")
        return self._session

    def __enter__(self) -> UnitOfWork:
        if self._session is not None:
            raise RuntimeError("UnitOfWork is not re-entrant")
        self._session = self._factory()
        set_scope(self._session, self.scope)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()
            self._session = None

    def commit(self) -> None:
        self.session.commit()
