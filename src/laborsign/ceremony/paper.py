"""Certified paper copy (guideline Art. 13): the contract's pages followed by a page stating
that the copy matches the electronic original, with the contract number, the original's
SHA-256, the date, a QR code to the public verification page and the employer's seal.

The page is typeset by the contract renderer (`templates/paper_copy.typ`); the QR code is
drawn by segno as SVG; the seal PNG travels inside an SVG as a data URI (Typst reads images
from the template's files or from bytes, and sys.inputs carry text only). The pages are
joined by qpdf. Issuing a copy is an evidence event (`paper_copy.issued`).
"""

from __future__ import annotations

import base64
import io
import subprocess
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import segno
from PIL import Image

from laborsign.ceremony.common import parties_of, record_event, system_scope
from laborsign.ceremony.seals import Seals
from laborsign.contracts.lifecycle import State
from laborsign.contracts.render import Renderer
from laborsign.contracts.service import ContractService
from laborsign.db.tenancy import Scope
from laborsign.db.uow import UnitOfWork
from laborsign.errors import Conflict, ServiceUnavailable
from laborsign.evidence.events import EventType
from laborsign.evidence.log import EvidenceLog
from laborsign.evidence.sequence import sha256_hex
from laborsign.i18n import Text

TEMPLATE = "paper_copy"
CHINA = ZoneInfo("Asia/Shanghai")
STATEMENT = (
    "兹证明：本纸质件所载合同内容与本平台保存的电子劳动合同原件一致。"
    "电子原件的 SHA-256 摘要如下，扫描二维码或访问验证地址可核验原件的真实性与完整性。"
)
STATEMENT_EN = (
    "This certifies that the contract printed in this copy matches the electronic original "
    "kept by the platform. Its SHA-256 digest is given below; scan the QR code or open the "
    "verification address to check the original's authenticity and integrity."
)


def qr_svg(url: str) -> str:
    return str(segno.make(url, error="m").svg_inline(scale=4, border=2))


def image_svg(png: bytes) -> str:
    """A PNG wrapped in SVG (as a data URI), so that Typst can take it from text."""
    with Image.open(io.BytesIO(png)) as image:
        width, height = image.size
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" '
        f'xmlns:xlink="http://www.w3.org/1999/xlink" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><image width="{width}" height="{height}" '
        f'xlink:href="data:image/png;base64,{data}"/></svg>'
    )


def join_pdfs(first: bytes, second: bytes) -> bytes:
    """All pages of `first`, then all of `second` (qpdf; the Debian package)."""
    with tempfile.TemporaryDirectory() as tmp:
        a, b, out = Path(tmp, "a.pdf"), Path(tmp, "b.pdf"), Path(tmp, "out.pdf")
        a.write_bytes(first)
        b.write_bytes(second)
        try:
            subprocess.run(  # noqa: S603 - fixed program, our own temporary files
                ["qpdf", "--empty", "--pages", str(a), str(b), "--", str(out)],  # noqa: S607
                check=True,
                capture_output=True,
                timeout=60,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            raise ServiceUnavailable(
                Text("纸质件生成失败（qpdf 不可用）", "the paper copy failed (qpdf unavailable)")
            ) from exc
        return out.read_bytes()


class PaperCopies:
    def __init__(
        self,
        uow: Callable[..., UnitOfWork],
        contracts: ContractService,
        renderer: Callable[[], Renderer],
        seals: Seals,
        log: EvidenceLog,
        base_url: str,
    ) -> None:
        self._uow = uow
        self._contracts = contracts
        self._renderer = renderer
        self._seals = seals
        self._log = log
        self._base_url = base_url

    def verify_url(self, sha256: str) -> str:
        return f"{self._base_url}/verify/{sha256}"

    def issue(self, scope: Scope, actor: str, contract_id: str, now: datetime) -> bytes:
        current = self._contracts.current_document(scope, contract_id)
        if current.contract.state is not State.EFFECTIVE:
            raise Conflict(
                Text(
                    "只有已生效的合同可以出具纸质件", "only an effective contract has paper copies"
                )
            )
        sha = sha256_hex(current.pdf)
        with self._uow(system_scope()) as uow:
            parties = parties_of(uow.session, contract_id)
        data = {
            "number": parties.number,
            "employer": parties.employer_name,
            "sha256": sha,
            "date": now.astimezone(CHINA).strftime("%Y-%m-%d"),
            "verify_url": self.verify_url(sha),
            "statement": STATEMENT,
            "statement_en": STATEMENT_EN,
            "qr_svg": qr_svg(self.verify_url(sha)),
            "seal_svg": image_svg(self._seals.image(parties.org_id, parties.employer_name)),
        }
        page = self._renderer().render_document(TEMPLATE, data, now.replace(microsecond=0))
        copy = join_pdfs(current.pdf, page)
        with self._uow(system_scope()) as uow:
            record_event(
                uow.session,
                self._log,
                EventType.PAPER_COPY_ISSUED,
                contract_id,
                actor,
                now,
                {"original.pdf": sha, "paper-copy.pdf": sha256_hex(copy)},
            )
            uow.commit()
        return copy
