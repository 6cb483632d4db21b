"""Contract lists for the API: filters on clear columns and keyset pagination.

The order is (created_at, id), newest first, and the cursor is the last row's pair: a page
follows from where the previous one ended, so contracts created meanwhile neither repeat
nor push rows off a page (as an offset would). Only clear columns are read; nothing is
decrypted.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, or_, select

from laborsign.contracts.lifecycle import State
from laborsign.contracts.model import TemplateId
from laborsign.contracts.records import ContractSummary, summary_of, utc
from laborsign.contracts.tables import ContractRow
from laborsign.db.tenancy import Scope
from laborsign.db.uow import UnitOfWork
from laborsign.errors import InvalidInput
from laborsign.i18n import Text

BAD_CURSOR = Text("分页游标无效", "invalid pagination cursor")


@dataclass(frozen=True, slots=True)
class ListFilter:
    state: State | None = None
    template: TemplateId | None = None
    number_prefix: str | None = None
    worker_id: str | None = None
    term_end_before: date | None = None  # term ends on or before
    term_end_after: date | None = None  # term ends on or after


@dataclass(frozen=True, slots=True)
class ListPage:
    items: list[ContractSummary]
    next_cursor: str | None


def encode_cursor(created_at: datetime, contract_id: str) -> str:
    raw = json.dumps([utc(created_at).isoformat(), contract_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        moment, contract_id = json.loads(raw)
        return utc(datetime.fromisoformat(moment)), str(contract_id)
    except (ValueError, TypeError, binascii.Error):
        raise InvalidInput(BAD_CURSOR, field="cursor") from None


def _escape_like(prefix: str) -> str:
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def list_page(
    uow: Callable[[Scope], UnitOfWork],
    scope: Scope,
    where: ListFilter,
    limit: int,
    cursor: str | None = None,
) -> ListPage:
    """One page of the contracts `scope` may see (the data layer applies the tenancy)."""
    query = select(ContractRow)
    if where.state is not None:
        query = query.where(ContractRow.state == where.state.value)
    if where.template is not None:
        query = query.where(ContractRow.template == where.template.value)
    if where.number_prefix:
        pattern = _escape_like(where.number_prefix) + "%"
        query = query.where(ContractRow.number.like(pattern, escape="\\"))
    if where.worker_id is not None:
        query = query.where(ContractRow.worker_id == where.worker_id)
    if where.term_end_before is not None:
        query = query.where(ContractRow.term_end <= where.term_end_before)
    if where.term_end_after is not None:
        query = query.where(ContractRow.term_end >= where.term_end_after)
    if cursor is not None:
        at, last_id = decode_cursor(cursor)
        query = query.where(
            or_(
                ContractRow.created_at < at,
                and_(ContractRow.created_at == at, ContractRow.id < last_id),
            )
        )
    query = query.order_by(ContractRow.created_at.desc(), ContractRow.id.desc()).limit(limit + 1)
    with uow(scope) as work:
        items = [summary_of(r) for r in work.session.scalars(query)]
    more = len(items) > limit
    items = items[:limit]
    following = encode_cursor(items[-1].created_at, items[-1].id) if more and items else None
    return ListPage(items, following)
