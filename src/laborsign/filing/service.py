"""Use cases of filing: export an employer's concluded contracts, download an export, push it
to the configured labor-department endpoint and retry until a receipt comes back.

Every export is an evidence event (`filing.exported`: the pseudonym of who exported, the
SHA-256 of the exported bytes, format and count), appended in the transaction that records
the export; a delivery that obtained a receipt appends `contract.filed` with the receipt's
digest. The exported bytes hold personal data and live in the document store, encrypted
under the employer's tenant key, never in the database.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol, cast

from sqlalchemy import CursorResult, select, update

from laborsign.contracts.earlier_contracts import CONCLUDED
from laborsign.contracts.model import Contract, Employer
from laborsign.contracts.tables import ContractDocumentRow, ContractRow
from laborsign.db.tenancy import Scope, ScopeKind
from laborsign.db.uow import UnitOfWork
from laborsign.errors import ConfigurationError, InvalidInput, NotFound, PermissionDenied
from laborsign.evidence.events import Event, EventType, pseudonym
from laborsign.evidence.log import EvidenceLog
from laborsign.evidence.note import b64
from laborsign.evidence.publish import latest_checkpoint
from laborsign.evidence.sequence import append_contract_events
from laborsign.evidence.tables import EvidenceLeafRow
from laborsign.filing import build
from laborsign.filing.codes import CODES_MEDIA_TYPE, codes_json
from laborsign.filing.push import PushClient
from laborsign.filing.roster import XLSX, roster_xlsx
from laborsign.filing.schema import FilingBatch
from laborsign.filing.signatures import read_signatures
from laborsign.filing.tables import FilingAttemptRow, FilingDeliveryRow, FilingExportRow
from laborsign.filing.xml_format import to_xml
from laborsign.i18n import Text
from laborsign.jobs.backoff import from_schedule
from laborsign.parties.tables import OrganisationRow
from laborsign.storage.ports import DocumentStore

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
COMPLETED = "completed"  # contract_documents.kind of the final, timestamped PDF
LEASE = timedelta(minutes=2)  # a claimed delivery is left alone this long


class ExportFormat(StrEnum):
    JSON = "json"
    XML = "xml"
    ROSTER_XLSX = "roster_xlsx"
    CODES = "codes"


_OUTPUT: dict[ExportFormat, tuple[str, str, Callable[[FilingBatch], bytes]]] = {
    ExportFormat.JSON: (
        "application/json",
        "json",
        lambda b: b.model_dump_json(indent=2).encode(),
    ),
    ExportFormat.XML: ("application/xml", "xml", to_xml),
    ExportFormat.ROSTER_XLSX: (XLSX, "xlsx", roster_xlsx),
    ExportFormat.CODES: (CODES_MEDIA_TYPE, "codes.json", codes_json),
}


class _Detail(Protocol):
    @property
    def data(self) -> Contract: ...


class ContractReader(Protocol):
    def get(self, scope: Scope, contract_id: str) -> _Detail: ...


@dataclass(frozen=True, slots=True)
class ExportInfo:
    id: str
    org_id: str
    format: str
    media_type: str
    filename: str
    sha256: str
    size: int
    contracts: int
    created_at: datetime
    evidence_leaf: int

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "org_id": self.org_id,
            "format": self.format,
            "media_type": self.media_type,
            "filename": self.filename,
            "sha256": self.sha256,
            "size": self.size,
            "contracts": self.contracts,
            "created_at": self.created_at.isoformat(),
            "evidence_leaf": self.evidence_leaf,
        }


@dataclass(frozen=True, slots=True)
class DeliveryInfo:
    id: str
    export_id: str
    status: str
    attempts: int
    receipt_id: str | None
    next_attempt_at: datetime | None


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _info(row: FilingExportRow) -> ExportInfo:
    return ExportInfo(
        row.id,
        row.org_id,
        row.format,
        row.media_type,
        row.filename,
        row.sha256,
        row.size,
        row.contracts,
        _utc(row.created_at),
        row.evidence_leaf,
    )


def _delivery(row: FilingDeliveryRow) -> DeliveryInfo:
    return DeliveryInfo(
        row.id,
        row.export_id,
        row.status,
        row.attempts,
        row.receipt_id,
        _utc(row.next_attempt_at) if row.next_attempt_at else None,
    )


def _employer(org: OrganisationRow) -> Employer:
    return Employer(
        name=org.name,
        credit_code=org.credit_code,
        legal_representative=org.legal_representative,
        registered_address=org.registered_address,
        business_address=org.business_address or org.registered_address,
        phone=org.phone,
        dispatch_licence=org.dispatch_licence,
    )


class FilingService:
    def __init__(
        self,
        uow: Callable[[Scope], UnitOfWork],
        contracts: Callable[[], ContractReader],
        documents: Callable[[], DocumentStore],
        secret: bytes,
        origin: str,
        *,
        log: EvidenceLog | None = None,
        push_client: Callable[[], PushClient | None] = lambda: None,
        retry_schedule: Sequence[int] = (60, 300, 1800),
    ) -> None:
        self._uow = uow
        self._contracts = contracts
        self._documents = documents
        self._secret = secret
        self._origin = origin
        self._log = log or EvidenceLog()
        self._push_client = push_client
        self._schedule = list(retry_schedule)

    # ---- exports ----------------------------------------------------------------------------

    def build_batch(
        self, scope: Scope, now: datetime, contract_ids: Sequence[str] | None = None
    ) -> FilingBatch:
        """The canonical batch of the scope's employer: its concluded contracts (or those
        named), with signatures read from each final PDF and their evidence leaves."""
        org_id = _org_of(scope)
        with self._uow(scope) as uow:
            s = uow.session
            org = s.get(OrganisationRow, org_id)
            if org is None:
                raise NotFound(Text("用人单位不存在", "no such organisation"))
            employer = _employer(org)
            query = select(ContractRow).where(
                ContractRow.org_id == org_id,
                ContractRow.state.in_([c.value for c in CONCLUDED]),
            )
            if contract_ids is not None:
                query = query.where(ContractRow.id.in_(list(contract_ids)))
            rows = list(s.scalars(query.order_by(ContractRow.number)))
            if contract_ids is not None and len(rows) != len(set(contract_ids)):
                raise NotFound(
                    Text(
                        "部分合同不存在或尚未订立",
                        "some contracts do not exist or are not concluded",
                    ),
                    field="contract_ids",
                )
            facts = []
            for row in rows:
                document = s.scalars(
                    select(ContractDocumentRow)
                    .where(
                        ContractDocumentRow.contract_id == row.id,
                        ContractDocumentRow.kind == COMPLETED,
                    )
                    .order_by(ContractDocumentRow.revision.desc())
                ).first()
                if document is None or row.completed_at is None:
                    continue  # concluded without a stored final document: nothing to file
                leaves = list(
                    s.scalars(
                        select(EvidenceLeafRow.leaf_index)
                        .where(EvidenceLeafRow.contract_id == row.id)
                        .order_by(EvidenceLeafRow.leaf_index)
                    )
                )
                facts.append(
                    (row.id, row.number, row.state, _utc(row.completed_at), document.sha256, leaves)
                )
            checkpoint = latest_checkpoint(s)
        log = build.LogState(
            self._origin,
            checkpoint.checkpoint.size if checkpoint else None,
            b64(checkpoint.checkpoint.root_hash) if checkpoint else None,
        )
        stored = []
        for cid, number, state, concluded, document_sha256, leaves in facts:
            pdf = self._documents().get(org_id, document_sha256)
            stored.append(
                build.StoredContract(
                    id=cid,
                    number=number,
                    state=state,
                    data=self._contracts().get(scope, cid).data,
                    concluded_at=concluded,
                    document_sha256=document_sha256,
                    document_size=len(pdf),
                    signatures=read_signatures(pdf),
                    leaf_indexes=leaves,
                )
            )
        return build.batch(str(uuid.uuid4()), employer, stored, log, now)

    def export(
        self,
        scope: Scope,
        fmt: ExportFormat,
        now: datetime,
        contract_ids: Sequence[str] | None = None,
    ) -> tuple[ExportInfo, bytes]:
        """Export in one format; store it; record the evidence event. Returns it and its bytes."""
        batch = self.build_batch(scope, now, contract_ids)
        media_type, extension, render = _OUTPUT[fmt]
        content = render(batch)
        digest = hashlib.sha256(content).hexdigest()
        org_id = _org_of(scope)
        self._documents().put(org_id, content, media_type)
        export_id = batch.batch_id
        actor = pseudonym(self._secret, "staff", scope.actor)
        with self._uow(scope) as uow:
            s = uow.session
            event = Event(
                EventType.FILING_EXPORTED,
                f"export:{export_id}",
                actor,
                now,
                {"export": digest},
                {"format": fmt.value, "contracts": len(batch.contracts), "bytes": len(content)},
            )
            leaf = append_contract_events(s, self._log, [event]).start
            row = FilingExportRow(
                id=export_id,
                org_id=org_id,
                format=fmt.value,
                contracts=len(batch.contracts),
                sha256=digest,
                size=len(content),
                media_type=media_type,
                filename=f"filing-{now:%Y%m%d}-{export_id[:8]}.{extension}",
                created_by=actor,
                created_at=now,
                evidence_leaf=leaf,
            )
            s.add(row)
            s.flush()
            info = _info(row)
            uow.commit()
        return info, content

    def download(self, scope: Scope, export_id: str) -> tuple[ExportInfo, bytes]:
        with self._uow(scope) as uow:
            row = uow.session.get(FilingExportRow, export_id)
            if row is None:
                raise NotFound(Text("导出不存在", "no such export"), field="export_id")
            info = _info(row)
        return info, self._documents().get(info.org_id, info.sha256)

    # ---- push ------------------------------------------------------------------------------

    def push(self, scope: Scope, export_id: str, now: datetime) -> DeliveryInfo:
        """Queue a JSON export for the labor-department endpoint and make the first attempt."""
        client = self._client()
        with self._uow(scope) as uow:
            s = uow.session
            export = s.get(FilingExportRow, export_id)
            if export is None:
                raise NotFound(Text("导出不存在", "no such export"), field="export_id")
            if export.format != ExportFormat.JSON.value:
                raise InvalidInput(
                    Text("只能报送规范 JSON 格式的导出", "only canonical JSON exports are pushed"),
                    field="export_id",
                )
            row = FilingDeliveryRow(
                id=str(uuid.uuid4()),
                org_id=export.org_id,
                export_id=export.id,
                url=client.url,
                status=PENDING,
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
            s.add(row)
            s.flush()
            delivery_id = row.id
            uow.commit()
        return self.deliver(delivery_id, now) or self.delivery(Scope.system(), delivery_id)

    def due(self, now: datetime, limit: int = 200) -> list[str]:
        with self._uow(Scope.system()) as uow:
            return list(
                uow.session.scalars(
                    select(FilingDeliveryRow.id)
                    .where(
                        FilingDeliveryRow.status == PENDING,
                        FilingDeliveryRow.next_attempt_at <= now,
                    )
                    .order_by(FilingDeliveryRow.next_attempt_at)
                    .limit(limit)
                )
            )

    def deliver(self, delivery_id: str, now: datetime) -> DeliveryInfo | None:
        """One attempt if the delivery is due (None otherwise); on failure the next attempt
        is scheduled, after the last one the delivery fails."""
        claimed = self._claim(delivery_id, now)
        if claimed is None:
            return None
        attempt, org_id, sha256, batch_id = claimed
        body = self._documents().get(org_id, sha256)
        outcome = self._client().push(delivery_id, batch_id, body, now)
        with self._uow(Scope.system()) as uow:
            s = uow.session
            row = s.get_one(FilingDeliveryRow, delivery_id)
            s.add(
                FilingAttemptRow(
                    delivery_id=delivery_id,
                    org_id=org_id,
                    attempted_at=now,
                    status_code=outcome.status_code,
                    error=outcome.error,
                    response_excerpt=outcome.excerpt,
                )
            )
            if outcome.delivered:
                row.status, row.delivered_at, row.next_attempt_at = DELIVERED, now, None
                row.receipt_id, row.receipt = outcome.receipt_id, outcome.excerpt
                receipt = hashlib.sha256((outcome.excerpt or "").encode()).hexdigest()
                append_contract_events(
                    s,
                    self._log,
                    [
                        Event(
                            EventType.FILED,
                            f"export:{batch_id}",
                            "platform",
                            now,
                            {"export": sha256, "receipt": receipt},
                            {"delivery": delivery_id, "attempt": attempt},
                        )
                    ],
                )
            else:
                delay = from_schedule(attempt, self._schedule)
                row.status = FAILED if delay is None else PENDING
                row.next_attempt_at = None if delay is None else now + delay
            s.flush()
            info = _delivery(row)
            uow.commit()
        return info

    def delivery(self, scope: Scope, delivery_id: str) -> DeliveryInfo:
        with self._uow(scope) as uow:
            row = uow.session.get(FilingDeliveryRow, delivery_id)
            if row is None:
                raise NotFound(Text("报送记录不存在", "no such delivery"), field="delivery_id")
            return _delivery(row)

    def attempts(self, scope: Scope, delivery_id: str) -> list[dict[str, object]]:
        """The delivery log of one delivery, oldest first."""
        with self._uow(scope) as uow:
            rows = uow.session.scalars(
                select(FilingAttemptRow)
                .where(FilingAttemptRow.delivery_id == delivery_id)
                .order_by(FilingAttemptRow.id)
            )
            return [
                {
                    "attempted_at": _utc(r.attempted_at).isoformat(),
                    "status_code": r.status_code,
                    "error": r.error,
                }
                for r in rows
            ]

    def _claim(self, delivery_id: str, now: datetime) -> tuple[int, str, str, str] | None:
        with self._uow(Scope.system()) as uow:
            s = uow.session
            result = cast(
                CursorResult[Any],
                s.execute(
                    update(FilingDeliveryRow)
                    .where(
                        FilingDeliveryRow.id == delivery_id,
                        FilingDeliveryRow.status == PENDING,
                        FilingDeliveryRow.next_attempt_at <= now,
                    )
                    .values(next_attempt_at=now + LEASE, attempts=FilingDeliveryRow.attempts + 1)
                    .execution_options(synchronize_session=False)
                ),
            )
            if result.rowcount != 1:
                return None
            row = s.get_one(FilingDeliveryRow, delivery_id)
            export = s.get_one(FilingExportRow, row.export_id)
            claimed = (row.attempts, row.org_id, export.sha256, export.id)
            uow.commit()
        return claimed

    def _client(self) -> PushClient:
        client = self._push_client()
        if client is None:
            raise ConfigurationError(
                Text(
                    "未配置劳动行政部门报送地址（LABORSIGN_FILING_PUSH_URL、_SECRET）",
                    "no labor-department endpoint configured (LABORSIGN_FILING_PUSH_URL, _SECRET)",
                ),
                field="filing_push_url",
            )
        return client


def _org_of(scope: Scope) -> str:
    if scope.kind is not ScopeKind.EMPLOYER or scope.org_id is None:
        raise PermissionDenied(Text("只有用人单位可以导出报送数据", "employers only"))
    return scope.org_id
