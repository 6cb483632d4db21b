"""Ceremony links: the token in the SMS or e-mail link, and the session it turns into.

A link token is 256 random bits, stored only as a keyed digest, bound to one contract and
one worker (pseudonym), and expires (default 7 days). It opens the ceremony once: opening
marks it used and starts a server-side ceremony session, whose own random id travels in a
cookie and lapses after a period of inactivity. A token never signs anything: signing needs
an identity check and an intent confirmation inside the session (`intent.py`).

All functions work in the caller's session; the caller's unit of work commits.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from laborsign.i18n import Text
from laborsign.identity.common import keyed_digest, require_aware, utc
from laborsign.identity.errors import LinkRefused
from laborsign.identity.tables import CeremonyLinkRow, CeremonySessionRow

TOKEN_BYTES = 32  # 256 bits


@dataclass(frozen=True, slots=True)
class IssuedLink:
    link_id: str
    token: str  # goes into the message only; never stored
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Ceremony:
    """An open ceremony: whose, for which contract. `session_token` only when just opened."""

    session_id: str
    contract_id: str
    worker: str
    session_token: str | None = None


_UNKNOWN = Text(
    "链接无效，请使用短信或邮件中的完整链接",
    "this link is not valid; use the full link you received",
)
_USED = Text(
    "该链接已使用过，不能再次打开；如需继续签署，请联系用人单位重新发送",
    "this link has already been used and cannot be opened again; ask your employer to send a "
    "new one",
)
_EXPIRED = Text(
    "该链接已过期，请联系用人单位重新发送",
    "this link has expired; ask your employer to send a new one",
)
_SESSION = Text(
    "签署会话已结束或超时，请重新打开新的链接",
    "the signing session has ended or timed out; open a new link",
)


class CeremonyLinks:
    def __init__(self, secret: bytes, *, link_ttl: timedelta, session_idle: timedelta) -> None:
        self._secret = secret
        self._link_ttl = link_ttl
        self._idle = session_idle

    def _digest(self, kind: str, token: str) -> str:
        return keyed_digest(self._secret, kind, token)

    def issue(self, session: Session, contract_id: str, worker: str, now: datetime) -> IssuedLink:
        at = require_aware(now)
        token = secrets.token_urlsafe(TOKEN_BYTES)
        row = CeremonyLinkRow(
            id=uuid.uuid4().hex,
            token_digest=self._digest("ceremony-link", token),
            contract_id=contract_id,
            worker=worker,
            created_at=at,
            expires_at=at + self._link_ttl,
        )
        session.add(row)
        return IssuedLink(row.id, token, row.expires_at)

    def open(self, session: Session, token: str, now: datetime) -> Ceremony:
        """Use the link (once) and start a ceremony session. Refusals change nothing."""
        at = require_aware(now)
        digest = self._digest("ceremony-link", token)
        row = session.scalar(select(CeremonyLinkRow).where(CeremonyLinkRow.token_digest == digest))
        if row is None:
            raise LinkRefused(_UNKNOWN, "unknown")
        if row.used_at is not None:
            raise LinkRefused(_USED, "used")
        if utc(row.expires_at) <= at:
            raise LinkRefused(_EXPIRED, "expired")
        # The conditional update is the claim: of two requests racing with one token,
        # exactly one changes the row.
        claimed = cast(
            CursorResult[Any],
            session.execute(
                update(CeremonyLinkRow)
                .where(CeremonyLinkRow.id == row.id, CeremonyLinkRow.used_at.is_(None))
                .values(used_at=at)
                .execution_options(synchronize_session=False)
            ),
        )
        if claimed.rowcount != 1:
            raise LinkRefused(_USED, "used")
        session_token = secrets.token_urlsafe(TOKEN_BYTES)
        ceremony = CeremonySessionRow(
            id=uuid.uuid4().hex,
            session_digest=self._digest("ceremony-session", session_token),
            link_id=row.id,
            contract_id=row.contract_id,
            worker=row.worker,
            created_at=at,
            last_seen_at=at,
        )
        session.add(ceremony)
        return Ceremony(ceremony.id, row.contract_id, row.worker, session_token)

    def resume(self, session: Session, session_token: str, now: datetime) -> Ceremony:
        """The ceremony of a session cookie, if still alive; touching it keeps it alive."""
        at = require_aware(now)
        digest = self._digest("ceremony-session", session_token)
        row = session.scalar(
            select(CeremonySessionRow).where(CeremonySessionRow.session_digest == digest)
        )
        if row is None or row.ended_at is not None or utc(row.last_seen_at) + self._idle <= at:
            raise LinkRefused(_SESSION, "session-ended")
        row.last_seen_at = at
        return Ceremony(row.id, row.contract_id, row.worker)

    def end(self, session: Session, session_id: str, now: datetime) -> None:
        row = session.get(CeremonySessionRow, session_id)
        if row is not None and row.ended_at is None:
            row.ended_at = require_aware(now)

    def revoke(self, session: Session, contract_id: str, now: datetime) -> int:
        """Make every unused link of a contract expire now (voided, declined, re-sent)."""
        at = require_aware(now)
        result = cast(
            CursorResult[Any],
            session.execute(
                update(CeremonyLinkRow)
                .where(
                    CeremonyLinkRow.contract_id == contract_id,
                    CeremonyLinkRow.used_at.is_(None),
                    CeremonyLinkRow.expires_at > at,
                )
                .values(expires_at=at)
                .execution_options(synchronize_session=False)
            ),
        )
        return result.rowcount
