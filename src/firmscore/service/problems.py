"""Errors as RFC 9457 ``application/problem+json``: a stable code, a title and detail in one language.

Every error the service returns goes through :func:`problem_response`: handlers below turn
validation errors, unknown routes and unexpected exceptions into problems too, so a client never
sees a stack trace or a path of the server (an unexpected exception is logged with an incident id
and the client gets only that id).
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from firmscore.service import messages as _messages  # noqa: F401  (registers the messages)
from firmscore.service.lang import choose_lang, text

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_BASE = "https://firmscore.dev/problems/"
log = logging.getLogger("firmscore.service")


class Problem(BaseModel):
    """An RFC 9457 problem detail with firmscore's stable ``code``."""

    type: str = Field(examples=[PROBLEM_BASE + "enterprise_not_found"])
    title: str = Field(examples=["Enterprise not found"])
    status: int = Field(examples=[404])
    detail: str = Field(examples=["no score of enterprise 91330100MA2B3C4D5E as of 2025-06-30"])
    code: str = Field(examples=["enterprise_not_found"], description="Stable machine-readable error code.")
    instance: str | None = Field(default=None, examples=["/v1/enterprises/91330100MA2B3C4D5E/score"])


class ProblemError(Exception):
    """Raised anywhere in a request: becomes a problem response with ``code`` and ``status``."""

    def __init__(self, status: int, code: str, headers: dict[str, str] | None = None, **params: Any) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.params = params
        self.headers = headers or {}


def problem_body(status: int, code: str, lang: str, instance: str | None, **params: Any) -> dict[str, Any]:
    return {
        "type": PROBLEM_BASE + code,
        "title": text(f"problem.{code}", lang),
        "status": status,
        "detail": text(f"problem.{code}.detail", lang, **params),
        "code": code,
        "instance": instance,
    }


def problem_response(request: Request, status: int, code: str, headers: dict[str, str] | None = None,
                     **params: Any) -> JSONResponse:
    lang = choose_lang(request.headers.get("accept-language"))
    body = problem_body(status, code, lang, request.url.path, **params)
    out = JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)
    out.headers["Content-Language"] = lang
    return out


def _field(loc: Any) -> str:
    return ".".join(str(p) for p in loc if p not in ("body", "query", "path", "header")) or "body"


def install_problem_handlers(app: FastAPI) -> None:
    """Route every error path through :func:`problem_response`."""

    @app.exception_handler(ProblemError)
    async def _problem(request: Request, exc: ProblemError) -> JSONResponse:
        return problem_response(request, exc.status, exc.code, exc.headers, **exc.params)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        first = errors[0] if errors else {"loc": ("body",), "msg": "invalid"}
        # the message of pydantic never contains server paths; the input value is not echoed
        return problem_response(request, 422, "validation", field=_field(first.get("loc", ())),
                                message=str(first.get("msg", "invalid")))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 405:  # Allow: every method of every route on this path (RFC 9110 §15.5.6)
            from firmscore.service.routetable import allowed_methods

            allow = ", ".join(allowed_methods(request.app, request.url.path))
            return problem_response(request, 405, "method_not_allowed", {"Allow": allow}, method=request.method)
        if exc.status_code == 404:
            return problem_response(request, 404, "not_found", path=request.url.path)
        if exc.status_code == 413:
            return problem_response(request, 413, "body_too_large", limit="?")
        return problem_response(request, 400, "validation", field="request", message=str(exc.detail)[:200])

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        incident = uuid.uuid4().hex[:12]
        log.error("incident %s on %s %s: %s", incident, request.method, request.url.path, type(exc).__name__,
                  exc_info=exc)
        return problem_response(request, 500, "internal", incident=incident)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for the problem statuses a route can return."""
    return {s: {"model": Problem, "content": {PROBLEM_MEDIA_TYPE: {}}, "description": _STATUS_TEXT.get(s, "error")}
            for s in statuses}


_STATUS_TEXT = {
    400: "Bad request", 401: "Not authenticated or invalid token", 403: "Forbidden", 404: "Not found",
    409: "Conflict", 413: "Body too large", 422: "Malformed request", 429: "Rate limited", 503: "Unavailable",
    504: "Timed out",
}
