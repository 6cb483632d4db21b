"""The upload asks for a worker's earlier contracts once, however many rules ask."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from laborsign.contracts.earlier_contracts import RememberedEarlierContracts
from laborsign.contracts.model import TermType
from laborsign.contracts.rules.ports import EarlierContract, InMemoryEarlierContracts

FIXED = EarlierContract(
    number="HT-1",
    term_type=TermType.FIXED,
    start_date=date(2020, 1, 1),
    end_date=date(2022, 12, 31),
    probation_end=None,
)


class Counting:
    def __init__(self) -> None:
        self.inner = InMemoryEarlierContracts({("91110000", "11010519491231002X"): [FIXED]})
        self.asked: list[tuple[str, str]] = []

    def between(self, employer: str, worker: str) -> Sequence[EarlierContract]:
        self.asked.append((employer, worker))
        return self.inner.between(employer, worker)


def test_each_pair_is_asked_once_and_answered_the_same() -> None:
    source = Counting()
    remembered = RememberedEarlierContracts(source)
    for _ in range(4):
        assert list(remembered.between("91110000", "11010519491231002X")) == [FIXED]
        assert list(remembered.between("91110000", "110105194912310021")) == []
    assert source.asked == [("91110000", "11010519491231002X"), ("91110000", "110105194912310021")]
