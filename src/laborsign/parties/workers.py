"""Workers as persons, linked to employers by employments; authority grants."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from stdnum.cn import ric

from laborsign.db.tenancy import Scope, ScopeKind
from laborsign.errors import InvalidInput, NotFound, PermissionDenied
from laborsign.i18n import Text
from laborsign.parties import audit
from laborsign.parties.accounts import UowFactory
from laborsign.parties.tables import (
    ADDRESS,
    ID_NUMBER,
    PHONE,
    AuthorityGrantRow,
    EmploymentRow,
    WorkerRow,
)
from laborsign.privacy.cipher import Privacy


@dataclass(frozen=True)
class NewWorker:
    name: str
    id_number: str
    phone: str | None = None
    address: str | None = None


def to_json(row: WorkerRow) -> dict[str, object]:
    # The full ID number and phone are shown masked: the list pages need to recognise a
    # person, not to copy his data.
    return {
        "id": row.id,
        "name": row.name,
        "id_number_masked": row.id_number[:3] + "*" * 11 + row.id_number[-4:],
        "phone_masked": (row.phone[:3] + "****" + row.phone[-4:]) if row.phone else None,
    }


class WorkerService:
    def __init__(self, uow: UowFactory, privacy: Callable[[], Privacy]) -> None:
        self._uow = uow
        self._privacy = privacy

    def register(self, scope: Scope, data: NewWorker, now: datetime) -> dict[str, object]:
        """Register a person with the caller's employer, or link the person already known."""
        if scope.kind is not ScopeKind.EMPLOYER or scope.org_id is None:
            raise PermissionDenied(Text("只有用人单位可以登记劳动者", "employers only"))
        if not ric.is_valid(data.id_number):
            raise InvalidInput(Text("身份证号码无效", "invalid ID number"), field="id_number")
        if not data.name.strip():
            raise InvalidInput(Text("姓名为空", "name is empty"), field="name")
        privacy = self._privacy()
        index = privacy.blind_index(data.id_number, ID_NUMBER)
        # The person may already work (or have worked) elsewhere: found by blind index in
        # the system scope, then linked; nothing of the other employer becomes visible.
        with self._uow(Scope.system()) as lookup:
            existing = lookup.session.scalar(
                select(WorkerRow.id).where(WorkerRow.id_number_index == index)
            )
        with self._uow(scope) as uow:
            s = uow.session
            if existing is None:
                row = WorkerRow(
                    name=data.name.strip(),
                    id_number=ric.compact(data.id_number).upper(),
                    id_number_index=index,
                    phone=data.phone,
                    phone_index=privacy.blind_index(data.phone, PHONE) if data.phone else None,
                    address=data.address,
                    created_at=now,
                )
                s.add(row)
                s.flush()
                worker_id = row.id
            else:
                worker_id = existing
            linked = s.scalar(select(EmploymentRow.id).where(EmploymentRow.worker_id == worker_id))
            if linked is None:
                s.add(EmploymentRow(org_id=scope.org_id, worker_id=worker_id, started_at=now))
                s.flush()
            found = s.get(WorkerRow, worker_id)  # visible now through the employment
            if found is None:
                raise NotFound(Text("劳动者不存在", "no such worker"))
            result = to_json(found)
            uow.commit()
        return result

    def list_for(self, scope: Scope) -> list[dict[str, object]]:
        with self._uow(scope) as uow:
            rows = uow.session.scalars(select(WorkerRow).order_by(WorkerRow.name, WorkerRow.id))
            return [to_json(r) for r in rows]

    def get(self, scope: Scope, worker_id: str) -> dict[str, object]:
        with self._uow(scope) as uow:
            row = uow.session.get(WorkerRow, worker_id)
            if row is None:
                raise NotFound(Text("劳动者不存在", "no such worker"))
            return to_json(row)

    def record_grant(
        self,
        scope: Scope,
        *,
        worker_id: str | None,
        contract_id: str | None,
        case_number: str,
        legal_document: str,
        now: datetime,
    ) -> dict[str, object]:
        """An authority records its legal basis before it reads anything it covers."""
        if scope.kind is not ScopeKind.AUTHORITY:
            raise PermissionDenied(Text("只有劳动行政部门可以登记调阅依据", "authorities only"))
        if not (worker_id or contract_id) or not case_number.strip() or not legal_document.strip():
            raise InvalidInput(
                Text("需要对象、案号和法律文书", "need a subject, a case number and a document"),
                field="case_number",
            )
        if worker_id is not None:
            with self._uow(Scope.system()) as check:
                if check.session.get(WorkerRow, worker_id) is None:
                    raise NotFound(Text("劳动者不存在", "no such worker"), field="worker_id")
        with self._uow(scope) as uow:
            row = AuthorityGrantRow(
                authority_user_id=scope.actor,
                worker_id=worker_id,
                contract_id=contract_id,
                case_number=case_number.strip()[:100],
                legal_document=legal_document.strip()[:500],
                created_at=now,
            )
            uow.session.add(row)
            uow.session.flush()
            audit.record(
                uow.session,
                "authority.grant-recorded",
                audit.staff(scope.actor),
                "ok",
                now,
                subject=f"grant:{row.id}",
            )
            uow.commit()
            return {
                "id": row.id,
                "worker_id": worker_id,
                "contract_id": contract_id,
                "case_number": row.case_number,
            }

    def grants(self, scope: Scope) -> list[dict[str, object]]:
        """The grants the caller may see: an authority its own, a worker those about him."""
        with self._uow(scope) as uow:
            rows = uow.session.scalars(
                select(AuthorityGrantRow).order_by(AuthorityGrantRow.created_at)
            )
            return [
                {
                    "id": r.id,
                    "worker_id": r.worker_id,
                    "contract_id": r.contract_id,
                    "case_number": r.case_number,
                    "legal_document": r.legal_document,
                    "authority": audit.staff(r.authority_user_id),
                }
                for r in rows
            ]


__all__ = ["ADDRESS", "NewWorker", "WorkerService"]
