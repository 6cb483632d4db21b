"""Checkpoints (c2sp.org/tlog-checkpoint): the signed note body naming a tree head.

<origin>\\n<tree size>\\n<base64 root hash>\\n[extension lines\\n]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from laborsign.evidence.merkle import HASH_SIZE
from laborsign.evidence.note import InvalidNote, Note, Verifier, b64, b64decode, open_note
from laborsign.i18n import Text

_SIZE = re.compile(r"0|[1-9][0-9]*")


@dataclass(frozen=True, slots=True)
class Checkpoint:
    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.origin or any(c.isspace() for c in self.origin):
            raise _fail(
                "日志来源行不能为空或含空白", "the origin line must be non-empty, no spaces"
            )
        if self.size < 0 or len(self.root_hash) != HASH_SIZE:
            raise _fail("检查点的大小或根哈希无效", "checkpoint size or root hash is invalid")
        if any(not line or "\n" in line for line in self.extensions):
            raise _fail("扩展行不能为空", "extension lines must be non-empty single lines")

    def text(self) -> str:
        lines = [self.origin, str(self.size), b64(self.root_hash), *self.extensions]
        return "".join(line + "\n" for line in lines)

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        if not text.endswith("\n"):
            raise _fail("检查点必须以换行结束", "checkpoint text must end with a newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3 or not _SIZE.fullmatch(lines[1]):
            raise _fail("检查点格式错误", "malformed checkpoint")
        return cls(lines[0], int(lines[1]), b64decode(lines[2]), tuple(lines[3:]))


def _fail(zh: str, en: str) -> InvalidNote:
    return InvalidNote(Text(zh, en))


def open_checkpoint(
    data: bytes | str, origin: str, verifiers: Sequence[Verifier]
) -> tuple[Checkpoint, Note]:
    """Parse and verify a signed checkpoint of the log `origin`; returns it and its note."""
    note = Note.parse(data)
    checkpoint = Checkpoint.parse(note.text)
    if checkpoint.origin != origin:
        raise _fail("检查点来自另一个日志", f"checkpoint of another log ({checkpoint.origin})")
    open_note(note, verifiers)
    return checkpoint, note
