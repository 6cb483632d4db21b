"""`EncryptedString`: a column type that encrypts on the way in and decrypts on the way out.

Declare a column with it and the database only ever sees bytes::

    class WorkerRow(Base):
        id_number: Mapped[str] = mapped_column(EncryptedString(ID_NUMBER))
        id_number_index: Mapped[str] = mapped_column(String(64), index=True)

Column types are declared at import time, before any key exists, so the cipher is found
through the engine: `bind_privacy(engine, ...)` (the container does it for its engine).
An unbound engine refuses to write personal data rather than store it in clear.

Ciphertexts are randomised, so such a column cannot be compared in SQL: look rows up by the
blind index column instead. In migrations the column is ``sa.LargeBinary()``.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, LargeBinary
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from laborsign.errors import ConfigurationError
from laborsign.i18n import Text
from laborsign.privacy.cipher import Privacy, Purpose, as_purpose

PrivacySource = Privacy | Callable[[], Privacy]

# Keyed by dialect: each engine has its own dialect object, so two platforms in one process
# (as in tests) never share keys, and a disposed engine does not keep its keys alive.
_BOUND: weakref.WeakKeyDictionary[Dialect, PrivacySource] = weakref.WeakKeyDictionary()


def bind_privacy(engine: Engine, source: PrivacySource) -> None:
    """Make `EncryptedString` columns on `engine` use these keys (a factory is called lazily)."""
    _BOUND[engine.dialect] = source


def _privacy(dialect: Dialect) -> Privacy:
    source = _BOUND.get(dialect)
    if source is None:
        raise ConfigurationError(
            Text(
                "数据库引擎未绑定个人数据密钥，拒绝以明文写入或读取加密字段",
                "no personal-data keys are bound to this database engine; encrypted columns "
                "are neither written nor read in clear",
            )
        )
    return source if isinstance(source, Privacy) else source()


class EncryptedString(TypeDecorator[str]):
    """A text value stored as an AES-256-GCM ciphertext (`LargeBinary` in the database)."""

    impl = LargeBinary
    cache_ok = True

    def __init__(self, purpose: Purpose | str) -> None:
        super().__init__()
        self.purpose = as_purpose(purpose)

    def process_bind_param(self, value: str | None, dialect: Dialect) -> bytes | None:
        if value is None:
            return None
        return _privacy(dialect).encrypt(value, self.purpose)

    def process_result_value(self, value: Any | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        # psycopg may hand back a memoryview; SQLite gives bytes.
        return _privacy(dialect).decrypt(bytes(value), self.purpose)

    def process_literal_param(self, value: str | None, dialect: Dialect) -> str:
        # Literal rendering would put the value into SQL text; there is no safe way to do it.
        raise ConfigurationError(
            Text("加密字段不能以字面量写入 SQL", "encrypted columns cannot be rendered as literals")
        )

    @property
    def python_type(self) -> type[str]:
        return str
