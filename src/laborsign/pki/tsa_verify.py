"""Check an RFC 3161 token against what was asked and a pinned trust anchor.

Used by the external TSA client on every reply, and by tests on the built-in TSA's tokens.
Steps (RFC 3161 §2.4.2, RFC 5652 §5.6):
  1. the token is SignedData over a TSTInfo;
  2. the TSTInfo carries our imprint, our nonce and (if one is required) the policy;
  3. the signed attributes' message digest is the TSTInfo's SHA-256;
  4. the signer certificate verifies the signature over the signed attributes;
  5. the signer certificate has the critical timeStamping extended key usage, is valid at
     genTime, and chains to a pinned certificate.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import cms, tsp
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID

_MAX_CHAIN = 5


class TokenInvalid(ValueError):
    """The token does not prove what it should; the message says which step failed."""


@dataclass(frozen=True, slots=True)
class TokenInfo:
    serial: int
    gen_time: datetime
    policy: str
    signer: x509.Certificate


def verify_token(
    token_der: bytes,
    imprint: bytes,
    nonce: int | None,
    pinned: Sequence[x509.Certificate],
    policy: str | None = None,
) -> TokenInfo:
    if not pinned:
        raise TokenInvalid("no pinned certificates: refusing to trust any token")
    try:
        return _verify(token_der, imprint, nonce, pinned, policy)
    except TokenInvalid:
        raise
    except Exception as exc:
        # The token is untrusted input. asn1crypto decodes lazily and fails with whatever its
        # decoder hits (IndexError on an empty BIT STRING...); cryptography has its own types
        # for a damaged certificate (InvalidVersion, UnsupportedAlgorithm). Each of them means
        # the token proves nothing, and callers only expect TokenInvalid.
        raise TokenInvalid(f"malformed token: {type(exc).__name__}: {exc}") from exc


def _verify(
    token_der: bytes,
    imprint: bytes,
    nonce: int | None,
    pinned: Sequence[x509.Certificate],
    policy: str | None,
) -> TokenInfo:
    # 1.
    content_info = cms.ContentInfo.load(token_der)
    if content_info["content_type"].native != "signed_data":
        raise TokenInvalid("not a SignedData")
    signed_data = content_info["content"]
    encap = signed_data["encap_content_info"]
    if encap["content_type"].native != "tst_info":
        raise TokenInvalid("not a TSTInfo")
    tst_info: tsp.TSTInfo = encap["content"].parsed
    # 2.
    message_imprint = tst_info["message_imprint"]
    if (
        message_imprint["hash_algorithm"]["algorithm"].native != "sha256"
        or message_imprint["hashed_message"].native != imprint
    ):
        raise TokenInvalid("the token is for another message imprint")
    if nonce is not None and tst_info["nonce"].native != nonce:
        raise TokenInvalid("nonce mismatch")
    if policy is not None and tst_info["policy"].native != policy:
        raise TokenInvalid("unexpected policy")
    # 3.
    signer_infos = signed_data["signer_infos"]
    if len(signer_infos) != 1:
        raise TokenInvalid("expected exactly one signer")
    signer_info = signer_infos[0]
    attributes = {a["type"].native: a["values"][0] for a in signer_info["signed_attrs"]}
    digest = hashlib.sha256(encap["content"].contents).digest()
    if attributes.get("message_digest") is None or attributes["message_digest"].native != digest:
        raise TokenInvalid("message digest attribute does not match the TSTInfo")
    # 4.
    sid = signer_info["sid"].chosen
    candidates = [c.chosen.dump() for c in signed_data["certificates"] or []]
    known = [x509.load_der_x509_certificate(der) for der in candidates] + list(pinned)
    signer = next(
        (
            c
            for c in known
            if c.serial_number == sid["serial_number"].native
            and c.issuer.public_bytes() == sid["issuer"].dump()
        ),
        None,
    )
    if signer is None:
        raise TokenInvalid("signer certificate not found")
    _check_signature(signer, signer_info["signature"].native, signer_info["signed_attrs"].dump())
    # 5.
    gen_time: datetime = tst_info["gen_time"].native
    _check_tsa_certificate(signer, gen_time)
    _check_chain(signer, known, pinned)
    return TokenInfo(tst_info["serial_number"].native, gen_time, tst_info["policy"].native, signer)


def _check_signature(signer: x509.Certificate, signature: bytes, signed_attrs_der: bytes) -> None:
    # Re-tag the IMPLICIT [0] as SET OF: the signature covers the SET encoding.
    data = b"\x31" + signed_attrs_der[1:]
    key = signer.public_key()
    try:
        if isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        elif isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        else:
            raise TokenInvalid("unsupported signer key")
    except TokenInvalid:
        raise
    except Exception as exc:
        raise TokenInvalid("signature does not verify") from exc


def _check_tsa_certificate(signer: x509.Certificate, gen_time: datetime) -> None:
    try:
        usage = signer.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    except x509.ExtensionNotFound:
        raise TokenInvalid("TSA certificate lacks extended key usage") from None
    if not usage.critical or list(usage.value) != [ExtendedKeyUsageOID.TIME_STAMPING]:
        raise TokenInvalid("TSA certificate is not solely for time-stamping (critical)")
    if not signer.not_valid_before_utc <= gen_time <= signer.not_valid_after_utc:
        raise TokenInvalid("TSA certificate not valid at genTime")


def _check_chain(
    signer: x509.Certificate, known: Sequence[x509.Certificate], pinned: Sequence[x509.Certificate]
) -> None:
    current = signer
    for _ in range(_MAX_CHAIN):
        if current in pinned:
            return
        issuer = next((c for c in known if c.subject == current.issuer and c != current), None)
        if issuer is None:
            break
        try:
            current.verify_directly_issued_by(issuer)
        except Exception as exc:
            raise TokenInvalid("broken certificate chain") from exc
        current = issuer
    if current not in pinned:
        raise TokenInvalid("TSA certificate does not chain to a pinned certificate")
