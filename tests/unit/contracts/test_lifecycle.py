"""The contract state machine: paths of both signing orders, guards, and who may do what."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from laborsign.contracts import lifecycle as lc
from laborsign.contracts.lifecycle import Party, SigningOrder, State
from laborsign.errors import InvalidInput
from laborsign.evidence.events import EventType

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DEADLINE = T0 + timedelta(days=7)


def digest(label: str) -> str:
    return hashlib.sha256(label.encode()).hexdigest()


def draft(order: SigningOrder = SigningOrder.WORKER_FIRST, **kw: object) -> lc.Status:
    warnings = kw.get("warnings", frozenset())
    assert isinstance(warnings, frozenset)
    return lc.create(order, digest("r1"), 0, warnings).status


def run(status: lc.Status, *steps: tuple[lc.Command, Party]) -> tuple[lc.Status, list[EventType]]:
    events = []
    for command, party in steps:
        outcome = lc.apply(status, command, by=party, at=T0)
        status = outcome.status
        events.append(outcome.event)
    return status, events


def prepared(order: SigningOrder) -> lc.Status:
    status, _ = run(
        draft(order),
        (lc.Send(0, frozenset(), DEADLINE), Party.EMPLOYER),
        (lc.AcknowledgeNotice(), Party.WORKER),
        (lc.VerifyIdentity(), Party.WORKER),
        (lc.ConfirmIntent(digest("r1")), Party.WORKER),
    )
    return status


def test_worker_first_happy_path_records_one_event_per_step() -> None:
    status, events = run(
        prepared(SigningOrder.WORKER_FIRST),
        (lc.SignWorker(digest("r1"), digest("r2")), Party.WORKER),
        (lc.SignEmployer(digest("r2"), digest("r3")), Party.EMPLOYER),
        (lc.Complete(digest("r3"), digest("r4")), Party.PLATFORM),
    )
    assert events == [EventType.WORKER_SIGNED, EventType.EMPLOYER_SIGNED, EventType.EFFECTIVE]
    assert status.state is State.EFFECTIVE
    assert (status.revision, status.document_sha256) == (4, digest("r4"))
    assert status.both_signed


def test_employer_first_signs_before_the_worker_after_his_confirmation() -> None:
    status = prepared(SigningOrder.EMPLOYER_FIRST)
    with pytest.raises(lc.TransitionRefused):
        lc.apply(status, lc.SignWorker(digest("r1"), digest("r2")), by=Party.WORKER, at=T0)
    status, events = run(
        status,
        (lc.SignEmployer(digest("r1"), digest("r2")), Party.EMPLOYER),
        # His intent covers r1; r2 differs from it only by the employer's signature.
        (lc.SignWorker(digest("r2"), digest("r3")), Party.WORKER),
        (lc.Complete(digest("r3"), digest("r4")), Party.PLATFORM),
    )
    assert events == [EventType.EMPLOYER_SIGNED, EventType.WORKER_SIGNED, EventType.EFFECTIVE]
    assert status.state is State.EFFECTIVE


def test_send_is_refused_with_errors_and_with_unacknowledged_warnings() -> None:
    status = draft(warnings=frozenset({"w1", "w2"}))
    with pytest.raises(lc.TransitionRefused) as refused:
        lc.apply(status, lc.Send(1, frozenset(), DEADLINE), by=Party.EMPLOYER, at=T0)
    assert refused.value.reason == "has-errors"
    with pytest.raises(lc.TransitionRefused) as refused:
        lc.apply(status, lc.Send(0, frozenset({"w1", "w2"}), DEADLINE), by=Party.EMPLOYER, at=T0)
    assert refused.value.reason == "warnings-unacknowledged"
    status, events = run(
        status,
        (lc.AcknowledgeWarnings(frozenset({"w1", "w2"})), Party.EMPLOYER),
        (lc.Send(0, frozenset({"w1", "w2"}), DEADLINE), Party.EMPLOYER),
    )
    assert events == [EventType.RULES_CHECKED, EventType.SENT]
    assert (status.state, status.expires_at) == (State.SENT, DEADLINE)


def test_send_is_refused_when_the_deadline_is_already_past() -> None:
    with pytest.raises(lc.TransitionRefused) as refused:
        lc.apply(draft(), lc.Send(0, frozenset(), T0), by=Party.EMPLOYER, at=T0)
    assert refused.value.reason == "deadline-past"


def test_acknowledging_an_unknown_warning_is_refused() -> None:
    with pytest.raises(lc.TransitionRefused) as refused:
        lc.apply(
            draft(warnings=frozenset({"w1"})),
            lc.AcknowledgeWarnings(frozenset({"w9"})),
            by=Party.EMPLOYER,
            at=T0,
        )
    assert refused.value.reason == "unknown-warning"


def test_an_update_keeps_only_acknowledgements_of_warnings_still_shown() -> None:
    status, _ = run(
        draft(warnings=frozenset({"w1", "w2"})),
        (lc.AcknowledgeWarnings(frozenset({"w1", "w2"})), Party.EMPLOYER),
        (lc.UpdateDraft(digest("r2"), 0, frozenset({"w2", "w3"})), Party.EMPLOYER),
    )
    assert status.acknowledged == frozenset({"w2"})
    assert (status.revision, status.document_sha256) == (2, digest("r2"))


def test_intent_must_be_confirmed_for_the_current_document() -> None:
    status, _ = run(
        draft(),
        (lc.Send(0, frozenset(), DEADLINE), Party.EMPLOYER),
        (lc.AcknowledgeNotice(), Party.WORKER),
        (lc.VerifyIdentity(), Party.WORKER),
    )
    with pytest.raises(lc.TransitionRefused) as refused:
        lc.apply(status, lc.ConfirmIntent(digest("other")), by=Party.WORKER, at=T0)
    assert refused.value.reason == "stale"


def test_a_signature_over_a_stale_revision_is_refused() -> None:
    status = prepared(SigningOrder.WORKER_FIRST)
    status, _ = run(status, (lc.SignWorker(digest("r1"), digest("r2")), Party.WORKER))
    # A second employer signature computed over r1 (e.g. by a concurrent request) loses.
    with pytest.raises(lc.TransitionRefused) as refused:
        lc.apply(status, lc.SignEmployer(digest("r1"), digest("x")), by=Party.EMPLOYER, at=T0)
    assert refused.value.reason == "stale"


def test_each_command_belongs_to_one_party() -> None:
    status = prepared(SigningOrder.WORKER_FIRST)
    with pytest.raises(lc.WrongParty):
        lc.apply(status, lc.Decline(), by=Party.EMPLOYER, at=T0)
    with pytest.raises(lc.WrongParty):
        lc.apply(status, lc.Void(), by=Party.WORKER, at=T0)
    with pytest.raises(lc.WrongParty):
        lc.apply(status, lc.SignWorker(digest("r1"), digest("r2")), by=Party.EMPLOYER, at=T0)


def test_the_worker_may_decline_until_he_signed() -> None:
    worker_first = prepared(SigningOrder.WORKER_FIRST)
    assert lc.apply(worker_first, lc.Decline(), by=Party.WORKER, at=T0).event is (
        EventType.DECLINED
    )
    signed, _ = run(worker_first, (lc.SignWorker(digest("r1"), digest("r2")), Party.WORKER))
    with pytest.raises(lc.TransitionRefused):
        lc.apply(signed, lc.Decline(), by=Party.WORKER, at=T0)
    employer_first, _ = run(
        prepared(SigningOrder.EMPLOYER_FIRST),
        (lc.SignEmployer(digest("r1"), digest("r2")), Party.EMPLOYER),
    )
    declined = lc.apply(employer_first, lc.Decline(), by=Party.WORKER, at=T0)
    assert declined.status.state is State.DECLINED


def test_nothing_voids_or_expires_a_contract_both_parties_signed() -> None:
    status, _ = run(
        prepared(SigningOrder.WORKER_FIRST),
        (lc.SignWorker(digest("r1"), digest("r2")), Party.WORKER),
        (lc.SignEmployer(digest("r2"), digest("r3")), Party.EMPLOYER),
    )
    later = DEADLINE + timedelta(days=1)
    with pytest.raises(lc.TransitionRefused):
        lc.apply(status, lc.Void(), by=Party.EMPLOYER, at=later)
    with pytest.raises(lc.TransitionRefused):
        lc.apply(status, lc.Expire(), by=Party.PLATFORM, at=later)
    assert lc.allowed(status) == [lc.Action.COMPLETE]


def test_expiry_needs_the_deadline_to_have_passed() -> None:
    status, _ = run(draft(), (lc.Send(0, frozenset(), DEADLINE), Party.EMPLOYER))
    with pytest.raises(lc.TransitionRefused) as refused:
        lc.apply(status, lc.Expire(), by=Party.PLATFORM, at=DEADLINE - timedelta(seconds=1))
    assert refused.value.reason == "not-due"
    expired = lc.apply(status, lc.Expire(), by=Party.PLATFORM, at=DEADLINE)
    assert (expired.status.state, expired.event) == (State.EXPIRED, EventType.EXPIRED)


def test_a_draft_cannot_expire_and_may_be_voided() -> None:
    with pytest.raises(lc.TransitionRefused):
        lc.apply(draft(), lc.Expire(), by=Party.PLATFORM, at=DEADLINE)
    assert lc.apply(draft(), lc.Void(), by=Party.EMPLOYER, at=T0).status.state is State.VOIDED


def test_times_must_carry_a_timezone_and_digests_must_be_sha256() -> None:
    with pytest.raises(InvalidInput):
        lc.apply(draft(), lc.Void(), by=Party.EMPLOYER, at=datetime(2026, 1, 1))
    with pytest.raises(InvalidInput):
        lc.ConfirmIntent("not-a-digest")
    with pytest.raises(InvalidInput):
        lc.SignWorker(digest("a"), digest("a"))


def test_every_state_has_a_name_and_the_tables_name_only_known_events() -> None:
    assert set(lc.STATE_NAMES) == set(State)
    assert set(lc.ACTION_NAMES) == set(lc.Action)
    for order in SigningOrder:
        for transition in lc.transitions(order):
            assert transition.source not in lc.TERMINAL
            assert transition.target is not State.DRAFT or transition.source is State.DRAFT
