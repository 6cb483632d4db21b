"""The watch list over real tables, in a scoped unit of work, on both databases; and the
notifying job's e-mails, deduplicated per worker and threshold."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from stdnum.cn import ric
from tests.integration.helpers import add_org, database
from tests.integration.test_filing_support import Employer, days, new_container

from laborsign.bootstrap import Container
from laborsign.contracts.rules.periods import period_end
from laborsign.db.tenancy import Scope
from laborsign.notify.outbox_tables import OutboxMessageRow
from laborsign.parties.roles import Role
from laborsign.watch.alerts import AlertKind, alerts_for
from laborsign.watch.deadlines import SigningStatus
from laborsign.watch.notify import notify_alerts
from laborsign.watch.service import china_date
from laborsign.watch.terms import EntitlementGround

NOW = datetime.now(UTC).replace(microsecond=0)
TODAY = china_date(NOW)


def id_number(n: int) -> str:
    base = f"11010119850101{n:03d}"
    return base + ric.calc_check_digit(base + "0")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def platform(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Container]:
    url = database(request, tmp_path)
    container = new_container(url, tmp_path, watch_alert_emails={"*": "hr@example.com"})
    yield container
    container.engine.dispose()


def test_watch_list_and_notifications(platform: Container) -> None:
    a = Employer(platform, "org-a", [NOW])
    add_org(platform, "org-a", a.contract("x", id_number(1)).employer.credit_code, NOW)
    add_org(platform, "org-b", "91110000000000001B", NOW)
    # 1: working for 50 days without any contract; the wage is not known.
    unsigned = a.worker("甲一", id_number(11), NOW - days(50))
    # 2: a draft whose work began 20 days ago: still within the month.
    drafted = a.worker("乙二", id_number(12), NOW - days(20))
    start = TODAY - days(20)
    a.draft(
        drafted,
        a.contract(
            "乙二",
            id_number(12),
            employment_start=start,
            start_date=start,
            end_date=start + days(1200),
            probation_end=None,
        ),
    )
    # 3: two consecutive fixed terms, the second ending in 20 days; the first was concluded
    # today although work began long ago: a full year without a written contract.
    renewing = a.worker("丙三", id_number(13), NOW - days(1500))
    first_start, second_start = TODAY - days(1500), TODAY - days(700)
    a.conclude(
        renewing,
        a.contract(
            "丙三",
            id_number(13),
            start_date=first_start,
            end_date=second_start - days(1),
            probation_end=None,
        ),
    )
    a.conclude(
        renewing,
        a.contract(
            "丙三",
            id_number(13),
            start_date=second_start,
            end_date=TODAY + days(20),
            probation_end=None,
        ),
    )

    hr = Scope.employer("org-a", "hr-1", {Role.HR})
    entries = {e.worker_id: e for e in platform.watch.watch_list(hr, NOW)}
    assert set(entries) == {unsigned, drafted, renewing}

    first = entries[unsigned].signing
    assert first.status is SigningStatus.OVERDUE and first.days_without_contract == 51
    assert first.exposure is None and first.double_wage_days == (TODAY - first.grace_end).days

    second = entries[drafted].signing
    assert second.status is SigningStatus.IN_GRACE and second.exposure == 0
    assert second.days_left == (period_end(start, 1) - TODAY).days

    third = entries[renewing]
    assert third.signing.status is SigningStatus.DEEMED_OPEN_ENDED
    assert third.signing.signed_on == TODAY
    assert third.signing.exposure == 11 * Decimal("12000.00")
    assert third.term_ending is not None and third.term_ending.window == 30
    assert third.term_ending.days_left == 20
    assert third.entitlement is not None
    assert third.entitlement.ground is EntitlementGround.TWO_FIXED_TERMS
    assert [a.kind for a in alerts_for(third, platform.watch.thresholds)] == [
        AlertKind.TERM_ENDING,
        AlertKind.OPEN_ENDED_ENTITLEMENT,
    ]

    # Another employer sees none of them.
    other = Scope.employer("org-b", "hr-9", {Role.HR})
    assert platform.watch.watch_list(other, NOW) == []

    # The job e-mails each alert once, however often it runs.
    addresses = platform.settings.watch_alert_emails
    sent = notify_alerts(platform.watch, platform.uow, addresses, NOW)
    again = notify_alerts(platform.watch, platform.uow, addresses, NOW + days(0))
    assert len(sent) == 3 and sorted(again) == sorted(sent)
    with platform.uow(Scope.system()) as uow:
        count = uow.session.scalar(select(func.count()).where(OutboxMessageRow.kind == "email"))
        bodies = [
            m.payload["body"]
            for m in uow.session.scalars(
                select(OutboxMessageRow).where(OutboxMessageRow.kind == "email")
            )
        ]
    assert count == 3
    assert any("甲一" in b and "double-wage exposure unknown" in b for b in bodies)
