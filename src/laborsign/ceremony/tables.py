"""Tables of the ceremony: each organisation's uploaded seal (the image itself is in the
document store, content-addressed under the organisation's tenant key)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from laborsign.db.base import Base


class OrganisationSealRow(Base):
    """The seal an organisation uploaded; an organisation without a row signs with the seal
    the platform draws from its name. Read and written only through `ceremony.seals`, which
    checks the caller's organisation."""

    __tablename__ = "organisation_seals"

    org_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by: Mapped[str] = mapped_column(String(80))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
