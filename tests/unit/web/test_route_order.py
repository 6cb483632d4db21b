"""Every route of the app is reachable: no earlier route answers its path and method.

FastAPI tries routes in the order they were added, route by route, so `create_app` adds the
busiest API routers first (each route passed over costs every request). Reordering is safe
only while no route shadows another, which this checks for the whole route table.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from starlette.routing import BaseRoute, Mount, Route

from laborsign.bootstrap import Container
from laborsign.settings import Settings
from laborsign.web.app import create_app

_PARAM = re.compile(r"\{([^}:]+)(?::([a-z]+))?\}")
_SAMPLES = {
    "path": "a/b",
    "int": "7",
    "float": "7.5",
    "uuid": "0" * 8 + "-0000-0000-0000-" + "0" * 12,
}


def _flatten(routes: list[BaseRoute]) -> Iterator[BaseRoute]:
    # FastAPI keeps included routers as branches; their routes carry the router's prefix.
    for route in routes:
        if hasattr(route, "original_router"):
            yield from _flatten(route.original_router.routes)
        else:
            yield route


def _sample(path: str) -> str:
    """A concrete path the route template matches, e.g. /contracts/x1/pdf."""
    return _PARAM.sub(lambda m: _SAMPLES.get(m.group(2) or "", "x1"), path)


def _answers(route: BaseRoute, method: str, path: str) -> bool:
    if isinstance(route, Mount):
        return path == route.path or path.startswith(route.path + "/")
    assert isinstance(route, Route), route
    methods = route.methods or set()
    return method in methods and route.path_regex.match(path) is not None


def test_no_route_is_shadowed_by_an_earlier_one(tmp_path: Path) -> None:
    app = create_app(Container(Settings(home=tmp_path)))
    routes = list(_flatten(app.routes))
    checked = 0
    for route in routes:
        if not isinstance(route, Route):
            continue
        path = _sample(route.path)
        for method in route.methods or ():
            first = next(r for r in routes if _answers(r, method, path))
            assert first is route, f"{method} {route.path} is answered by {first!r}"
            checked += 1
    assert checked > 100, "the route table was not found"


def test_the_busiest_api_route_is_among_the_first(tmp_path: Path) -> None:
    # GET /api/v1/contracts/{id} is what HR systems poll; a route later in the table would
    # cost each of its requests a match against every route before it.
    app = create_app(Container(Settings(home=tmp_path)))
    routes = [r for r in _flatten(app.routes) if isinstance(r, Route)]
    position = next(
        i
        for i, r in enumerate(routes)
        if r.path == "/api/v1/contracts/{contract_id}" and "GET" in (r.methods or ())
    )
    assert position < 15, position
