"""Builds the filing service and its push client from settings (composition only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from laborsign.filing.push import PushClient
from laborsign.filing.service import FilingService
from laborsign.notify.webhooks_client import HttpxPoster
from laborsign.notify.webhooks_targets import check_target

if TYPE_CHECKING:
    from laborsign.bootstrap import Container


def build_push_client(container: Container) -> PushClient | None:
    s = container.settings
    if not s.filing_push_url or s.filing_push_secret is None:
        return None
    # The endpoint is the operator's setting, not a tenant's: private addresses are allowed
    # (a department's gateway may sit on a private network), only the URL form is checked.
    check_target(s.filing_push_url, allow_private=True)
    poster = HttpxPoster(s.filing_push_timeout_seconds)
    return PushClient(poster, s.filing_push_url, s.filing_push_secret.get_secret_value())


def build_filing(container: Container) -> FilingService:
    s = container.settings
    client: list[PushClient | None] = []

    def push_client() -> PushClient | None:
        if not client:
            client.append(build_push_client(container))
        return client[0]

    return FilingService(
        container.uow,
        lambda: container.contracts,
        lambda: container.document_store,
        container.secret_key,
        s.evidence_origin,
        log=container.evidence.log,
        push_client=push_client,
        retry_schedule=s.filing_push_retry_schedule,
    )
