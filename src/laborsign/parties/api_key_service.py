"""Per-employer API keys: create (shown once), list, revoke, and authenticate a bearer token."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import bindparam, select, update

from laborsign.db.tenancy import Scope, ScopeKind
from laborsign.errors import NotFound, PermissionDenied
from laborsign.i18n import Text
from laborsign.parties import apikeys, audit
from laborsign.parties.accounts import UowFactory
from laborsign.parties.roles import Role
from laborsign.parties.tables import ApiKeyRow


@dataclass(frozen=True)
class KeyPrincipal:
    key_id: str
    org_id: str
    scopes: frozenset[str]


def to_json(row: ApiKeyRow) -> dict[str, object]:
    return {
        "id": row.id,
        "name": row.name,
        "prefix": f"{apikeys.PREFIX}{row.prefix}",
        "scopes": row.scope_list,
        "created_at": row.created_at.isoformat(),
        "revoked": row.revoked_at is not None,
        "last_used_at": row.last_used_at.isoformat() if row.last_used_at else None,
    }


class ApiKeyService:
    def __init__(self, uow: UowFactory, secret_key: Callable[[], bytes]) -> None:
        self._uow = uow
        self._secret = secret_key

    def create(
        self, scope: Scope, name: str, scopes: list[str], now: datetime
    ) -> dict[str, object]:
        if scope.kind is not ScopeKind.EMPLOYER or scope.org_id is None:
            raise PermissionDenied(Text("只有用人单位可以创建 API 密钥", "employers only"))
        chosen = apikeys.parse_scopes(scopes)
        key = apikeys.generate()
        with self._uow(scope) as uow:
            row = ApiKeyRow(
                org_id=scope.org_id,
                name=name.strip()[:100] or "api",
                prefix=key.prefix,
                secret_hash=apikeys.digest(self._secret(), key.token),
                scopes=" ".join(sorted(chosen)),
                created_by=scope.actor,
                created_at=now,
            )
            uow.session.add(row)
            uow.session.flush()
            audit.record(
                uow.session,
                "apikey.created",
                audit.staff(scope.actor),
                "ok",
                now,
                subject=f"apikey:{row.id}",
            )
            result = to_json(row) | {"token": key.token}
            uow.commit()
        return result

    def list_for(self, scope: Scope) -> list[dict[str, object]]:
        with self._uow(scope) as uow:
            rows = uow.session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.created_at))
            return [to_json(r) for r in rows]

    def revoke(self, scope: Scope, key_id: str, now: datetime) -> None:
        with self._uow(scope) as uow:
            row = uow.session.get(ApiKeyRow, key_id)
            if row is None:
                raise NotFound(Text("API 密钥不存在", "no such API key"))
            if row.revoked_at is None:
                row.revoked_at = now
                audit.record(
                    uow.session,
                    "apikey.revoked",
                    audit.staff(scope.actor),
                    "ok",
                    now,
                    subject=f"apikey:{row.id}",
                )
            uow.commit()

    def authenticate(self, token: str, now: datetime) -> tuple[KeyPrincipal, Scope] | None:
        """The key's principal, read from its row on every call (a revocation takes effect at
        once; nothing about keys is cached), or None for an unknown, revoked or wrong key.

        Runs on every API request, so it reads only the columns it needs (no ORM object),
        and the secret check is one HMAC, not a password hash."""
        parts = apikeys.split(token)
        if parts is None:
            return None
        prefix, whole = parts
        with self._uow(Scope.system()) as uow:
            row = uow.session.execute(_BY_PREFIX, {"prefix": prefix}).first()
            if row is None or row.revoked_at is not None:
                return None
            if not apikeys.matches(self._secret(), whole, row.secret_hash):
                return None
            last = row.last_used_at
            # Recorded at most once a minute: a busy integration does not write every call.
            if (
                last is None
                or (now - (last if last.tzinfo else last.replace(tzinfo=UTC))).total_seconds() > 60
            ):
                uow.session.execute(
                    update(ApiKeyRow).where(ApiKeyRow.id == row.id).values(last_used_at=now)
                )
                uow.commit()
            principal = KeyPrincipal(row.id, row.org_id, frozenset(row.scopes.split()))
        # An API key acts like the organisation's HR system: HR-level access to its tenant.
        return principal, Scope.employer(principal.org_id, f"apikey:{principal.key_id}", [Role.HR])


# The columns `authenticate` needs, by the key's public prefix (unique).
_BY_PREFIX = select(
    ApiKeyRow.id,
    ApiKeyRow.org_id,
    ApiKeyRow.secret_hash,
    ApiKeyRow.scopes,
    ApiKeyRow.revoked_at,
    ApiKeyRow.last_used_at,
).where(ApiKeyRow.prefix == bindparam("prefix"))
