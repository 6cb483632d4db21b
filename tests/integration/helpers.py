"""Setup the integration tests share: a database per module, a platform's settings, an
employer, a draft ready to send, a logged-in staff member, a document store to inject into.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from tests.conftest import clean_database

from laborsign.bootstrap import Container
from laborsign.contracts.examples import example_contract
from laborsign.contracts.lifecycle import SigningOrder
from laborsign.contracts.model import Contract
from laborsign.db.tenancy import Scope
from laborsign.parties.organisations import NewOrganisation
from laborsign.parties.roles import Role
from laborsign.parties.tables import OrganisationRow
from laborsign.parties.workers import NewWorker
from laborsign.settings import Settings
from laborsign.storage.ports import DocumentRef, DocumentStore, StoredDocument
from laborsign.web.auth import COOKIE, CSRF_HEADER, SessionStore

EXAMPLE = example_contract()
STAFF_PASSWORD = "Correct-Horse-42"  # noqa: S105 - a test account

# The clean database of a module fixture parametrised "sqlite"/"postgres".
database = clean_database


def platform_settings(tmp: Path, url: str, **extra: object) -> Settings:
    """Cheap password hashing and no OTP rate limits: tests ask for many codes quickly."""
    return Settings(
        home=tmp / "home",
        database_url=url,
        argon2_memory_kib=64,
        argon2_time_cost=1,
        otp_resend_seconds=0,
        otp_per_phone_per_hour=1000,
        otp_per_phone_per_day=1000,
        otp_per_ip_per_hour=1000,
        **extra,  # type: ignore[arg-type]
    )


def employer(container: Container) -> str:
    """The example contract's employer, registered through the service; its id."""
    org = container.parties.organisations.create(
        Scope.system(),
        NewOrganisation(
            "employer",
            EXAMPLE.employer.name,
            EXAMPLE.employer.credit_code,
            EXAMPLE.employer.legal_representative,
            EXAMPLE.employer.registered_address,
            EXAMPLE.employer.phone,
        ),
        datetime.now(UTC),
    )
    return str(org["id"])


def add_org(container: Container, org_id: str, credit_code: str, now: datetime) -> None:
    """The example's employer as a row under a chosen id and credit code."""
    with container.uow(Scope.system()) as uow:
        uow.session.add(
            OrganisationRow(
                id=org_id,
                kind="employer",
                name=EXAMPLE.employer.name,
                credit_code=credit_code,
                legal_representative=EXAMPLE.employer.legal_representative,
                registered_address=EXAMPLE.employer.registered_address,
                phone=EXAMPLE.employer.phone,
                created_at=now,
            )
        )
        uow.commit()


def ready_draft(
    container: Container, hr: Scope, contract: Contract, worker_id: str, order: SigningOrder
) -> str:
    """A draft of `contract` for the worker with its warnings acknowledged: ready to send."""
    contracts = container.contracts
    made = contracts.create_draft(
        hr, contract, now=datetime.now(UTC), worker_id=worker_id, signing_order=order
    )
    cid = made.contract.id
    contracts.acknowledge_warnings(hr, cid, made.contract.warnings, now=datetime.now(UTC))
    return cid


def staff_headers(
    container: Container, org_id: str, name: str, role: Role, now: datetime
) -> dict[str, str]:
    """Headers of a logged-in staff member of `org_id` (a session cookie and its CSRF token)."""
    made = container.parties.accounts.create(
        Scope.system(),
        username=name,
        display_name=name,
        password=STAFF_PASSWORD,
        roles=[role],
        org_id=org_id,
        now=now,
    )
    store = SessionStore(container)
    raw = store.open("staff", made.id, datetime.now(UTC), pending=False)
    row = store.find(raw, datetime.now(UTC))
    assert row is not None
    return {"Cookie": f"{COOKIE}={raw}", CSRF_HEADER: row.csrf_token}


class DelegatingStore:
    """The real document store; subclasses change what `put` does before passing it on."""

    def __init__(self, inner: DocumentStore) -> None:
        self.inner = inner

    def put(self, tenant: str, data: bytes, content_type: str) -> DocumentRef:
        return self.inner.put(tenant, data, content_type)

    def put_many(self, tenant: str, documents: Sequence[tuple[bytes, str]]) -> list[DocumentRef]:
        return [self.put(tenant, data, content_type) for data, content_type in documents]

    def get(self, tenant: str, sha256: str) -> bytes:
        return self.inner.get(tenant, sha256)

    def open(self, tenant: str, sha256: str) -> StoredDocument:
        return self.inner.open(tenant, sha256)

    def exists(self, tenant: str, sha256: str) -> bool:
        return self.inner.exists(tenant, sha256)

    def delete(self, tenant: str, sha256: str) -> bool:
        return self.inner.delete(tenant, sha256)


def draft_with_read_key(container: Container, now: datetime) -> tuple[str, dict[str, object], str]:
    """An employer with one draft for the example's worker and an API key that may read
    contracts: (organisation id, the key as created, contract id)."""
    org_id = employer(container)
    hr = Scope.employer(org_id, "hr", [Role.HR])
    worker = container.parties.workers.register(
        hr, NewWorker(EXAMPLE.worker.name, EXAMPLE.worker.id_number), now
    )
    made = container.contracts.create_draft(hr, EXAMPLE, now=now, worker_id=str(worker["id"]))
    admin = Scope.employer(org_id, "admin", [Role.EMPLOYER_ADMIN])
    key = container.parties.api_keys.create(admin, "hr-system", ["contracts:read"], now)
    return org_id, key, made.contract.id
