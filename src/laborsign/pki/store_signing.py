"""Sign X.509 structures (certificates, CRLs, OCSP responses) with a key in a `KeyStore`.

`cryptography`'s builders only sign with a private key object in memory, and ours never
leaves its store. So the builder signs once with a throw-away stand-in key of the same
algorithm (which fixes the signature algorithm identifier inside the to-be-signed part),
the store signs those to-be-signed bytes, and the structure is reassembled with the real
signature. The result is checked against the store's public key before it is returned.
"""

from __future__ import annotations

import threading

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding

from laborsign.errors import ServiceUnavailable
from laborsign.i18n import Text
from laborsign.signing.keys import KeyAlgorithm, KeyStore, PublicKey, algorithm_of
from laborsign.signing.keystore_file import PrivateKey, new_private_key

_stand_ins: dict[KeyAlgorithm, PrivateKey] = {}
_stand_ins_lock = threading.Lock()


def _stand_in(algorithm: KeyAlgorithm) -> PrivateKey:
    # One per algorithm and process: RSA key generation is slow and the key signs nothing
    # that is ever published.
    with _stand_ins_lock:
        if algorithm not in _stand_ins:
            _stand_ins[algorithm] = new_private_key(algorithm)
        return _stand_ins[algorithm]


def _check(public_key: PublicKey, signature: bytes, tbs: bytes) -> None:
    try:
        if isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(signature, tbs, ec.ECDSA(hashes.SHA256()))
        else:
            public_key.verify(signature, tbs, padding.PKCS1v15(), hashes.SHA256())
    except Exception as exc:
        raise ServiceUnavailable(
            Text(
                "密钥库返回的签名无法验证",
                "the key store returned a signature that does not verify",
            )
        ) from exc


class StoreSigner:
    """Signs X.509 structures with the key `label` of `store` (SHA-256)."""

    def __init__(self, store: KeyStore, label: str) -> None:
        self.store = store
        self.label = label
        self.public_key: PublicKey = store.public_key(label)
        self._algorithm = algorithm_of(self.public_key)

    def _sign(self, tbs: bytes) -> bytes:
        signature = self.store.sign(self.label, tbs, "sha256")
        _check(self.public_key, signature, tbs)
        return signature

    def certificate(self, builder: x509.CertificateBuilder) -> x509.Certificate:
        draft = builder.sign(_stand_in(self._algorithm), hashes.SHA256())
        parsed = asn1_x509.Certificate.load(draft.public_bytes(serialization.Encoding.DER))
        final = asn1_x509.Certificate(
            {
                "tbs_certificate": parsed["tbs_certificate"],
                "signature_algorithm": parsed["signature_algorithm"],
                "signature_value": self._sign(draft.tbs_certificate_bytes),
            }
        )
        return x509.load_der_x509_certificate(final.dump())

    def crl(self, builder: x509.CertificateRevocationListBuilder) -> bytes:
        draft = builder.sign(_stand_in(self._algorithm), hashes.SHA256())
        parsed = asn1_crl.CertificateList.load(draft.public_bytes(serialization.Encoding.DER))
        final = asn1_crl.CertificateList(
            {
                "tbs_cert_list": parsed["tbs_cert_list"],
                "signature_algorithm": parsed["signature_algorithm"],
                "signature": self._sign(draft.tbs_certlist_bytes),
            }
        )
        der: bytes = final.dump()
        return der

    def ocsp(self, tbs: asn1_ocsp.ResponseData) -> bytes:
        """A successful OCSP response (DER) over `tbs`. Built with asn1crypto: the
        `cryptography` OCSP builder insists on holding the responder's private key."""
        mechanism = "sha256_ecdsa" if self._algorithm == "ec-p256" else "sha256_rsa"
        basic = asn1_ocsp.BasicOCSPResponse(
            {
                "tbs_response_data": tbs,
                "signature_algorithm": {"algorithm": mechanism},
                "signature": self._sign(tbs.dump()),
            }
        )
        response = asn1_ocsp.OCSPResponse(
            {
                "response_status": "successful",
                "response_bytes": {"response_type": "basic_ocsp_response", "response": basic},
            }
        )
        der: bytes = response.dump()
        return der
