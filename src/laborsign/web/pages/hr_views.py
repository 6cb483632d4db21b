"""What the HR console's pages show, computed from the services (no logic in templates).

Each function takes the container and the caller's scope and returns plain view objects;
routes pass them to the templates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from laborsign.bootstrap import Container
from laborsign.contracts.lifecycle import STATE_NAMES, State
from laborsign.contracts.tables import ContractRow
from laborsign.db.tenancy import Scope
from laborsign.errors import NotFound
from laborsign.evidence.tables import EvidenceLeafRow
from laborsign.i18n import Lang, Text
from laborsign.parties.tables import ID_NUMBER, WorkerRow
from laborsign.parties.workers import to_json as worker_json
from laborsign.watch.deadlines import SigningStatus
from laborsign.web.pages.hr_common import beijing

# A worker whose written contract is still missing (LCL Art. 10, 82).
WITHOUT_CONTRACT = frozenset(
    {SigningStatus.IN_GRACE, SigningStatus.OVERDUE, SigningStatus.DEEMED_OPEN_ENDED}
)
ENDING_WINDOWS = (30, 60)


@dataclass(frozen=True, slots=True)
class StateCount:
    state: str
    name: str
    count: int


@dataclass(frozen=True, slots=True)
class Missing:
    """A worker without a signed written contract."""

    worker_id: str
    name: str
    employment_start: str
    due: str
    days_left: int | None  # None once overdue
    days_without: int
    exposure: str | None  # double-wage exposure in yuan, when the wage is known
    status: str


@dataclass(frozen=True, slots=True)
class EndingTerm:
    worker_name: str
    contract_id: str | None
    number: str | None
    ends_on: str
    days_left: int
    window: int


@dataclass(frozen=True, slots=True)
class Dashboard:
    counts: list[StateCount]
    total: int
    missing: list[Missing]
    ending: list[EndingTerm]


def state_counts(container: Container, scope: Scope, lang: Lang) -> list[StateCount]:
    """Contracts of the scope's employer by state, in the state machine's order."""
    with container.uow(scope) as uow:
        found = dict(
            uow.session.execute(
                select(ContractRow.state, func.count()).group_by(ContractRow.state)
            ).all()
        )
    return [
        StateCount(s.value, STATE_NAMES[s].get(lang), int(found.get(s.value, 0))) for s in State
    ]


def dashboard(container: Container, scope: Scope, now: datetime, lang: Lang) -> Dashboard:
    counts = state_counts(container, scope, lang)
    entries = container.watch.watch_list(scope, now)
    missing = [
        Missing(
            e.worker_id,
            e.worker_name,
            e.signing.employment_start.isoformat(),
            e.signing.grace_end.isoformat(),
            e.signing.days_left,
            e.signing.days_without_contract,
            None if e.signing.exposure is None else f"{e.signing.exposure:,.2f}",
            e.signing.status.value,
        )
        for e in entries
        if e.signing.status in WITHOUT_CONTRACT
    ]
    # The most urgent first: overdue (no days left) before the fewest days left.
    missing.sort(key=lambda m: (m.days_left is not None, m.days_left or 0, m.name))
    ending = sorted(
        (
            EndingTerm(
                e.worker_name,
                e.contract_id,
                e.contract_number,
                e.term_ending.ends_on.isoformat(),
                e.term_ending.days_left,
                30 if e.term_ending.days_left <= 30 else 60,
            )
            for e in entries
            if e.term_ending is not None and e.term_ending.days_left <= max(ENDING_WINDOWS)
        ),
        key=lambda t: (t.days_left, t.worker_name),
    )
    return Dashboard(counts, sum(c.count for c in counts), missing, ending)


# ---- workers ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WorkerLine:
    id: str
    name: str
    id_number_masked: str
    phone_masked: str | None


def _line(data: dict[str, object]) -> WorkerLine:
    phone = data["phone_masked"]
    return WorkerLine(
        str(data["id"]),
        str(data["name"]),
        str(data["id_number_masked"]),
        None if phone is None else str(phone),
    )


def workers(container: Container, scope: Scope, query: str) -> list[WorkerLine]:
    """The employer's workers; `query` is a part of a name or a whole ID number (looked up
    through its blind index: ID numbers are stored encrypted and cannot be searched)."""
    query = query.strip()
    everyone = [_line(w) for w in container.parties.workers.list_for(scope)]
    if not query:
        return everyone
    if len(query) >= 15 and query[:-1].isdigit():
        index = container.privacy.blind_index(query.upper(), ID_NUMBER)
        with container.uow(scope) as uow:
            ids = set(
                uow.session.scalars(select(WorkerRow.id).where(WorkerRow.id_number_index == index))
            )
        return [w for w in everyone if w.id in ids]
    folded = query.casefold()
    return [w for w in everyone if folded in w.name.casefold()]


@dataclass(frozen=True, slots=True)
class WorkerIdentity:
    """What the contract form needs of a chosen worker (read in the employer's scope)."""

    id: str
    name: str
    id_number: str
    phone: str | None
    masked: WorkerLine


def worker_identity(container: Container, scope: Scope, worker_id: str) -> WorkerIdentity:
    with container.uow(scope) as uow:
        row = uow.session.get(WorkerRow, worker_id)
        if row is None:
            raise NotFound(Text("劳动者不存在", "no such worker"), field="worker_id")
        return WorkerIdentity(row.id, row.name, row.id_number, row.phone, _line(worker_json(row)))


# ---- the timeline of a contract ---------------------------------------------------------------


EVENT_NAMES: dict[str, Text] = {
    "contract.created": Text("起草", "drafted"),
    "contract.rules-checked": Text("修改草稿并检查", "draft revised and checked"),
    "contract.sent": Text("发送给劳动者", "sent to the worker"),
    "notice.acknowledged": Text("劳动者阅读签约须知", "notice acknowledged by the worker"),
    "identity.verified": Text("劳动者身份核验", "worker's identity verified"),
    "otp.verified": Text("验证码核验", "one-time code verified"),
    "intent.confirmed": Text("劳动者确认签署意愿", "worker confirmed intent"),
    "worker.signed": Text("劳动者签名", "signed by the worker"),
    "employer.signed": Text("用人单位签章", "signed by the employer"),
    "contract.effective": Text("合同生效", "effective"),
    "document.timestamped": Text("文档时间戳", "document timestamped"),
    "contract.viewed": Text("查看", "viewed"),
    "contract.downloaded": Text("下载", "downloaded"),
    "contract.reminded": Text("提醒劳动者", "worker reminded"),
    "contract.declined": Text("劳动者拒签", "declined by the worker"),
    "contract.voided": Text("作废", "voided"),
    "contract.expired": Text("签署期限已过", "signing deadline passed"),
    "paper_copy.issued": Text("出具纸质副本", "paper copy issued"),
}


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    at: str
    event_type: str
    name: str


def timeline(container: Container, contract_id: str, lang: Lang) -> list[TimelineEntry]:
    """The evidence events of a contract, oldest first. The caller has already read the
    contract in its own scope (a contract it may not see is refused before this)."""
    with container.uow(Scope.system("hr-console")) as uow:
        rows: Sequence[tuple[datetime, str]] = uow.session.execute(
            select(EvidenceLeafRow.created_at, EvidenceLeafRow.event_type)
            .where(EvidenceLeafRow.contract_id == contract_id)
            .order_by(EvidenceLeafRow.leaf_index)
        ).all()
    return [
        TimelineEntry(
            beijing(at), kind, EVENT_NAMES[kind].get(lang) if kind in EVENT_NAMES else kind
        )
        for at, kind in rows
    ]
