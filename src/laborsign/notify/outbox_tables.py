"""The outbox table: messages written in the same transaction as the change they announce."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from laborsign.db.base import Base


class OutboxMessageRow(Base):
    """One message to send (SMS, e-mail, webhook event...) once its transaction committed.

    `dedup_key` is unique so that writing the same message twice (a retried request, a
    replayed job) yields one message. `next_attempt_at` doubles as a lease: a relay claims a
    message by moving it forward, so two relays never send the same message at once.
    """

    __tablename__ = "outbox_messages"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(60))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    dispatched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
