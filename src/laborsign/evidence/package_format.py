"""The evidence package's file format: names, manifest, c2sp.org/tlog-proof, the ZIP itself.

Pure code, shared by the exporter and the offline verifier. Reading refuses anything a
hostile package could use against the reader: too large, too many entries, an implausible
compression ratio (a ZIP bomb), unsafe or duplicate names, encrypted entries.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import rfc8785
from cryptography import x509
from cryptography.exceptions import InvalidSignature

from laborsign.errors import InvalidInput
from laborsign.evidence.merkle import HASH_SIZE
from laborsign.evidence.note import b64, b64decode
from laborsign.i18n import Text

FORMAT = "laborsign-evidence-package"
# Version 1: no `anchors/` folder. Version 2: the same, plus `anchors/` (outside receipts).
# A package without anchors is written as version 1, so verifiers that know only version 1
# keep accepting it.
VERSION = 1
VERSION_ANCHORS = 2
VERSIONS = (VERSION, VERSION_ANCHORS)
MANIFEST = "manifest.json"
CONTRACT = "contract.pdf"
CHECKPOINT = "checkpoint"
TIMESTAMP = "checkpoint.tsr"
LOG_VKEY = "log.vkey"
REPORT = "report.pdf"
EVENTS = "events/"
TRUST = "trust/"
PROOF_HEADER = "c2sp.org/tlog-proof@v1"
MAX_PROOF_HASHES = 63
# Entries carry a fixed time: the same package content gives the same ZIP bytes.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
MB = 1024 * 1024

_NAME = re.compile(
    r"manifest\.json|contract\.pdf|checkpoint|checkpoint\.tsr|log\.vkey|report\.pdf"
    r"|events/[0-9]{4}\.(json|tlog-proof)|trust/[A-Za-z0-9][A-Za-z0-9._-]{0,63}\.pem"
    r"|anchors/[a-z0-9][a-z0-9-]{0,31}\.(json|receipt|pem)"
)
_INDEX = re.compile(r"index (0|[1-9][0-9]*)")


class PackageUnreadable(InvalidInput):
    """Not a ZIP, truncated, or outside the limits: nothing in it can be checked."""

    code = "package-unreadable"


def _unreadable(zh: str, en: str) -> PackageUnreadable:
    return PackageUnreadable(Text(zh, en))


def event_name(number: int) -> str:
    return f"{EVENTS}{number:04d}.json"


def proof_name(number: int) -> str:
    return f"{EVENTS}{number:04d}.tlog-proof"


# -- c2sp.org/tlog-proof --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TlogProof:
    index: int
    hashes: tuple[bytes, ...]
    checkpoint: bytes  # the signed checkpoint note, verbatim
    extra: bytes | None = None

    def encode(self) -> bytes:
        lines = [PROOF_HEADER]
        if self.extra is not None:
            lines.append(f"extra {b64(self.extra)}")
        lines.append(f"index {self.index}")
        lines.extend(b64(h) for h in self.hashes)
        return ("\n".join(lines) + "\n\n").encode("ascii") + self.checkpoint

    @classmethod
    def parse(cls, data: bytes) -> TlogProof:
        """Strict parse: any deviation from the format is refused (ValueError)."""
        head, separator, checkpoint = data.partition(b"\n\n")
        if not separator or not checkpoint:
            raise ValueError("no checkpoint after the proof lines")
        lines = head.decode("ascii").split("\n")
        if lines[0] != PROOF_HEADER:
            raise ValueError("not a c2sp.org/tlog-proof@v1")
        extra = None
        position = 1
        if len(lines) > 1 and lines[1].startswith("extra "):
            extra = _canonical_b64(lines[1][len("extra ") :])
            position = 2
        if len(lines) <= position:
            raise ValueError("no index line")
        index = _INDEX.fullmatch(lines[position])
        if index is None:
            raise ValueError("malformed index line")
        hashes = tuple(_canonical_b64(line) for line in lines[position + 1 :])
        if len(hashes) > MAX_PROOF_HASHES or any(len(h) != HASH_SIZE for h in hashes):
            raise ValueError("malformed inclusion proof hashes")
        return cls(int(index.group(1)), hashes, checkpoint, extra)


def _canonical_b64(text: str) -> bytes:
    """Base64 whose re-encoding is the same text: unused low bits of the last character
    would otherwise let one proof be spelled several ways."""
    data = b64decode(text)
    if b64(data) != text:
        raise ValueError("base64 is not in canonical form")
    return data


# -- manifest -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FileEntry:
    path: str
    sha256: str
    size: int


@dataclass(frozen=True, slots=True)
class Manifest:
    contract: str
    origin: str
    tree_size: int
    files: tuple[FileEntry, ...]
    witnesses: tuple[str, ...] = ()  # witness vkeys whose cosignatures the package claims
    format: str = FORMAT
    version: int = VERSION

    def to_json(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "version": self.version,
            "contract": self.contract,
            "origin": self.origin,
            "tree_size": self.tree_size,
            "files": [{"path": f.path, "sha256": f.sha256, "size": f.size} for f in self.files],
            "witnesses": list(self.witnesses),
        }

    def encode(self) -> bytes:
        """RFC 8785 canonical JSON: one value, one spelling."""
        data: bytes = rfc8785.dumps(self.to_json())
        return data

    @classmethod
    def parse(cls, data: bytes) -> Manifest:
        """Refuses anything but the canonical encoding of a well-formed manifest (ValueError)."""
        try:
            raw = json.loads(data)
            if set(raw) != set(cls("x", "x", 0, ()).to_json()):
                raise ValueError("unexpected or missing manifest keys")
            manifest = cls(
                contract=_str(raw["contract"]),
                origin=_str(raw["origin"]),
                tree_size=_int(raw["tree_size"]),
                files=tuple(
                    FileEntry(_str(f["path"]), _str(f["sha256"]), _int(f["size"]))
                    for f in raw["files"]
                    if set(f) == {"path", "sha256", "size"}
                ),
                witnesses=tuple(_str(w) for w in raw["witnesses"]),
                format=_str(raw["format"]),
                version=_int(raw["version"]),
            )
        except (KeyError, TypeError, AttributeError, UnicodeDecodeError) as exc:
            raise ValueError(f"malformed manifest: {exc}") from exc
        if len(manifest.files) != len(raw["files"]):
            raise ValueError("malformed file entry")
        if manifest.encode() != data:
            raise ValueError("the manifest is not in canonical form (RFC 8785)")
        return manifest


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("expected a string")
    return value


def _int(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("expected an integer")
    return value


# -- the ZIP --------------------------------------------------------------------------------


def write_zip(files: Sequence[tuple[str, bytes]]) -> bytes:
    """Entries in the given order, fixed times and permissions: deterministic bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so the permission bits below mean what they say
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


@dataclass(frozen=True)
class PackageLimits:
    max_bytes: int = 64 * MB
    max_entries: int = 1000
    max_entry_bytes: int = 60 * MB
    max_total_bytes: int = 128 * MB
    # Inflated size over compressed size; JSON and text compress 5-10 times at most here.
    max_ratio: int = 100


def read_zip(data: bytes, limits: PackageLimits | None = None) -> dict[str, bytes]:
    """The entries of a package ZIP, by name, in the archive's order."""
    limits = limits or PackageLimits()
    if len(data) > limits.max_bytes:
        raise _unreadable("证据包过大", f"package larger than {limits.max_bytes} bytes")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _unreadable(
            "不是有效的 ZIP 文件（或已被截断）", "not a ZIP file, or truncated"
        ) from exc
    with archive:
        infos = archive.infolist()
        _check_directory(infos, limits)
        files: dict[str, bytes] = {}
        for info in infos:
            try:
                with archive.open(info) as handle:
                    content = handle.read(info.file_size + 1)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
                raise _unreadable(
                    f"ZIP 条目 {info.filename} 无法读取", f"ZIP entry {info.filename} is unreadable"
                ) from exc
            if len(content) != info.file_size:
                raise _unreadable(
                    f"ZIP 条目 {info.filename} 的大小不符",
                    f"ZIP entry {info.filename}: size mismatch",
                )
            files[info.filename] = content
    return files


def _check_directory(infos: Sequence[zipfile.ZipInfo], limits: PackageLimits) -> None:
    if len(infos) > limits.max_entries:
        raise _unreadable("ZIP 条目过多", f"more than {limits.max_entries} ZIP entries")
    total = 0
    seen: set[str] = set()
    for info in infos:
        name = info.filename
        if not _NAME.fullmatch(name):
            raise _unreadable(f"不允许的文件名：{name!r}", f"file name not allowed: {name!r}")
        if name in seen:
            raise _unreadable(f"文件名重复：{name}", f"duplicate file name: {name}")
        seen.add(name)
        if info.flag_bits & 0x1:
            raise _unreadable("ZIP 条目已加密", "encrypted ZIP entries are not accepted")
        if info.file_size > limits.max_entry_bytes:
            raise _unreadable(f"文件过大：{name}", f"entry too large: {name}")
        if info.file_size > limits.max_ratio * max(info.compress_size, 1) + 1024:
            raise _unreadable(
                f"压缩比异常（疑似压缩炸弹）：{name}", f"implausible compression ratio: {name}"
            )
        total += info.file_size
        if total > limits.max_total_bytes:
            raise _unreadable("证据包解压后过大", "package inflates to too much data")


def file_entries(files: Mapping[str, bytes]) -> tuple[FileEntry, ...]:
    return tuple(
        FileEntry(name, hashlib.sha256(data).hexdigest(), len(data)) for name, data in files.items()
    )


# -- trust certificates ---------------------------------------------------------------------


def pem_certificates(data: bytes) -> list[x509.Certificate]:
    """Every certificate in PEM text (ValueError if there is none or one is malformed)."""
    certificates = x509.load_pem_x509_certificates(data)
    if not certificates:
        raise ValueError("no certificate")
    return certificates


def trust_roots(certificates: Sequence[x509.Certificate]) -> list[x509.Certificate]:
    """The self-signed certificates whose self-signature verifies: the trust anchors."""
    roots = []
    for certificate in certificates:
        if certificate.subject != certificate.issuer:
            continue
        try:
            certificate.verify_directly_issued_by(certificate)
        except (ValueError, TypeError, InvalidSignature):
            continue
        roots.append(certificate)
    return roots
