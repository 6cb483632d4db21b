"""The development outbox: messages the embedded default "sends" by keeping them here.

The address is kept masked (for the operator's eyes) and as a keyed digest (to find one
person's messages); never in clear. The body is kept whole because that is the point: in
development the operator reads the code or the link from the operator pages.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from laborsign.db.base import Base


class DevOutboxMessageRow(Base):
    __tablename__ = "dev_outbox_messages"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel: Mapped[str] = mapped_column(String(10))
    recipient_masked: Mapped[str] = mapped_column(String(120))
    recipient_digest: Mapped[str] = mapped_column(String(64), index=True)
    template: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
