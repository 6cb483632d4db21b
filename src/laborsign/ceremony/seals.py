"""Each organisation's seal: uploaded (a PNG, checked) or, without an upload, the standard
round red seal the platform draws from the organisation's name."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from laborsign.ceremony.images import SEAL, check_png
from laborsign.ceremony.tables import OrganisationSealRow
from laborsign.db.tenancy import Scope, ScopeKind
from laborsign.db.uow import UnitOfWork
from laborsign.errors import NotFound, PermissionDenied
from laborsign.i18n import Text
from laborsign.parties.roles import Role
from laborsign.parties.tables import OrganisationRow
from laborsign.signing.service import organisation_seal
from laborsign.storage.ports import DocumentStore

SEAL_KEEPERS = frozenset({Role.EMPLOYER_ADMIN})


class Seals:
    def __init__(
        self, uow: Callable[..., UnitOfWork], documents: Callable[[], DocumentStore]
    ) -> None:
        self._uow = uow
        self._documents = documents

    def upload(self, scope: Scope, org_id: str, png: bytes, now: datetime) -> dict[str, object]:
        if scope.kind is not ScopeKind.EMPLOYER or not scope.has_role(SEAL_KEEPERS):
            raise PermissionDenied(
                Text(
                    "只有单位管理员可以上传印章", "only the employer's administrator uploads seals"
                )
            )
        with self._uow(scope) as uow:
            # Through the caller's scope: another organisation's id is simply not found.
            if uow.session.get(OrganisationRow, org_id) is None or scope.org_id != org_id:
                raise NotFound(Text("用人单位不存在", "no such organisation"), field="org_id")
        check_png(png, SEAL, "seal")
        ref = self._documents().put(org_id, png, "image/png")
        with self._uow(Scope.system()) as uow:
            row = uow.session.get(OrganisationSealRow, org_id)
            if row is None:
                row = OrganisationSealRow(org_id=org_id)
                uow.session.add(row)
            row.sha256, row.size = ref.sha256, ref.size
            row.uploaded_by, row.uploaded_at = scope.actor, now
            uow.commit()
        return {"org_id": org_id, "sha256": ref.sha256, "size": ref.size}

    def image(self, org_id: str, name: str) -> bytes:
        """The seal to sign with: the uploaded one, else the generated one."""
        with self._uow(Scope.system()) as uow:
            row = uow.session.get(OrganisationSealRow, org_id)
            sha = row.sha256 if row is not None else None
        if sha is None:
            return organisation_seal(name)
        return self._documents().get(org_id, sha)
