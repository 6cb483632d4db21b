"""The SQL adapter of the rules' `EarlierContracts` port.

Earlier contracts are found by the employer's credit code and the blind index of the
worker's ID number (`contracts.worker_index`), so nothing is decrypted. Only contracts that
were concluded count: drafts, declined, voided and expired contracts never bound anyone.
The adapter reads in the caller's session, under the caller's access scope: an employer sees
only its own contracts, which are exactly the ones with its credit code.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from laborsign.contracts.lifecycle import State
from laborsign.contracts.model import TermType
from laborsign.contracts.rules.ports import EarlierContract
from laborsign.contracts.tables import ContractRow
from laborsign.parties.tables import ID_NUMBER
from laborsign.privacy.cipher import Privacy

CONCLUDED = (State.EFFECTIVE, State.TERMINATED, State.RENEWED, State.AMENDED)


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
        rows = self._session.scalars(
            select(ContractRow)
            .where(
                ContractRow.employer_credit_code == employer_credit_code,
                ContractRow.worker_index == worker_index(self._privacy, worker_id_number),
                ContractRow.state.in_([s.value for s in CONCLUDED]),
            )
            .order_by(ContractRow.term_start)
        )
        return [
            EarlierContract(
                number=row.number,
                term_type=TermType(row.term_type),
                start_date=row.term_start,
                end_date=row.term_end,
                probation_end=row.probation_end,
            )
            for row in rows
        ]
