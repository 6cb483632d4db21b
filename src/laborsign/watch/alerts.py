"""One worker's watch entry and the alerts it raises at the configured thresholds. Pure.

An alert's `key` names the worker, the threshold and the date it is about, so that the
notifying job can deduplicate on it: the same threshold for the same deadline is announced
once, and a new deadline (another contract, another probation) is announced again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from laborsign.watch.deadlines import SigningRisk, SigningStatus
from laborsign.watch.terms import Ending, Entitlement


class AlertKind(StrEnum):
    SIGNING_DUE = "signing_due"  # the one-month deadline is near
    SIGNING_OVERDUE = "signing_overdue"  # double wages accrue
    DEEMED_OPEN_ENDED = "deemed_open_ended"
    TERM_ENDING = "term_ending"
    PROBATION_ENDING = "probation_ending"
    OPEN_ENDED_ENTITLEMENT = "open_ended_entitlement"


@dataclass(frozen=True, slots=True)
class WatchEntry:
    """What the watch knows about one worker of one employer."""

    worker_id: str
    worker_name: str
    signing: SigningRisk
    contract_id: str | None = None  # the running concluded contract, if any
    contract_number: str | None = None
    term_ending: Ending | None = None
    probation_ending: Ending | None = None
    entitlement: Entitlement | None = None


@dataclass(frozen=True, slots=True)
class Alert:
    kind: AlertKind
    worker_id: str
    about: date  # the deadline or end date the alert is about
    threshold: int | None  # days, for threshold alerts
    exposure: Decimal | None = None

    @property
    def key(self) -> str:
        threshold = "" if self.threshold is None else str(self.threshold)
        return f"watch:{self.worker_id}:{self.kind.value}:{threshold}:{self.about.isoformat()}"


@dataclass(frozen=True, slots=True)
class Thresholds:
    signing_days_before: Sequence[int] = (7, 3, 1)
    expiry_windows: Sequence[int] = (30, 60, 90)
    probation_days: int = 7


def alerts_for(entry: WatchEntry, thresholds: Thresholds) -> list[Alert]:
    """The alerts one entry raises today: for each deadline, the tightest crossed threshold."""
    found: list[Alert] = []
    risk, who = entry.signing, entry.worker_id
    if risk.status is SigningStatus.IN_GRACE and risk.days_left is not None:
        crossed = [d for d in thresholds.signing_days_before if risk.days_left <= d]
        if crossed:
            found.append(Alert(AlertKind.SIGNING_DUE, who, risk.grace_end, min(crossed)))
    elif risk.status is SigningStatus.OVERDUE:
        found.append(
            Alert(AlertKind.SIGNING_OVERDUE, who, risk.grace_end, None, exposure=risk.exposure)
        )
    elif risk.status is SigningStatus.DEEMED_OPEN_ENDED and risk.signed_on is None:
        found.append(
            Alert(AlertKind.DEEMED_OPEN_ENDED, who, risk.deemed_open_ended_on, None, risk.exposure)
        )
    if entry.term_ending is not None:
        e = entry.term_ending
        found.append(Alert(AlertKind.TERM_ENDING, who, e.ends_on, e.window))
    if entry.probation_ending is not None:
        p = entry.probation_ending
        found.append(Alert(AlertKind.PROBATION_ENDING, who, p.ends_on, p.window))
    if entry.entitlement is not None and entry.term_ending is not None:
        # Announced together with the approaching end: that is when HR prepares the renewal.
        found.append(
            Alert(AlertKind.OPEN_ENDED_ENTITLEMENT, who, entry.entitlement.renewal_start, None)
        )
    return found
