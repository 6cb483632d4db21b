"""Bulk issuance use cases: upload and validate a sheet, report, start, run, progress.

Nothing is created at upload. The upload refuses at once what is plainly not a usable sheet
(`inspect_sheet`), stores the file and the import, "validating", and queues the job
`bulk.validate` (see `checking`): it checks every row (types, labor-law rules, duplicates)
and stores it with its problems; a sheet with any error is rejected as a whole, so HR fixes
the sheet and uploads it again. Starting a validated import queues the job (`bulk.run`),
which creates, renders, stores and sends the contracts chunk by chunk (see `runner`).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from laborsign.bulk.jobs import VALIDATE_JOB
from laborsign.bulk.report import report_bytes
from laborsign.bulk.sheet import inspect_sheet, read_sheet
from laborsign.bulk.tables import BulkImportRow, BulkImportRowRow
from laborsign.contracts.model import Employer
from laborsign.contracts.service import DRAFTERS, SIGNERS
from laborsign.db.tenancy import Scope, ScopeKind
from laborsign.errors import Conflict, NotFound, PermissionDenied
from laborsign.i18n import Text
from laborsign.parties.tables import OrganisationRow

if TYPE_CHECKING:
    from laborsign.bootstrap import Container

log = logging.getLogger(__name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
VALIDATING = "validating"
STARTABLE = frozenset({"validated", "queued", "running", "failed"})
STILL_CHECKING = Text(
    "表格仍在校验中，请等校验结束", "the sheet is still being checked; wait until it is done"
)


@dataclass(frozen=True, slots=True)
class Progress:
    id: str
    state: str
    template: str
    filename: str
    rows_total: int
    rows_invalid: int
    rows_warned: int
    rows_done: int
    rows_failed: int
    rows_signed: int
    # While validating: rows whose cells were read, and rows checked (each up to rows_total).
    rows_read: int
    rows_checked: int
    sign: bool
    rate_per_second: float | None
    eta_seconds: float | None
    error: str | None

    @property
    def finished(self) -> bool:
        return self.state in {"done", "failed", "rejected"}

    @property
    def validating(self) -> bool:
        return self.state == VALIDATING

    @property
    def validation_steps(self) -> tuple[int, int]:
        """(steps done, steps in all) of the validation: each row is read, then checked."""
        total = 2 * self.rows_total
        return min(self.rows_read + self.rows_checked, total), total

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "state": self.state,
            "template": self.template,
            "filename": self.filename,
            "rows": {
                "total": self.rows_total,
                "invalid": self.rows_invalid,
                "warned": self.rows_warned,
                "done": self.rows_done,
                "failed": self.rows_failed,
                "signed": self.rows_signed,
                "read": self.rows_read,
                "checked": self.rows_checked,
            },
            "sign": self.sign,
            "rate_per_second": self.rate_per_second,
            "eta_seconds": self.eta_seconds,
            "error": self.error,
        }


def require_employer(scope: Scope, roles: frozenset[str] = DRAFTERS) -> str:
    if scope.kind is not ScopeKind.EMPLOYER or scope.org_id is None:
        raise PermissionDenied(Text("只有用人单位可以批量签发", "employers only"))
    if not scope.has_role(roles):
        raise PermissionDenied(
            Text("需要以下角色之一：" + "、".join(sorted(roles)), "one of these roles is needed")
        )
    return scope.org_id


def employer_of(org: OrganisationRow) -> Employer:
    """The contract's 甲方 block from the organisation's own record."""
    return Employer(
        name=org.name,
        credit_code=org.credit_code,
        legal_representative=org.legal_representative,
        registered_address=org.registered_address,
        business_address=org.business_address or org.registered_address,
        phone=org.phone,
        dispatch_licence=org.dispatch_licence,
    )


def progress_of(row: BulkImportRow, now: datetime) -> Progress:
    rate = eta = None
    if row.started_at is not None and row.rows_done:
        end = _aware(row.finished_at) if row.finished_at else now
        elapsed = (end - _aware(row.started_at)).total_seconds()
        if elapsed > 0:
            rate = row.rows_done / elapsed
            remaining = row.rows_total - row.rows_invalid - row.rows_done - row.rows_failed
            eta = remaining / rate if row.finished_at is None else 0.0
    return Progress(
        row.id,
        row.state,
        row.template,
        row.filename,
        row.rows_total,
        row.rows_invalid,
        row.rows_warned,
        row.rows_done,
        row.rows_failed,
        row.rows_signed,
        row.rows_read,
        row.rows_checked,
        row.sign,
        rate,
        eta,
        row.error,
    )


def _aware(moment: datetime) -> datetime:
    # SQLite returns naive datetimes for timezone-aware columns; they were written in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class BulkService:
    def __init__(self, container: Container) -> None:
        self._c = container

    # ---- upload and validation -------------------------------------------------------------

    def upload(
        self, scope: Scope, filename: str, data: bytes, *, now: datetime, queue: bool = True
    ) -> Progress:
        """Store the sheet and its import, "validating", and queue its validation (with the
        immediate jobs backend it runs here, before the answer). With `queue` false the
        caller runs `checking.ImportChecker` itself (the CLI, in its own process)."""
        org_id = require_employer(scope)
        shape = inspect_sheet(data)
        import_id = str(uuid.uuid4())
        with self._c.uow(scope) as uow:
            s = uow.session
            if s.get(OrganisationRow, org_id) is None:
                raise NotFound(Text("用人单位不存在", "no such organisation"))
            ref = self._c.document_store.put(org_id, data, XLSX)
            s.add(
                BulkImportRow(
                    id=import_id,
                    org_id=org_id,
                    template=shape.template.value,
                    filename=filename[:200] or "upload.xlsx",
                    state=VALIDATING,
                    sheet_sha256=ref.sha256,
                    rows_total=shape.rows,
                    rows_invalid=0,
                    rows_warned=0,
                    rows_done=0,
                    rows_failed=0,
                    rows_signed=0,
                    rows_read=0,
                    rows_checked=0,
                    checked_at=now,
                    sign=False,
                    created_by=scope.actor,
                    created_at=now,
                )
            )
            uow.commit()
        if queue:
            try:
                self._c.jobs.enqueue(VALIDATE_JOB, import_id=import_id)
            except Exception:
                # The import is stored: the periodic sweep queues its validation once the
                # queue answers again, and the uploader sees it validating meanwhile.
                log.exception("import %s: validation not queued; the sweep will", import_id)
        return self.progress(scope, import_id, now=now)

    # ---- reading ---------------------------------------------------------------------------

    def progress(self, scope: Scope, import_id: str, *, now: datetime) -> Progress:
        with self._c.uow(scope) as uow:
            return progress_of(self._load(uow.session, import_id), now)

    def rows(self, scope: Scope, import_id: str) -> list[dict[str, object]]:
        """Each row's number, state, problems and contract (no personal data)."""
        with self._c.uow(scope) as uow:
            self._load(uow.session, import_id)
            found = uow.session.scalars(
                select(BulkImportRowRow)
                .where(BulkImportRowRow.import_id == import_id)
                .order_by(BulkImportRowRow.row_number)
            )
            return [
                {
                    "row": r.row_number,
                    "state": r.state,
                    "problems": r.problems,
                    "contract_id": r.contract_id,
                    "signed": r.signed,
                }
                for r in found
            ]

    def report(self, scope: Scope, import_id: str) -> tuple[str, bytes]:
        """The uploaded rows with their findings beside them, as .xlsx."""
        with self._c.uow(scope) as uow:
            head = self._load(uow.session, import_id)
            if head.state == VALIDATING:
                raise Conflict(STILL_CHECKING)
            org_id, sha256, filename = head.org_id, head.sheet_sha256, head.filename
            outcomes = {
                r.row_number: (r.state, r.problems)
                for r in uow.session.scalars(
                    select(BulkImportRowRow).where(BulkImportRowRow.import_id == import_id)
                )
            }
        sheet = read_sheet(self._c.document_store.get(org_id, sha256))
        name = filename.rsplit(".", 1)[0] + "-report.xlsx"
        return name, report_bytes(sheet.columns, sheet.rows, outcomes)

    # ---- starting --------------------------------------------------------------------------

    def start(
        self,
        scope: Scope,
        import_id: str,
        *,
        sign: bool,
        now: datetime,
        enqueue: Callable[[str], None] | None,
    ) -> Progress:
        """Queue the run (again, after a crash: rows already done are skipped). With `sign`
        the caller must be a signer who passed a second factor (checked by the route)."""
        require_employer(scope, SIGNERS if sign else DRAFTERS | SIGNERS)
        with self._c.uow(scope) as uow:
            head = self._load(uow.session, import_id)
            if head.state == VALIDATING:
                raise Conflict(STILL_CHECKING)
            if head.state == "rejected":
                raise Conflict(
                    Text(
                        "表格有错误，请修改后重新上传",
                        "the sheet has errors; fix it and upload it again",
                    )
                )
            if head.state in STARTABLE:
                head.state = "queued" if head.state == "validated" else head.state
                head.sign = head.sign or sign
                head.started_by = head.started_by or scope.actor
                head.started_at = head.started_at or now
                head.error = None
                uow.session.flush()
            uow.commit()
            progress = progress_of(head, now)
        resealing = progress.state == "done" and progress.sign
        if enqueue is not None and (progress.state in STARTABLE or resealing):
            enqueue(import_id)
        return progress

    def _load(self, session: Session, import_id: str) -> BulkImportRow:
        row = session.get(BulkImportRow, import_id)
        if row is None:
            raise NotFound(Text("批量导入不存在", "no such import"), field="import_id")
        return row
