"""Tables of the contracts domain."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, DateTime, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from laborsign.db.base import Base


class MinimumWageRow(Base):
    """One published minimum-wage figure: an area's tier, valid from a date (operator data).

    `area` is '' for a figure that applies to the whole province, else a city or a
    district name as the province's notice lists it.
    """

    __tablename__ = "minimum_wages"
    __table_args__ = (UniqueConstraint("province", "area", "effective_from"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    province: Mapped[str] = mapped_column(String(50))
    area: Mapped[str] = mapped_column(String(100), default="")
    tier: Mapped[int] = mapped_column(Integer)
    monthly: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    hourly: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    effective_from: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(500))
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
