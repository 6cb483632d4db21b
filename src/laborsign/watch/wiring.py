"""Builds the watch service from settings (composition only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from laborsign.watch.alerts import Thresholds
from laborsign.watch.service import WatchService

if TYPE_CHECKING:
    from laborsign.bootstrap import Container


def build_watch(container: Container) -> WatchService:
    s = container.settings
    thresholds = Thresholds(
        signing_days_before=tuple(s.watch_signing_days_before),
        expiry_windows=tuple(s.watch_expiry_windows),
        probation_days=s.watch_probation_days,
    )
    return WatchService(container.uow, lambda: container.contracts, thresholds)
