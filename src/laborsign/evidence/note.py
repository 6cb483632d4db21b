"""Signed notes (c2sp.org/signed-note) with Ed25519 keys, and their vkey/skey encodings.

A note is UTF-8 text ending in a newline, a blank line, then signature lines
`— <key name> base64(4-byte key ID || signature)`. Key IDs are
SHA-256(name || "\\n" || type byte || public key)[:4]. Verifier keys travel as
`<name>+<hex key ID>+base64(type byte || public key)`, signer keys as
`PRIVATE+KEY+<name>+<hex key ID>+base64(type byte || seed)`, the encodings every Go
transparency tool (sumdb, witnesses, Sunlight, Tessera) reads.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from laborsign.errors import InvalidInput
from laborsign.i18n import Text

ED25519 = 0x01  # signed-note: plain Ed25519 note signatures (the log's own key)
COSIGNATURE_V1 = 0x04  # tlog-cosignature: timestamped Ed25519 witness cosignatures
DASH = "\u2014"  # the em dash that opens a signature line
MAX_SIGNATURES = 100  # signed-note demands at least 16; more is a note built to exhaust us
MAX_NOTE_BYTES = 1 << 20


class InvalidNote(InvalidInput):
    """A note, key or signature that is malformed or that no trusted key vouches for."""

    code = "invalid-note"


def _fail(zh: str, en: str) -> InvalidNote:
    return InvalidNote(Text(zh, en))


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64decode(text: str) -> bytes:
    """Strict standard base64 (RFC 4648 §4): no whitespace, no missing padding."""
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise _fail("不是有效的 base64", "not valid base64") from exc


def check_key_name(name: str) -> str:
    if not name or "+" in name or any(c.isspace() for c in name):
        raise _fail(
            "密钥名称不能为空，且不能含空白或加号",
            f"key name {name!r} must be non-empty, without spaces or '+'",
        )
    return name


def key_id(name: str, signature_type: int, public_key: bytes) -> int:
    digest = hashlib.sha256(name.encode() + b"\n" + bytes([signature_type]) + public_key).digest()
    return int.from_bytes(digest[:4], "big")


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


@dataclass(frozen=True, slots=True)
class Signature:
    """One signature line: who (name, key ID) and the signature bytes after the key ID."""

    name: str
    key_id: int
    blob: bytes

    def line(self) -> str:
        return f"{DASH} {self.name} {b64(self.key_id.to_bytes(4, 'big') + self.blob)}\n"

    @classmethod
    def parse_line(cls, line: str) -> Signature:
        prefix = f"{DASH} "
        parts = line[len(prefix) :].split(" ") if line.startswith(prefix) else []
        if len(parts) != 2:
            raise _fail("签名行格式错误", f"malformed signature line {line!r}")
        name, encoded = parts
        raw = b64decode(encoded)
        if len(raw) < 5:
            raise _fail("签名太短", "signature too short")
        return cls(check_key_name(name), int.from_bytes(raw[:4], "big"), raw[4:])


@dataclass(frozen=True, slots=True)
class Note:
    """Note text (ending in a newline) and its signatures, in order."""

    text: str
    signatures: tuple[Signature, ...] = ()

    def __post_init__(self) -> None:
        _check_text(self.text)

    def __str__(self) -> str:
        return self.text + "\n" + "".join(s.line() for s in self.signatures)

    def encode(self) -> bytes:
        return str(self).encode("utf-8")

    def with_signatures(self, extra: Iterable[Signature]) -> Note:
        """The note with more signatures; a repeated (name, key ID) keeps the first one."""
        have = {(s.name, s.key_id) for s in self.signatures}
        added = []
        for s in extra:
            if (s.name, s.key_id) not in have:
                have.add((s.name, s.key_id))
                added.append(s)
        return Note(self.text, self.signatures + tuple(added))

    @classmethod
    def parse(cls, data: bytes | str) -> Note:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        if len(raw) > MAX_NOTE_BYTES:
            raise _fail("签名文本过大", "note too large")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _fail("签名文本不是 UTF-8", "note is not valid UTF-8") from exc
        # The text is separated from the signatures by the last blank line.
        split = text.rfind("\n\n")
        if split < 0 or not text.endswith("\n"):
            raise _fail("签名文本缺少签名部分", "note has no signature block")
        body, block = text[: split + 1], text[split + 2 :]
        lines = block[:-1].split("\n") if block else []
        if not lines:
            raise _fail("签名文本没有签名", "note has no signatures")
        if len(lines) > MAX_SIGNATURES:
            raise _fail("签名太多", "too many signatures")
        return cls(body, tuple(Signature.parse_line(line) for line in lines))


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise _fail("签名文本必须以换行结束", "note text must end with a newline")
    if any(ord(c) < 0x20 and c != "\n" for c in text):
        raise _fail("签名文本含控制字符", "note text contains control characters")


class Signer(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> int: ...

    def sign(self, text: bytes) -> bytes:
        """The signature bytes (after the key ID) over the note text."""
        ...


class Verifier(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> int: ...

    def verify(self, text: bytes, blob: bytes) -> bool: ...


@dataclass(frozen=True)
class Ed25519Verifier:
    """Verifies plain Ed25519 note signatures (signature type 0x01)."""

    name: str
    public_key: Ed25519PublicKey

    @property
    def key_id(self) -> int:
        return key_id(self.name, ED25519, raw_public(self.public_key))

    def verify(self, text: bytes, blob: bytes) -> bool:
        try:
            self.public_key.verify(blob, text)
        except InvalidSignature:
            return False
        return True

    @property
    def vkey(self) -> str:
        return encode_vkey(self.name, ED25519, raw_public(self.public_key))

    @classmethod
    def from_vkey(cls, vkey: str) -> Ed25519Verifier:
        name, public = decode_vkey(vkey, ED25519)
        return cls(name, Ed25519PublicKey.from_public_bytes(public))


@dataclass(frozen=True)
class Ed25519Signer:
    """Signs notes with an Ed25519 key (signature type 0x01)."""

    name: str
    private_key: Ed25519PrivateKey

    def __post_init__(self) -> None:
        check_key_name(self.name)

    @classmethod
    def generate(cls, name: str) -> Ed25519Signer:
        return cls(name, Ed25519PrivateKey.generate())

    @property
    def key_id(self) -> int:
        return self.verifier.key_id

    @property
    def verifier(self) -> Ed25519Verifier:
        return Ed25519Verifier(self.name, self.private_key.public_key())

    def sign(self, text: bytes) -> bytes:
        return self.private_key.sign(text)

    @property
    def skey(self) -> str:
        return encode_skey(self.name, ED25519, self.private_key)

    @classmethod
    def from_skey(cls, skey: str) -> Ed25519Signer:
        name, private = decode_skey(skey, ED25519)
        return cls(name, private)


def encode_vkey(name: str, signature_type: int, public: bytes) -> str:
    ident = key_id(check_key_name(name), signature_type, public)
    return f"{name}+{ident:08x}+{b64(bytes([signature_type]) + public)}"


def decode_vkey(vkey: str, signature_type: int) -> tuple[str, bytes]:
    """(name, 32-byte public key) of a vkey of the given type; its key ID must match."""
    parts = vkey.strip().split("+", 2)
    if len(parts) != 3 or len(parts[1]) != 8:
        raise _fail("公钥格式错误", "malformed verifier key")
    name, ident, encoded = parts
    raw = b64decode(encoded)
    if len(raw) != 33 or raw[0] != signature_type:
        raise _fail("公钥类型或长度不对", "verifier key of the wrong type or length")
    try:
        if int(ident, 16) != key_id(check_key_name(name), signature_type, raw[1:]):
            raise _fail("公钥的密钥 ID 不符", "verifier key ID does not match the key")
    except ValueError as exc:
        raise _fail("公钥格式错误", "malformed verifier key") from exc
    return name, raw[1:]


def encode_skey(name: str, signature_type: int, private: Ed25519PrivateKey) -> str:
    seed = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    public = raw_public(private.public_key())
    ident = key_id(check_key_name(name), signature_type, public)
    return f"PRIVATE+KEY+{name}+{ident:08x}+{b64(bytes([signature_type]) + seed)}"


def decode_skey(skey: str, signature_type: int) -> tuple[str, Ed25519PrivateKey]:
    parts = skey.strip().split("+", 4)
    if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"] or len(parts[3]) != 8:
        raise _fail("私钥格式错误", "malformed signer key")
    name, ident, encoded = parts[2:]
    raw = b64decode(encoded)
    if len(raw) != 33 or raw[0] != signature_type:
        raise _fail("私钥类型或长度不对", "signer key of the wrong type or length")
    private = Ed25519PrivateKey.from_private_bytes(raw[1:])
    try:
        expected = int(ident, 16)
    except ValueError as exc:
        raise _fail("私钥格式错误", "malformed signer key") from exc
    if expected != key_id(check_key_name(name), signature_type, raw_public(private.public_key())):
        raise _fail("私钥的密钥 ID 不符", "signer key ID does not match the key")
    return name, private


def sign_note(text: str, signers: Sequence[Signer]) -> Note:
    note = Note(text)
    body = text.encode("utf-8")
    return note.with_signatures(Signature(s.name, s.key_id, s.sign(body)) for s in signers)


@dataclass(frozen=True, slots=True)
class VerifiedNote:
    """A note whose text at least one trusted key vouched for, and which keys did."""

    note: Note
    verified: tuple[Signature, ...]

    @property
    def text(self) -> str:
        return self.note.text


def open_note(note: Note, verifiers: Sequence[Verifier]) -> VerifiedNote:
    """Verify a note as signed-note requires.

    Signatures from unknown keys (name and key ID not both known) are ignored; a signature
    from a known key that fails rejects the whole note; at least one must verify.
    """
    known = {(v.name, v.key_id): v for v in verifiers}
    body = note.text.encode("utf-8")
    verified = []
    for signature in note.signatures:
        verifier = known.get((signature.name, signature.key_id))
        if verifier is None:
            continue
        if not verifier.verify(body, signature.blob):
            raise _fail(
                f"“{signature.name}”的签名无效", f"signature by {signature.name} does not verify"
            )
        verified.append(signature)
    if not verified:
        raise _fail("没有受信任密钥的有效签名", "no signature by a trusted key")
    return VerifiedNote(note, tuple(verified))
