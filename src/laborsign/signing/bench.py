"""`laborsign bench sign`: the four signing figures, twice.

Figures: median ms per PAdES B-T signature (TSA included), a full two-party execution of the
rendered example contract through B-LTA, verification of the completed contract, and the
ratio of our signing path (appearance, B-LT) to plain pyHanko B-T signing of the same file
with the same loaded key.

First on the platform's real parts — built-in CA, encrypted file key store, built-in TSA in
process, SQLite in a temporary data home — then on an in-memory PKI (the signing code alone).
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import click
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.signers.pdf_cms import Signer
from pyhanko.sign.timestamps.api import TimeStamper

from laborsign.bench import bench, median_ms
from laborsign.contracts.render import RenderedContract
from laborsign.signing import pades
from laborsign.signing.appearance import Appearance
from laborsign.signing.ephemeral import LocalPki
from laborsign.signing.images import drawn_signature_png, seal_png
from laborsign.verification import verify_pdf


@dataclass(frozen=True)
class Figures:
    plain_ms: float
    ours_ms: float
    execution_ms: float
    verification_ms: float

    def lines(self) -> list[str]:
        return [
            f"  PAdES B-T signature (plain pyHanko, loaded key, TSA): {self.plain_ms:.1f} ms "
            "(target ≤ 50)",
            f"  two-party execution through B-LTA: {self.execution_ms:.1f} ms (target ≤ 200)",
            f"  verification of a completed contract: {self.verification_ms:.1f} ms (target ≤ 150)",
            f"  our signing path (appearance + B-LT) / plain pyHanko: "
            f"{self.ours_ms / self.plain_ms:.2f} ({self.ours_ms:.1f} ms / "
            f"{self.plain_ms:.1f} ms; target ≤ 1.2)",
        ]


def plain_b_t(prepared: bytes, signer: Signer, timestamper: TimeStamper) -> bytes:
    """pyHanko's own B-T signature of the worker's field: no appearance, no DSS."""
    metadata = signers.PdfSignatureMetadata(
        field_name=pades.field_name("worker"),
        md_algorithm=pades.MD_ALGORITHM,
        subfilter=fields.SigSeedSubFilter.PADES,
        certify=True,
    )
    out = BytesIO()
    signers.PdfSigner(metadata, signer, timestamper=timestamper).sign_pdf(
        IncrementalPdfFileWriter(BytesIO(prepared)), output=out
    )
    return out.getvalue()


def measure(
    *,
    prepared: bytes,
    plain: Callable[[], bytes],
    ours: Callable[[], bytes],
    execution: Callable[[], bytes],
    roots: list[asn1_x509.Certificate],
    repeat: int,
    clock: Callable[[], float],
) -> Figures:
    completed = execution()
    report = verify_pdf(completed, roots)
    if not report.valid:
        raise click.ClickException("the benchmark's contract does not verify:\n" + report.to_json())
    return Figures(
        plain_ms=median_ms(plain, repeat=repeat, clock=clock),
        ours_ms=median_ms(ours, repeat=repeat, clock=clock),
        execution_ms=median_ms(execution, repeat=max(3, repeat // 4), clock=clock),
        verification_ms=median_ms(
            lambda: verify_pdf(completed, roots), repeat=max(3, repeat // 2), clock=clock
        ),
    )


def real_parts(
    rendered: RenderedContract, home: Path, repeat: int, clock: Callable[[], float]
) -> Figures:
    from laborsign.bootstrap import Container
    from laborsign.contracts.examples import example_contract
    from laborsign.pki.tsa import PortTimeStamper
    from laborsign.settings import Settings
    from laborsign.signing.service import Organisation, WorkerIdentity
    from laborsign.signing.signer import to_asn1

    container = Container(
        Settings(home=home / "home", database_url=f"sqlite:///{home / 'bench.db'}")
    )
    container.init()
    contract = example_contract()
    service = container.signing
    organisation = Organisation(contract.employer.name, contract.employer.credit_code)
    worker = WorkerIdentity(contract.worker.name, contract.worker.id_number)
    signature = drawn_signature_png(worker.name)
    _, organisation_signer = service.organisation_signer(organisation)
    timestamper = PortTimeStamper(container.timestamper)
    prepared = service.prepare(rendered.pdf, rendered.boxes)

    def execution() -> bytes:
        pdf = service.prepare(rendered.pdf, rendered.boxes)
        pdf = service.sign_as_worker(pdf, worker, signature)
        pdf = service.sign_as_employer(pdf, organisation)
        return service.complete(pdf)

    try:
        return measure(
            prepared=prepared,
            # Same key, same file, same TSA: pyHanko alone against our path.
            plain=lambda: plain_b_t(prepared, organisation_signer, timestamper),
            ours=lambda: service.sign_as_employer(prepared, organisation),
            execution=execution,
            roots=[to_asn1(container.ca.root)],
            repeat=repeat,
            clock=clock,
        )
    finally:
        container.engine.dispose()


def in_memory(rendered: RenderedContract, repeat: int, clock: Callable[[], float]) -> Figures:
    pki = LocalPki.create()
    worker, org = pki.person("张三"), pki.person("杭州示例科技有限公司")
    worker_signer, org_signer = pki.signer(worker), pki.signer(org)
    stamper = pki.timestamper()
    validation = pki.validation_data().context()
    worker_look = Appearance(drawn_signature_png("张三"), "张三")
    org_look = Appearance(seal_png("杭州示例科技有限公司"), "杭州示例科技有限公司", "盖章")
    prepared = pades.prepare_fields(rendered.pdf, rendered.boxes)

    def sign(pdf: bytes, role: str, signer: Signer, look: Appearance) -> bytes:
        return pades.sign_as(pdf, role, signer, stamper, look, certify=None, validation=validation)

    def execution() -> bytes:
        pdf = pades.prepare_fields(rendered.pdf, rendered.boxes)
        pdf = sign(pdf, "worker", worker_signer, worker_look)
        pdf = sign(pdf, "employer", org_signer, org_look)
        return pades.complete(pdf, stamper, validation)

    return measure(
        prepared=prepared,
        plain=lambda: plain_b_t(prepared, worker_signer, stamper),
        ours=lambda: sign(prepared, "worker", worker_signer, worker_look),
        execution=execution,
        roots=[pki.root.asn1],
        repeat=repeat,
        clock=clock,
    )


@bench.command("sign")
@click.option("--repeat", default=20, show_default=True)
@click.option("--cpu", is_flag=True, help="CPU time of this process instead of wall time")
def bench_sign(repeat: int, cpu: bool) -> None:
    """Median ms: B-T signature, two-party execution to B-LTA, verification; ratio to pyHanko."""
    # pyHanko logs every path it fails to build while trying candidates; not news here.
    logging.getLogger("pyhanko").setLevel(logging.ERROR)
    from laborsign.contracts.examples import example_contract
    from laborsign.contracts.render import Renderer

    rendered = Renderer().render(example_contract())
    clock = time.process_time if cpu else time.perf_counter
    click.echo(f"median {'CPU' if cpu else 'wall'} time")
    with tempfile.TemporaryDirectory(prefix="laborsign-bench-") as home:
        click.echo("platform parts (built-in CA and TSA, file key store, SQLite):")
        for line in real_parts(rendered, Path(home), repeat, clock).lines():
            click.echo(line)
    click.echo("in-memory PKI (signing code alone):")
    for line in in_memory(rendered, repeat, clock).lines():
        click.echo(line)
