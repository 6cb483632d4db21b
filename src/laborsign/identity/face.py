"""Face verification (生物特征识别): a liveness and comparison result, never the face.

`FaceVerifier.verify(capture)` hands one capture to a provider and returns only its result.
The raw image is not kept: `FaceVerification` passes it to a `FaceImageStore` only when the
operator enabled `face_store_images` *and* the worker's consent to keeping it is recorded;
otherwise the bytes are dropped as soon as the provider has answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from laborsign.identity.results import NOT_AUTHORITATIVE, Method, Outcome, VerificationResult

DEVELOPMENT_PROVIDER = "development"
_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


class FaceVerifier(Protocol):
    def verify(self, subject: str, capture: bytes) -> VerificationResult: ...


class FaceImageStore(Protocol):
    def keep(self, subject: str, image: bytes) -> str:
        """Store the image (encrypted) and return a reference to it."""


@dataclass(frozen=True, slots=True)
class FaceConsent:
    """The worker agreed to his face image being kept; `notice_sha256` is what he read."""

    subject: str
    notice_sha256: str


class DevelopmentFaceVerifier:
    """Accepts any JPEG or PNG capture as 'live': a stand-in that proves nothing."""

    def verify(self, subject: str, capture: bytes) -> VerificationResult:
        live = capture.startswith(_IMAGE_MAGIC)
        return VerificationResult(
            Method.FACE,
            DEVELOPMENT_PROVIDER,
            Outcome.PASSED if live else Outcome.FAILED,
            authoritative=False,
            label=NOT_AUTHORITATIVE,
        )


@dataclass(frozen=True, slots=True)
class FaceOutcome:
    result: VerificationResult
    image_reference: str | None  # set only when the image was kept with consent


class FaceVerification:
    def __init__(
        self,
        verifier: FaceVerifier,
        *,
        store_images: bool = False,
        store: FaceImageStore | None = None,
    ) -> None:
        self._verifier = verifier
        self._store_images = store_images
        self._store = store

    def verify(
        self, subject: str, capture: bytes, consent: FaceConsent | None = None
    ) -> FaceOutcome:
        result = self._verifier.verify(subject, capture)
        reference = None
        keep = (
            self._store_images
            and self._store is not None
            and consent is not None
            and consent.subject == subject
        )
        if keep and self._store is not None:
            reference = self._store.keep(subject, capture)
        return FaceOutcome(result, reference)
