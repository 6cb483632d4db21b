"""The watch list of an employer: one entry per worker it employs, read in the caller's scope.

Clear columns (state, term dates) come from the contract rows; the employment start, the
monthly wage and an earlier service start are inside the sealed contract data and are read
through the contract service, only for the contracts that decide them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import select

from laborsign.contracts.earlier_contracts import CONCLUDED
from laborsign.contracts.lifecycle import State
from laborsign.contracts.model import Contract, TermType
from laborsign.contracts.rules.ports import EarlierContract
from laborsign.contracts.tables import ContractRow
from laborsign.db.tenancy import Scope
from laborsign.db.uow import UnitOfWork
from laborsign.parties.tables import EmploymentRow, WorkerRow
from laborsign.watch.alerts import Thresholds, WatchEntry
from laborsign.watch.deadlines import signing_risk
from laborsign.watch.terms import ending_within, open_ended_at_renewal

# Labor-law dates are dates in China.
CHINA = ZoneInfo("Asia/Shanghai")
NEVER_BOUND = frozenset({State.DECLINED, State.VOIDED, State.EXPIRED})
CONCLUDED_STATES = frozenset(s.value for s in CONCLUDED)


class _Detail(Protocol):
    @property
    def data(self) -> Contract: ...


class ContractReader(Protocol):
    """The part of the contract service the watch uses (it decrypts the sealed data)."""

    def get(self, scope: Scope, contract_id: str) -> _Detail: ...


def china_date(moment: datetime) -> date:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(CHINA).date()


@dataclass(frozen=True, slots=True)
class _Row:
    """The clear columns of one contract the watch needs, read inside the session."""

    id: str
    number: str
    state: str
    term_type: TermType
    term_start: date
    term_end: date | None
    probation_end: date | None
    completed_on: date | None

    def earlier(self) -> EarlierContract:
        return EarlierContract(
            self.number, self.term_type, self.term_start, self.term_end, self.probation_end
        )


class WatchService:
    def __init__(
        self,
        uow: Callable[[Scope], UnitOfWork],
        contracts: Callable[[], ContractReader],
        thresholds: Thresholds,
    ) -> None:
        self._uow = uow
        self._contracts = contracts
        self.thresholds = thresholds

    def watch_list(self, scope: Scope, now: datetime) -> list[WatchEntry]:
        """Every worker the scope's employer employs, with deadlines and risks on `now`."""
        return [entry for _, entry in self.watch_list_by_org(scope, now)]

    def watch_list_by_org(self, scope: Scope, now: datetime) -> list[tuple[str, WatchEntry]]:
        """(organisation id, entry) for every employment the scope sees (the system scope:
        every employer's)."""
        today = china_date(now)
        with self._uow(scope) as uow:
            s = uow.session
            # Columns only: loading whole worker rows would decrypt every ID number and phone.
            employments = [
                (org_id, worker_id, name, china_date(started))
                for org_id, worker_id, name, started in s.execute(
                    select(
                        EmploymentRow.org_id,
                        EmploymentRow.worker_id,
                        WorkerRow.name,
                        EmploymentRow.started_at,
                    )
                    .join(WorkerRow, WorkerRow.id == EmploymentRow.worker_id)
                    .order_by(EmploymentRow.started_at)
                )
            ]
            rows: dict[tuple[str, str], list[_Row]] = {}
            for c in s.scalars(select(ContractRow).order_by(ContractRow.term_start)):
                if c.worker_id is None or State(c.state) in NEVER_BOUND:
                    continue
                rows.setdefault((c.org_id, c.worker_id), []).append(
                    _Row(
                        c.id,
                        c.number,
                        c.state,
                        TermType(c.term_type),
                        c.term_start,
                        c.term_end,
                        c.probation_end,
                        china_date(c.completed_at) if c.completed_at else None,
                    )
                )
        entries = [
            (
                org_id,
                self._entry(
                    scope, worker_id, name, started, rows.get((org_id, worker_id), []), today
                ),
            )
            for org_id, worker_id, name, started in employments
        ]
        return sorted(entries, key=lambda p: (p[0], p[1].worker_name, p[1].worker_id))

    def _entry(
        self,
        scope: Scope,
        worker_id: str,
        name: str,
        registered: date,
        contracts: Sequence[_Row],
        today: date,
    ) -> WatchEntry:
        reader = self._contracts()
        first = contracts[0] if contracts else None
        first_data = reader.get(scope, first.id).data if first else None
        start = first_data.effective_employment_start if first_data else registered
        wage = first_data.pay.monthly_wage if first_data else None
        concluded = [c for c in contracts if c.state in CONCLUDED_STATES]
        signed = min((c.completed_on for c in concluded if c.completed_on), default=None)
        risk = signing_risk(start, signed, today, wage)
        running = _running(concluded, today)
        if running is None:
            return WatchEntry(worker_id, name, risk)
        running_data = (
            first_data
            if first_data is not None and first is not None and running.id == first.id
            else reader.get(scope, running.id).data
        )
        term_ending = (
            ending_within(running.term_end, today, self.thresholds.expiry_windows)
            if running.term_type is TermType.FIXED
            else None
        )
        probation = ending_within(running.probation_end, today, [self.thresholds.probation_days])
        entitlement = open_ended_at_renewal(
            [c.earlier() for c in concluded],
            running.earlier(),
            running_data.continuous_service_start,
        )
        return WatchEntry(
            worker_id,
            name,
            risk,
            running.id,
            running.number,
            term_ending,
            probation,
            entitlement,
        )


def _running(concluded: Sequence[_Row], today: date) -> _Row | None:
    """The concluded contract in force today, else the latest concluded one."""
    current = [
        c
        for c in concluded
        if c.state == State.EFFECTIVE.value
        and c.term_start <= today
        and (c.term_end is None or c.term_end >= today)
    ]
    if current:
        return current[-1]
    effective = [c for c in concluded if c.state == State.EFFECTIVE.value]
    return effective[-1] if effective else None
