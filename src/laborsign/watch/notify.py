"""Notify HR when a watch threshold is crossed: e-mail messages through the outbox.

The watch runs in the system scope over every employer; each alert becomes one "email"
message to the employer's HR alert address (settings `watch_alert_emails`: organisation id
→ address, "*" for every other organisation). The outbox's deduplication key is the alert's
key (worker, threshold, deadline), so an alert is sent once however often the job runs.
Employers without an address get no e-mail; their watch list stays in the API.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from laborsign.db.tenancy import Scope
from laborsign.db.uow import UnitOfWork
from laborsign.notify import outbox
from laborsign.watch.alerts import alerts_for
from laborsign.watch.present import alert_text
from laborsign.watch.service import WatchService

EMAIL_KIND = "email"


def notify_alerts(
    watch: WatchService,
    uow: Callable[[Scope], UnitOfWork],
    addresses: Mapping[str, str],
    now: datetime,
) -> list[str]:
    """Write the e-mails of today's alerts; returns the outbox ids (existing ones included)."""
    if not addresses:
        return []
    system = Scope.system("watch")
    entries = watch.watch_list_by_org(system, now)
    ids: list[str] = []
    with uow(system) as work:
        for org_id, entry in entries:
            to = addresses.get(org_id) or addresses.get("*")
            if not to:
                continue
            for alert in alerts_for(entry, watch.thresholds):
                text = alert_text(alert, entry)
                ids.append(
                    outbox.add(
                        work.session,
                        EMAIL_KIND,
                        {
                            "to": to,
                            "subject": f"劳动合同提醒 / Labor contract alert: {alert.kind.value}",
                            "body": f"{text.zh}\n\n{text.en}",
                        },
                        key=f"{org_id}:{alert.key}",
                        now=now,
                    )
                )
        work.commit()
    return ids
