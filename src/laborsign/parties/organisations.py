"""Organisations: employers and dispatch agencies, with their organisation certificate."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from stdnum.cn import uscc

from laborsign.db.tenancy import Scope
from laborsign.errors import Conflict, InvalidInput, NotFound
from laborsign.i18n import Text
from laborsign.parties import audit
from laborsign.parties.accounts import UowFactory
from laborsign.parties.tables import OrganisationRow

if TYPE_CHECKING:
    from laborsign.pki.ca import BuiltInCA
    from laborsign.signing.keys import KeyStore

KINDS = ("employer", "dispatch_agency")
CERTIFICATE_DAYS = 365


@dataclass(frozen=True)
class NewOrganisation:
    kind: str
    name: str
    credit_code: str
    legal_representative: str
    registered_address: str
    phone: str
    business_address: str | None = None
    dispatch_licence: str | None = None

    def checked(self) -> NewOrganisation:
        if self.kind not in KINDS:
            raise InvalidInput(
                Text("单位类型无效", "kind: employer or dispatch_agency"), field="kind"
            )
        if not uscc.is_valid(self.credit_code):
            raise InvalidInput(
                Text("统一社会信用代码无效", "invalid unified social credit code"),
                field="credit_code",
            )
        if self.kind == "dispatch_agency" and not self.dispatch_licence:
            raise InvalidInput(
                Text("劳务派遣单位需要劳务派遣经营许可证号", "a dispatch agency needs its licence"),
                field="dispatch_licence",
            )
        for name in ("name", "legal_representative", "registered_address", "phone"):
            if not str(getattr(self, name)).strip():
                raise InvalidInput(Text("必填项为空", "required field is empty"), field=name)
        return self


def to_json(row: OrganisationRow) -> dict[str, object]:
    return {
        "id": row.id,
        "kind": row.kind,
        "name": row.name,
        "credit_code": row.credit_code,
        "legal_representative": row.legal_representative,
        "registered_address": row.registered_address,
        "business_address": row.business_address,
        "phone": row.phone,
        "dispatch_licence": row.dispatch_licence,
        "certificate_serial": row.certificate_serial,
    }


class OrganisationService:
    def __init__(
        self,
        uow: UowFactory,
        ca: Callable[[], BuiltInCA] | None = None,
        key_store: Callable[[], KeyStore] | None = None,
        key_algorithm: str = "ec-p256",
    ) -> None:
        # CA and key store are fetched only when a certificate is issued.
        self._uow = uow
        self._ca = ca
        self._store = key_store
        self._algorithm = key_algorithm

    def create(self, scope: Scope, data: NewOrganisation, now: datetime) -> dict[str, object]:
        data = data.checked()
        code = uscc.compact(data.credit_code)
        # The check runs in the system scope: a code taken by an organisation the caller
        # cannot see is still taken (the unique constraint would say so anyway).
        with self._uow(Scope.system()) as check:
            taken = check.session.scalar(
                select(OrganisationRow.id).where(OrganisationRow.credit_code == code)
            )
        if taken:
            raise Conflict(
                Text("该统一社会信用代码已登记", "credit code already registered"),
                field="credit_code",
            )
        # Issued before our transaction opens: the CA records its certificate in a
        # transaction of its own, which must not wait for ours (SQLite has one writer).
        serial = self._issue_certificate(data.name.strip(), code, now)
        with self._uow(scope) as uow:
            s = uow.session
            row = OrganisationRow(
                kind=data.kind,
                name=data.name.strip(),
                credit_code=code,
                legal_representative=data.legal_representative.strip(),
                registered_address=data.registered_address.strip(),
                business_address=data.business_address,
                phone=data.phone.strip(),
                dispatch_licence=data.dispatch_licence,
                certificate_serial=serial,
                created_at=now,
            )
            s.add(row)
            s.flush()
            audit.record(s, "organisation.created", scope.actor, "ok", now, subject=f"org:{row.id}")
            uow.commit()
            return to_json(row)

    def _issue_certificate(self, name: str, code: str, now: datetime) -> str | None:
        if self._ca is None or self._store is None:
            return None
        from laborsign.signing.keys import check_algorithm
        from laborsign.signing.service import organisation_label

        store = self._store()
        label = organisation_label(code)
        if not store.exists(label):
            store.generate(label, check_algorithm(self._algorithm))
        certificate = self._ca().issue_organisation_certificate(
            store.public_key(label), name[:64], code, CERTIFICATE_DAYS, now=now
        )
        return f"{certificate.serial_number:x}"

    def list_for(self, scope: Scope) -> list[dict[str, object]]:
        with self._uow(scope) as uow:
            rows = uow.session.scalars(select(OrganisationRow).order_by(OrganisationRow.name))
            return [to_json(r) for r in rows]

    def get(self, scope: Scope, org_id: str) -> dict[str, object]:
        with self._uow(scope) as uow:
            row = uow.session.get(OrganisationRow, org_id)
            if row is None:
                raise NotFound(Text("单位不存在", "no such organisation"))
            return to_json(row)
