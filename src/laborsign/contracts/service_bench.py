"""`laborsign bench contracts`: the contract service's own cost per step.

A throw-away platform (data home in a temporary directory, SQLite unless a database URL is
given) takes contracts from draft to effective. Signing is timed apart from recording, so
the figures show what the service adds around the signing service: rules, rendering,
storing, the state change, the evidence event and the outbox message in one transaction.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click

from laborsign.bench import bench


def _steps(database_url: str, contracts: int) -> Iterator[tuple[str, float]]:
    from laborsign.bootstrap import Container
    from laborsign.contracts.examples import example_contract
    from laborsign.db.tenancy import Scope
    from laborsign.identity.notice import notice_sha256
    from laborsign.parties.roles import Role
    from laborsign.parties.tables import OrganisationRow
    from laborsign.parties.workers import NewWorker
    from laborsign.settings import Settings
    from laborsign.signing.images import drawn_signature_png
    from laborsign.signing.service import Organisation, WorkerIdentity

    example = example_contract()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        url = database_url or f"sqlite:///{home / 'bench.db'}"
        container = Container(Settings(home=home / "home", database_url=url))
        container.init()
        now = [datetime.now(UTC)]

        def tick() -> datetime:
            now[0] += timedelta(milliseconds=10)
            return now[0]

        with container.uow(Scope.system()) as uow:
            employer = example.employer
            uow.session.add(
                OrganisationRow(
                    id="bench-org",
                    kind="employer",
                    name=employer.name,
                    credit_code=employer.credit_code,
                    legal_representative=employer.legal_representative,
                    registered_address=employer.registered_address,
                    phone=employer.phone,
                    created_at=tick(),
                )
            )
            uow.commit()
        hr = Scope.employer("bench-org", "bench-hr", {Role.HR})
        signer = Scope.employer("bench-org", "bench-signer", {Role.SIGNER})
        person = example.worker
        registered = container.parties.workers.register(
            hr, NewWorker(person.name, person.id_number, person.phone), tick()
        )
        worker_id = str(registered["id"])
        worker = Scope.worker(worker_id)
        service, signing = container.contracts, container.signing
        identity = WorkerIdentity(person.name, person.id_number)
        organisation = Organisation(employer.name, employer.credit_code)
        png = drawn_signature_png(person.name)

        def timed(name: str, fn: Callable[..., object], *args: object, **kw: object) -> None:
            started = time.perf_counter()
            fn(*args, **kw)
            timings.append((name, (time.perf_counter() - started) * 1000))

        for n in range(contracts + 1):  # the first round warms fonts, keys and caches
            timings: list[tuple[str, float]] = []
            data = example.model_copy(update={"number": f"BENCH-{n:05d}"})
            draft = service.create_draft(hr, data, now=tick(), worker_id=worker_id)
            cid = draft.contract.id
            other = data.model_copy(update={"number": f"BENCH-{n:05d}-B"})
            timed(
                "create_draft (rules, render, store)", service.create_draft, hr, other, now=tick()
            )
            service.acknowledge_warnings(hr, cid, draft.contract.warnings, now=tick())
            timed("send (rules again)", service.send, hr, cid, now=tick())
            service.acknowledge_notice(worker, cid, notice_sha256=notice_sha256(), now=tick())
            service.record_identity_verified(
                worker, cid, method="development", authoritative=False, now=tick()
            )
            sha = service.current_document(worker, cid).contract.document_sha256
            timed(
                "confirm_intent",
                service.confirm_intent,
                worker,
                cid,
                document_sha256=sha,
                otp_channel="sms",
                now=tick(),
            )
            signed = signing.sign_as_worker(
                service.current_document(worker, cid).pdf, identity, png
            )
            timed(
                "record_worker_signature",
                service.record_worker_signature,
                worker,
                cid,
                signed,
                now=tick(),
            )
            sealed = signing.sign_as_employer(signed, organisation)
            timed(
                "record_employer_signature",
                service.record_employer_signature,
                signer,
                cid,
                sealed,
                now=tick(),
            )
            final = signing.complete(sealed)
            timed("complete", service.complete, Scope.system(), cid, final, now=tick())
            timed("list_contracts (50)", service.list_contracts, hr, limit=50)
            if n:
                yield from timings
        container.engine.dispose()


@bench.command("contracts")
@click.option("--database-url", default="", help="default: SQLite in a temporary directory")
@click.option("--contracts", default=10, show_default=True, help="contracts taken to effective")
def bench_contracts(database_url: str, contracts: int) -> None:
    """Median and worst time of each contract-service step, signing excluded."""
    samples: dict[str, list[float]] = defaultdict(list)
    for name, ms in _steps(database_url, contracts):
        samples[name].append(ms)
    for name, values in samples.items():
        click.echo(
            f"{name}: median {statistics.median(values):.1f} ms, max {max(values):.1f} ms "
            f"({len(values)} runs)"
        )
