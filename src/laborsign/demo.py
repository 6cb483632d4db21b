"""`laborsign demo --out DIR`: the one-command tour of the platform.

From the embedded default (initialised if needed): render the example general contract, the
worker signs with a drawn signature and a certificate issued for this one act, the employer
signs with its organisation certificate and seal, a document timestamp completes the contract
(PAdES B-LTA). Then it writes what a stranger needs to check the result:

    DIR/contract.pdf       the executed contract
    DIR/trust/root.pem     the trust anchor (the built-in private root; it also anchors the TSA)
    DIR/trust/issuing.pem  the issuing CA, DIR/trust/tsa.pem the TSA certificate (for tools
                           that want intermediates separately, e.g. `openssl ts -verify`)
    DIR/report.json        our verifier's report
    DIR/evidence.zip       the evidence package (`laborsign evidence verify DIR/evidence.zip`)

`run_demo` does the work and returns what it made, so later steps of the tour can add their
files to the same directory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import click

from laborsign.bootstrap import Container
from laborsign.contracts.examples import example_contract
from laborsign.contracts.model import Contract
from laborsign.contracts.render import Renderer, shared_renderer
from laborsign.errors import InvalidInput
from laborsign.evidence.package_demo import demo_evidence, step_times
from laborsign.i18n import Text
from laborsign.signing.images import drawn_signature_png
from laborsign.signing.service import Organisation, WorkerIdentity, pem
from laborsign.signing.signer import to_asn1
from laborsign.verification import VerificationReport, verify_pdf

TRUST_DIRECTORY = "trust"


@dataclass(frozen=True)
class DemoResult:
    directory: Path
    contract: Contract
    pdf: bytes
    contract_pdf: Path
    trust_root: Path
    trust_files: tuple[Path, ...]
    report: VerificationReport
    report_json: Path
    evidence_zip: Path


def _write(path: Path, data: bytes) -> Path:
    # Next to the target, then renamed: a reader never sees half a file.
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    os.replace(partial, path)
    return path


def _prepare_directory(out: Path) -> Path:
    if out.exists() and not out.is_dir():
        raise InvalidInput(
            Text("输出位置不是目录：{p}", "the output location is not a directory: {p}").format(
                p=out
            ),
            field="out",
        )
    (out / TRUST_DIRECTORY).mkdir(parents=True, exist_ok=True)
    return out


def run_demo(container: Container, out: Path, renderer: Renderer | None = None) -> DemoResult:
    """Execute the example contract end to end and write it, its trust roots and its report."""
    out = _prepare_directory(out)
    container.init()
    contract = example_contract()
    rendered = (renderer or shared_renderer()).render(contract)
    service = container.signing
    worker = WorkerIdentity(contract.worker.name, contract.worker.id_number)
    employer = Organisation(contract.employer.name, contract.employer.credit_code)

    started = datetime.now(UTC)
    prepared = service.prepare(rendered.pdf, rendered.boxes)
    worker_signed = service.sign_as_worker(prepared, worker, drawn_signature_png(worker.name))
    signed_at = [datetime.now(UTC)]
    employer_signed = service.sign_as_employer(worker_signed, employer)
    signed_at.append(datetime.now(UTC))
    pdf = service.complete(employer_signed)
    signed_at.append(datetime.now(UTC))

    trust = service.trust_material()
    trust_dir = out / TRUST_DIRECTORY
    root = _write(trust_dir / "root.pem", pem(trust.roots))
    files = (
        root,
        _write(trust_dir / "issuing.pem", pem(trust.intermediates)),
        _write(trust_dir / "tsa.pem", pem([trust.tsa])),
    )
    report = verify_pdf(pdf, [to_asn1(c) for c in trust.roots])
    stages = (rendered.pdf, prepared, worker_signed, employer_signed, pdf)
    times = step_times(started, signed_at)
    evidence = demo_evidence(container, contract, stages, report, times)
    return DemoResult(
        directory=out,
        contract=contract,
        pdf=pdf,
        contract_pdf=_write(out / "contract.pdf", pdf),
        trust_root=root,
        trust_files=files,
        report=report,
        report_json=_write(out / "report.json", report.to_json().encode("utf-8")),
        evidence_zip=_write(out / "evidence.zip", evidence),
    )


def summary(result: DemoResult) -> str:
    contract = result.contract
    verdict = "有效 / valid" if result.report.valid else "无效 / invalid"
    lines = [
        f"劳动合同 {contract.number} 已由双方签署并加盖文档时间戳（PAdES B-LTA）",
        f"labor contract {contract.number} signed by both parties and document-timestamped "
        "(PAdES B-LTA)",
        f"  甲方 employer: {contract.employer.name}",
        f"  乙方 worker:   {contract.worker.name}",
        f"  验证结果 verification: {verdict}",
        f"  合同 contract:      {result.contract_pdf}",
        f"  信任根 trust root:  {result.trust_root}",
        f"  验证报告 report:    {result.report_json}",
        f"  证据包 evidence:    {result.evidence_zip}",
        "验证 / verify it:",
        f"  laborsign verify {result.contract_pdf} --trust {result.trust_root}",
        f"  laborsign evidence verify {result.evidence_zip}",
    ]
    return "\n".join(lines)


@click.command("demo")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="directory for contract.pdf, trust/*.pem and report.json",
)
@click.pass_context
def demo(ctx: click.Context, out: Path) -> None:
    """Sign the example contract end to end and write what a verifier needs."""
    from laborsign.cli import container

    result = run_demo(container(ctx), out)
    click.echo(summary(result))
    if not result.report.valid:
        ctx.exit(1)
