"""Keeping B-LTA contracts verifiable: which documents need a fresh document timestamp.

A completed contract stays verifiable as long as its last document timestamp does: the
timestamp proves that everything it covers — signatures, certificates, CRLs — existed, intact,
at its time, so the CRLs it covers may expire without harm. What must not expire is the last
timestamp's own certificate chain (the TSA certificate and its CAs). A contract needs a fresh
document timestamp when the earliest of those expires within the window;
`pades.refresh_timestamp` then embeds fresh revocation data for the previous timestamp and
adds a new one.

Revocation data for the last timestamp itself is not a trigger: the built-in CA's CRLs live
one day, and a verifier checks the newest timestamp against current revocation data anyway;
refreshing on every CRL expiry would add a revision a day and make nothing more verifiable.

`refresh_files` applies this to PDF files: each file is replaced atomically (temporary file,
then rename), so a failure leaves it exactly as it was.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from io import BytesIO
from pathlib import Path

from pyhanko.pdf_utils.reader import PdfFileReader

from laborsign.errors import InvalidInput, LaborSignError
from laborsign.i18n import Text

_READ_ERRORS = (ValueError, KeyError, IndexError, TypeError, AttributeError)


def earliest_expiry(pdf: bytes) -> datetime | None:
    """When the last document timestamp's certificate chain first expires; `None` when the
    document has no document timestamp (not completed, nothing to maintain)."""
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        stamps = list(reader.embedded_timestamp_signatures)
        if not stamps:
            return None
        last = stamps[-1]
        moments: list[datetime] = [last.signer_cert.not_valid_after]
        for certificate in last.signed_data["certificates"]:
            moments.append(certificate.chosen.not_valid_after)
    except _READ_ERRORS as exc:
        raise InvalidInput(Text("无法读取 PDF", "cannot read the PDF")) from exc
    return min(moments)


def needs_refresh(pdf: bytes, now: datetime, within: timedelta) -> bool:
    expiry = earliest_expiry(pdf)
    return expiry is not None and expiry <= now + within


class Outcome(StrEnum):
    REFRESHED = "refreshed"
    CURRENT = "current"
    NOT_COMPLETED = "not-completed"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class FileResult:
    path: Path
    outcome: Outcome
    expiry: datetime | None = None
    error: str | None = None


def pdf_files(paths: Iterable[Path]) -> Iterator[Path]:
    """The given files, and the `*.pdf` files under given directories (sorted)."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*.pdf") if p.is_file())
        else:
            yield path


def replace_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.refresh")
    try:
        with temporary.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def refresh_files(
    paths: Iterable[Path],
    within: timedelta,
    refresh: Callable[[bytes], bytes],
    now: datetime,
) -> list[FileResult]:
    """Add a fresh document timestamp to every completed contract among `paths` whose
    validation data expires within `within` of `now`. One failing file does not stop the rest."""
    results: list[FileResult] = []
    for path in pdf_files(paths):
        try:
            data = path.read_bytes()
            expiry = earliest_expiry(data)
            if expiry is None:
                results.append(FileResult(path, Outcome.NOT_COMPLETED))
                continue
            if expiry > now + within:
                results.append(FileResult(path, Outcome.CURRENT, expiry))
                continue
            refreshed = refresh(data)
            replace_atomically(path, refreshed)
            results.append(FileResult(path, Outcome.REFRESHED, earliest_expiry(refreshed)))
        except LaborSignError as exc:
            results.append(FileResult(path, Outcome.FAILED, error=str(exc)))
        except OSError as exc:
            results.append(FileResult(path, Outcome.FAILED, error=f"{type(exc).__name__}: {exc}"))
    return results
