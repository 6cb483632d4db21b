"""The display strings the templates receive: choices, dates, amounts, field paths."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from laborsign.contracts.examples import example_contract
from laborsign.contracts.model import (
    AgreedMatters,
    ComprehensiveCycle,
    EmploymentForm,
    IdDocumentType,
    PayForm,
    Penalty,
    PenaltyReason,
    Sex,
    TemplateId,
    TermType,
    WorkerCategory,
    WorkingTimeSystem,
)
from laborsign.contracts.render import view


def test_every_choice_of_the_model_has_a_label() -> None:
    tables: list[tuple[type[StrEnum], Any]] = [
        (TemplateId, view.TITLES),
        (TermType, view.TERM_TYPES),
        (EmploymentForm, view.EMPLOYMENT_FORMS),
        (IdDocumentType, view.ID_TYPES),
        (Sex, view.SEXES),
        (WorkingTimeSystem, view.WORKING_TIME_SYSTEMS),
        (ComprehensiveCycle, view.CYCLES),
        (PayForm, view.PAY_FORMS),
        (WorkerCategory, view.WORKER_CATEGORIES),
        (PenaltyReason, view.PENALTY_REASONS),
    ]
    for enum, labels in tables:
        assert set(labels) == set(enum), enum.__name__


@given(
    term=st.sampled_from(TermType),
    system=st.sampled_from(WorkingTimeSystem),
    form=st.sampled_from(PayForm),
)
def test_exactly_the_chosen_option_is_ticked(
    term: TermType, system: WorkingTimeSystem, form: PayForm
) -> None:
    base = example_contract()
    contract = base.model_copy(
        update={
            "term": base.term.model_copy(update={"type": term}),
            "working_time": base.working_time.model_copy(update={"system": system}),
            "pay": base.pay.model_copy(update={"form": form}),
        }
    )
    shown = view.build_view(contract)
    cases: list[tuple[Any, Mapping[Any, str], StrEnum]] = [
        (shown["term"]["options"], view.TERM_TYPES, term),
        (shown["working_time"]["options"], view.WORKING_TIME_SYSTEMS, system),
        (shown["pay"]["options"], view.PAY_FORMS, form),
    ]
    for options, labels, chosen in cases:
        assert [o["label"] for o in options] == list(labels.values())
        assert [o["label"] for o in options if o["chosen"]] == [labels[chosen]]


def test_dates_and_amounts_are_written_the_chinese_way() -> None:
    assert view.fmt_date(date(2026, 1, 1)) == "2026 年 1 月 1 日"
    assert view.fmt_date(None) == view.BLANK_DATE
    assert view.fmt_money(Decimal("12000")) == "12,000.00"
    assert view.fmt_money(None) == view.BLANK
    assert view.fmt_number(Decimal("8.0")) == "8"
    assert view.fmt_number(Decimal("7.5")) == "7.5"


def test_view_of_the_example_carries_the_parties_and_the_title() -> None:
    shown = view.build_view(example_contract(TemplateId.DISPATCH))
    assert shown["title"] == "劳动合同（劳务派遣）"
    assert shown["employer"]["dispatch_licence"] == "330106202300012"
    assert shown["worker"]["name"] == "张三"
    assert shown["dispatch"]["host_name"] == "杭州示例物流有限公司"
    assert shown["dispatch"]["unassigned_monthly_pay"] == "2,490.00"
    assert view.build_view(example_contract())["dispatch"] is None


def test_text_fields_name_each_value_by_its_path() -> None:
    base = example_contract()
    contract = base.model_copy(
        update={
            "agreed": AgreedMatters(
                penalties=(Penalty(reason=PenaltyReason.OTHER, clause="第八条", amount=Decimal(1)),)
            )
        }
    )
    fields = dict(view.text_fields(contract))
    assert fields["worker.name"] == "张三"
    assert fields["employer.registered_address"] == "浙江省杭州市西湖区学院路 1 号"
    assert fields["agreed.penalties[0].clause"] == "第八条"
    assert fields["number"] == "LS-2026-000001"
