"""Validating an uploaded sheet in the background (the job `bulk.validate`).

The upload stored the sheet and its import in the state "validating". The job reads the
sheet from the document store, checks every row (`validation.check_sheet`), stores the rows
with their problems and ends the import in "validated" or "rejected", as the upload itself
used to do.

- Progress: `rows_read` grows while the cells are read and `rows_checked` while the rows
  are checked, each committed every few hundred rows in a short transaction of its own, with
  `checked_at` (the sweep re-queues a validation that stopped moving).
- The rows appear all at once, with the final state: they are built in memory and written
  in one transaction, which first deletes any rows of the import. A check takes tens of
  seconds for a large sheet, and on SQLite a write transaction locks the whole database, so
  none is held while checking. Rows written chunk by chunk would also let a reader see half
  a sheet's findings.
- Retries start from the sheet again: a job that dies anywhere leaves the import
  "validating" without rows. When two copies run at once (a retry beside a slow first try,
  or a job the sweep queued again), the final transaction first claims the import by moving
  it out of "validating"; the copy that finds it moved already writes nothing.
- A sheet that is unreadable or too long when its cells are read (the upload's look at it
  was quick, not complete) is "rejected" with the reason in `error`. Any other failure is
  recorded in `error` and raised for the job's retry.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.orm import Session

from laborsign.bulk.service import VALIDATING, employer_of
from laborsign.bulk.sheet import Sheet, SheetRefused, read_sheet
from laborsign.bulk.tables import BulkImportRow, BulkImportRowRow
from laborsign.bulk.validation import WARNING, CheckedRow, check_sheet
from laborsign.contracts.earlier_contracts import RememberedEarlierContracts, SqlEarlierContracts
from laborsign.contracts.minimum_wage import RememberedMinimumWages
from laborsign.contracts.model import Contract
from laborsign.contracts.rules import RuleContext
from laborsign.contracts.service import CHINA, DATA_PURPOSE
from laborsign.contracts.tables import ContractRow
from laborsign.db.tenancy import Scope
from laborsign.errors import NotFound
from laborsign.i18n import Text
from laborsign.parties.roles import Role
from laborsign.parties.tables import OrganisationRow

if TYPE_CHECKING:
    from laborsign.bootstrap import Container

log = logging.getLogger(__name__)
# Progress is committed after each this many rows: often enough for a bar that moves about
# once a second, rarely enough to cost nothing beside the checks (a short UPDATE each).
STEP = 500
# A validation whose progress did not move for this long has lost its job (a worker killed,
# a queue that was down when the upload enqueued it): the sweep queues it again.
STALLED = timedelta(minutes=10)
Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    # SQLite returns naive datetimes for timezone-aware columns; they were written in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class _Head:
    """What the check needs of its import, read once at the start."""

    id: str
    org_id: str
    actor: str
    sheet_sha256: str
    uploaded_at: datetime


@dataclass(slots=True)
class _Outcome:
    rows: list[BulkImportRowRow]
    invalid: int
    warned: int


class ImportChecker:
    def __init__(self, container: Container, *, clock: Clock = _utc_now, step: int = STEP) -> None:
        self._c = container
        self._clock = clock
        self._step = step

    def check(self, import_id: str) -> None:
        """Check the import's rows if it is still validating; else do nothing."""
        head = self._head(import_id)
        if head is None:
            return
        hr = Scope.employer(head.org_id, head.actor, {Role.HR})
        self._note(hr, import_id, error=None)  # alive again: a failed try's error is old news
        try:
            outcome = self._check_rows(hr, head)
        except SheetRefused as exc:
            log.info("import %s rejected when read: %s", import_id, exc)
            self._note(hr, import_id, state="rejected", error=str(exc)[:500])
            return
        except Exception as exc:
            self._note(hr, import_id, error=str(exc)[:500])
            raise
        self._store(hr, head, outcome)

    # ---- reading and checking --------------------------------------------------------------

    def _check_rows(self, hr: Scope, head: _Head) -> _Outcome:
        data = self._c.document_store.get(head.org_id, head.sheet_sha256)
        sheet = read_sheet(data, on_rows=lambda read: self._note(hr, head.id, rows_read=read))
        total = len(sheet.rows)
        self._note(hr, head.id, rows_total=total, rows_read=total)
        outcome = _Outcome([], 0, 0)
        with self._c.uow(hr) as uow:
            for checked in self._checked(uow.session, head, sheet):
                invalid = checked.has_errors or checked.contract is None
                outcome.invalid += invalid
                outcome.warned += any(p["severity"] == WARNING for p in checked.problems)
                document = None
                if not invalid and checked.contract is not None:
                    document = self._c.privacy.encrypt(
                        checked.contract.model_dump_json(),
                        DATA_PURPOSE,
                        context=f"{head.id}:{checked.number}",
                    )
                outcome.rows.append(
                    BulkImportRowRow(
                        import_id=head.id,
                        row_number=checked.number,
                        org_id=head.org_id,
                        state="invalid" if invalid else "pending",
                        problems=checked.problems,
                        data=document,
                        signed=False,
                    )
                )
                if len(outcome.rows) % self._step == 0:
                    self._note(hr, head.id, rows_checked=len(outcome.rows))
        return outcome

    def _checked(self, s: Session, head: _Head, sheet: Sheet) -> Iterable[CheckedRow]:
        org = s.get(OrganisationRow, head.org_id)
        if org is None:
            raise NotFound(Text("用人单位不存在", "no such organisation"))
        privacy = self._c.privacy
        # The rules' "today" is the upload's: the findings are those of the sheet as it was
        # handed in, whenever the job gets to it.
        today = _aware(head.uploaded_at).astimezone(CHINA).date()

        def context_for(contracts: list[Contract]) -> RuleContext:
            # What the rules need from outside (earlier contracts, minimum wages) is fetched
            # once for the whole sheet, not once per row.
            earlier = RememberedEarlierContracts(SqlEarlierContracts(s, privacy))
            earlier.preload(contracts)
            return RuleContext(
                today=today,
                minimum_wages=RememberedMinimumWages(self._c.minimum_wages),
                earlier_contracts=earlier,
            )

        def existing(numbers: Iterable[str]) -> set[str]:
            wanted, found = sorted(numbers), set()
            for start in range(0, len(wanted), 500):
                part = wanted[start : start + 500]
                found |= set(
                    s.scalars(select(ContractRow.number).where(ContractRow.number.in_(part)))
                )
            return found

        return check_sheet(sheet, employer_of(org), context_for, existing)

    # ---- writing ---------------------------------------------------------------------------

    def _store(self, hr: Scope, head: _Head, outcome: _Outcome) -> None:
        total = len(outcome.rows)
        with self._c.uow(hr) as uow:
            s = uow.session
            # The conditional update is the claim, and takes the write lock (a row lock on
            # PostgreSQL, the database's on SQLite) before anything else is written: of two
            # tries finishing together, one writes the rows and the other nothing.
            claimed = cast(
                CursorResult[Any],
                s.execute(
                    update(BulkImportRow)
                    .where(BulkImportRow.id == head.id, BulkImportRow.state == VALIDATING)
                    .values(
                        state="rejected" if outcome.invalid else "validated",
                        rows_total=total,
                        rows_read=total,
                        rows_checked=total,
                        rows_invalid=outcome.invalid,
                        rows_warned=outcome.warned,
                        checked_at=self._clock(),
                        error=None,
                    )
                    .execution_options(synchronize_session=False)
                ),
            )
            if claimed.rowcount != 1:
                log.info("import %s was validated by another try; nothing written", head.id)
                return
            # Rows of an earlier try cannot be here (rows commit only with the final state),
            # but deleting them keeps a retry from ever doubling a row.
            s.execute(
                delete(BulkImportRowRow)
                .where(BulkImportRowRow.import_id == head.id)
                .execution_options(synchronize_session=False)
            )
            s.add_all(outcome.rows)
            uow.commit()

    def _note(self, scope: Scope, import_id: str, **values: object) -> None:
        """Set `values` (progress, state, error) on the import while it is validating."""
        with self._c.uow(scope) as uow:
            uow.session.execute(
                update(BulkImportRow)
                .where(BulkImportRow.id == import_id, BulkImportRow.state == VALIDATING)
                .values(checked_at=self._clock(), **values)
                .execution_options(synchronize_session=False)
            )
            uow.commit()

    def _head(self, import_id: str) -> _Head | None:
        with self._c.uow(Scope.system()) as uow:
            row = uow.session.get(BulkImportRow, import_id)
            if row is None or row.state != VALIDATING:
                return None  # gone, or already validated by an earlier try
            return _Head(row.id, row.org_id, row.created_by, row.sheet_sha256, row.created_at)


def stalled(container: Container, now: datetime, *, after: timedelta = STALLED) -> list[str]:
    """Imports still validating whose progress has not moved for `after`, and whose last try
    did not fail (a failed one is retried by its job, and shows its error once the retries
    are spent). Marked as moving now, so that the next sweep leaves them to the new job."""
    with container.uow(Scope.system()) as uow:
        found = list(
            uow.session.scalars(
                select(BulkImportRow.id).where(
                    BulkImportRow.state == VALIDATING,
                    BulkImportRow.error.is_(None),
                    BulkImportRow.checked_at < now - after,
                )
            )
        )
        if found:
            uow.session.execute(
                update(BulkImportRow)
                .where(BulkImportRow.id.in_(found), BulkImportRow.state == VALIDATING)
                .values(checked_at=now)
                .execution_options(synchronize_session=False)
            )
            uow.commit()
        return found
