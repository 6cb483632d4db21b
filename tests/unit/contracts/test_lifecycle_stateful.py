"""Random command sequences against the state machine (hypothesis stateful testing).

Commands are drawn with any party and with digests that are sometimes right and sometimes
stale, so guards and refusals are exercised as much as the happy path.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from laborsign.contracts import lifecycle as lc
from laborsign.contracts.lifecycle import Party, SigningOrder, State
from laborsign.errors import LaborSignError
from laborsign.evidence.events import EventType

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
POOL = [hashlib.sha256(bytes([i])).hexdigest() for i in range(4)]
WARNINGS = ["w1", "w2"]

parties = st.sampled_from(list(Party))
warning_sets = st.frozensets(st.sampled_from(WARNINGS))


class ContractMachine(RuleBasedStateMachine):
    status: lc.Status
    events: list[EventType]
    now: datetime

    @initialize(order=st.sampled_from(list(SigningOrder)), warnings=warning_sets)
    def start(self, order: SigningOrder, warnings: frozenset[str]) -> None:
        outcome = lc.create(order, POOL[0], 0, warnings)
        self.status, self.events, self.now = outcome.status, [outcome.event], T0
        self.fresh = 0

    def _new_digest(self) -> str:
        self.fresh += 1
        return hashlib.sha256(f"fresh-{self.fresh}".encode()).hexdigest()

    def _digest(self, data: st.DataObject) -> str:
        """The current document's digest most of the time, else a stale or unknown one."""
        return data.draw(
            st.one_of(st.just(self.status.document_sha256), st.sampled_from(POOL)), "digest"
        )

    def _try(self, command: lc.Command, party: Party) -> None:
        before = self.status
        try:
            outcome = lc.apply(before, command, by=party, at=self.now)
        except LaborSignError:
            return  # refused: the status is a value, so nothing changed
        assert before.state not in lc.TERMINAL, "a terminal state accepted a command"
        assert before.state is not State.EFFECTIVE, "an effective contract accepted a command"
        transition = lc.TRANSITIONS[before.order][(before.state, command.action)]
        assert outcome.event is transition.event
        assert party is transition.party
        self.status = outcome.status
        self.events.append(outcome.event)
        event(f"reached {self.status.state.value}")

    @rule(errors=st.integers(0, 1), warnings=warning_sets, party=parties)
    def update(self, errors: int, warnings: frozenset[str], party: Party) -> None:
        self._try(lc.UpdateDraft(self._new_digest(), errors, warnings), party)

    @rule(ids=warning_sets, party=parties)
    def acknowledge(self, ids: frozenset[str], party: Party) -> None:
        self._try(lc.AcknowledgeWarnings(ids), party)

    @rule(errors=st.integers(0, 1), warnings=warning_sets, days=st.integers(-1, 3), party=parties)
    def send(self, errors: int, warnings: frozenset[str], days: int, party: Party) -> None:
        self._try(lc.Send(errors, warnings, self.now + timedelta(days=days)), party)

    @rule(action=st.sampled_from(["notice", "identity", "decline", "void", "expire"]), p=parties)
    def simple(self, action: str, p: Party) -> None:
        commands: dict[str, lc.Command] = {
            "notice": lc.AcknowledgeNotice(),
            "identity": lc.VerifyIdentity(),
            "decline": lc.Decline(),
            "void": lc.Void(),
            "expire": lc.Expire(),
        }
        self._try(commands[action], p)

    @rule(data=st.data(), party=parties)
    def confirm(self, data: st.DataObject, party: Party) -> None:
        self._try(lc.ConfirmIntent(self._digest(data)), party)

    @rule(data=st.data(), kind=st.sampled_from(["worker", "employer", "complete"]), p=parties)
    def new_revision(self, data: st.DataObject, kind: str, p: Party) -> None:
        base, new = self._digest(data), self._new_digest()
        commands: dict[str, lc.Command] = {
            "worker": lc.SignWorker(base, new),
            "employer": lc.SignEmployer(base, new),
            "complete": lc.Complete(base, new),
        }
        self._try(commands[kind], p)

    def _proper(self, action: lc.Action, data: st.DataObject) -> lc.Command:
        """The command a well-behaved party would issue for `action` now."""
        current = self.status.document_sha256
        proper: dict[lc.Action, lc.Command] = {
            lc.Action.UPDATE: lc.UpdateDraft(self._new_digest(), 0, data.draw(warning_sets)),
            lc.Action.ACKNOWLEDGE_WARNINGS: lc.AcknowledgeWarnings(self.status.warnings),
            lc.Action.SEND: lc.Send(0, self.status.warnings, self.now + timedelta(days=3)),
            lc.Action.ACKNOWLEDGE_NOTICE: lc.AcknowledgeNotice(),
            lc.Action.VERIFY_IDENTITY: lc.VerifyIdentity(),
            lc.Action.CONFIRM_INTENT: lc.ConfirmIntent(current),
            lc.Action.SIGN_WORKER: lc.SignWorker(current, self._new_digest()),
            lc.Action.SIGN_EMPLOYER: lc.SignEmployer(current, self._new_digest()),
            lc.Action.COMPLETE: lc.Complete(current, self._new_digest()),
        }
        return proper[action]

    def _forward(self, data: st.DataObject) -> None:
        """Steer towards completion: one step the table offers, by its party, done right."""
        offered = [a for a in lc.allowed(self.status) if a not in _ENDINGS]
        if offered:
            action = data.draw(st.sampled_from(offered), "action")
            party = lc.TRANSITIONS[self.status.order][(self.status.state, action)].party
            self._try(self._proper(action, data), party)

    # Two rules, so that a good share of the steps move forward and signings complete.
    @rule(data=st.data())
    def forward(self, data: st.DataObject) -> None:
        self._forward(data)

    @rule(data=st.data())
    def forward_again(self, data: st.DataObject) -> None:
        self._forward(data)

    @rule(days=st.integers(0, 4))
    def time_passes(self, days: int) -> None:
        self.now += timedelta(days=days)

    @invariant()
    def effective_only_with_both_signatures(self) -> None:
        if self.status.state is State.EFFECTIVE:
            assert self.events.count(EventType.WORKER_SIGNED) == 1
            assert self.events.count(EventType.EMPLOYER_SIGNED) == 1
            assert self.events[-1] is EventType.EFFECTIVE
            assert self.status.both_signed

    @invariant()
    def signatures_come_after_the_workers_preparation(self) -> None:
        signed = [i for i, e in enumerate(self.events) if e in _SIGNATURES]
        if signed:
            confirmed = self.events.index(EventType.INTENT_CONFIRMED)
            assert confirmed < signed[0]
            assert self.events.index(EventType.SENT) < confirmed

    @invariant()
    def the_signing_order_is_kept(self) -> None:
        signed = [e for e in self.events if e in _SIGNATURES]
        if len(signed) == 2:
            first = (
                EventType.WORKER_SIGNED
                if self.status.order is SigningOrder.WORKER_FIRST
                else EventType.EMPLOYER_SIGNED
            )
            assert signed[0] is first

    @invariant()
    def terminal_states_accept_nothing(self) -> None:
        if self.status.state in lc.TERMINAL or self.status.state is State.EFFECTIVE:
            assert lc.allowed(self.status) == []


_ENDINGS = (lc.Action.DECLINE, lc.Action.VOID, lc.Action.EXPIRE)
_SIGNATURES = (EventType.WORKER_SIGNED, EventType.EMPLOYER_SIGNED)

ContractMachine.TestCase.settings = settings(
    max_examples=150, stateful_step_count=40, deadline=None
)
TestContractMachine = ContractMachine.TestCase
