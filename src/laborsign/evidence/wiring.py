"""Builds the evidence service from settings (called by the composition root only)."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from laborsign.db.uow import UnitOfWork
from laborsign.evidence.keys import init_log_key, load_log_signer
from laborsign.evidence.publish import TimeStamper, Witness
from laborsign.evidence.service import EvidenceService
from laborsign.evidence.witness import HttpWitness, parse_witness_setting
from laborsign.settings import Settings

WITNESS_TIMEOUT_SECONDS = 10.0


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
