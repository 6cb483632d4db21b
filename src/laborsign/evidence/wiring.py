"""Builds the evidence service from settings (called by the composition root only)."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from cryptography import x509

from laborsign.db.uow import UnitOfWork
from laborsign.errors import ConfigurationError
from laborsign.evidence.anchors import Anchor
from laborsign.evidence.keys import init_log_key, load_log_signer
from laborsign.evidence.publish import TimeStamper, Witness
from laborsign.evidence.service import EvidenceService
from laborsign.evidence.witness import HttpWitness, parse_witness_setting
from laborsign.i18n import Text
from laborsign.settings import Settings

WITNESS_TIMEOUT_SECONDS = 10.0
ANCHOR_TIMEOUT_SECONDS = 30.0


def init_evidence(settings: Settings) -> list[str]:
    return init_log_key(settings.home, settings.evidence_origin)


def build_evidence(
    settings: Settings,
    uow: Callable[[], UnitOfWork],
    stamper: Callable[[], TimeStamper | None],
) -> EvidenceService:
    client = httpx.Client(timeout=WITNESS_TIMEOUT_SECONDS)  # keep-alive, as tlog-witness asks
    witnesses: list[Witness] = []
    for value in settings.evidence_witnesses:
        verifier, url = parse_witness_setting(value)
        witnesses.append(HttpWitness(url, verifier, client))
    return EvidenceService(
        uow,
        lambda: load_log_signer(settings.home, settings.evidence_origin),
        stamper,
        witnesses,
    )


def build_anchors(settings: Settings) -> list[Anchor]:
    """The configured anchors; none unless configured. A ledger without a key to verify its
    receipts with is refused: an unverifiable receipt proves nothing."""
    from laborsign.evidence.anchors_http import JsonLedgerAnchor, TsaAnchor
    from laborsign.pki.tsa_client import HttpTsaClient

    anchors: list[Anchor] = []
    if settings.evidence_anchor_url:
        key_file = settings.evidence_anchor_key_file
        if key_file is None:
            raise ConfigurationError(
                Text(
                    "锚定方需要用于验证回执的公钥或证书（LABORSIGN_EVIDENCE_ANCHOR_KEY_FILE）",
                    "an anchor needs the key or certificate its receipts verify with "
                    "(LABORSIGN_EVIDENCE_ANCHOR_KEY_FILE)",
                ),
                field="evidence_anchor_key_file",
            )
        token = settings.evidence_anchor_token
        anchors.append(
            JsonLedgerAnchor(
                settings.evidence_anchor_name,
                settings.evidence_anchor_url,
                key_file.read_bytes(),
                httpx.Client(timeout=ANCHOR_TIMEOUT_SECONDS),
                token.get_secret_value() if token else "",
            )
        )
    if settings.evidence_anchor_tsa_url:
        ca_file = settings.evidence_anchor_tsa_ca_file
        pinned = x509.load_pem_x509_certificates(ca_file.read_bytes()) if ca_file else []
        client = HttpTsaClient(
            settings.evidence_anchor_tsa_url, pinned, timeout=ANCHOR_TIMEOUT_SECONDS
        )  # refuses an empty pin
        anchors.append(TsaAnchor(settings.evidence_anchor_tsa_name, client, pinned))
    return anchors
