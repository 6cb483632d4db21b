"""Tables of bulk issuance: one import (an uploaded sheet) and one row per sheet row.

An import is "validating" until the job `bulk.validate` has checked every row: its counters
`rows_read` and `rows_checked` grow as it goes, and `checked_at` is the last time they did
(the periodic sweep queues the job again for an import whose validation stopped moving).

`bulk_import_rows` is keyed by (import, row number): a row is marked done in the same
transaction that creates its contract, so a run that dies anywhere resumes from the first
row not yet done and never creates a contract twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, LargeBinary, String, text
from sqlalchemy.orm import Mapped, mapped_column

from laborsign.db.base import Base
from laborsign.db.tenancy import TenantScoped


class BulkImportRow(TenantScoped, Base):
    __tablename__ = "bulk_imports"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(36), index=True)
    template: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(200))
    # validating | validated | rejected | queued | running | done | failed
    state: Mapped[str] = mapped_column(String(20), index=True)
    sheet_sha256: Mapped[str] = mapped_column(String(64))  # the upload, in the document store
    # While validating: the rows the upload found with values, until the job has read them.
    rows_total: Mapped[int] = mapped_column(Integer)
    rows_invalid: Mapped[int] = mapped_column(Integer)
    rows_warned: Mapped[int] = mapped_column(Integer)
    rows_done: Mapped[int] = mapped_column(Integer)
    rows_failed: Mapped[int] = mapped_column(Integer)
    rows_signed: Mapped[int] = mapped_column(Integer)
    rows_read: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    rows_checked: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sign: Mapped[bool] = mapped_column(Boolean)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    started_by: Mapped[str | None] = mapped_column(String(80))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    error: Mapped[str | None] = mapped_column(String(500))


class BulkImportRowRow(TenantScoped, Base):
    """One sheet row: its findings, its data (encrypted, valid rows only) and its contract."""

    __tablename__ = "bulk_import_rows"

    import_id: Mapped[str] = mapped_column(ForeignKey("bulk_imports.id"), primary_key=True)
    row_number: Mapped[int] = mapped_column(Integer, primary_key=True)  # as Excel shows it
    org_id: Mapped[str] = mapped_column(String(36), index=True)
    # invalid | pending | done | failed
    state: Mapped[str] = mapped_column(String(20))
    problems: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    data: Mapped[bytes | None] = mapped_column(LargeBinary)
    contract_id: Mapped[str | None] = mapped_column(String(36))
    signed: Mapped[bool] = mapped_column(Boolean)
