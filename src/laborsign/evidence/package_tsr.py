"""Strict checks on the parts of checkpoint.tsr that no signature covers.

RFC 3161 verification proves the TSTInfo and the signed attributes; the response status,
the SignedData's algorithm lists and versions, and the embedded certificates are outside
the signature. In an evidence package every byte must be accounted for, so these parts are
held to the one form an honest exporter writes, and every embedded certificate must chain
to a trust root. The response as a whole must be its own DER re-encoding, and the signature
value its own canonical ECDSA-Sig-Value, so no byte can change while meaning the same.
"""

from __future__ import annotations

from collections.abc import Sequence

from asn1crypto import algos, tsp
from cryptography import x509
from cryptography.exceptions import InvalidSignature

from laborsign.pki.tsa_verify import TokenInvalid

_NO_PARAMETERS = (b"", b"\x05\x00")  # absent, or NULL
_SIGNATURE_ALGORITHMS = ("sha256_ecdsa", "sha256_rsa", "rsassa_pkcs1v15")
_ECDSA = ("sha256_ecdsa",)
_MAX_CHAIN = 5


def load_response(data: bytes) -> tsp.TimeStampResp:
    """The response parsed in full; refused unless `data` is exactly its DER encoding."""
    try:
        response = tsp.TimeStampResp.load(data, strict=True)
        # force=True re-encodes every field, which also decodes every lazily parsed one.
        encoded = response.dump(force=True)
    except Exception as exc:
        # Untrusted bytes: asn1crypto fails with whatever its decoder hits (ValueError,
        # IndexError on an empty BIT STRING, ...), and every such failure means "invalid".
        raise TokenInvalid(f"checkpoint.tsr cannot be parsed: {type(exc).__name__}") from exc
    if encoded != data:
        raise TokenInvalid("checkpoint.tsr is not DER")
    return response


def check_unsigned_parts(response: tsp.TimeStampResp, roots: Sequence[x509.Certificate]) -> None:
    status = response["status"]
    if status["status_string"].native is not None or status["fail_info"].native is not None:
        raise TokenInvalid("the response carries a status text or failure information")
    signed = response["time_stamp_token"]["content"]
    if signed["version"].native != "v3" or signed["crls"].native is not None:
        raise TokenInvalid("unexpected SignedData version or CRLs")
    digests = signed["digest_algorithms"]
    if len(digests) != 1:
        raise TokenInvalid("expected exactly one digest algorithm")
    _check_algorithm(digests[0], ("sha256",))
    (signer,) = signed["signer_infos"]
    expected = "v1" if signer["sid"].name == "issuer_and_serial_number" else "v3"
    if signer["version"].native != expected or signer["unsigned_attrs"].native is not None:
        raise TokenInvalid("unexpected SignerInfo version or unsigned attributes")
    _check_algorithm(signer["digest_algorithm"], ("sha256",))
    _check_algorithm(signer["signature_algorithm"], _SIGNATURE_ALGORITHMS)
    if signer["signature_algorithm"]["algorithm"].native in _ECDSA:
        _check_ecdsa_der(signer["signature"].native)
    try:
        embedded = [
            x509.load_der_x509_certificate(c.chosen.dump()) for c in signed["certificates"] or []
        ]
    except Exception as exc:
        # cryptography has its own types for a damaged certificate (InvalidVersion, ...).
        raise TokenInvalid(f"an embedded certificate is malformed: {type(exc).__name__}") from exc
    for certificate in embedded:
        _chains_to_root(certificate, embedded, roots)


def _check_algorithm(algorithm: object, allowed: tuple[str, ...]) -> None:
    name = algorithm["algorithm"].native  # type: ignore[index]
    parameters = algorithm["parameters"].dump()  # type: ignore[index]
    if name not in allowed or parameters not in _NO_PARAMETERS:
        raise TokenInvalid(f"unexpected algorithm {name}")


def _check_ecdsa_der(signature: bytes) -> None:
    # The OCTET STRING holds an ECDSA-Sig-Value that asn1crypto does not decode, so the DER
    # round trip of the response does not reach it; the ECDSA backend is strict today, and
    # this keeps the package strict whatever backend verifies the signature.
    try:
        canonical = algos.DSASignature.load(signature, strict=True).dump(force=True)
    except ValueError as exc:
        raise TokenInvalid("the signature value is not an ECDSA-Sig-Value") from exc
    if canonical != signature:
        raise TokenInvalid("the signature value is not DER")


def _chains_to_root(
    certificate: x509.Certificate,
    known: Sequence[x509.Certificate],
    roots: Sequence[x509.Certificate],
) -> None:
    current = certificate
    for _ in range(_MAX_CHAIN):
        if current in roots:
            return
        issuer = next(
            (c for c in [*roots, *known] if c.subject == current.issuer and c != current), None
        )
        if issuer is None:
            break
        try:
            current.verify_directly_issued_by(issuer)
        except (ValueError, TypeError, InvalidSignature) as exc:
            raise TokenInvalid("an embedded certificate does not verify") from exc
        current = issuer
    raise TokenInvalid("an embedded certificate does not chain to a trust root")
