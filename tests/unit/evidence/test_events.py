"""Evidence events: canonical bytes, no personal data in clear."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from laborsign.errors import InvalidInput
from laborsign.evidence.events import Event, EventType, pseudonym

AT = datetime(2025, 3, 1, 8, 30, 15, 123456, tzinfo=UTC)
DIGEST = hashlib.sha256(b"contract.pdf").hexdigest()


def _event(**changes: object) -> Event:
    values: dict[str, object] = {
        "type": EventType.WORKER_SIGNED,
        "contract": "c-2025-0001",
        "actor": pseudonym(b"k" * 32, "worker", "110101199003071234"),
        "at": AT,
        "artifacts": {"document": DIGEST},
        "extra": {"signing_order": "worker-first", "attempt": 1},
    }
    values.update(changes)
    return Event(**values)  # type: ignore[arg-type]


def test_entry_is_canonical_json_with_the_documented_fields() -> None:
    entry = _event().entry()
    data = json.loads(entry)
    assert list(data) == sorted(data)  # RFC 8785 sorts keys
    assert data["at"] == "2025-03-01T08:30:15.123Z"
    assert data["v"] == 1 and data["type"] == "worker.signed"
    assert b" " not in entry.replace(b"worker-first", b"")
    assert Event.from_entry(entry) == _event(at=AT.replace(microsecond=123000))


def test_times_in_other_zones_are_written_in_utc() -> None:
    shanghai = AT.astimezone(timezone(timedelta(hours=8)))
    assert _event(at=shanghai).entry() == _event().entry()
    with pytest.raises(InvalidInput):
        _event(at=AT.replace(tzinfo=None))


@pytest.mark.parametrize(
    "changes",
    [
        {"actor": "110101199003071234"},  # identity number as actor
        {"contract": "13812345678"},  # phone as contract id
        {"extra": {"note": "call 13812345678"}},
        {"extra": {"id": "11010119900307123X"}},
        {"extra": {"phone": 13812345678}},
        {"artifacts": {"document": DIGEST.upper()}},
        {"artifacts": {"Document Name": DIGEST}},
        {"extra": {"nested": ["x"]}},
        {"extra": {f"k{i}": i for i in range(17)}},
        {"actor": "张三"},
    ],
)
def test_personal_data_and_malformed_fields_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(InvalidInput):
        _event(**changes)


def test_non_canonical_entries_are_refused() -> None:
    entry = _event().entry()
    with pytest.raises(InvalidInput):
        Event.from_entry(json.dumps(json.loads(entry), indent=1).encode())
    with pytest.raises(InvalidInput):
        Event.from_entry(b"not json")


@given(identifier=st.text(min_size=1, max_size=40), kind=st.sampled_from(["worker", "hr"]))
def test_pseudonyms_never_look_like_personal_numbers(identifier: str, kind: str) -> None:
    actor = pseudonym(b"secret", kind, identifier)
    assert _event(actor=actor).actor == actor
    assert actor != pseudonym(b"other", kind, identifier)


@given(st.uuids())
def test_identifiers_are_never_mistaken_for_personal_numbers(identifier: uuid.UUID) -> None:
    # Digit runs inside a UUID once made about one contract in a hundred unloggable.
    assert _event(contract=str(identifier)).contract == str(identifier)


@pytest.mark.parametrize(
    "identifier",
    ["a13812345678b-0000", "7c13912345678d4e-1111-2222-3333-444455556666", "f110101199003071234e"],
)
def test_digit_runs_inside_identifiers_are_accepted(identifier: str) -> None:
    assert _event(contract=identifier).contract == identifier


@pytest.mark.parametrize(
    "text", ["电话13812345678", "身份证110101199003071234。", "call 13812345678"]
)
def test_numbers_in_text_are_still_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        _event(extra={"note": text})
