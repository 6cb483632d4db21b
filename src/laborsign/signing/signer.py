"""A pyHanko `Signer` that signs through a `KeyStore`.

pyHanko's own file signer reloads the private key for every signature; this one asks the
key store, which keeps the key loaded (file store) or inside the token (PKCS#11).

It also assembles its PAdES signature container itself: the certificates, the signer's
identifier, the algorithm identifiers and the signing-certificate-v2 attribute are encoded
once per signer, and each signature only frames the message digest, the signature value and
the timestamp token around them. The result is byte for byte what pyHanko's generic path
builds (tests compare both); anything that path would do differently (dry runs, CAdES
attributes, other digests, fewer embedded certificates) still goes through pyHanko.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from asn1crypto import algos, cms, core
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.sign.general import SigningError, as_signing_certificate_v2, simple_cms_attribute
from pyhanko.sign.signers import Signer
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from laborsign.signing import der
from laborsign.signing.keys import KeyStore, PublicKey, check_hash, max_signature_size

_DIGEST = "sha256"
_CMS_V1 = der.integer(1)


def to_asn1(certificate: x509.Certificate | asn1_x509.Certificate) -> asn1_x509.Certificate:
    if isinstance(certificate, asn1_x509.Certificate):
        return certificate
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def _oid(name_or_dotted: str, kind: type[core.ObjectIdentifier]) -> bytes:
    encoded: bytes = kind(name_or_dotted).dump()
    return encoded


class _Constant:
    """The parts of a SHA-256 PAdES signature container that only depend on the signer."""

    def __init__(self, signer: Signer, signing_cert: asn1_x509.Certificate) -> None:
        def dump(value: Any) -> bytes:
            encoded: bytes = value.dump()
            return encoded

        self.content_type_attr = dump(simple_cms_attribute("content_type", "data"))  # type: ignore[no-untyped-call]
        self.message_digest_oid = _oid("message_digest", cms.CMSAttributeType)
        self.timestamp_oid = _oid("signature_time_stamp_token", cms.CMSAttributeType)
        self.signing_certificate_attr = dump(
            simple_cms_attribute(  # type: ignore[no-untyped-call]
                "signing_certificate_v2",
                as_signing_certificate_v2(signing_cert),
            )
        )
        self.sid = dump(
            cms.SignerIdentifier(
                {
                    "issuer_and_serial_number": cms.IssuerAndSerialNumber(
                        {
                            "issuer": signing_cert.issuer,
                            "serial_number": signing_cert.serial_number,
                        }
                    )
                }
            )
        )
        self.digest_algorithm = dump(algos.DigestAlgorithm({"algorithm": _DIGEST}))
        self.signature_algorithm = dump(signer.get_signature_mechanism_for_digest(_DIGEST))
        self.encap_content_info = der.sequence(_oid("data", cms.ContentType))
        self.signed_data_oid = _oid("signed_data", cms.ContentType)
        # pyHanko embeds the whole registry (embed_roots) and the signer's certificate.
        certificates = {c.dump() for c in signer.cert_registry or ()}
        certificates.add(signing_cert.dump())
        self.certificates = der.set_of(certificates, tag=0xA0)


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
        self._constant: _Constant | None = None

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

    async def async_sign(
        self,
        data_digest: bytes,
        digest_algorithm: str,
        dry_run: bool = False,
        use_pades: bool = False,
        timestamper: TimeStamper | None = None,
        signed_attr_settings: PdfCMSSignedAttributes | None = None,
        is_pdf_sig: bool = True,
        encap_content_info: Any = None,
    ) -> cms.ContentInfo:
        """A detached CMS signature over `data_digest`, as pyHanko's `Signer.async_sign`."""
        settings = signed_attr_settings or PdfCMSSignedAttributes()
        if (
            dry_run
            or not (use_pades and is_pdf_sig)
            or encap_content_info is not None
            or digest_algorithm.lower() != _DIGEST
            or settings.adobe_revinfo_attr is not None
            or settings.cades_signed_attrs is not None
            or self.signed_attr_prov_spec is not None
            or self.unsigned_attr_prov_spec is not None
            or self.signing_cert is None
            or not self.embed_roots
            or any(True for _ in self.attribute_certs)
        ):
            return await super().async_sign(
                data_digest,
                digest_algorithm,
                dry_run=dry_run,
                use_pades=use_pades,
                timestamper=timestamper,
                signed_attr_settings=signed_attr_settings,
                is_pdf_sig=is_pdf_sig,
                encap_content_info=encap_content_info,
            )
        if self._constant is None:
            self._constant = _Constant(self, self.signing_cert)
        return await self._pades_container(self._constant, data_digest, timestamper)

    async def _pades_container(
        self, constant: _Constant, data_digest: bytes, timestamper: TimeStamper | None
    ) -> cms.ContentInfo:
        # RFC 5652 §5.3-5.4: the signature covers the signed attributes' SET OF encoding;
        # in the SignerInfo the same content carries the [0] IMPLICIT tag.
        signed_attrs = [
            constant.content_type_attr,
            der.sequence(constant.message_digest_oid, der.set_of([der.octet_string(data_digest)])),
            constant.signing_certificate_attr,
        ]
        signature = await self.async_sign_raw(der.set_of(signed_attrs), _DIGEST)
        signer_info = [
            _CMS_V1,
            constant.sid,
            constant.digest_algorithm,
            der.set_of(signed_attrs, tag=0xA0),
            constant.signature_algorithm,
            der.octet_string(signature),
        ]
        if timestamper is not None:
            # The signature timestamp (PAdES B-T) covers the signature value (RFC 3161 App. A).
            token = await timestamper.async_timestamp(hashlib.sha256(signature).digest(), _DIGEST)
            attribute = der.sequence(constant.timestamp_oid, der.set_of([token.dump()]))
            signer_info.append(der.set_of([attribute], tag=0xA1))
        signed_data = der.sequence(
            _CMS_V1,
            der.set_of([constant.digest_algorithm]),
            constant.encap_content_info,
            constant.certificates,
            der.set_of([der.sequence(*signer_info)]),
        )
        return cms.ContentInfo.load(
            der.sequence(constant.signed_data_oid, der.tlv(0xA0, signed_data))
        )
