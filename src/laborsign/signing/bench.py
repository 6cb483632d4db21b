"""`laborsign bench sign`: the four signing figures, on an in-memory PKI and in-process TSA.

Figures: median ms per PAdES B-T signature (TSA included), a full two-party execution through
B-LTA, verification of a completed contract, and the ratio of our signing path to plain
pyHanko signing of the same file with the same loaded key.
"""

from __future__ import annotations

import logging
from io import BytesIO

import click
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

from laborsign.bench import bench, median_ms
from laborsign.signing import pades
from laborsign.signing.appearance import Appearance
from laborsign.signing.ephemeral import LocalPki
from laborsign.signing.images import drawn_signature_png, seal_png
from laborsign.verification import verify_pdf


@bench.command("sign")
@click.option("--repeat", default=20, show_default=True)
def bench_sign(repeat: int) -> None:
    """Median ms: B-T signature, two-party execution to B-LTA, verification; ratio to pyHanko."""
    # pyHanko warns on every signature that fetching is off: that is deliberate here.
    logging.getLogger("pyhanko").setLevel(logging.ERROR)
    from laborsign.contracts.examples import example_contract
    from laborsign.contracts.render import Renderer

    rendered = Renderer().render(example_contract())
    pki = LocalPki.create()
    worker, org = pki.person("张三"), pki.person("杭州示例科技有限公司")
    worker_signer, org_signer = pki.signer(worker), pki.signer(org)
    stamper = pki.timestamper()
    validation = pki.validation_data().context()
    worker_look = Appearance(drawn_signature_png("张三"), "张三")
    org_look = Appearance(seal_png("杭州示例科技有限公司"), "杭州示例科技有限公司", "盖章")
    prepared = pades.prepare_fields(rendered.pdf, rendered.boxes)
    field = pades.field_name("worker")

    def b_t() -> bytes:
        metadata = signers.PdfSignatureMetadata(
            field_name=field,
            md_algorithm=pades.MD_ALGORITHM,
            subfilter=fields.SigSeedSubFilter.PADES,
            certify=True,
        )
        out = BytesIO()
        signers.PdfSigner(metadata, worker_signer, timestamper=stamper).sign_pdf(
            IncrementalPdfFileWriter(BytesIO(prepared)), output=out
        )
        return out.getvalue()

    def ours() -> bytes:
        return pades.sign_as(
            prepared,
            "worker",
            worker_signer,
            stamper,
            worker_look,
            certify=True,
            validation=validation,
        )

    def execution() -> bytes:
        pdf = pades.prepare_fields(rendered.pdf, rendered.boxes)
        pdf = pades.sign_as(
            pdf, "worker", worker_signer, stamper, worker_look, certify=True, validation=validation
        )
        pdf = pades.sign_as(
            pdf, "employer", org_signer, stamper, org_look, certify=False, validation=validation
        )
        return pades.complete(pdf, stamper, validation)

    completed = execution()
    plain = median_ms(b_t, repeat=repeat)
    path = median_ms(ours, repeat=repeat)
    full = median_ms(execution, repeat=max(3, repeat // 4))
    check = median_ms(lambda: verify_pdf(completed, [pki.root.asn1]), repeat=max(3, repeat // 2))
    click.echo(
        f"PAdES B-T signature (plain pyHanko, loaded key, TSA): {plain:.1f} ms (target ≤ 50)"
    )
    click.echo(f"two-party execution through B-LTA: {full:.1f} ms (target ≤ 200)")
    click.echo(f"verification of a completed contract: {check:.1f} ms (target ≤ 150)")
    click.echo(
        f"our signing path (appearance + B-LT) / plain pyHanko: {path / plain:.2f} "
        f"({path:.1f} ms / {plain:.1f} ms; target ≤ 1.2)"
    )
