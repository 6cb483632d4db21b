"""The engine as a whole: examples pass, order is stable, docs and schema stay in sync."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laborsign.contracts.examples import example_contract
from laborsign.contracts.model import Region, TemplateId
from laborsign.contracts.rules import (
    InMemoryMinimumWages,
    MinimumWage,
    Severity,
    check,
    registered,
)
from laborsign.contracts.rules.catalogue import rules_markdown
from laborsign.contracts.rules.identity import birth_and_sex
from laborsign.contracts.rules.periods import period_end
from laborsign.contracts.rules.probation import latest_probation_end
from laborsign.contracts.schema import contract_schema

from ._builders import FIXTURE_WAGE, context, findings_of, gb11643, variant

DOCS = Path(__file__).resolve().parents[3] / "docs"


@pytest.mark.parametrize("template", list(TemplateId))
def test_examples_have_no_error(template: TemplateId) -> None:
    findings = check(example_contract(template), context())
    assert [f for f in findings if f.severity is Severity.ERROR] == []


def test_same_input_same_findings() -> None:
    contract = variant(
        {"pay.payday": 30, "agreed.other": "违约金", "term.probation_end": "2027-01-01"}
    )
    assert check(contract, context()) == check(contract, context())


def test_rule_ids_are_unique_and_stable_looking() -> None:
    ids = [r.id for r in registered()]
    assert len(ids) == len(set(ids))
    assert all(i == i.upper() and " " not in i for i in ids)


def test_docs_rules_md_is_generated_from_the_registry() -> None:
    committed = (DOCS / "rules.md").read_text("utf-8")
    assert committed == rules_markdown(), "run `laborsign contract rules > docs/rules.md`"
    for r in registered():
        assert f"`{r.id}`" in committed


def test_docs_schema_is_current() -> None:
    committed = (DOCS / "contract.schema.json").read_text("utf-8")
    assert committed == contract_schema(), (
        "run `laborsign contract schema > docs/contract.schema.json`"
    )
    schema = json.loads(committed)
    assert schema["additionalProperties"] is False
    assert "Worker" in schema["$defs"]


starts = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))


@settings(max_examples=150, deadline=None)
@given(starts, st.integers(min_value=3, max_value=60 * 12))
def test_probation_boundary_for_any_start_and_term(start: date, term_days: int) -> None:
    """Ending on the latest allowed day passes; a day later fails (LCL-19-1 or 19-3)."""
    end = start + timedelta(days=term_days)
    base = {
        "term.start_date": start.isoformat(),
        "employment_start": start.isoformat(),
        "term.end_date": end.isoformat(),
    }
    latest = latest_probation_end(variant(base))
    ctx = context(today=start)
    if latest is None:
        over = variant({**base, "term.probation_end": start.isoformat()})
        assert findings_of("LCL-19-3", over, ctx)
        return
    ok = variant({**base, "term.probation_end": latest.isoformat()})
    assert not findings_of("LCL-19-1", ok, ctx) and not findings_of("LCL-19-3", ok, ctx)
    late = variant({**base, "term.probation_end": (latest + timedelta(days=1)).isoformat()})
    assert findings_of("LCL-19-1", late, ctx)
    # The allowed probation is one of the statutory lengths, measured from the start.
    assert latest in {period_end(start, m) for m in (1, 2, 6)}


@pytest.mark.parametrize(
    ("end", "months"),
    [
        ("2026-03-30", None),
        ("2026-03-31", 1),
        ("2026-12-30", 1),
        ("2026-12-31", 2),
        ("2028-12-30", 2),
        ("2028-12-31", 6),
    ],
)
def test_probation_bands(end: str, months: int | None) -> None:
    contract = variant({"term.end_date": end, "term.probation_end": None})
    expected = period_end(date(2026, 1, 1), months) if months else None
    assert latest_probation_end(contract) == expected


def test_open_ended_and_task_terms() -> None:
    open_ended = variant(
        {"term.type": "open_ended", "term.end_date": None, "term.probation_end": "2026-06-30"}
    )
    assert not findings_of("LCL-19-1", open_ended, context())
    task = variant(
        {
            "term.type": "task",
            "term.end_date": None,
            "term.task": "完成一期工程",
            "term.probation_end": "2026-01-31",
        }
    )
    assert findings_of("LCL-19-3", task, context())


def test_birth_date_and_sex_come_from_the_permit_number() -> None:
    number = gb11643("830000", date(1995, 7, 1), "011")
    contract = variant({"worker.id_type": "hmt_residence_permit", "worker.id_number": number})
    assert birth_and_sex(contract) == (date(1995, 7, 1), "male")


def test_old_foreign_permanent_resident_number_is_accepted() -> None:
    contract = variant(
        {
            "worker.id_type": "foreign_permanent_residence",
            "worker.id_number": "USA310088010101",
            "worker.birth_date": "1988-01-01",
        }
    )
    assert not findings_of("ID-FOREIGN-PR", contract, context())
    assert not findings_of("AGE-UNKNOWN", contract, context())


def test_birth_date_in_the_future_is_refused() -> None:
    contract = variant({"worker.id_number": gb11643("110105", date(2030, 1, 1))})
    assert findings_of("ID-GB11643", contract, context(today=date(2025, 12, 1)))


def test_most_specific_minimum_wage_wins() -> None:
    province = MinimumWage(
        "浙江省",
        "",
        4,
        FIXTURE_WAGE.monthly - 500,
        FIXTURE_WAGE.hourly,
        date(2024, 1, 1),
        "fixture",
    )
    district_old = MinimumWage(
        "浙江省",
        "滨江区",
        1,
        FIXTURE_WAGE.monthly + 100,
        FIXTURE_WAGE.hourly,
        date(2020, 1, 1),
        "fixture",
    )
    district_new = MinimumWage(
        "浙江省",
        "滨江区",
        1,
        FIXTURE_WAGE.monthly + 200,
        FIXTURE_WAGE.hourly,
        date(2026, 2, 1),
        "fixture",
    )
    wages = InMemoryMinimumWages([province, FIXTURE_WAGE, district_old, district_new])
    region = Region(province="浙江省", city="杭州市", district="滨江区")
    assert wages.lookup(region, date(2026, 1, 31)) == district_old
    assert wages.lookup(region, date(2026, 2, 1)) == district_new
    assert wages.lookup(Region(province="浙江省", city="宁波市"), date(2026, 1, 1)) == province
    assert wages.lookup(Region(province="浙江省"), date(2023, 12, 31)) is None
