"""Staff accounts: creation, roles, password login with lockout, TOTP, and the access scope
a logged-in account works in."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from laborsign.db.tenancy import Scope, ScopeKind
from laborsign.db.uow import UnitOfWork
from laborsign.errors import Conflict, InvalidInput, LaborSignError, NotFound, PermissionDenied
from laborsign.i18n import Text
from laborsign.identity.errors import RateLimited
from laborsign.identity.ratelimit import Limit, consume
from laborsign.parties import audit, totp
from laborsign.parties.passwords import PasswordHashes, check_password
from laborsign.parties.roles import EMPLOYER_ROLES, Role, check_roles, needs_totp
from laborsign.parties.tables import (
    AuthorityGrantRow,
    OrganisationRow,
    StaffRoleRow,
    StaffUserRow,
)

UowFactory = Callable[[Scope | None], UnitOfWork]
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,63}")


class AuthenticationFailed(LaborSignError):
    """One text for every failure: wrong name, wrong password, locked, disabled."""

    code = "unauthorized"
    http_status = 401


LOGIN_FAILED = Text("用户名或密码错误，或账号暂时不可用", "login failed")


def _aware(moment: datetime | None) -> datetime | None:
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)


TOO_MANY = Text("尝试次数过多，请 {s} 秒后再试", "too many attempts; try again in {s} seconds")


@dataclass(frozen=True)
class Policy:
    max_failures: int = 5
    lockout: timedelta = timedelta(minutes=15)
    password_max_age: timedelta | None = timedelta(days=90)
    # Attempts (login or TOTP) per client address and per account name in a window. The
    # lockout stops guessing one account; these stop one address trying many accounts,
    # and a flood of attempts at one account from many addresses.
    rate_window: timedelta = timedelta(minutes=15)
    rate_per_source: int = 30
    rate_per_account: int = 10


@dataclass(frozen=True)
class NewAccount:
    id: str
    totp_secret: str | None
    totp_uri: str | None


@dataclass(frozen=True)
class LoginResult:
    user_id: str
    second_factor: bool  # a TOTP step must follow
    password_expired: bool


@dataclass(frozen=True)
class Account:
    id: str
    username: str
    display_name: str
    org_id: str | None
    roles: frozenset[Role]
    disabled: bool

    @classmethod
    def of(cls, row: StaffUserRow) -> Account:
        return cls(row.id, row.username, row.display_name, row.org_id, row.role_set, row.disabled)

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "username": self.username,
            "display_name": self.display_name,
            "org_id": self.org_id,
            "roles": sorted(self.roles),
            "disabled": self.disabled,
        }


class AccountService:
    def __init__(
        self,
        uow: UowFactory,
        hashes: PasswordHashes,
        secret_key: Callable[[], bytes],
        policy: Policy | None = None,
    ) -> None:
        self._uow = uow
        self._hashes = hashes
        self._secret = secret_key
        self.policy = policy or Policy()

    # -- administration ------------------------------------------------------------------------

    def create(
        self,
        scope: Scope,
        *,
        username: str,
        display_name: str,
        password: str,
        roles: Iterable[Role],
        org_id: str | None,
        now: datetime,
    ) -> NewAccount:
        username = username.strip().lower()
        if not _USERNAME.fullmatch(username):
            raise InvalidInput(
                Text("用户名须为 3–64 个小写字母、数字或 . _ -", "username: 3-64 of a-z 0-9 . _ -"),
                field="username",
            )
        chosen = check_roles(roles, has_org=org_id is not None)
        _may_assign(scope, chosen, org_id)
        password = check_password(password, username=username)
        enrolment = totp.new_enrolment(username) if needs_totp(chosen) else None
        with self._uow(scope) as uow:
            s = uow.session
            if org_id is not None and s.get(OrganisationRow, org_id) is None:
                raise NotFound(Text("单位不存在", "no such organisation"), field="org_id")
            if s.scalar(select(StaffUserRow.id).where(StaffUserRow.username == username)):
                raise Conflict(Text("用户名已被使用", "username taken"), field="username")
            row = StaffUserRow(
                org_id=org_id,
                username=username,
                display_name=display_name.strip()[:100] or username,
                password_hash=self._hashes.hash(password),
                totp_secret=enrolment.secret if enrolment else None,
                failed_attempts=0,
                password_changed_at=now,
                created_at=now,
                disabled=False,
            )
            row.roles = [StaffRoleRow(role=r.value, org_id=org_id) for r in sorted(chosen)]
            s.add(row)
            s.flush()
            audit.record(
                s,
                "account.created",
                scope.actor,
                "ok",
                now,
                subject=audit.staff(row.id),
                detail=" ".join(sorted(chosen)),
            )
            uow.commit()
        return NewAccount(
            row.id, enrolment.secret if enrolment else None, enrolment.uri if enrolment else None
        )

    def set_roles(
        self, scope: Scope, user_id: str, roles: Iterable[Role], now: datetime
    ) -> Account:
        with self._uow(scope) as uow:
            row = uow.session.get(StaffUserRow, user_id)
            if row is None:
                raise NotFound(Text("账号不存在", "no such account"))
            chosen = check_roles(roles, has_org=row.org_id is not None)
            _may_assign(scope, chosen | row.role_set, row.org_id)
            if needs_totp(chosen) and row.totp_secret is None:
                raise Conflict(
                    Text("该角色需要先绑定动态口令", "this role needs TOTP enrolled first"),
                    field="roles",
                )
            row.roles = [StaffRoleRow(role=r.value, org_id=row.org_id) for r in sorted(chosen)]
            audit.record(
                uow.session,
                "account.roles-changed",
                scope.actor,
                "ok",
                now,
                subject=audit.staff(row.id),
                detail=" ".join(sorted(chosen)),
            )
            uow.session.flush()
            account = Account.of(row)
            uow.commit()
        return account

    def list_for(self, scope: Scope) -> list[Account]:
        with self._uow(scope) as uow:
            rows = uow.session.scalars(select(StaffUserRow).order_by(StaffUserRow.username))
            return [Account.of(r) for r in rows]

    def get(self, scope: Scope, user_id: str) -> Account:
        with self._uow(scope) as uow:
            row = uow.session.get(StaffUserRow, user_id)
            if row is None:
                raise NotFound(Text("账号不存在", "no such account"))
            return Account.of(row)

    # -- authentication ------------------------------------------------------------------------

    def _limit(
        self, session: Session, step: str, account: str, source: str | None, now: datetime
    ) -> None:
        """Count one attempt against the per-address and per-account windows, in the
        attempt's own transaction (the identity domain's fixed-window counters); raises
        `RateLimited` (429) before any password or code is checked."""
        p = self.policy
        rules = [(Limit(f"{step}-account", p.rate_window, p.rate_per_account), account)]
        if source:
            rules.append((Limit(f"{step}-ip", p.rate_window, p.rate_per_source), source))
        # Counters are keyed by keyed digests: neither names nor addresses in clear.
        try:
            consume(session, [(rule, self._digest(key)) for rule, key in rules], now)
        except RateLimited as exc:
            # The same words whichever limit it was: no hint whether the account exists.
            raise RateLimited(TOO_MANY.format(s=exc.retry_after), exc.retry_after) from None

    def _digest(self, value: str) -> str:
        return hmac.new(self._secret(), value.encode(), hashlib.sha256).hexdigest()

    def login(self, username: str, password: str, now: datetime, source: str | None) -> LoginResult:
        """Check name and password. Every failure raises the same `AuthenticationFailed`
        after the same work (a dummy hash is verified for unknown names)."""
        name = username.strip().lower()
        with self._uow(Scope.system()) as uow:
            s = uow.session
            self._limit(s, "login", name, source, now)
            row = s.scalar(select(StaffUserRow).where(StaffUserRow.username == name))
            ok = self._hashes.verify(row.password_hash if row else None, password)
            locked_until = _aware(row.locked_until) if row else None
            if row is None:
                actor = audit.unknown_username(self._secret(), name)
                audit.record(s, "login.password", actor, "unknown", now, source=source)
                uow.commit()
                raise AuthenticationFailed(LOGIN_FAILED)
            if row.disabled or (locked_until is not None and locked_until > now):
                audit.record(s, "login.password", audit.staff(row.id), "locked", now, source=source)
                uow.commit()
                raise AuthenticationFailed(LOGIN_FAILED)
            if not ok:
                outcome = self._count_failure(row, now)
                audit.record(s, "login.password", audit.staff(row.id), outcome, now, source=source)
                uow.commit()
                raise AuthenticationFailed(LOGIN_FAILED)
            if self._hashes.needs_rehash(row.password_hash):
                row.password_hash = self._hashes.hash(password)
            second = row.totp_secret is not None or needs_totp(row.role_set)
            if not second:
                row.failed_attempts = 0
            audit.record(s, "login.password", audit.staff(row.id), "ok", now, source=source)
            max_age = self.policy.password_max_age
            changed = _aware(row.password_changed_at)
            expired = bool(max_age and changed and changed + max_age < now)
            result = LoginResult(row.id, second, expired)
            uow.commit()
        return result

    def _count_failure(self, row: StaffUserRow, now: datetime) -> str:
        """One more failed attempt (password or TOTP alike); enough of them lock the account
        for a while and start the count again. The outcome to audit."""
        row.failed_attempts += 1
        if row.failed_attempts < self.policy.max_failures:
            return "failed"
        row.locked_until = now + self.policy.lockout
        row.failed_attempts = 0
        return "lockout"

    def verify_totp(self, user_id: str, code: str, now: datetime, source: str | None) -> None:
        """The second step: a fresh TOTP code, counted against the same lockout."""
        with self._uow(Scope.system()) as uow:
            s = uow.session
            self._limit(s, "totp", user_id, source, now)
            row = s.get(StaffUserRow, user_id)
            if row is None or row.disabled or row.totp_secret is None:
                uow.commit()  # the attempt still counts
                raise AuthenticationFailed(LOGIN_FAILED)
            locked_until = _aware(row.locked_until)
            if locked_until is not None and locked_until > now:
                uow.commit()
                raise AuthenticationFailed(LOGIN_FAILED)
            step = totp.verify(row.totp_secret, code, now, row.totp_last_step)
            if step is None:
                outcome = self._count_failure(row, now)
                audit.record(s, "login.totp", audit.staff(row.id), outcome, now, source=source)
                uow.commit()
                raise AuthenticationFailed(LOGIN_FAILED)
            row.totp_last_step = step
            row.failed_attempts = 0
            audit.record(s, "login.totp", audit.staff(row.id), "ok", now, source=source)
            uow.commit()

    def scope_for(self, user_id: str) -> tuple[Account, Scope] | None:
        """The account and the access scope it works in; None if it is gone or disabled."""
        with self._uow(Scope.system()) as uow:
            row = uow.session.get(StaffUserRow, user_id)
            if row is None or row.disabled:
                return None
            account = Account.of(row)
            if Role.AUTHORITY in account.roles:
                grants = uow.session.execute(
                    select(AuthorityGrantRow.worker_id, AuthorityGrantRow.contract_id).where(
                        AuthorityGrantRow.authority_user_id == row.id
                    )
                ).all()
                scope = Scope.authority(
                    row.id,
                    workers=[w for w, _ in grants if w],
                    contracts=[c for _, c in grants if c],
                )
            elif account.org_id is not None:
                scope = Scope.employer(account.org_id, row.id, account.roles)
            else:
                scope = Scope.platform(row.id, account.roles)
        return account, scope


def _may_assign(scope: Scope, roles: frozenset[Role], org_id: str | None) -> None:
    """Who may hand out which roles: the system admin creates accounts, the security admin
    changes platform roles, an employer admin manages the staff of his own organisation."""
    if scope.kind is ScopeKind.SYSTEM:
        return
    if scope.kind is ScopeKind.PLATFORM and scope.has_role({Role.SYSADMIN, Role.SECADMIN}):
        return
    if (
        scope.kind is ScopeKind.EMPLOYER
        and Role.EMPLOYER_ADMIN in scope.roles
        and org_id == scope.org_id
        and roles <= EMPLOYER_ROLES
    ):
        return
    raise PermissionDenied(Text("无权分配这些角色", "not allowed to assign these roles"))
