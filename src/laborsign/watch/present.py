"""The watch list as JSON (API) and alerts as bilingual text (notifications)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Any

from laborsign.i18n import Text
from laborsign.watch.alerts import Alert, AlertKind, Thresholds, WatchEntry, alerts_for


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def entry_json(entry: WatchEntry, thresholds: Thresholds) -> dict[str, Any]:
    data: dict[str, Any] = _plain(asdict(entry))
    data["alerts"] = [
        {"kind": a.kind.value, "about": a.about.isoformat(), "threshold": a.threshold}
        for a in alerts_for(entry, thresholds)
    ]
    return data


def alert_text(alert: Alert, entry: WatchEntry) -> Text:
    """One alert for HR: what, for whom, by when, and the exposure where there is one."""
    who = entry.worker_name
    about = alert.about.isoformat()
    exposure = "" if alert.exposure is None else f"{alert.exposure}"
    texts = {
        AlertKind.SIGNING_DUE: Text(
            f"{who}：书面劳动合同须在 {about} 前订立（还剩 {entry.signing.days_left} 天）",
            f"{who}: the written contract is due by {about} ({entry.signing.days_left} days left)",
        ),
        AlertKind.SIGNING_OVERDUE: Text(
            f"{who}：已超过订立书面劳动合同的期限（{about}），二倍工资风险 {exposure or '未知'} 元",
            f"{who}: the written contract was due by {about}; double-wage exposure "
            f"{exposure or 'unknown'} yuan",
        ),
        AlertKind.DEEMED_OPEN_ENDED: Text(
            f"{who}：用工满一年未订立书面劳动合同，自 {about} 起视为已订立无固定期限劳动合同",
            f"{who}: a full year without a written contract; an open-ended contract is deemed "
            f"concluded from {about}",
        ),
        AlertKind.TERM_ENDING: Text(
            f"{who}：固定期限劳动合同 {entry.contract_number} 将于 {about} 到期",
            f"{who}: fixed-term contract {entry.contract_number} ends on {about}",
        ),
        AlertKind.PROBATION_ENDING: Text(
            f"{who}：试用期将于 {about} 结束", f"{who}: probation ends on {about}"
        ),
        AlertKind.OPEN_ENDED_ENTITLEMENT: Text(
            f"{who}：自 {about} 续订时，劳动者可要求订立无固定期限劳动合同",
            f"{who}: on renewal from {about} the worker may demand an open-ended contract",
        ),
    }
    return texts[alert.kind]
