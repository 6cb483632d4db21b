"""A pyHanko `Signer` that signs through a `KeyStore`.

pyHanko's own file signer reloads the private key for every signature; this one asks the
key store, which keeps the key loaded (file store) or inside the token (PKCS#11).
"""

from __future__ import annotations

from collections.abc import Sequence

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers import Signer
from pyhanko_certvalidator.registry import SimpleCertificateStore

from laborsign.signing.keys import KeyStore, PublicKey, check_hash, max_signature_size


def to_asn1(certificate: x509.Certificate | asn1_x509.Certificate) -> asn1_x509.Certificate:
    if isinstance(certificate, asn1_x509.Certificate):
        return certificate
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


class KeyStoreSigner(Signer):
    """Signs as `cert` with the key stored under `label`; `chain` goes into the CMS."""

    def __init__(
        self,
        store: KeyStore,
        label: str,
        cert: x509.Certificate | asn1_x509.Certificate,
        chain: Sequence[x509.Certificate | asn1_x509.Certificate] = (),
    ) -> None:
        signing_cert = to_asn1(cert)
        super().__init__(
            signing_cert=signing_cert,
            cert_registry=SimpleCertificateStore.from_certs(  # type: ignore[no-untyped-call]
                [to_asn1(c) for c in chain]
            ),
        )
        self._store = store
        self._label = label
        public_key = serialization.load_der_public_key(signing_cert.public_key.dump())
        self._public_key: PublicKey = public_key  # type: ignore[assignment]

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        if mechanism.signature_algo not in ("ecdsa", "rsassa_pkcs1v15"):
            raise SigningError(f"unsupported signature mechanism {mechanism.signature_algo}")
        if dry_run:
            # Only the size matters here (pyHanko reserves space in the PDF with it).
            return bytes(max_signature_size(self._public_key))
        return self._store.sign(self._label, data, check_hash(digest_algorithm))
