"""The events of one contract's signing, chained per contract, and how they are recorded.

Every event of a contract after the first carries the artifact `previous-event`: the
SHA-256 of the previous event's leaf entry of the same contract. An evidence package can
therefore not silently drop or reorder an event: the chain breaks.

PDF revisions are bound by `revision.pdf` (SHA-256) with `revision-bytes` (length): each
signing step is an incremental update, so every earlier revision is a prefix of the final
contract and a verifier can recompute the digest from the final file alone. The completing
event records `contract.pdf`, the SHA-256 of the final document.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from laborsign.db.uow import UnitOfWork
from laborsign.evidence.events import Event, EventType, ExtraValue
from laborsign.evidence.log import EvidenceLog
from laborsign.evidence.tables import EvidenceLeafRow

PREVIOUS_EVENT = "previous-event"
REVISION = "revision.pdf"
REVISION_BYTES = "revision-bytes"
CONTRACT_PDF = "contract.pdf"
CONTRACT_JSON = "contract.json"
CERTIFICATE = "certificate.der"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True, slots=True)
class SigningSteps:
    """What happened in one signing, with the documents of each stage (never stored in a leaf:
    only their digests are)."""

    contract_id: str
    employer: str  # pseudonyms from `events.pseudonym`, never names or numbers
    worker: str
    platform: str
    contract_json: bytes
    rendered_pdf: bytes  # as typeset
    prepared_pdf: bytes  # with the empty signature fields: the document the worker confirms
    worker_signed_pdf: bytes
    employer_signed_pdf: bytes
    final_pdf: bytes  # with the document timestamp
    worker_certificate_sha256: str  # of the signing certificate's DER
    employer_certificate_sha256: str
    times: Sequence[datetime]  # one per event, in the order of `signing_events`
    template: str = "general"
    rules_checked: int = 0
    rule_warnings: int = 0
    identity_method: str = "development"
    identity_authoritative: bool = False
    otp_channel: str = "development"
    worker_first: bool = True


def _revision(pdf: bytes) -> tuple[dict[str, str], dict[str, ExtraValue]]:
    return {REVISION: sha256_hex(pdf)}, {REVISION_BYTES: len(pdf)}


def signing_events(steps: SigningSteps) -> list[Event]:
    """The events of a completed signing, in order, not yet chained."""
    rendered, rendered_size = _revision(steps.rendered_pdf)
    prepared, prepared_size = _revision(steps.prepared_pdf)
    worker_rev, worker_size = _revision(steps.worker_signed_pdf)
    employer_rev, employer_size = _revision(steps.employer_signed_pdf)
    signatures = [
        Event(
            EventType.WORKER_SIGNED,
            steps.contract_id,
            steps.worker,
            steps.times[7],
            {**worker_rev, CERTIFICATE: steps.worker_certificate_sha256},
            {**worker_size, "method": "pades-b-lt", "field": "LaborSign-Worker"},
        ),
        Event(
            EventType.EMPLOYER_SIGNED,
            steps.contract_id,
            steps.employer,
            steps.times[8],
            {**employer_rev, CERTIFICATE: steps.employer_certificate_sha256},
            {**employer_size, "method": "pades-b-lt", "field": "LaborSign-Employer"},
        ),
    ]
    order = "worker-first" if steps.worker_first else "employer-first"
    cid, t = steps.contract_id, steps.times
    return [
        Event(
            EventType.CREATED,
            cid,
            steps.employer,
            t[0],
            {**rendered, CONTRACT_JSON: sha256_hex(steps.contract_json)},
            {**rendered_size, "template": steps.template, "signing-order": order},
        ),
        Event(
            EventType.RULES_CHECKED,
            cid,
            steps.platform,
            t[1],
            {},
            {"outcome": "passed", "rules": steps.rules_checked, "warnings": steps.rule_warnings},
        ),
        Event(EventType.SENT, cid, steps.employer, t[2], {}, {"channel": steps.otp_channel}),
        Event(
            EventType.NOTICE_ACKNOWLEDGED, cid, steps.worker, t[3], {}, {"outcome": "acknowledged"}
        ),
        Event(
            EventType.IDENTITY_VERIFIED,
            cid,
            steps.worker,
            t[4],
            {},
            {
                "method": steps.identity_method,
                "authoritative": steps.identity_authoritative,
                "outcome": "passed",
            },
        ),
        Event(
            EventType.OTP_VERIFIED,
            cid,
            steps.worker,
            t[5],
            prepared,
            {**prepared_size, "method": "otp", "channel": steps.otp_channel, "outcome": "passed"},
        ),
        Event(
            EventType.INTENT_CONFIRMED,
            cid,
            steps.worker,
            t[6],
            prepared,
            {**prepared_size, "outcome": "confirmed"},
        ),
        *(signatures if steps.worker_first else signatures[::-1]),
        Event(
            EventType.EFFECTIVE,
            cid,
            steps.platform,
            t[9],
            {CONTRACT_PDF: sha256_hex(steps.final_pdf)},
            {"completion": "document-timestamp"},
        ),
    ]


STEP_COUNT = 10  # the number of `times` a `SigningSteps` needs


def chain(events: Sequence[Event], previous_entry: bytes | None) -> list[Event]:
    """The events with `previous-event` set, continuing after `previous_entry` (if any)."""
    chained: list[Event] = []
    previous = previous_entry
    for event in events:
        artifacts = dict(event.artifacts)
        artifacts.pop(PREVIOUS_EVENT, None)
        if previous is not None:
            artifacts[PREVIOUS_EVENT] = sha256_hex(previous)
        linked = replace(event, artifacts=artifacts)
        chained.append(linked)
        previous = linked.entry()
    return chained


def last_entry(session: Session, contract_id: str) -> bytes | None:
    """The latest leaf entry of a contract, or None for a contract without events."""
    entry: bytes | None = session.scalars(
        select(EvidenceLeafRow.entry)
        .where(EvidenceLeafRow.contract_id == contract_id)
        .order_by(EvidenceLeafRow.leaf_index.desc())
        .limit(1)
    ).first()
    return entry


def append_contract_events(session: Session, log: EvidenceLog, events: Sequence[Event]) -> range:
    """Append events of one contract, chained to its earlier events, in the caller's
    transaction. Every contract event should go through here so that the chain holds."""
    from laborsign.evidence.pending import integrate_locked, lock_head

    contracts = {e.contract for e in events}
    if len(contracts) != 1:
        raise ValueError("append_contract_events takes the events of exactly one contract")
    contract = contracts.pop()
    # Lock first, so that the latest entry read below is final; then log the contract's
    # pending views, which happened before these events and belong before them.
    lock_head(session)
    integrate_locked(session, log, contract)
    return log.append_many(session, chain(events, last_entry(session, contract)))


def append_events_of_contracts(
    session: Session, log: EvidenceLog, events: Sequence[Event]
) -> range:
    """`append_contract_events` for the events of many contracts, in one append: each
    contract's events are chained to its own earlier ones (and its pending views first)."""
    from laborsign.evidence.pending import integrate_locked, lock_head

    by_contract: dict[str, list[Event]] = {}
    for event in events:
        by_contract.setdefault(event.contract, []).append(event)
    lock_head(session)
    chained: list[Event] = []
    for contract, own in by_contract.items():
        integrate_locked(session, log, contract)
        chained.extend(chain(own, last_entry(session, contract)))
    return log.append_many(session, chained)


def record_signing(uow: Callable[[], UnitOfWork], log: EvidenceLog, steps: SigningSteps) -> range:
    """Record a completed signing in one transaction; returns the leaf indexes."""
    with uow() as work:
        indexes = append_contract_events(work.session, log, signing_events(steps))
        work.commit()
    return indexes
