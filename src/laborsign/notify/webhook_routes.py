"""API v1 routes of webhooks: an employer administrator's subscriptions, the delivery log
and replay. Another organisation's subscription or delivery answers 404, never 403."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from laborsign.errors import NotFound, PermissionDenied
from laborsign.i18n import Text
from laborsign.notify.webhooks import Delivery, Subscription
from laborsign.parties.roles import Role
from laborsign.web.auth import Principal, allow, authenticated, container_of, utc_now
from laborsign.web.idempotency import idempotent

router = APIRouter(prefix="/api/v1", tags=["webhooks"])

Admin = Annotated[Principal | None, Depends(allow(Role.EMPLOYER_ADMIN))]
NO_SUBSCRIPTION = Text("没有这个 webhook 订阅", "no such webhook subscription")


class SubscriptionBody(BaseModel):
    url: str = Field(max_length=2000)
    event_types: list[Annotated[str, Field(max_length=100)]] = Field(
        min_length=1, max_length=50, description='event types, or ["*"] for all'
    )


def _org(caller: Principal | None) -> str:
    org = authenticated(caller).org_id
    if org is None:  # an employer administrator always belongs to an organisation
        raise PermissionDenied(Text("没有所属单位", "no organisation"))
    return org


def _json(item: Subscription | Delivery) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in asdict(item).items()}


@router.post("/webhooks", status_code=201)
def create_subscription(request: Request, body: SubscriptionBody, caller: Admin) -> JSONResponse:
    """A new endpoint; the answer carries its signing secret, shown this once only."""
    principal, now, org = authenticated(caller), utc_now(), _org(caller)
    webhooks = container_of(request).webhooks

    def create() -> dict[str, Any]:
        subscription, secret = webhooks.subscribe(org, body.url, body.event_types, now=now)
        return {**_json(subscription), "secret": secret}

    return idempotent(request, principal, body.model_dump(), create, now)


@router.get("/webhooks")
def list_subscriptions(request: Request, caller: Admin) -> list[dict[str, Any]]:
    return [_json(s) for s in container_of(request).webhooks.subscriptions(_org(caller))]


@router.get("/webhooks/{subscription_id}")
def get_subscription(request: Request, subscription_id: str, caller: Admin) -> dict[str, Any]:
    for found in container_of(request).webhooks.subscriptions(_org(caller)):
        if found.id == subscription_id:
            return _json(found)
    raise NotFound(NO_SUBSCRIPTION, field="subscription_id")


@router.delete("/webhooks/{subscription_id}", status_code=204)
def deactivate_subscription(request: Request, subscription_id: str, caller: Admin) -> Response:
    """Stop deliveries to the endpoint; its delivery log is kept."""
    container_of(request).webhooks.deactivate(_org(caller), subscription_id)
    return Response(status_code=204)


@router.get("/webhooks/{subscription_id}/deliveries")
def list_deliveries(
    request: Request,
    subscription_id: str,
    caller: Admin,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[dict[str, Any]]:
    """The latest deliveries of a subscription, newest first."""
    deliveries = container_of(request).webhooks.deliveries(_org(caller), subscription_id, limit)
    return [_json(d) for d in deliveries]


@router.get("/webhook-deliveries/{delivery_id}")
def get_delivery(request: Request, delivery_id: str, caller: Admin) -> dict[str, Any]:
    """One delivery with every attempt (time, HTTP status, response excerpt, error)."""
    delivery, attempts = container_of(request).webhooks.delivery(_org(caller), delivery_id)
    return {
        **_json(delivery),
        "attempts": [{**asdict(a), "attempted_at": a.attempted_at.isoformat()} for a in attempts],
    }


@router.post("/webhook-deliveries/{delivery_id}/replay", status_code=202)
def replay_delivery(request: Request, delivery_id: str, caller: Admin) -> dict[str, Any]:
    """Send the same event again (same id and body: receivers deduplicate on it)."""
    delivery = container_of(request).webhooks.replay(_org(caller), delivery_id, utc_now())
    return _json(delivery)
