"""Every verification attempt is kept: a row in `identity_attempts` and, when it concerns a
contract, an evidence event (guideline Art. 7: 记录和保存验证确认过程).

The leaf carries method, provider, outcome and the authoritative flag, with the attempt's
time; never the name, ID number, phone, image or the provider's reference. OTP attempts are
`otp.verified` events, the others `identity.verified`; a failed attempt is the same event
type with `outcome` "failed" or "error", so the log shows every try, not only the last.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.orm import Session

from laborsign.evidence.events import Event, EventType, ExtraValue
from laborsign.evidence.log import EvidenceLog
from laborsign.evidence.sequence import append_contract_events
from laborsign.identity.common import require_aware
from laborsign.identity.results import Method, VerificationResult
from laborsign.identity.tables import VerificationAttemptRow


def attempt_event(
    contract_id: str,
    subject: str,
    result: VerificationResult,
    at: datetime,
    artifacts: Mapping[str, str] | None = None,
    extra: Mapping[str, ExtraValue] | None = None,
) -> Event:
    kind = (
        EventType.OTP_VERIFIED if result.method is Method.SMS_OTP else EventType.IDENTITY_VERIFIED
    )
    return Event(
        kind,
        contract_id,
        subject,
        at,
        dict(artifacts or {}),
        {
            "method": result.method.value,
            "provider": result.provider,
            "outcome": result.outcome.value,
            "authoritative": result.authoritative,
            **(extra or {}),
        },
    )


def record_attempt(
    session: Session,
    log: EvidenceLog,
    *,
    subject: str,
    result: VerificationResult,
    now: datetime,
    contract_id: str | None = None,
    artifacts: Mapping[str, str] | None = None,
    extra: Mapping[str, ExtraValue] | None = None,
) -> VerificationAttemptRow:
    """Keep one attempt in the caller's transaction; returns the row (with its leaf index)."""
    at = require_aware(now)
    row = VerificationAttemptRow(
        id=uuid.uuid4().hex,
        contract_id=contract_id,
        subject=subject,
        method=result.method.value,
        provider=result.provider,
        outcome=result.outcome.value,
        authoritative=result.authoritative,
        reference=result.reference,
        at=at,
    )
    if contract_id is not None:
        event = attempt_event(contract_id, subject, result, at, artifacts, extra)
        row.leaf_index = append_contract_events(session, log, [event]).start
    session.add(row)
    return row
