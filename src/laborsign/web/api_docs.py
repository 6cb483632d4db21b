"""A readable API reference at /docs, rendered on the server from the OpenAPI document.

FastAPI's Swagger UI and ReDoc pages load their scripts from a CDN, which an offline or
locked-down installation cannot reach (and a CSP forbids); this page needs nothing but the
app itself. The machine-readable document stays at /openapi.json.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

_METHODS = ("get", "post", "put", "patch", "delete")


def _schema_name(content: dict[str, Any]) -> str:
    schema = content.get("application/json", {}).get("schema", {})
    ref = schema.get("$ref") or next(
        (s.get("$ref") for s in schema.get("anyOf", []) if "$ref" in s), None
    )
    return str(ref).rsplit("/", 1)[-1] if ref else ""


def _operation(method: str, path: str, op: dict[str, Any]) -> str:
    rows = []
    for param in op.get("parameters", []):
        rows.append(
            f"<li><code>{escape(param['name'])}</code> ({escape(param['in'])}"
            f"{', required' if param.get('required') else ''})"
            f"{' — ' + escape(param['description']) if param.get('description') else ''}</li>"
        )
    body = op.get("requestBody", {}).get("content", {})
    if body:
        rows.append(f"<li>body: <code>{escape(_schema_name(body) or 'JSON')}</code></li>")
    params = f"<ul>{''.join(rows)}</ul>" if rows else ""
    description = escape(op.get("description", "")).replace("\n\n", "</p><p>")
    return (
        f'<section id="{escape(op.get("operationId", path))}">'
        f"<h3><code>{method.upper()} {escape(path)}</code></h3>"
        f"<p>{escape(op.get('summary', ''))}</p><p>{description}</p>{params}</section>"
    )


def render(openapi: dict[str, Any]) -> str:
    by_tag: dict[str, list[str]] = {}
    for path, item in openapi.get("paths", {}).items():
        for method in _METHODS:
            if method in item:
                op = item[method]
                tag = (op.get("tags") or ["other"])[0]
                by_tag.setdefault(tag, []).append(_operation(method, path, op))
    info = openapi.get("info", {})
    sections = "".join(
        f"<h2>{escape(tag)}</h2>{''.join(ops)}" for tag, ops in sorted(by_tag.items())
    )
    schemas = escape(json.dumps(openapi.get("components", {}), ensure_ascii=False, indent=1))
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{escape(info.get('title', 'API'))} — API</title></head><body>"
        f"<h1>{escape(info.get('title', ''))} API v{escape(info.get('version', ''))}</h1>"
        f"<p>{escape(info.get('description', ''))}</p>"
        '<p>OpenAPI: <a href="/openapi.json">/openapi.json</a>. 错误格式 / errors: RFC 9457 '
        "<code>application/problem+json</code>.</p>"
        f"{sections}<h2>Schemas</h2><details><summary>JSON</summary><pre>{schemas}</pre>"
        "</details></body></html>"
    )


def install(app: FastAPI) -> None:
    @app.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    def api_reference() -> HTMLResponse:
        return HTMLResponse(render(app.openapi()))
