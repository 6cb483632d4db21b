"""The SQL adapter of the rules' `EarlierContracts` port.

Earlier contracts are found by the employer's credit code and the blind index of the
worker's ID number (`contracts.worker_index`), so nothing is decrypted. Only contracts that
were concluded count: drafts, declined, voided and expired contracts never bound anyone.
The adapter reads in the caller's session, under the caller's access scope: an employer sees
only its own contracts, which are exactly the ones with its credit code.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from laborsign.contracts.lifecycle import State
from laborsign.contracts.model import Contract, TermType
from laborsign.contracts.rules.identity import compact_id
from laborsign.contracts.rules.ports import EarlierContract, EarlierContracts
from laborsign.contracts.tables import ContractRow
from laborsign.parties.tables import ID_NUMBER
from laborsign.privacy.cipher import Privacy

CONCLUDED = (State.EFFECTIVE, State.TERMINATED, State.RENEWED, State.AMENDED)
_BATCH = 500  # blind indexes per IN list: well below every database's parameter limit


def worker_index(privacy: Privacy, id_number: str) -> str:
    """The blind index of an ID number, the same as `workers.id_number_index`."""
    return privacy.blind_index(id_number, ID_NUMBER)


class SqlEarlierContracts:
    def __init__(self, session: Session, privacy: Privacy) -> None:
        self._session = session
        self._privacy = privacy

    def between(
        self, employer_credit_code: str, worker_id_number: str
    ) -> Sequence[EarlierContract]:
        return self.between_many(employer_credit_code, [worker_id_number])[worker_id_number]

    def between_many(
        self, employer_credit_code: str, worker_id_numbers: Iterable[str]
    ) -> dict[str, list[EarlierContract]]:
        """`between` for many workers of one employer, in one query per 500 of them."""
        by_index = {worker_index(self._privacy, n): n for n in worker_id_numbers}
        found: dict[str, list[EarlierContract]] = {n: [] for n in by_index.values()}
        indexes = sorted(by_index)
        for start in range(0, len(indexes), _BATCH):
            rows = self._session.scalars(
                select(ContractRow)
                .where(
                    ContractRow.employer_credit_code == employer_credit_code,
                    ContractRow.worker_index.in_(indexes[start : start + _BATCH]),
                    ContractRow.state.in_([s.value for s in CONCLUDED]),
                )
                .order_by(ContractRow.term_start)
            )
            for row in rows:
                found[by_index[row.worker_index]].append(
                    EarlierContract(
                        number=row.number,
                        term_type=TermType(row.term_type),
                        start_date=row.term_start,
                        end_date=row.term_end,
                        probation_end=row.probation_end,
                    )
                )
        return found


class RememberedEarlierContracts:
    """`EarlierContracts` that asks its source once per employer and worker.

    Several history rules ask for the same pair while one contract is checked, and a bulk
    run checks many workers of one employer: `preload` fetches them all in one query.
    Within one transaction the answer cannot change, so it is asked once.
    """

    def __init__(self, source: SqlEarlierContracts | EarlierContracts) -> None:
        self._source = source
        self._known: dict[tuple[str, str], Sequence[EarlierContract]] = {}

    def preload(self, contracts: Iterable[Contract]) -> None:
        """Fetch the earlier contracts of every worker of `contracts` (keyed as the rules
        ask: the credit code and the compacted ID number)."""
        if not isinstance(self._source, SqlEarlierContracts):
            return
        wanted: dict[str, set[str]] = {}
        for contract in contracts:
            wanted.setdefault(contract.employer.credit_code, set()).add(
                compact_id(contract.worker.id_number)
            )
        for credit_code, numbers in wanted.items():
            for number, found in self._source.between_many(credit_code, numbers).items():
                self._known[(credit_code, number)] = tuple(found)

    def between(
        self, employer_credit_code: str, worker_id_number: str
    ) -> Sequence[EarlierContract]:
        key = (employer_credit_code, worker_id_number)
        if key not in self._known:
            self._known[key] = tuple(self._source.between(employer_credit_code, worker_id_number))
        return self._known[key]
