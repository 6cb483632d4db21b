"""Security audit records (who, what, when, from where, outcome) in `security_events`.

Written in the caller's transaction, or in a transaction of their own for failures that
roll the caller back (a failed login must be recorded although nothing else is kept).
Actors are account ids or keyed pseudonyms, never names, phones or ID numbers.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from laborsign.evidence.events import pseudonym
from laborsign.parties.tables import SecurityEventRow


def record(
    session: Session,
    kind: str,
    actor: str,
    outcome: str,
    now: datetime,
    *,
    subject: str | None = None,
    source: str | None = None,
    detail: str | None = None,
) -> None:
    session.add(
        SecurityEventRow(
            at=now,
            kind=kind,
            actor=actor[:80],
            subject=subject[:80] if subject else None,
            outcome=outcome,
            source=source[:64] if source else None,
            detail=detail[:200] if detail else None,
        )
    )


def staff(user_id: str) -> str:
    return f"staff:{user_id}"


def unknown_username(secret: bytes, username: str) -> str:
    """A typed name that matched no account: a pseudonym, since it may be personal data."""
    return pseudonym(secret, "login", username.casefold())
