"""Roles and the rules that combine them (三员分立: separation of the three administrators)."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from laborsign.errors import InvalidInput
from laborsign.i18n import Text


class Role(StrEnum):
    # Platform staff: system, security and audit administrator are always different people.
    SYSADMIN = "sysadmin"
    SECADMIN = "secadmin"
    AUDITADMIN = "auditadmin"
    # Labor authority (人社部门, arbitration): reads only what a recorded legal basis covers.
    AUTHORITY = "authority"
    # Employer staff.
    EMPLOYER_ADMIN = "employer_admin"
    HR = "hr"
    SIGNER = "signer"


PLATFORM_ADMINS = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITADMIN})
EMPLOYER_ROLES = frozenset({Role.EMPLOYER_ADMIN, Role.HR, Role.SIGNER})
# Accounts that must use a second, cryptographic factor (TOTP) to log in.
TOTP_REQUIRED = frozenset({*PLATFORM_ADMINS, Role.AUTHORITY, Role.EMPLOYER_ADMIN, Role.SIGNER})


def check_roles(roles: Iterable[Role], *, has_org: bool) -> frozenset[Role]:
    """Refuse role sets that break the separation of duties or do not fit the account."""
    chosen = frozenset(roles)
    if not chosen:
        raise InvalidInput(Text("至少需要一个角色", "at least one role is needed"), field="roles")
    if len(chosen & PLATFORM_ADMINS) > 1:
        raise InvalidInput(
            Text(
                "系统管理员、安全管理员和审计管理员必须由不同账号担任（三员分立）",
                "system, security and audit administrator must be different accounts",
            ),
            field="roles",
        )
    platform = chosen & (PLATFORM_ADMINS | {Role.AUTHORITY})
    if platform and (len(chosen) > 1 or has_org):
        raise InvalidInput(
            Text(
                "平台管理员和劳动行政部门账号不能属于用人单位，也不能兼任其他角色",
                "platform administrators and authority users belong to no employer and hold "
                "one role only",
            ),
            field="roles",
        )
    if chosen & EMPLOYER_ROLES and not has_org:
        raise InvalidInput(
            Text("用人单位角色需要所属单位", "employer roles need an organisation"),
            field="org_id",
        )
    return chosen


def needs_totp(roles: Iterable[Role]) -> bool:
    return not TOTP_REQUIRED.isdisjoint(roles)
