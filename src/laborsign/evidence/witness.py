"""A witness (c2sp.org/tlog-witness) and the log's HTTP client for witnesses.

The witness runs as its own process with its own key and data directory (`laborsign
witness serve`). For each log it knows (by the log's verifier key, whose name is the
origin), it remembers the last checkpoint it cosigned and cosigns a new one only if a
consistency proof links the two: a log that rewrites history or rolls back is refused.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
from fastapi import FastAPI, Request, Response

from laborsign.errors import ServiceUnavailable
from laborsign.evidence.checkpoint import Checkpoint
from laborsign.evidence.cosignature import CosignatureSigner, CosignatureVerifier
from laborsign.evidence.keys import ensure_key_file
from laborsign.evidence.merkle import InvalidProof, verify_consistency
from laborsign.evidence.note import (
    Ed25519Verifier,
    InvalidNote,
    Note,
    Signature,
    b64,
    b64decode,
    open_note,
)
from laborsign.evidence.publish import WitnessConflict
from laborsign.i18n import Text

KEY_FILE = "witness.skey"
STATE_FILE = "state.json"
MAX_PROOF_LINES = 63
MAX_BODY = 64 * 1024
SIZE_TYPE = "text/x.tlog.size"


def init_witness(data: Path, name: str) -> CosignatureSigner:
    """The witness key in `data`, generated on first use under `name`."""
    data.mkdir(parents=True, exist_ok=True, mode=0o700)
    ensure_key_file(data / KEY_FILE, CosignatureSigner.generate(name).skey)
    return CosignatureSigner.from_skey((data / KEY_FILE).read_text())


@dataclass(frozen=True, slots=True)
class Seen:
    size: int
    root_hash: bytes


class WitnessState:
    """Last cosigned (size, root) per origin, persisted before any cosignature leaves."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self.lock = threading.Lock()  # check-then-update must be atomic (see the spec's race)
        raw = json.loads(path.read_text()) if path.exists() else {}
        self._seen = {o: Seen(v["size"], b64decode(v["root"])) for o, v in raw.items()}

    def get(self, origin: str) -> Seen | None:
        return self._seen.get(origin)

    def put(self, origin: str, seen: Seen) -> None:
        self._seen[origin] = seen
        data = {o: {"size": s.size, "root": b64(s.root_hash)} for o, s in self._seen.items()}
        temporary = self._path.with_suffix(".tmp")
        temporary.write_text(json.dumps(data, indent=1))
        with temporary.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, self._path)


class _Refusal(Exception):
    def __init__(self, status: int, message: str, media_type: str = "text/plain") -> None:
        super().__init__(message)
        self.status, self.message, self.media_type = status, message, media_type


def _parse_request(body: bytes) -> tuple[int, list[bytes], Note]:
    if len(body) > MAX_BODY:
        raise _Refusal(400, "request too large")
    try:
        text = body.decode("utf-8")
        head, checkpoint_text = text.split("\n\n", 1)
        lines = head.split("\n")
        if not lines[0].startswith("old ") or len(lines) - 1 > MAX_PROOF_LINES:
            raise ValueError("bad old line")
        digits = lines[0][4:]
        if not digits.isdigit() or (digits != "0" and digits.startswith("0")):
            raise ValueError("bad old size")
        proof = [b64decode(line) for line in lines[1:]]
        return int(digits), proof, Note.parse(checkpoint_text)
    except (ValueError, InvalidNote) as exc:
        raise _Refusal(400, f"malformed request: {exc}") from exc


def create_witness_app(
    signer: CosignatureSigner,
    logs: Sequence[Ed25519Verifier],
    state: WitnessState,
    clock: Callable[[], float] = time.time,
) -> FastAPI:
    app = FastAPI(title="LaborSign witness", description="c2sp.org/tlog-witness")
    by_origin: dict[str, list[Ed25519Verifier]] = {}
    for verifier in logs:
        by_origin.setdefault(verifier.name, []).append(verifier)

    def add_checkpoint(body: bytes) -> Signature:
        old, proof, note = _parse_request(body)
        try:
            checkpoint = Checkpoint.parse(note.text)
        except InvalidNote as exc:
            raise _Refusal(400, "not a checkpoint") from exc
        verifiers = by_origin.get(checkpoint.origin)
        if verifiers is None:
            raise _Refusal(404, "unknown log origin")
        try:
            open_note(note, verifiers)
        except InvalidNote as exc:
            raise _Refusal(403, "no valid signature by the log key") from exc
        if old > checkpoint.size:
            raise _Refusal(400, "old size is larger than the checkpoint size")
        with state.lock:
            seen = state.get(checkpoint.origin)
            seen_size = seen.size if seen else 0
            if old != seen_size:
                raise _Refusal(409, f"{seen_size}\n", SIZE_TYPE)
            if seen is not None and old == checkpoint.size:
                if seen.root_hash != checkpoint.root_hash:
                    raise _Refusal(409, f"{seen_size}\n", SIZE_TYPE)
            elif seen is not None:
                try:
                    verify_consistency(
                        old, checkpoint.size, proof, seen.root_hash, checkpoint.root_hash
                    )
                except InvalidProof as exc:
                    raise _Refusal(422, "consistency proof does not verify") from exc
            elif proof:
                raise _Refusal(422, "the proof must be empty when the old size is 0")
            state.put(checkpoint.origin, Seen(checkpoint.size, checkpoint.root_hash))
            return signer.cosign(note.text.encode("utf-8"), int(clock()))

    @app.post("/add-checkpoint")
    async def add_checkpoint_route(request: Request) -> Response:
        try:
            cosignature = add_checkpoint(await request.body())
        except _Refusal as refusal:
            return Response(
                refusal.message, status_code=refusal.status, media_type=refusal.media_type
            )
        return Response(cosignature.line(), media_type="text/plain; charset=utf-8")

    return app


class HttpWitness:
    """The `Witness` port over HTTP: a tlog-witness at `url` (its submission prefix)."""

    def __init__(self, url: str, verifier: CosignatureVerifier, client: httpx.Client) -> None:
        self._url = url.rstrip("/") + "/add-checkpoint"
        self.verifier = verifier
        self._client = client

    def add_checkpoint(
        self, old_size: int, proof: Sequence[bytes], checkpoint: Note
    ) -> list[Signature]:
        body = f"old {old_size}\n" + "".join(b64(h) + "\n" for h in proof) + "\n" + str(checkpoint)
        try:
            response = self._client.post(self._url, content=body.encode("utf-8"))
        except httpx.HTTPError as exc:
            raise self._unavailable(str(exc)) from exc
        if response.status_code == 409 and response.headers.get("content-type", "").startswith(
            SIZE_TYPE
        ):
            text = response.text.strip()
            if text.isdigit():
                raise WitnessConflict(int(text))
        if response.status_code != 200:
            raise self._unavailable(f"HTTP {response.status_code}: {response.text[:200]}")
        try:
            return [Signature.parse_line(line) for line in response.text.splitlines() if line]
        except InvalidNote as exc:
            raise self._unavailable("malformed response") from exc

    def _unavailable(self, why: str) -> ServiceUnavailable:
        name = self.verifier.name
        return ServiceUnavailable(Text(f"见证方 {name} 不可用：{why}", f"witness {name}: {why}"))


def parse_witness_setting(value: str) -> tuple[CosignatureVerifier, str]:
    """`<witness vkey> <submission URL>` as configured in `evidence_witnesses`."""
    vkey, _, url = value.strip().partition(" ")
    return CosignatureVerifier.from_vkey(vkey), url.strip()
