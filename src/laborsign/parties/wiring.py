"""Builds the parties services from the container (one place, no settings read elsewhere)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from laborsign.parties.accounts import AccountService, Policy
from laborsign.parties.api_key_service import ApiKeyService
from laborsign.parties.organisations import OrganisationService
from laborsign.parties.passwords import Argon2Params, PasswordHashes
from laborsign.parties.workers import WorkerService

if TYPE_CHECKING:
    from laborsign.bootstrap import Container


@dataclass(frozen=True)
class Parties:
    accounts: AccountService
    organisations: OrganisationService
    workers: WorkerService
    api_keys: ApiKeyService


def build_parties(container: Container) -> Parties:
    s = container.settings
    hashes = PasswordHashes(
        Argon2Params(s.argon2_memory_kib, s.argon2_time_cost, s.argon2_parallelism)
    )
    policy = Policy(
        max_failures=s.login_max_failures,
        lockout=timedelta(minutes=s.login_lockout_minutes),
        rate_window=timedelta(minutes=s.login_rate_window_minutes),
        rate_per_source=s.login_rate_per_ip,
        rate_per_account=s.login_rate_per_account,
        password_max_age=timedelta(days=s.password_max_age_days)
        if s.password_max_age_days
        else None,
    )
    secret = lambda: container.secret_key  # noqa: E731 - read lazily: init may create it
    return Parties(
        accounts=AccountService(container.uow, hashes, secret, policy),
        organisations=OrganisationService(
            container.uow, lambda: container.ca, lambda: container.key_store, s.key_algorithm
        ),
        workers=WorkerService(container.uow, lambda: container.privacy),
        api_keys=ApiKeyService(container.uow, secret),
    )
