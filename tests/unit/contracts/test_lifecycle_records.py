"""The contract row keeps everything the state machine knows (no database needed)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from laborsign.contracts import lifecycle as lc
from laborsign.contracts.lifecycle import Party, SigningOrder, State
from laborsign.contracts.records import status_of, summary_of, warning_id, write_status
from laborsign.contracts.rules import Finding, Severity
from laborsign.contracts.tables import ContractRow
from laborsign.i18n import Text

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
digests = st.integers(0, 50).map(lambda i: hashlib.sha256(bytes([i])).hexdigest())
ids = st.frozensets(st.sampled_from(["LCL-10:signing_date:a", "MW-UNKNOWN:job.region:b"]))


@st.composite
def statuses(draw: st.DrawFn) -> lc.Status:
    revision = draw(st.integers(1, 9))
    intent = draw(st.none() | st.integers(1, revision))
    return lc.Status(
        state=draw(st.sampled_from(list(State))),
        order=draw(st.sampled_from(list(SigningOrder))),
        revision=revision,
        document_sha256=draw(digests),
        errors=draw(st.integers(0, 3)),
        warnings=draw(ids),
        acknowledged=draw(ids),
        intent_sha256=None if intent is None else draw(digests),
        intent_revision=intent,
        signed_by=draw(st.frozensets(st.sampled_from([Party.WORKER, Party.EMPLOYER]))),
        expires_at=draw(st.none() | st.just(T0 + timedelta(days=7))),
    )


def fresh_row() -> ContractRow:
    return ContractRow(
        id="c-1",
        org_id="org-1",
        signing_order="worker_first",
        number="N-1",
        template="general",
        position="工程师",
        term_type="fixed",
        term_start=T0.date(),
        created_at=T0,
        version=1,
    )


@given(statuses())
def test_a_status_survives_the_row(status: lc.Status) -> None:
    row = fresh_row()
    row.signing_order = status.order.value
    write_status(row, status, T0)
    assert status_of(row) == status
    summary = summary_of(row)
    assert (summary.state, summary.revision, summary.updated_at) == (
        status.state,
        status.revision,
        T0,
    )


def test_signature_times_are_kept_once_set() -> None:
    row = fresh_row()
    signed = lc.Status(
        State.WORKER_SIGNED,
        SigningOrder.WORKER_FIRST,
        2,
        "a" * 64,
        signed_by=frozenset({Party.WORKER}),
    )
    write_status(row, signed, T0)
    write_status(row, signed, T0 + timedelta(hours=1))
    assert row.worker_signed_at == T0 and row.employer_signed_at is None


def test_a_warning_id_changes_with_its_wording() -> None:
    def finding(message: str) -> Finding:
        return Finding(
            "LCL-10", Severity.WARNING, "signing_date", Text(message, "x"), Text("a", "a")
        )

    assert warning_id(finding("甲")) == warning_id(finding("甲"))
    assert warning_id(finding("甲")) != warning_id(finding("乙"))
    assert warning_id(finding("甲")).startswith("LCL-10:signing_date:")
