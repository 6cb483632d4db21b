"""Running an import: chunks of rows through render (worker processes) and the database.

Per chunk, in order:
1. the parent reads the next pending rows (decrypted) and hands them to the pool, which
   renders each draft with its signature fields — while the parent writes the chunk before;
2. workers are found by blind index or created (idempotent: the index is unique);
3. one transaction creates and sends the chunk's contracts (`ContractService.issue_prepared`:
   documents stored, evidence appended in one batch, outbox messages) and marks the rows done
   with their contract ids. A row is claimed there under a row lock: a second run of the same
   import finds it no longer pending and rolls back instead of creating it twice.

A run killed anywhere leaves whole chunks done or not done; running again (the job's retry,
`POST .../start` or `laborsign contracts import --resume`) continues from the first row not
done. With `sign`, a second pass seals (B-T) each contract whose next step is the
employer's signature — in the employer-first order, once the worker confirmed his intent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from laborsign.bulk import pool
from laborsign.bulk.tables import BulkImportRow, BulkImportRowRow
from laborsign.bulk.validation import finding_problem
from laborsign.contracts.lifecycle import SigningOrder, State
from laborsign.contracts.model import Contract
from laborsign.contracts.records import ContractSummary
from laborsign.contracts.rules import Finding
from laborsign.contracts.service import DATA_PURPOSE, PreparedDraft
from laborsign.contracts.tables import ContractRow
from laborsign.db.tenancy import Scope
from laborsign.errors import Conflict, LaborSignError
from laborsign.i18n import Text
from laborsign.parties.roles import Role
from laborsign.parties.tables import (
    ID_NUMBER,
    PHONE,
    EmploymentRow,
    OrganisationRow,
    WorkerRow,
)
from laborsign.signing.service import Organisation

if TYPE_CHECKING:
    from laborsign.bootstrap import Container

log = logging.getLogger(__name__)
CHUNK = 50
Sealed = tuple[str, bytes]  # contract id, the PDF with the employer's seal
Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class Head:
    """What a run needs to know of its import, read once at the start."""

    id: str
    org_id: str
    state: str
    sign: bool
    actor: str  # who started it: the contracts are created (and sealed) in his name


class RowsTaken(Conflict):
    """Another run of the same import created these rows first."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


class ImportRunner:
    def __init__(
        self,
        container: Container,
        *,
        chunk: int = CHUNK,
        workers: int | None = None,
        clock: Clock = _utc_now,
    ) -> None:
        self._c = container
        self._chunk = chunk
        self._workers = workers
        self._clock = clock
        self.worker_cpu = 0.0  # CPU seconds the worker processes spent (benchmarks show it)

    def run(self, import_id: str) -> None:
        head = self._head(import_id)
        resealing = head.state == "done" and head.sign  # contracts confirmed since
        if head.state not in {"queued", "running", "failed"} and not resealing:
            return  # rejected, not started, or already done: nothing to do
        hr = Scope.employer(head.org_id, head.actor, {Role.HR})
        self._set_state(hr, import_id, "running")
        try:
            self._create_all(hr, head)
            if head.sign:
                self._seal_ready(head)
        except Exception as exc:
            self._set_state(hr, import_id, "failed", error=str(exc)[:500])
            raise
        self._set_state(hr, import_id, "done", finished=True)

    # ---- creation --------------------------------------------------------------------------

    def _create_all(self, hr: Scope, head: Head) -> None:
        pending = self._pending(hr, head.id)
        if not pending:
            return
        order = SigningOrder.EMPLOYER_FIRST if head.sign else SigningOrder.WORKER_FIRST
        chunks = [pending[i : i + self._chunk] for i in range(0, len(pending), self._chunk)]
        workers = self._workers or pool.pool_size(len(pending), self._chunk)
        with pool.start_pool(self._c.settings, workers) as executor:
            # Keep one chunk per worker rendering ahead while the parent writes.
            ahead: list[
                tuple[list[tuple[int, str]], Future[tuple[list[pool.Rendered], float]]]
            ] = []
            todo = iter(chunks)
            for _ in range(workers + 1):
                self._submit(executor, todo, ahead)
            while ahead:
                items, future = ahead.pop(0)
                rendered, cpu = future.result()
                self.worker_cpu += cpu
                self._submit(executor, todo, ahead)
                self._write_chunk(hr, head.id, items, rendered, order)

    def _submit(
        self,
        executor: ProcessPoolExecutor,
        todo: Iterator[list[tuple[int, str]]],
        ahead: list[tuple[list[tuple[int, str]], Future[tuple[list[pool.Rendered], float]]]],
    ) -> None:
        items = next(todo, None)
        if items is not None:
            ahead.append((items, executor.submit(pool.render_chunk, items)))

    def _pending(self, scope: Scope, import_id: str) -> list[tuple[int, str]]:
        privacy = self._c.privacy
        with self._c.uow(scope) as uow:
            found = uow.session.execute(
                select(BulkImportRowRow.row_number, BulkImportRowRow.data)
                .where(
                    BulkImportRowRow.import_id == import_id,
                    BulkImportRowRow.state == "pending",
                )
                .order_by(BulkImportRowRow.row_number)
            ).all()
        return [
            (number, privacy.decrypt(data, DATA_PURPOSE, context=f"{import_id}:{number}"))
            for number, data in found
            if data is not None
        ]

    def _write_chunk(
        self,
        hr: Scope,
        import_id: str,
        items: list[tuple[int, str]],
        rendered: list[pool.Rendered],
        order: SigningOrder,
    ) -> None:
        documents = dict(items)
        failed: dict[int, list[dict[str, str]]] = {}
        prepared: list[tuple[int, Contract, bytes]] = []
        for number, pdf, error in rendered:
            if pdf is None:
                failed[number] = [_problem("", Text("排版失败", "rendering failed"), error or "")]
            else:
                prepared.append((number, Contract.model_validate_json(documents[number]), pdf))
        workers = self._workers_for(hr, [c for _, c, _ in prepared])
        drafts = [PreparedDraft(c, pdf, workers[_person(c)]) for _, c, pdf in prepared]
        numbers = [n for n, _, _ in prepared]

        def mark(session: Session, results: list[ContractSummary | list[Finding]]) -> None:
            claimed = session.scalars(
                select(BulkImportRowRow)
                .where(
                    BulkImportRowRow.import_id == import_id,
                    BulkImportRowRow.row_number.in_(list(documents)),
                )
                .with_for_update()
            ).all()
            by_number = {r.row_number: r for r in claimed}
            if any(r.state != "pending" for r in claimed):
                raise RowsTaken(Text("这些行已由另一次运行处理", "rows already processed"))
            done = 0
            for number, result in zip(numbers, results, strict=True):
                row = by_number[number]
                if isinstance(result, list):
                    row.state, row.problems = "failed", [finding_problem(f) for f in result]
                else:
                    row.state, row.contract_id = "done", result.id
                    done += 1
            for number, problems in failed.items():
                by_number[number].state, by_number[number].problems = "failed", problems
            head = session.get(BulkImportRow, import_id, with_for_update=True)
            if head is not None:
                head.rows_done += done
                head.rows_failed += len(documents) - done

        try:
            self._c.contracts.issue_prepared(
                hr, drafts, now=self._clock(), signing_order=order, within=mark
            )
        except RowsTaken:
            log.info("import %s: rows %s were done by another run", import_id, numbers[:1])

    def _workers_for(self, hr: Scope, contracts: Sequence[Contract]) -> dict[str, str]:
        """Blind index → worker id, creating the persons not yet known and linking them to
        the employer (as `WorkerService.register` does, for a whole chunk at once)."""
        privacy = self._c.privacy
        wanted = {_person(c): c for c in contracts}
        indexes = {privacy.blind_index(p, ID_NUMBER): p for p in wanted}
        with self._c.uow(Scope.system()) as lookup:
            found = lookup.session.execute(
                select(WorkerRow.id_number_index, WorkerRow.id).where(
                    WorkerRow.id_number_index.in_(list(indexes))
                )
            ).all()
            known = {index: worker_id for index, worker_id in found}
        now = self._clock()
        with self._c.uow(hr) as uow:
            s = uow.session
            for index, person in indexes.items():
                if index in known:
                    continue
                worker = wanted[person].worker
                row = WorkerRow(
                    name=worker.name,
                    id_number=person,
                    id_number_index=index,
                    phone=worker.phone,
                    phone_index=privacy.blind_index(worker.phone, PHONE),
                    address=worker.residence_address,
                    created_at=now,
                )
                s.add(row)
                s.flush()
                known[index] = row.id
            linked = set(
                s.scalars(
                    select(EmploymentRow.worker_id).where(
                        EmploymentRow.worker_id.in_(list(known.values()))
                    )
                )
            )
            for worker_id in set(known.values()) - linked:
                s.add(EmploymentRow(org_id=hr.org_id, worker_id=worker_id, started_at=now))
            s.flush()
            uow.commit()
        return {indexes[i]: known[i] for i in indexes}

    # ---- sealing ---------------------------------------------------------------------------

    def _seal_ready(self, head: Head) -> None:
        """Seal every contract of the import whose next step is the employer's signature:
        the workers sign chunk after chunk while the parent records the chunk before."""
        signer = Scope.employer(head.org_id, head.actor, {Role.SIGNER})
        with self._c.uow(signer) as uow:
            ready = uow.session.execute(
                select(BulkImportRowRow.row_number, ContractRow.id)
                .join(ContractRow, ContractRow.id == BulkImportRowRow.contract_id)
                .where(
                    BulkImportRowRow.import_id == head.id,
                    BulkImportRowRow.signed.is_(False),
                    ContractRow.state == State.INTENT_CONFIRMED.value,
                    ContractRow.signing_order == SigningOrder.EMPLOYER_FIRST.value,
                )
                .order_by(BulkImportRowRow.row_number)
            ).all()

            org = uow.session.get(OrganisationRow, head.org_id)
            if not ready or org is None:
                return
            organisation = Organisation(org.name, org.credit_code)
        # The key and certificate exist before the workers load them (no two make them).
        self._c.signing.organisation_signer(organisation)
        chunks = [
            [(n, cid) for n, cid in ready[i : i + self._chunk]]
            for i in range(0, len(ready), self._chunk)
        ]
        workers = self._workers or pool.pool_size(len(ready), self._chunk)
        with pool.start_pool(self._c.settings, workers) as executor:
            ahead: list[
                tuple[list[tuple[int, str]], dict[str, int], Future[tuple[list[Sealed], float]]]
            ] = []
            todo = iter(chunks)

            def submit() -> None:
                part = next(todo, None)
                if part is not None:
                    current = {
                        cid: self._c.contracts.current_document(signer, cid) for _, cid in part
                    }
                    future = executor.submit(
                        pool.seal_chunk,
                        [(cid, doc.pdf) for cid, doc in current.items()],
                        organisation.name,
                        organisation.credit_code,
                    )
                    versions = {cid: doc.contract.version for cid, doc in current.items()}
                    ahead.append((part, versions, future))

            for _ in range(workers + 1):
                submit()
            while ahead:
                part, versions, future = ahead.pop(0)
                sealed, cpu = future.result()
                self.worker_cpu += cpu
                submit()
                self._record_seals(signer, head.id, part, versions, sealed)

    def _record_seals(
        self,
        signer: Scope,
        import_id: str,
        part: list[tuple[int, str]],
        versions: dict[str, int],
        sealed: list[Sealed],
    ) -> None:
        """Record a chunk's seals and mark its rows signed in one transaction; when the
        batch is refused (a contract changed meanwhile, e.g. the worker declined), record
        one by one and leave the refused ones unsigned for a later pass."""
        numbers = dict((cid, n) for n, cid in part)
        contracts = self._c.contracts

        def mark(done: list[str]) -> Callable[[Session], None]:
            def within(session: Session) -> None:
                rows = session.scalars(
                    select(BulkImportRowRow).where(
                        BulkImportRowRow.import_id == import_id,
                        BulkImportRowRow.row_number.in_([numbers[c] for c in done]),
                    )
                ).all()
                for row in rows:
                    row.signed = True
                head = session.get(BulkImportRow, import_id)
                if head is not None:
                    head.rows_signed += len(rows)

            return within

        batch = [(cid, versions[cid], pdf) for cid, pdf in sealed]
        try:
            contracts.record_employer_signatures(
                signer, batch, now=self._clock(), within=mark([c for c, _, _ in batch])
            )
        except LaborSignError:
            for item in batch:
                try:
                    contracts.record_employer_signatures(
                        signer, [item], now=self._clock(), within=mark([item[0]])
                    )
                except LaborSignError as exc:
                    log.info("import %s: row %s not sealed: %s", import_id, numbers[item[0]], exc)

    # ---- bookkeeping -----------------------------------------------------------------------

    def _head(self, import_id: str) -> Head:
        with self._c.uow(Scope.system()) as uow:
            row = uow.session.get(BulkImportRow, import_id)
            if row is None:
                raise Conflict(Text("批量导入不存在", "no such import"))
            return Head(row.id, row.org_id, row.state, row.sign, row.started_by or row.created_by)

    def _set_state(
        self,
        scope: Scope,
        import_id: str,
        state: str,
        *,
        error: str | None = None,
        finished: bool = False,
    ) -> None:
        with self._c.uow(scope) as uow:
            head = uow.session.get(BulkImportRow, import_id)
            if head is not None:
                head.state, head.error = state, error
                if finished:
                    head.finished_at = self._clock()
                uow.commit()


def _person(contract: Contract) -> str:
    return contract.worker.id_number.strip().upper()


def _problem(field: str, message: Text, detail: str) -> dict[str, str]:
    en = f"{message.en}: {detail}" if detail else message.en
    return {"field": field, "severity": "error", "zh": message.zh, "en": en, "rule": ""}
