"""Offline verification of an evidence package: ZIP bytes in, numbered checks out.

Pure: no server, no database, no network; the only inputs are the package bytes (and the
clock, or `now`). The steps, numbered as in docs/evidence-package.md:

  1. manifest   the manifest is canonical JSON of this format; the ZIP holds exactly the
                files it lists, each with the listed SHA-256 and size;
  2. trust      trust/*.pem parse and hold at least one self-signed root (else: refuse);
  3. log-key    log.vkey is an Ed25519 signed-note verifier key named after the origin;
  4. checkpoint `checkpoint` is a tlog-checkpoint note of that origin, signed by log.vkey,
                for the manifest's tree size;
  5. witnesses  every witness key the manifest lists has a valid cosignature on it;
  6. timestamp  checkpoint.tsr is a granted RFC 3161 response whose imprint is
                SHA-256(checkpoint), signed by a TSA certificate chaining to a trust root;
  7. events     events/NNNN.json, numbered from 0000 without gaps, are canonical events;
  8. inclusion  each events/NNNN.tlog-proof is a c2sp.org/tlog-proof@v1 carrying the
                checkpoint verbatim, and proves SHA-256(0x00 || entry) at its index;
  9. order      one contract, leaf indexes increasing, each event chained to the previous
                one, times not decreasing and not after the checkpoint's timestamp, steps in
                the order of a signing, and the signing complete;
 10. pdf-hash   the latest `contract.pdf` digest in the events is SHA-256(contract.pdf) and
                every recorded earlier revision is a prefix of it;
 11. pdf-signatures  every signature and timestamp in contract.pdf is valid and trusted;
 12. anchors    every receipt in anchors/ (version 2) verifies with its anchor's key and
                names SHA-256(checkpoint), the origin and the tree size.

Pinned trust (`Pins`): a verifier that obtained the root certificates, the log's vkey or
witness vkeys independently passes them in; then the package's own trust/ roots must be
among the pinned roots (and only the pinned roots are trusted), its log.vkey must be the
pinned one, and every pinned witness must have cosigned. The root fingerprints and the log
key ID are printed in every case, so they can also be compared by eye.

The first failing check decides: the checks after it are reported as skipped. The package
is valid only when every check passed.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, TypeVar

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from laborsign.errors import LaborSignError
from laborsign.evidence.anchors_package import ANCHORS, verify_anchor_files
from laborsign.evidence.checkpoint import Checkpoint, open_checkpoint
from laborsign.evidence.cosignature import CosignatureVerifier, timestamp_of
from laborsign.evidence.events import Event, EventType
from laborsign.evidence.merkle import hash_leaf, verify_inclusion
from laborsign.evidence.note import Ed25519Verifier, Note, b64, open_note
from laborsign.evidence.package_format import (
    CHECKPOINT,
    CONTRACT,
    EVENTS,
    FORMAT,
    LOG_VKEY,
    MANIFEST,
    TIMESTAMP,
    TRUST,
    VERSION,
    VERSIONS,
    Manifest,
    PackageLimits,
    TlogProof,
    event_name,
    pem_certificates,
    proof_name,
    read_zip,
    trust_roots,
)
from laborsign.evidence.package_tsr import check_unsigned_parts, load_response
from laborsign.evidence.sequence import (
    CONTRACT_PDF,
    PREVIOUS_EVENT,
    REVISION,
    REVISION_BYTES,
    sha256_hex,
)
from laborsign.i18n import Text
from laborsign.pki.tsa_verify import TokenInvalid, verify_token
from laborsign.signing.signer import to_asn1
from laborsign.verification.pdf import verify_pdf

# The platform's clock and the TSA's may differ a little; more than this is not skew.
CLOCK_TOLERANCE = timedelta(minutes=5)

# The order of a signing: an event may not come before one of a lower phase.
PHASES: dict[EventType, int] = {
    EventType.CREATED: 0,
    EventType.RULES_CHECKED: 1,
    EventType.SENT: 2,
    EventType.NOTICE_ACKNOWLEDGED: 3,
    EventType.IDENTITY_VERIFIED: 4,
    EventType.OTP_VERIFIED: 5,
    EventType.INTENT_CONFIRMED: 5,
    EventType.WORKER_SIGNED: 6,
    EventType.EMPLOYER_SIGNED: 6,
    EventType.EFFECTIVE: 7,
}
AFTER_EFFECTIVE = 8  # every other type: downloads, filing, renewal, refreshed timestamps...
# Steps that may happen at any point of a signing, so they take no part in the order: views
# and reminders, an authority's access, and SMS codes (the identity check's code comes before
# its identity.verified transition; in the employer-first order the worker's fresh code for
# his signature comes after the employer's signature).
FLOATING = frozenset(
    {
        EventType.OTP_VERIFIED,
        EventType.VIEWED,
        EventType.REMINDED,
        EventType.AUTHORITY_ACCESSED,
    }
)
# A completed contract has each of these exactly once.
REQUIRED_ONCE = (
    EventType.CREATED,
    EventType.NOTICE_ACKNOWLEDGED,
    EventType.WORKER_SIGNED,
    EventType.EMPLOYER_SIGNED,
    EventType.EFFECTIVE,
)
# ...and at least one of each of these before the worker signs.
REQUIRED_BEFORE_WORKER = (EventType.IDENTITY_VERIFIED, EventType.OTP_VERIFIED)


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class Check:
    number: int
    code: str
    title: Text
    status: Status
    details: tuple[str, ...] = ()
    reason: Text | None = None

    @property
    def passed(self) -> bool:
        return self.status is Status.PASSED


@dataclass(frozen=True, slots=True)
class PackageReport:
    contract: str
    checks: tuple[Check, ...]

    @property
    def valid(self) -> bool:
        return bool(self.checks) and all(c.passed for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        return {
            "contract": self.contract,
            "valid": self.valid,
            "checks": [
                {
                    "number": c.number,
                    "code": c.code,
                    "title": {"zh": c.title.zh, "en": c.title.en},
                    "status": c.status.value,
                    "details": list(c.details),
                    "reason": {"zh": c.reason.zh, "en": c.reason.en} if c.reason else None,
                }
                for c in self.checks
            ],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def summary(self) -> str:
        marks = {Status.PASSED: "✓", Status.FAILED: "✗", Status.SKIPPED: "-"}
        lines = [f"证据包 / evidence package: {self.contract or '?'}"]
        for c in self.checks:
            lines.append(f"{c.number:2d}. {marks[c.status]} {c.title.zh} / {c.title.en}")
            lines.extend(f"      {d}" for d in c.details)
            if c.reason:
                lines.append(f"      → {c.reason.zh} ({c.reason.en})")
        verdict = "有效 / valid" if self.valid else "无效 / invalid"
        lines.append(verdict)
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class Pins:
    """Trust obtained outside the package; empty fields pin nothing."""

    roots: tuple[x509.Certificate, ...] = ()
    log_vkey: str | None = None
    witness_vkeys: tuple[str, ...] = ()


def fingerprint(certificate: x509.Certificate) -> str:
    return sha256_hex(certificate.public_bytes(Encoding.DER))


class _Failed(Exception):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.text = Text(zh, en)


@dataclass
class _State:
    files: dict[str, bytes]
    now: datetime | None
    pins: Pins = field(default_factory=Pins)
    manifest: Manifest | None = None
    roots: list[x509.Certificate] = field(default_factory=list)
    log_key: Ed25519Verifier | None = None
    checkpoint: Checkpoint | None = None
    note: Note | None = None
    stamped_at: datetime | None = None
    events: list[Event] = field(default_factory=list)
    indexes: list[int] = field(default_factory=list)


Step = Callable[[_State], list[str]]


T = TypeVar("T")


def _got(value: T | None) -> T:
    """Steps run only after the earlier ones passed; this guards that ordering."""
    if value is None:
        raise _Failed("前置检查未通过", "a check this one needs did not pass")
    return value


def _manifest(state: _State) -> list[str]:
    data = state.files.get(MANIFEST)
    if data is None:
        raise _Failed("缺少 manifest.json", "manifest.json is missing")
    try:
        manifest = Manifest.parse(data)
    except ValueError as exc:
        raise _Failed("清单格式错误", f"malformed manifest: {exc}") from exc
    if manifest.format != FORMAT or manifest.version not in VERSIONS:
        raise _Failed("不支持的证据包格式或版本", "unsupported package format or version")
    if manifest.version == VERSION and any(n.startswith(ANCHORS) for n in state.files):
        raise _Failed("版本 1 的证据包不能含 anchors/", "anchors/ needs package version 2")
    listed = {f.path: f for f in manifest.files}
    present = set(state.files) - {MANIFEST}
    if len(listed) != len(manifest.files) or set(listed) != present:
        extra, missing = sorted(present - set(listed)), sorted(set(listed) - present)
        raise _Failed(
            "证据包中的文件与清单不一致",
            f"files differ from the manifest (unlisted {extra}, missing {missing})",
        )
    for path, entry in listed.items():
        data = state.files[path]
        if len(data) != entry.size or sha256_hex(data) != entry.sha256:
            raise _Failed(f"文件 {path} 的摘要与清单不符", f"{path} does not match its digest")
    for required in (CONTRACT, CHECKPOINT, TIMESTAMP, LOG_VKEY, event_name(0)):
        if required not in listed:
            raise _Failed(f"缺少必需的文件 {required}", f"required file {required} is missing")
    state.manifest = manifest
    return [f"{len(listed)} files, SHA-256 ok", f"contract {manifest.contract}"]


def _trust(state: _State) -> list[str]:
    certificates: list[x509.Certificate] = []
    for name, data in state.files.items():
        if name.startswith(TRUST):
            try:
                certificates.extend(pem_certificates(data))
            except ValueError as exc:
                raise _Failed(f"无法读取证书 {name}", f"cannot read {name}") from exc
    state.roots = trust_roots(certificates)
    if not state.roots:
        raise _Failed(
            "证据包没有可信根证书，拒绝验证", "no trust root in the package: refusing to verify"
        )
    details = [f"root {r.subject.rfc4514_string()} sha256={fingerprint(r)}" for r in state.roots]
    if state.pins.roots:
        pinned = {fingerprint(r) for r in state.pins.roots}
        stray = [fingerprint(r) for r in state.roots if fingerprint(r) not in pinned]
        if stray:
            raise _Failed(
                "证据包的根证书不是指定的根证书",
                f"the package's trust root sha256={stray[0]} is not a pinned root",
            )
        # Only what the verifier brought is trusted from here on.
        state.roots = list(state.pins.roots)
        details.append(f"matches the {len(pinned)} pinned root(s)")
    return details


def _log_key(state: _State) -> list[str]:
    try:
        state.log_key = Ed25519Verifier.from_vkey(state.files[LOG_VKEY].decode("ascii"))
    except (LaborSignError, UnicodeDecodeError, ValueError) as exc:
        raise _Failed("log.vkey 不是有效的公钥", "log.vkey is not a valid verifier key") from exc
    if state.files[LOG_VKEY] != (state.log_key.vkey + "\n").encode("ascii"):
        raise _Failed("log.vkey 不是规范编码", "log.vkey is not in its canonical encoding")
    if state.log_key.name != _got(state.manifest).origin:
        raise _Failed("日志公钥与日志标识不符", "log.vkey is not the key of the package's origin")
    details = [
        state.files[LOG_VKEY].decode("ascii").strip(),
        f"log key {state.log_key.name} id {state.log_key.key_id:08x}",
    ]
    pinned = state.pins.log_vkey
    if pinned is not None:
        if pinned.strip() != state.log_key.vkey:
            raise _Failed("log.vkey 不是指定的日志公钥", "log.vkey is not the pinned log key")
        details.append("matches the pinned log key")
    return details


def _checkpoint(state: _State) -> list[str]:
    try:
        checkpoint, note = open_checkpoint(
            state.files[CHECKPOINT], _got(state.manifest).origin, [_got(state.log_key)]
        )
    except (LaborSignError, ValueError) as exc:
        raise _Failed("检查点签名无效", f"checkpoint signature does not verify: {exc}") from exc
    if checkpoint.size != _got(state.manifest).tree_size:
        raise _Failed("检查点大小与清单不符", "checkpoint size differs from the manifest")
    if note.encode() != state.files[CHECKPOINT]:
        raise _Failed("检查点不是规范编码", "the checkpoint is not in its canonical encoding")
    state.checkpoint, state.note = checkpoint, note
    return [
        f"origin {checkpoint.origin}",
        f"tree size {checkpoint.size}",
        f"root {b64(checkpoint.root_hash)}",
    ]


def _witnesses(state: _State) -> list[str]:
    details = []
    listed = _got(state.manifest).witnesses
    for vkey in state.pins.witness_vkeys:
        if vkey.strip() not in listed:
            raise _Failed(
                "缺少指定见证方的副署", f"no cosignature claimed by pinned witness {vkey}"
            )
    for vkey in listed:
        try:
            witness = CosignatureVerifier.from_vkey(vkey)
            if witness.vkey != vkey:
                raise _Failed("见证方公钥不是规范编码", f"witness key {vkey} is not canonical")
            verified = open_note(_got(state.note), [witness]).verified
        except LaborSignError as exc:
            raise _Failed(
                "见证方副署缺失或无效", f"missing or invalid cosignature by {vkey}"
            ) from exc
        at = datetime.fromtimestamp(timestamp_of(verified[0]), UTC)
        details.append(f"cosigned by {witness.name} at {at.isoformat()}")
    known = {(state.log_key.name, state.log_key.key_id)} if state.log_key else set()
    for vkey in _got(state.manifest).witnesses:
        w = CosignatureVerifier.from_vkey(vkey)
        known.add((w.name, w.key_id))
    ignored = [s.name for s in _got(state.note).signatures if (s.name, s.key_id) not in known]
    if ignored:
        details.append(f"ignored signatures by unknown keys: {', '.join(ignored)}")
    return details or ["no witnesses listed (未配置见证方)"]


def _timestamp(state: _State) -> list[str]:
    try:
        response = load_response(state.files[TIMESTAMP])
        status = response["status"]["status"].native
        if status != "granted":
            raise _Failed("时间戳请求未被批准", f"time-stamp status is {status}")
        token = response["time_stamp_token"].dump()
        imprint = hashlib.sha256(state.files[CHECKPOINT]).digest()
        info = verify_token(token, imprint, None, state.roots)
        check_unsigned_parts(response, state.roots)
    except _Failed:
        raise
    except (TokenInvalid, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise _Failed("检查点时间戳无效", f"the checkpoint timestamp is invalid: {exc}") from exc
    state.stamped_at = info.gen_time
    return [f"genTime {info.gen_time.isoformat()}", f"TSA {info.signer.subject.rfc4514_string()}"]


def _events(state: _State) -> list[str]:
    names = sorted(n for n in state.files if n.startswith(EVENTS) and n.endswith(".json"))
    expected = [event_name(i) for i in range(len(names))]
    if names != expected:
        raise _Failed("存证记录编号不连续", "events are not numbered 0000, 0001, ... without gaps")
    for number, name in enumerate(names):
        try:
            state.events.append(Event.from_entry(state.files[name]))
        except LaborSignError as exc:
            raise _Failed(f"{name} 不是有效的存证记录", f"{name} is not a canonical event") from exc
        if proof_name(number) not in state.files:
            raise _Failed(f"{name} 缺少包含证明", f"{name} has no inclusion proof")
    proofs = [n for n in state.files if n.startswith(EVENTS) and n.endswith(".tlog-proof")]
    if len(proofs) != len(names):
        raise _Failed("包含证明与存证记录数量不符", "proofs and events differ in number")
    return [f"{len(names)} events"]


def _inclusion(state: _State) -> list[str]:
    state.indexes = []
    for number in range(len(state.events)):
        name = proof_name(number)
        try:
            proof = TlogProof.parse(state.files[name])
        except (ValueError, UnicodeDecodeError, LaborSignError) as exc:
            raise _Failed(f"{name} 格式错误", f"{name} is not a c2sp.org/tlog-proof@v1") from exc
        if proof.checkpoint != state.files[CHECKPOINT]:
            raise _Failed(f"{name} 引用了另一个检查点", f"{name} carries another checkpoint")
        leaf = hash_leaf(state.files[event_name(number)])
        try:
            verify_inclusion(
                leaf,
                proof.index,
                _got(state.checkpoint).size,
                proof.hashes,
                _got(state.checkpoint).root_hash,
            )
        except LaborSignError as exc:
            raise _Failed(
                f"{name} 的包含证明不成立", f"inclusion proof {name} does not verify"
            ) from exc
        state.indexes.append(proof.index)
    return [f"leaf {i}: included" for i in state.indexes]


def _order(state: _State) -> list[str]:
    events, indexes = state.events, state.indexes
    if any(e.contract != _got(state.manifest).contract for e in events):
        raise _Failed("存证记录属于其他合同", "an event belongs to another contract")
    if any(b <= a for a, b in itertools.pairwise(indexes)):
        raise _Failed("存证记录的日志顺序不对", "events are not in log order")
    for number, event in enumerate(events):
        link = event.artifacts.get(PREVIOUS_EVENT)
        expected = sha256_hex(state.files[event_name(number - 1)]) if number else None
        if link != expected:
            raise _Failed(
                f"第 {number + 1} 条记录未链接到前一条记录",
                f"event {number:04d} is not chained to the previous event",
            )
    if any(b.at < a.at for a, b in itertools.pairwise(events)):
        raise _Failed("存证记录的时间倒序", "event times go backwards")
    if state.stamped_at is not None and events[-1].at > state.stamped_at + CLOCK_TOLERANCE:
        raise _Failed("存证记录晚于检查点时间戳", "an event is later than the checkpoint timestamp")
    phase = -1
    for event in events:
        if event.type in FLOATING:
            continue
        current = PHASES.get(event.type, AFTER_EFFECTIVE)
        if current < phase:
            raise _Failed(
                f"签约环节顺序不对：{event.type.value}", f"step {event.type.value} is out of order"
            )
        phase = current
    if events[0].type is not EventType.CREATED:
        raise _Failed("第一条记录不是合同创建", "the first event is not contract.created")
    counts = {t: sum(1 for e in events if e.type is t) for t in EventType}
    for required in REQUIRED_ONCE:
        if counts[required] != 1:
            raise _Failed(
                f"签约过程不完整：{required.value} 出现 {counts[required]} 次",
                f"incomplete signing: {required.value} occurs {counts[required]} times",
            )
    for required in REQUIRED_BEFORE_WORKER:
        if counts[required] < 1:
            raise _Failed(f"签约过程缺少 {required.value}", f"the signing lacks {required.value}")
    return [f"{len(events)} events chained, in order, signing complete"]


def _pdf_hash(state: _State) -> list[str]:
    pdf = state.files[CONTRACT]
    recorded = next(
        (e.artifacts[CONTRACT_PDF] for e in reversed(state.events) if CONTRACT_PDF in e.artifacts),
        None,
    )
    if recorded is None:
        raise _Failed("存证记录未载明合同文件摘要", "no event records the contract's digest")
    if recorded != sha256_hex(pdf):
        raise _Failed(
            "合同文件与存证记录的摘要不符", "contract.pdf differs from the recorded digest"
        )
    revisions = 0
    for event in state.events:
        digest, size = event.artifacts.get(REVISION), event.extra.get(REVISION_BYTES)
        if digest is None:
            continue
        if not isinstance(size, int) or isinstance(size, bool) or not 0 < size <= len(pdf):
            raise _Failed("记录的文档版本长度无效", f"{event.type.value}: bad revision length")
        if sha256_hex(pdf[:size]) != digest:
            raise _Failed(
                f"{event.type.value} 记录的文档版本不是最终合同的前缀",
                f"{event.type.value}: the recorded revision is not a prefix of contract.pdf",
            )
        revisions += 1
    return [f"contract.pdf sha256={recorded}", f"{revisions} earlier revisions are prefixes"]


def _pdf_signatures(state: _State) -> list[str]:
    try:
        report = verify_pdf(state.files[CONTRACT], [to_asn1(r) for r in state.roots], state.now)
    except LaborSignError as exc:
        raise _Failed("合同 PDF 无法验证", f"contract.pdf cannot be verified: {exc}") from exc
    details = [
        f"{'✓' if s.ok else '✗'} {s.field} [{s.kind.value}] {s.signer}"
        + (f" @ {s.timestamp.time}" if s.timestamp else "")
        for s in report.signatures
    ]
    if not report.valid:
        reasons = "; ".join(r.en for r in report.reasons)
        raise _Failed("合同 PDF 的签名无效", f"contract.pdf signatures are not valid: {reasons}")
    return details


def _anchors(state: _State) -> list[str]:
    checkpoint = _got(state.checkpoint)
    try:
        details = verify_anchor_files(
            state.files,
            checkpoint=state.files[CHECKPOINT],
            origin=checkpoint.origin,
            size=checkpoint.size,
        )
    except LaborSignError as exc:
        raise _Failed(f"锚定回执无效：{exc.message.zh}", exc.message.en) from exc
    return details or ["no anchors in the package (nothing claimed)"]


STEPS: tuple[tuple[str, Text, Step], ...] = (
    ("manifest", Text("清单与文件摘要", "manifest and file digests"), _manifest),
    ("trust", Text("信任根证书", "trust roots"), _trust),
    ("log-key", Text("日志公钥", "log verifier key"), _log_key),
    ("checkpoint", Text("检查点签名", "checkpoint signature"), _checkpoint),
    ("witnesses", Text("见证方副署", "witness cosignatures"), _witnesses),
    ("timestamp", Text("检查点时间戳（RFC 3161）", "checkpoint timestamp (RFC 3161)"), _timestamp),
    ("events", Text("存证记录", "event entries"), _events),
    ("inclusion", Text("包含证明", "inclusion proofs"), _inclusion),
    ("order", Text("记录顺序与完整性", "order and completeness of events"), _order),
    ("pdf-hash", Text("合同文件摘要", "contract digest"), _pdf_hash),
    (
        "pdf-signatures",
        Text("合同签名与时间戳", "contract signatures and timestamps"),
        _pdf_signatures,
    ),
    ("anchors", Text("外部锚定回执", "outside anchor receipts"), _anchors),
)


def verify_package(
    data: bytes,
    *,
    now: datetime | None = None,
    limits: PackageLimits | None = None,
    pins: Pins | None = None,
) -> PackageReport:
    """Verify a package. Raises `PackageUnreadable` when the bytes are not a readable package
    ZIP at all; otherwise returns a report whose `valid` is the verdict."""
    state = _State(read_zip(data, limits), now, pins or Pins())
    checks: list[Check] = []
    failed = False
    for number, (code, title, step) in enumerate(STEPS, start=1):
        if failed:
            # Like other transparency verifiers: the first failure decides; later steps would
            # only build on what is already known to be wrong.
            checks.append(Check(number, code, title, Status.SKIPPED))
            continue
        try:
            details = step(state)
        except _Failed as failure:
            checks.append(Check(number, code, title, Status.FAILED, reason=failure.text))
            failed = True
            continue
        checks.append(Check(number, code, title, Status.PASSED, tuple(details)))
    return PackageReport(state.manifest.contract if state.manifest else "", tuple(checks))
