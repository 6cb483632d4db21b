"""Fixed-window send counters (per phone, per client address) for OTP sends.

A counter row per (scope, key digest, window start): the first send of a window inserts it,
later ones increment it. Checks happen before any increment, so a refused send counts
nowhere.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from laborsign.i18n import Text
from laborsign.identity.errors import RateLimited
from laborsign.identity.tables import OtpSendCounterRow

_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Limit:
    scope: str  # e.g. "phone-hour"
    window: timedelta
    limit: int


def window_start(now: datetime, window: timedelta) -> datetime:
    elapsed = (now - _EPOCH) // window
    return _EPOCH + elapsed * window


def consume(session: Session, rules: list[tuple[Limit, str]], now: datetime) -> None:
    """Count one send against every (limit, key digest); refuse if any is exhausted."""
    rows: list[OtpSendCounterRow] = []
    for rule, key in rules:
        start = window_start(now, rule.window)
        row = session.get(
            OtpSendCounterRow, (rule.scope, key, start), with_for_update=True
        ) or OtpSendCounterRow(scope=rule.scope, key_digest=key, window_start=start, count=0)
        if row.count >= rule.limit:
            retry = math.ceil((start + rule.window - now).total_seconds())
            raise RateLimited(
                Text(
                    "发送验证码过于频繁，请 {s} 秒后再试",
                    "too many codes requested; try again in {s} seconds",
                ).format(s=retry),
                retry,
            )
        rows.append(row)
    for row in rows:
        row.count += 1
        session.add(row)


def prune(session: Session, before: datetime) -> None:
    """Drop counters of windows that started before `before` (a periodic job's work)."""
    session.execute(delete(OtpSendCounterRow).where(OtpSendCounterRow.window_start < before))
