"""PAdES signing of a labor contract: fields, both parties' signatures, completion.

The flow on one document, each step an incremental update so every earlier byte stays signed:

1. `prepare_fields` creates one empty signature field per party at the boxes the renderer
   reported (before any signature, so later signers only fill existing fields);
2. `sign_as` signs one party's field: the first signature certifies the document and allows
   only form filling and signing afterwards (DocMDP P=2); each signature is PAdES B-T with a
   visible appearance, and its validation data (certificates, CRLs) go into the DSS in the
   same revision, making it B-LT;
3. `complete` appends a document timestamp: the contract becomes B-LTA.

Everything works on bytes in memory. Any failure raises a `LaborSignError` and returns
nothing, so the caller's document is exactly as it was (fail closed).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from io import BytesIO
from typing import Protocol

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner, PdfTimeStamper
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes, Signer
from pyhanko.sign.signers.pdf_signer import (
    DSSContentSettings,
    PdfSigningSession,
    PreSignValidationStatus,
    SigDSSPlacementPreference,
    TimestampDSSContentSettings,
)
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError, ValidationError

from laborsign.errors import Conflict, InvalidInput, LaborSignError, ServiceUnavailable
from laborsign.i18n import Text
from laborsign.signing.appearance import Appearance, stamp_style
from laborsign.signing.chains import ValidatedChains


class _DropNoFetchingWarning(logging.Filter):
    """pyHanko warns on every signature that revocation data will be embedded without
    fetching. Here that is the design (the CA hands its CRLs over in process), so the warning
    says nothing; every other pyHanko message still gets through."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "fetching is not allowed" not in record.getMessage()


logging.getLogger("pyhanko.sign.signers.pdf_signer").addFilter(_DropNoFetchingWarning())

MD_ALGORITHM = "sha256"
# Validation data goes into the revision it serves (a signature, a document timestamp) rather
# than into a revision of its own: still B-LT / B-LTA, but fewer revisions, and a verifier's
# difference analysis walks the whole document once per revision after a signature. No VRI
# entries (ISO 32000-2 deprecates them; PAdES does not need them).
_TIMESTAMP_DSS = TimestampDSSContentSettings(update_before_ts=True, include_vri=False)
_SIGNATURE_DSS = DSSContentSettings(
    placement=SigDSSPlacementPreference.TOGETHER_WITH_SIGNATURE,
    include_vri=False,
    next_ts_settings=_TIMESTAMP_DSS,
)
TIMESTAMP_FIELD_PREFIX = "LaborSign-Timestamp"


class Role(StrEnum):
    WORKER = "worker"
    EMPLOYER = "employer"


FIELD_NAMES: dict[Role, str] = {
    Role.WORKER: "LaborSign-Worker",
    Role.EMPLOYER: "LaborSign-Employer",
}


class Box(Protocol):
    """Where a party signs: page number (1-based, as the renderer reports it) and a rectangle
    in PDF points, origin bottom-left."""

    @property
    def role(self) -> str: ...
    @property
    def page(self) -> int: ...
    @property
    def x(self) -> float: ...
    @property
    def y(self) -> float: ...
    @property
    def width(self) -> float: ...
    @property
    def height(self) -> float: ...


def field_name(role: Role | str) -> str:
    return FIELD_NAMES[Role(role)]


def _caused_by_validation(exc: BaseException) -> bool:
    """pyHanko wraps chain and revocation failures of the signer in a SigningError."""
    cause = exc.__cause__ or exc.__context__
    while cause is not None:
        if isinstance(cause, PathBuildingError | PathValidationError | ValidationError):
            return True
        cause = cause.__cause__ or cause.__context__
    return False


@contextmanager
def _fail_closed(action: Text) -> Iterator[None]:
    """Translate failures of the PDF library or of an outside service into platform errors."""
    try:
        yield
    except LaborSignError:
        raise
    except (TimeoutError, TimestampRequestError, OSError) as exc:
        raise ServiceUnavailable(
            Text(
                f"时间戳或证书服务不可用，{action.zh}未完成，文档未改变",
                f"timestamp or certificate service unavailable; {action.en} not done, "
                "document unchanged",
            )
        ) from exc
    except (PathBuildingError, PathValidationError, SigningError) as exc:
        if isinstance(exc, SigningError) and not _caused_by_validation(exc):
            raise InvalidInput(
                Text(f"{action.zh}失败：{exc}", f"{action.en} failed: {exc}"),
            ) from exc
        raise ServiceUnavailable(
            Text(
                f"无法取得证书链或吊销信息，{action.zh}未完成",
                f"certificate chain or revocation data unavailable; {action.en} not done",
            )
        ) from exc
    except (PdfError, ValueError, KeyError, TypeError) as exc:
        # TypeError: pyHanko stumbles over a chain it could not build (e.g. a document
        # timestamp from another installation's TSA) instead of reporting it.
        raise InvalidInput(
            Text(f"{action.zh}失败：{exc}", f"{action.en} failed: {exc}"),
        ) from exc


# Room in a signature's CMS besides the certificates and the timestamp token: signed
# attributes, the signature value and the SignedData structure (about 900 bytes with P-256).
_SIGNER_OVERHEAD = 1024
# Tokens of one TSA differ by a few bytes (serial, nonce, signature length); a generous margin.
_TOKEN_MARGIN = 512


async def _reserved(timestamper: TimeStamper, signer: Signer | None = None) -> int:
    """Bytes to reserve for the signature's /Contents (hex, so twice the DER size).

    pyHanko would otherwise estimate it by building and encoding a whole placeholder CMS
    for every signature, which costs about as much as the signature itself. The
    timestamper's placeholder token is fetched once and cached by pyHanko. Tight matters:
    verifiers parse the reserved hex string (zeros included) more than once per signature."""
    token = await timestamper.async_dummy_response(MD_ALGORITHM)
    size = len(token.dump()) + _TOKEN_MARGIN
    if signer is not None:
        size += _SIGNER_OVERHEAD
        certificates = [signer.signing_cert, *signer.cert_registry]
        size += sum(len(c.dump()) for c in certificates if c is not None)
    return 2 * size


def _writer(pdf: bytes) -> IncrementalPdfFileWriter:
    try:
        return IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    except (PdfError, ValueError, KeyError, IndexError) as exc:
        raise InvalidInput(Text("不是可读的 PDF 文档", "not a readable PDF document")) from exc


def prepare_fields(pdf: bytes, boxes: Iterable[Box]) -> bytes:
    """Add one empty signature field per party at its box, in one incremental update."""
    action = Text("创建签名域", "creating signature fields")
    writer = _writer(pdf)
    with _fail_closed(action):
        seen: set[Role] = set()
        for box in boxes:
            role = Role(box.role)
            if role in seen:
                raise InvalidInput(Text("签名框重复", "duplicate signature box"), field=role)
            seen.add(role)
            fields.append_signature_field(
                writer,
                fields.SigFieldSpec(
                    sig_field_name=field_name(role),
                    on_page=box.page - 1,
                    box=(
                        int(box.x),
                        int(box.y),
                        round(box.x + box.width),
                        round(box.y + box.height),
                    ),
                ),
            )
        if seen != set(Role):
            raise InvalidInput(
                Text("需要甲乙双方的签名框", "signature boxes for both parties are needed")
            )
        out = BytesIO()
        writer.write(out)  # type: ignore[no-untyped-call]
        return out.getvalue()


def _field_box(writer: IncrementalPdfFileWriter, name: str) -> tuple[float, float, bool, bool]:
    """Width, height and filled-ness of the named signature field, and whether any
    signature field of the document is filled already."""
    found: tuple[float, float, bool] | None = None
    any_filled = False
    for fq_name, value, ref in fields.enumerate_sig_fields(writer, filled_status=None):
        any_filled = any_filled or value is not None
        if fq_name == name:
            widget = ref.get_object()
            if "/Kids" in widget:
                widget = widget["/Kids"][0].get_object()
            x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
            found = abs(x2 - x1), abs(y2 - y1), value is not None
    if found is None:
        raise InvalidInput(
            Text("文档中没有此签名域：{name}", "the document has no signature field {name}").format(
                name=name
            )
        )
    return (*found, any_filled)


def sign_as(
    pdf: bytes,
    role: Role | str,
    signer: Signer,
    timestamper: TimeStamper,
    appearance: Appearance,
    *,
    certify: bool | None,
    validation: ValidationContext,
    when: datetime | None = None,
    chains: ValidatedChains | None = None,
) -> bytes:
    """Sign `role`'s field: PAdES B-T with a visible appearance, and its validation data
    (B-LT) in the DSS of the same revision.

    `validation` must be able to validate the signer's and the TSA's chains with the
    revocation data it holds; it is never allowed to fetch anything. `certify=None`: the
    first signature of the document certifies it, later ones do not. `chains` keeps the
    result of that validation for the next signature of the same signer (see `chains`).
    """
    role = Role(role)
    action = Text("签署", "signing")
    name = field_name(role)
    writer = _writer(pdf)
    with _fail_closed(action):
        width, height, filled, any_filled = _field_box(writer, name)
        if certify is None:
            certify = not any_filled
        if filled:
            raise Conflict(
                Text("该方已经签署过此文档", "this party has already signed the document"),
                field=role,
            )
        moment = (when or datetime.now(UTC)).astimezone()
        metadata = PdfSignatureMetadata(
            field_name=name,
            md_algorithm=MD_ALGORITHM,
            subfilter=fields.SigSeedSubFilter.PADES,
            certify=certify,
            docmdp_permissions=fields.MDPPerm.FILL_FORMS,
            embed_validation_info=True,
            validation_context=validation,
            dss_settings=_SIGNATURE_DSS,
            name=appearance.name,
            reason="订立劳动合同 / concluding a labor contract",
        )
        pdf_signer = PdfSigner(
            metadata,
            signer=signer,
            timestamper=timestamper,
            stamp_style=stamp_style(appearance, moment, width, height),
        )
        out = BytesIO()
        asyncio.run(_sign_pdf(pdf_signer, writer, out, signer, timestamper, validation, chains))
        return out.getvalue()


async def _presign(
    session: PdfSigningSession,
    writer: IncrementalPdfFileWriter,
    signer: Signer,
    timestamper: TimeStamper,
    validation: ValidationContext,
    chains: ValidatedChains | None,
) -> PreSignValidationStatus | None:
    if chains is None or session.pdf_signer.signature_meta.use_pades_lta:
        # (PAdES-LTA signatures also validate the document's last timestamp: not reusable.)
        return await session.perform_presign_validation(writer)
    status = chains.get(signer, timestamper, validation)
    if status is None:
        status = await session.perform_presign_validation(writer)
        if status is not None:
            chains.put(signer, timestamper, validation, status)
    return status


async def _sign_pdf(
    pdf_signer: PdfSigner,
    writer: IncrementalPdfFileWriter,
    out: BytesIO,
    signer: Signer,
    timestamper: TimeStamper,
    validation: ValidationContext,
    chains: ValidatedChains | None,
) -> None:
    """pyHanko's signing steps (its interrupted-signing API, the same steps as `sign_pdf`)
    in one event loop, with the pre-signing validation taken from `chains` when it holds
    one for this signer, TSA and context."""
    try:
        reserved = await _reserved(timestamper, signer)
        session = pdf_signer.init_signing_session(writer)
        status = await _presign(session, writer, signer, timestamper, validation, chains)
        tbs = session.prepare_tbs_document(validation_info=status, bytes_reserved=reserved)
        prepared, output = tbs.digest_tbs_document(output=out)
        signed = await tbs.perform_signature(
            document_digest=prepared.document_digest,
            pdf_cms_signed_attrs=PdfCMSSignedAttributes(
                signing_time=session.system_time,
                adobe_revinfo_attr=None if status is None else status.adobe_revinfo_attr,
                cades_signed_attrs=pdf_signer.signature_meta.cades_signed_attr_spec,
            ),
        )
        await signed.post_signature_processing(output)
    finally:
        # What pyHanko's own synchronous entry points do: sessions the context opened for
        # fetching belong to this event loop and must be closed inside it.
        await validation.aclose()  # type: ignore[no-untyped-call]


def complete(pdf: bytes, timestamper: TimeStamper, validation: ValidationContext) -> bytes:
    """Append a document timestamp over the whole signed contract (PAdES B-LTA)."""
    action = Text("添加文档时间戳", "adding the document timestamp")
    writer = _writer(pdf)
    with _fail_closed(action):
        out = BytesIO()
        PdfTimeStamper(timestamper, field_name=f"{TIMESTAMP_FIELD_PREFIX}-1").timestamp_pdf(
            writer,
            MD_ALGORITHM,
            validation_context=validation,
            output=out,
            bytes_reserved=asyncio.run(_reserved(timestamper)),
            dss_settings=_TIMESTAMP_DSS,
        )
        return out.getvalue()


def refresh_timestamp(pdf: bytes, timestamper: TimeStamper, validation: ValidationContext) -> bytes:
    """Embed validation data for the last document timestamp and add a fresh one.

    This keeps a B-LTA contract verifiable after its CRLs or TSA certificate expire.
    """
    action = Text("更新文档时间戳", "refreshing the document timestamp")
    with _fail_closed(action):
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        count = sum(1 for _ in reader.embedded_timestamp_signatures)
        stamper = PdfTimeStamper(timestamper, field_name=f"{TIMESTAMP_FIELD_PREFIX}-{count + 1}")
        out = BytesIO()
        try:
            stamper.update_archival_timestamp_chain(reader, validation, in_place=False, output=out)
        except TypeError as exc:
            # pyHanko's way of saying it found no path for the last timestamp's certificate.
            raise InvalidInput(
                Text(
                    "最后一个文档时间戳不能追溯到本平台的信任根，无法更新",
                    "the last document timestamp does not chain to this platform's trust "
                    "roots; it cannot be refreshed here",
                )
            ) from exc
        return out.getvalue()
