"""The app's route table as (method, path, dependant) rows, for the policy check and the docs.

FastAPI keeps included routers as routers of their own (``effective_route_contexts``) in newer
releases and as flat ``APIRoute`` objects in older ones; this reads both.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute


@dataclass(frozen=True)
class RouteRow:
    method: str
    path: str
    dependant: Any


def api_routes(app: FastAPI) -> Iterator[RouteRow]:
    for route in app.routes:
        contexts: list[Any]
        if isinstance(route, APIRoute):
            contexts = [route]
        elif hasattr(route, "effective_route_contexts"):
            contexts = list(route.effective_route_contexts())
        else:
            continue
        for c in contexts:
            for m in sorted(c.methods or ()):
                yield RouteRow(m, str(c.path), c.dependant)


def other_routes(app: FastAPI) -> list[str]:
    """Paths served outside the API routers (the OpenAPI document and the docs page)."""
    return [str(getattr(r, "path", "")) for r in app.routes
            if not isinstance(r, APIRoute) and not hasattr(r, "effective_route_contexts")]


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """Methods of every API route whose template matches ``path`` (for the ``Allow`` header of a 405)."""
    import re

    out: set[str] = set()
    for row in api_routes(app):
        pattern = "^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(row.path)) + "$"
        if re.match(pattern, path):
            out.add(row.method)
    return sorted(out)
