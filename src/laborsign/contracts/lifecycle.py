"""The life of one contract: states, commands and the transition table.

Pure domain code: no I/O and no clock (the time of a command is passed in). The service
loads a `Status`, applies one command and stores the new status together with the one
evidence event the transition names, in one transaction.

Both signing orders share the worker's preparation (pre-signing notice, identity, intent
bound to the document's hash; guideline Art. 6–8) and differ only in which signature comes
first. The preparation always precedes both signatures, as the evidence package verifier
expects the phases of a signing in that order. A state therefore means, per order:

- worker first:   … intent_confirmed → worker_signed → employer_signed → effective
- employer first: … intent_confirmed → employer_signed → worker_signed → effective

The second signature state is "both signed": nothing may then void, decline or expire the
contract; only `complete` (the document timestamp) remains.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from laborsign.errors import Conflict, InvalidInput, PermissionDenied
from laborsign.evidence.events import EventType
from laborsign.i18n import Text

_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


class State(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    NOTICE_ACKNOWLEDGED = "notice_acknowledged"
    IDENTITY_VERIFIED = "identity_verified"
    INTENT_CONFIRMED = "intent_confirmed"
    WORKER_SIGNED = "worker_signed"
    EMPLOYER_SIGNED = "employer_signed"
    EFFECTIVE = "effective"
    DECLINED = "declined"
    VOIDED = "voided"
    EXPIRED = "expired"
    # Later steps of a concluded contract (`AFTER_SIGNING`).
    TERMINATED = "terminated"
    RENEWED = "renewed"
    AMENDED = "amended"


TERMINAL = frozenset({State.DECLINED, State.VOIDED, State.EXPIRED, State.TERMINATED})


class SigningOrder(StrEnum):
    WORKER_FIRST = "worker_first"
    EMPLOYER_FIRST = "employer_first"


class Party(StrEnum):
    EMPLOYER = "employer"  # an HR user of the employer
    WORKER = "worker"
    PLATFORM = "platform"  # jobs: expiry, the completing document timestamp


class Action(StrEnum):
    UPDATE = "update"
    ACKNOWLEDGE_WARNINGS = "acknowledge_warnings"
    SEND = "send"
    ACKNOWLEDGE_NOTICE = "acknowledge_notice"
    VERIFY_IDENTITY = "verify_identity"
    CONFIRM_INTENT = "confirm_intent"
    SIGN_WORKER = "sign_worker"
    SIGN_EMPLOYER = "sign_employer"
    COMPLETE = "complete"
    DECLINE = "decline"
    VOID = "void"
    EXPIRE = "expire"
    RENEW = "renew"
    AMEND = "amend"
    TERMINATE = "terminate"


def _check_digest(value: str, name: str) -> None:
    if not _SHA256_HEX.fullmatch(value):
        raise InvalidInput(
            Text("文档摘要必须是小写十六进制 SHA-256", "a document digest must be SHA-256 hex"),
            field=name,
        )


# ---- commands ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UpdateDraft:
    """A new revision of the draft, with the findings of its rule check."""

    document_sha256: str
    errors: int
    warnings: frozenset[str]
    action = Action.UPDATE

    def __post_init__(self) -> None:
        _check_digest(self.document_sha256, "document_sha256")


@dataclass(frozen=True, slots=True)
class AcknowledgeWarnings:
    warning_ids: frozenset[str]
    action = Action.ACKNOWLEDGE_WARNINGS


@dataclass(frozen=True, slots=True)
class Send:
    """The findings of the rule check at sending time, and the signing deadline."""

    errors: int
    warnings: frozenset[str]
    deadline: datetime
    action = Action.SEND


@dataclass(frozen=True, slots=True)
class AcknowledgeNotice:
    action = Action.ACKNOWLEDGE_NOTICE


@dataclass(frozen=True, slots=True)
class VerifyIdentity:
    action = Action.VERIFY_IDENTITY


@dataclass(frozen=True, slots=True)
class ConfirmIntent:
    """The worker confirmed (by an OTP bound to it) the document with this digest."""

    document_sha256: str
    action = Action.CONFIRM_INTENT

    def __post_init__(self) -> None:
        _check_digest(self.document_sha256, "document_sha256")


@dataclass(frozen=True, slots=True)
class _NewRevision:
    """A signature or timestamp applied to `base_sha256`, giving `new_sha256`."""

    base_sha256: str
    new_sha256: str

    def __post_init__(self) -> None:
        _check_digest(self.base_sha256, "base_sha256")
        _check_digest(self.new_sha256, "new_sha256")
        if self.base_sha256 == self.new_sha256:
            raise InvalidInput(Text("文档没有变化", "the document did not change"))


@dataclass(frozen=True, slots=True)
class SignWorker(_NewRevision):
    action = Action.SIGN_WORKER


@dataclass(frozen=True, slots=True)
class SignEmployer(_NewRevision):
    action = Action.SIGN_EMPLOYER


@dataclass(frozen=True, slots=True)
class Complete(_NewRevision):
    action = Action.COMPLETE


@dataclass(frozen=True, slots=True)
class Decline:
    action = Action.DECLINE


@dataclass(frozen=True, slots=True)
class Void:
    action = Action.VOID


@dataclass(frozen=True, slots=True)
class Expire:
    action = Action.EXPIRE


@dataclass(frozen=True, slots=True)
class Renew:
    """A renewal (续订) was drafted from this contract; the renewal is a contract of its own."""

    action = Action.RENEW


@dataclass(frozen=True, slots=True)
class Amend:
    """Both parties signed an amendment agreement (变更协议) to this contract."""

    action = Action.AMEND


@dataclass(frozen=True, slots=True)
class Terminate:
    """The contract was ended (解除/终止); the certificate was issued."""

    action = Action.TERMINATE


Command = (
    UpdateDraft
    | AcknowledgeWarnings
    | Send
    | AcknowledgeNotice
    | VerifyIdentity
    | ConfirmIntent
    | SignWorker
    | SignEmployer
    | Complete
    | Decline
    | Void
    | Expire
    | Renew
    | Amend
    | Terminate
)


# ---- the aggregate's status ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Status:
    """What the state machine knows of a contract (the service persists it).

    `revision` counts document revisions (1 = the first rendering); `warnings` are the ids of
    the warnings of the current draft, `acknowledged` those an HR user acknowledged.
    """

    state: State
    order: SigningOrder
    revision: int
    document_sha256: str
    errors: int = 0
    warnings: frozenset[str] = frozenset()
    acknowledged: frozenset[str] = frozenset()
    intent_sha256: str | None = None
    intent_revision: int | None = None
    signed_by: frozenset[Party] = frozenset()
    expires_at: datetime | None = None

    @property
    def both_signed(self) -> bool:
        return self.signed_by == BOTH


BOTH = frozenset({Party.WORKER, Party.EMPLOYER})


@dataclass(frozen=True, slots=True)
class Transition:
    source: State
    action: Action
    target: State
    party: Party
    event: EventType


@dataclass(frozen=True, slots=True)
class Outcome:
    """An accepted command: the new status and the one evidence event to record."""

    status: Status
    event: EventType
    transition: Transition


class TransitionRefused(Conflict):
    """The command is not allowed in this state, or a guard refuses it; nothing changed."""

    def __init__(self, message: Text, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class WrongParty(PermissionDenied):
    """The command belongs to the other party (e.g. an employer declining for the worker)."""


# ---- the table ----------------------------------------------------------------------------


# Short aliases keep each row of the table on one line.
_S, _A, _P, _E = State, Action, Party, EventType
_PREPARATION = (
    Transition(_S.DRAFT, _A.UPDATE, _S.DRAFT, _P.EMPLOYER, _E.RULES_CHECKED),
    Transition(_S.DRAFT, _A.ACKNOWLEDGE_WARNINGS, _S.DRAFT, _P.EMPLOYER, _E.RULES_CHECKED),
    Transition(_S.DRAFT, _A.SEND, _S.SENT, _P.EMPLOYER, _E.SENT),
    Transition(
        _S.SENT, _A.ACKNOWLEDGE_NOTICE, _S.NOTICE_ACKNOWLEDGED, _P.WORKER, _E.NOTICE_ACKNOWLEDGED
    ),
    Transition(
        _S.NOTICE_ACKNOWLEDGED,
        _A.VERIFY_IDENTITY,
        _S.IDENTITY_VERIFIED,
        _P.WORKER,
        _E.IDENTITY_VERIFIED,
    ),
    Transition(
        _S.IDENTITY_VERIFIED, _A.CONFIRM_INTENT, _S.INTENT_CONFIRMED, _P.WORKER, _E.INTENT_CONFIRMED
    ),
)


@dataclass(frozen=True, slots=True)
class _Signature:
    """One party's signature: the command, who gives it, what it records, where it leads."""

    action: Action
    party: Party
    event: EventType
    state: State


_WORKER_SIGNS = _Signature(_A.SIGN_WORKER, _P.WORKER, _E.WORKER_SIGNED, _S.WORKER_SIGNED)
_EMPLOYER_SIGNS = _Signature(_A.SIGN_EMPLOYER, _P.EMPLOYER, _E.EMPLOYER_SIGNED, _S.EMPLOYER_SIGNED)
_BEFORE_SIGNING = (_S.SENT, _S.NOTICE_ACKNOWLEDGED, _S.IDENTITY_VERIFIED, _S.INTENT_CONFIRMED)


def _table(order: SigningOrder) -> dict[tuple[State, Action], Transition]:
    first, second = (
        (_WORKER_SIGNS, _EMPLOYER_SIGNS)
        if order is SigningOrder.WORKER_FIRST
        else (_EMPLOYER_SIGNS, _WORKER_SIGNS)
    )
    after_first, both_signed = first.state, second.state
    rows = [
        *_PREPARATION,
        Transition(_S.INTENT_CONFIRMED, first.action, after_first, first.party, first.event),
        Transition(after_first, second.action, both_signed, second.party, second.event),
        Transition(both_signed, _A.COMPLETE, _S.EFFECTIVE, _P.PLATFORM, _E.EFFECTIVE),
    ]
    # Until both have signed, the employer may void, the deadline may pass; the worker may
    # decline until he signed himself.
    open_states = (*_BEFORE_SIGNING, after_first)
    for source in (State.DRAFT, *open_states):
        rows.append(Transition(source, Action.VOID, State.VOIDED, Party.EMPLOYER, EventType.VOIDED))
    for source in open_states:
        rows.append(
            Transition(source, Action.EXPIRE, State.EXPIRED, Party.PLATFORM, EventType.EXPIRED)
        )
    worker_unsigned = open_states if order is SigningOrder.EMPLOYER_FIRST else _BEFORE_SIGNING
    for source in worker_unsigned:
        rows.append(
            Transition(source, Action.DECLINE, State.DECLINED, Party.WORKER, EventType.DECLINED)
        )
    table = {(t.source, t.action): t for t in rows}
    if len(table) != len(rows):  # pragma: no cover - a mistake in the rows above
        raise RuntimeError("duplicate transition")
    return table


TRANSITIONS: dict[SigningOrder, dict[tuple[State, Action], Transition]] = {
    order: _table(order) for order in SigningOrder
}


# After signing: the same rows for both signing orders. A separate table, so that the signing
# table (and `allowed`, which offers its steps) ends at `effective`.
_CONCLUDED = (_S.EFFECTIVE, _S.AMENDED, _S.RENEWED)
AFTER_SIGNING: dict[tuple[State, Action], Transition] = {
    (t.source, t.action): t
    for t in (
        *(Transition(s, _A.RENEW, _S.RENEWED, _P.EMPLOYER, _E.RENEWED) for s in _CONCLUDED[:2]),
        *(Transition(s, _A.AMEND, _S.AMENDED, _P.EMPLOYER, _E.AMENDED) for s in _CONCLUDED),
        *(
            Transition(s, _A.TERMINATE, _S.TERMINATED, _P.EMPLOYER, _E.TERMINATED)
            for s in _CONCLUDED
        ),
    )
}


def transitions(order: SigningOrder) -> Iterable[Transition]:
    return TRANSITIONS[order].values()


def allowed(status: Status, party: Party | None = None) -> list[Action]:
    """The actions the table offers in this state (guards aside), e.g. for buttons."""
    table = TRANSITIONS[status.order]
    return [
        t.action
        for t in table.values()
        if t.source is status.state and (party is None or t.party is party)
    ]


# ---- guards and effects -------------------------------------------------------------------


def _refuse(zh: str, en: str, reason: str) -> TransitionRefused:
    return TransitionRefused(Text(zh, en), reason)


def _update(status: Status, command: UpdateDraft, _at: datetime) -> Status:
    return replace(
        status,
        revision=status.revision + 1,
        document_sha256=command.document_sha256,
        errors=command.errors,
        warnings=command.warnings,
        # An acknowledgement holds only for a warning that is still shown word for word.
        acknowledged=status.acknowledged & command.warnings,
    )


def _acknowledge(status: Status, command: AcknowledgeWarnings, _at: datetime) -> Status:
    if not command.warning_ids:
        raise _refuse("没有要确认的提示", "no warnings to acknowledge", "nothing-to-acknowledge")
    unknown = command.warning_ids - status.warnings
    if unknown:
        raise _refuse(
            "确认的提示不属于当前草稿（可能已修改）：" + "、".join(sorted(unknown)),
            "acknowledged warnings are not those of the current draft: "
            + ", ".join(sorted(unknown)),
            "unknown-warning",
        )
    return replace(status, acknowledged=status.acknowledged | command.warning_ids)


def _send(status: Status, command: Send, at: datetime) -> Status:
    if command.errors:
        raise _refuse(
            f"合同有 {command.errors} 项不合规，不能发送",
            f"the contract has {command.errors} errors and cannot be sent",
            "has-errors",
        )
    pending = command.warnings - status.acknowledged
    if pending:
        raise _refuse(
            f"尚有 {len(pending)} 项提示未确认",
            f"{len(pending)} warnings are not acknowledged",
            "warnings-unacknowledged",
        )
    if command.deadline <= at:
        raise _refuse("签署期限已过", "the signing deadline is already past", "deadline-past")
    return replace(status, errors=0, warnings=command.warnings, expires_at=command.deadline)


def _confirm(status: Status, command: ConfirmIntent, _at: datetime) -> Status:
    if command.document_sha256 != status.document_sha256:
        raise _refuse(
            "确认的文档不是当前版本", "the confirmed document is not the current one", "stale"
        )
    return replace(status, intent_sha256=command.document_sha256, intent_revision=status.revision)


def _check_base(status: Status, command: _NewRevision) -> None:
    if command.base_sha256 != status.document_sha256:
        raise _refuse(
            "签署所基于的文档不是当前版本（可能已被他人签署）",
            "the document signed is not the current revision (signed concurrently?)",
            "stale",
        )


def _intent_covers(status: Status) -> bool:
    """The worker signs what he confirmed: since his confirmation the document may have
    changed only by signatures (the employer's, when the employer signs first)."""
    return status.intent_revision is not None and (
        status.revision - status.intent_revision == len(status.signed_by)
    )


def _sign(party: Party) -> Callable[[Status, _NewRevision, datetime], Status]:
    def effect(status: Status, command: _NewRevision, _at: datetime) -> Status:
        _check_base(status, command)
        if party is Party.WORKER and not _intent_covers(status):
            raise _refuse(
                "劳动者确认的不是当前文档，须重新确认签署意愿",
                "the worker's confirmed intent does not cover the current document",
                "intent-stale",
            )
        return replace(
            status,
            revision=status.revision + 1,
            document_sha256=command.new_sha256,
            signed_by=status.signed_by | {party},
        )

    return effect


def _complete(status: Status, command: Complete, _at: datetime) -> Status:
    _check_base(status, command)
    if not status.both_signed:  # pragma: no cover - the table reaches here only when signed
        raise _refuse("双方尚未全部签署", "not both parties have signed", "unsigned")
    return replace(status, revision=status.revision + 1, document_sha256=command.new_sha256)


def _expire(status: Status, _command: Expire, at: datetime) -> Status:
    if status.expires_at is None or at < status.expires_at:
        raise _refuse("签署期限未到", "the signing deadline has not passed", "not-due")
    return status


def _unchanged(status: Status, _command: object, _at: datetime) -> Status:
    return status


_EFFECTS: dict[Action, Callable[[Status, object, datetime], Status]] = {
    Action.UPDATE: _update,  # type: ignore[dict-item]
    Action.ACKNOWLEDGE_WARNINGS: _acknowledge,  # type: ignore[dict-item]
    Action.SEND: _send,  # type: ignore[dict-item]
    Action.ACKNOWLEDGE_NOTICE: _unchanged,
    Action.VERIFY_IDENTITY: _unchanged,
    Action.CONFIRM_INTENT: _confirm,  # type: ignore[dict-item]
    Action.SIGN_WORKER: _sign(Party.WORKER),  # type: ignore[dict-item]
    Action.SIGN_EMPLOYER: _sign(Party.EMPLOYER),  # type: ignore[dict-item]
    Action.COMPLETE: _complete,  # type: ignore[dict-item]
    Action.DECLINE: _unchanged,
    Action.VOID: _unchanged,
    Action.EXPIRE: _expire,  # type: ignore[dict-item]
    Action.RENEW: _unchanged,
    Action.AMEND: _unchanged,
    Action.TERMINATE: _unchanged,
}


def create(
    order: SigningOrder, document_sha256: str, errors: int, warnings: frozenset[str]
) -> Outcome:
    """A new draft at revision 1."""
    _check_digest(document_sha256, "document_sha256")
    status = Status(
        state=State.DRAFT,
        order=order,
        revision=1,
        document_sha256=document_sha256,
        errors=errors,
        warnings=warnings,
    )
    start = Transition(State.DRAFT, Action.UPDATE, State.DRAFT, Party.EMPLOYER, EventType.CREATED)
    return Outcome(status, EventType.CREATED, start)


def apply(status: Status, command: Command, *, by: Party, at: datetime) -> Outcome:
    """Apply one command; raise `TransitionRefused` or `WrongParty` and change nothing."""
    if at.tzinfo is None:
        raise InvalidInput(Text("时间必须带时区", "the time must be timezone-aware"), field="at")
    key = (status.state, command.action)
    transition = TRANSITIONS[status.order].get(key) or AFTER_SIGNING.get(key)
    if transition is None:
        raise _refuse(
            f"合同处于“{STATE_NAMES[status.state].zh}”状态，不能{ACTION_NAMES[command.action].zh}",
            f"a contract in state {status.state.value} cannot {ACTION_NAMES[command.action].en}",
            "not-allowed",
        )
    if by is not transition.party:
        raise WrongParty(
            Text(
                f"{ACTION_NAMES[command.action].zh}只能由{PARTY_NAMES[transition.party].zh}进行",
                f"only the {transition.party.value} may {ACTION_NAMES[command.action].en}",
            )
        )
    changed = _EFFECTS[command.action](status, command, at)
    return Outcome(replace(changed, state=transition.target), transition.event, transition)


# ---- names for people ---------------------------------------------------------------------

STATE_NAMES: dict[State, Text] = {
    State.DRAFT: Text("草稿", "draft"),
    State.SENT: Text("已发送", "sent"),
    State.NOTICE_ACKNOWLEDGED: Text("已阅读告知", "notice acknowledged"),
    State.IDENTITY_VERIFIED: Text("已实名认证", "identity verified"),
    State.INTENT_CONFIRMED: Text("已确认签署意愿", "intent confirmed"),
    State.WORKER_SIGNED: Text("劳动者已签署", "signed by the worker"),
    State.EMPLOYER_SIGNED: Text("用人单位已签署", "signed by the employer"),
    State.EFFECTIVE: Text("已生效", "effective"),
    State.DECLINED: Text("劳动者已拒签", "declined by the worker"),
    State.VOIDED: Text("已作废", "voided"),
    State.EXPIRED: Text("已过期", "expired"),
    State.TERMINATED: Text("已解除或终止", "terminated"),
    State.RENEWED: Text("已续订", "renewed"),
    State.AMENDED: Text("已变更", "amended"),
}

ACTION_NAMES: dict[Action, Text] = {
    Action.UPDATE: Text("修改草稿", "update the draft"),
    Action.ACKNOWLEDGE_WARNINGS: Text("确认提示", "acknowledge warnings"),
    Action.SEND: Text("发送", "send"),
    Action.ACKNOWLEDGE_NOTICE: Text("确认签约告知", "acknowledge the notice"),
    Action.VERIFY_IDENTITY: Text("实名认证", "verify identity"),
    Action.CONFIRM_INTENT: Text("确认签署意愿", "confirm intent"),
    Action.SIGN_WORKER: Text("劳动者签署", "be signed by the worker"),
    Action.SIGN_EMPLOYER: Text("用人单位签署", "be signed by the employer"),
    Action.COMPLETE: Text("完成签署", "be completed"),
    Action.DECLINE: Text("拒签", "be declined"),
    Action.VOID: Text("作废", "be voided"),
    Action.EXPIRE: Text("过期", "expire"),
    Action.RENEW: Text("续订", "be renewed"),
    Action.AMEND: Text("变更", "be amended"),
    Action.TERMINATE: Text("解除或终止", "be terminated"),
}

PARTY_NAMES: dict[Party, Text] = {
    Party.EMPLOYER: Text("用人单位", "employer"),
    Party.WORKER: Text("劳动者", "worker"),
    Party.PLATFORM: Text("平台", "platform"),
}
