from __future__ import annotations

import pytest

from laborsign.errors import InvalidInput
from laborsign.identity.face import DevelopmentFaceVerifier, FaceConsent, FaceVerification
from laborsign.identity.results import Method, Outcome
from laborsign.identity.social_security import DevelopmentSocialSecurityCard, compare

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
VALID_ID = "11010519491231002X"


class KeptImages:
    """A real (in-memory) store: what it holds is what was kept."""

    def __init__(self) -> None:
        self.images: dict[str, bytes] = {}

    def keep(self, subject: str, image: bytes) -> str:
        reference = f"img-{len(self.images)}"
        self.images[reference] = image
        return reference


def test_no_image_is_kept_without_the_operator_setting() -> None:
    store = KeptImages()
    face = FaceVerification(DevelopmentFaceVerifier(), store_images=False, store=store)
    outcome = face.verify("worker:a", JPEG, FaceConsent("worker:a", "0" * 64))
    assert outcome.result.outcome is Outcome.PASSED and outcome.image_reference is None
    assert store.images == {}


def test_no_image_is_kept_without_consent_or_with_someone_elses() -> None:
    store = KeptImages()
    face = FaceVerification(DevelopmentFaceVerifier(), store_images=True, store=store)
    assert face.verify("worker:a", JPEG).image_reference is None
    assert face.verify("worker:a", JPEG, FaceConsent("worker:b", "0" * 64)).image_reference is None
    assert store.images == {}


def test_an_image_is_kept_with_setting_and_consent() -> None:
    store = KeptImages()
    face = FaceVerification(DevelopmentFaceVerifier(), store_images=True, store=store)
    outcome = face.verify("worker:a", JPEG, FaceConsent("worker:a", "0" * 64))
    assert outcome.image_reference is not None and store.images[outcome.image_reference] == JPEG


def test_development_face_result_is_not_authoritative_and_needs_an_image() -> None:
    verifier = DevelopmentFaceVerifier()
    assert verifier.verify("worker:a", JPEG).authoritative is False
    assert verifier.verify("worker:a", b"not an image").outcome is Outcome.FAILED


def test_card_login_compares_the_holder_with_the_expected_worker() -> None:
    card = DevelopmentSocialSecurityCard("http://127.0.0.1/dev/e-ssc")
    assert "state=s1" in card.authorization_url("s1", "http://127.0.0.1/back")
    holder = card.complete(card.make_code("张三", VALID_ID.lower()), "s1")
    passed = compare(holder, "张三", VALID_ID)
    assert passed.method is Method.SOCIAL_SECURITY_CARD and passed.passed
    assert passed.authoritative is False
    assert compare(holder, "李四", VALID_ID).outcome is Outcome.FAILED
    with pytest.raises(InvalidInput):
        card.complete("not-base64-json", "s1")
