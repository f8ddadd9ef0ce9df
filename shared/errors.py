"""RFC 9457 problem+json for every error, so clients handle one shape everywhere."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from shared.db import contention, database_unavailable

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://spearhead.dev/problems/"

log = logging.getLogger("spearhead.errors")


class Problem(Exception):
    """An error a client can act on; raised by services, rendered as problem+json."""

    status: int = 400
    kind: str = "bad-request"
    title: str = "Bad request"

    def __init__(
        self,
        detail: str,
        *,
        status: int | None = None,
        kind: str | None = None,
        title: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        extensions: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extensions = extensions
        if status is not None:
            self.status = status
        if kind is not None:
            self.kind = kind
        if title is not None:
            self.title = title
        self.errors = errors
        self.headers = headers


class NotFound(Problem):
    status, kind, title = 404, "not-found", "Not found"


class Forbidden(Problem):
    status, kind, title = 403, "forbidden", "Forbidden"


class DecisionRefused(Forbidden):
    """A decision the caller may not take about this subject: the conflict-of-interest rules.

    ``rule`` names the rule and is the problem's ``type`` (``.../problems/self-decision``):
    a client tells the rules apart by it. Each refusal is logged with who asked, what they
    tried and about whom (the log line carries the time and the correlation id)."""

    title = "Decision refused"

    def __init__(self, rule: str, detail: str, *, actor: str, action: str, subject: str) -> None:
        super().__init__(
            detail,
            kind=rule,
            extensions={"rule": rule, "action": action},
        )
        self.rule, self.actor, self.action, self.subject = rule, actor, action, subject


# The rule names every service uses (the problem types of DecisionRefused).
SELF_DECISION = "self-decision"  # the decision is about the caller (pays, rates, reviews them)
OUT_OF_SCOPE = "out-of-scope"  # the subject is outside the units the caller answers for
NOT_MANAGER_OF_RECORD = "not-manager-of-record"  # only the subject's own manager decides this
NOT_NOMINATED = "not-nominated"  # only a nominated reviewer writes peer feedback
SECOND_APPROVER_REQUIRED = "second-approver-required"  # four eyes where the approver is paid


class Unauthorized(Problem):
    status, kind, title = 401, "unauthorized", "Unauthorized"

    def __init__(self, detail: str) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"})


class Conflict(Problem):
    status, kind, title = 409, "conflict", "Conflict"


class PreconditionFailed(Problem):
    status, kind, title = 412, "precondition-failed", "Precondition failed"


class PreconditionRequired(Problem):
    status, kind, title = 428, "precondition-required", "Precondition required"


class Unprocessable(Problem):
    status, kind, title = 422, "validation-error", "Unprocessable content"


def invalid(field: str, message: str, kind: str = "value_error") -> Unprocessable:
    """A 422 that points at one field of the request body."""
    return Unprocessable(
        message, errors=[{"loc": ["body", *field.split(".")], "msg": message, "type": kind}]
    )


class PayloadTooLarge(Problem):
    status, kind, title = 413, "payload-too-large", "Payload too large"


class ServiceUnavailable(Problem):
    status, kind, title = 503, "service-unavailable", "Service unavailable"


_TITLES = {
    400: ("bad-request", "Bad request"),
    401: ("unauthorized", "Unauthorized"),
    403: ("forbidden", "Forbidden"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    409: ("conflict", "Conflict"),
    412: ("precondition-failed", "Precondition failed"),
    413: ("payload-too-large", "Payload too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    422: ("validation-error", "Unprocessable content"),
    428: ("precondition-required", "Precondition required"),
    429: ("too-many-requests", "Too many requests"),
    502: ("bad-gateway", "Bad gateway"),
    503: ("service-unavailable", "Service unavailable"),
    504: ("gateway-timeout", "Gateway timeout"),
}


def problem_body(
    status: int,
    detail: str,
    *,
    instance: str | None = None,
    kind: str | None = None,
    title: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    extensions: dict[str, Any] | None = None,
) -> dict[str, Any]:
    default_kind, default_title = _TITLES.get(status, ("error", "Error"))
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + (kind or default_kind),
        "title": title or default_title,
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if errors is not None:
        body["errors"] = errors
    for key, value in (extensions or {}).items():
        body.setdefault(key, value)
    return body


def problem_response(
    status: int,
    detail: str,
    *,
    request: Request | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    instance = str(request.url.path) if request is not None else None
    return JSONResponse(
        problem_body(status, detail, instance=instance, **extra),
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    return [
        {"loc": list(err.get("loc", ())), "msg": str(err.get("msg", "")), "type": err.get("type")}
        for err in exc.errors()
    ]


_FASTAPI_BODY_ERROR = "There was an error parsing the body"


HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def allowed_methods(request: Request) -> list[str]:
    """The methods some route of the app takes at the request's path. A path is often served
    by several routes, one per method, and Starlette's own ``Allow`` names only the first:
    each method is tried against the router instead."""
    routes = request.app.router.routes
    return [
        method
        for method in HTTP_METHODS
        if any(r.matches({**request.scope, "method": method})[0] == Match.FULL for r in routes)
    ]


def install_error_handlers(app: FastAPI) -> None:
    """Every error the app can raise leaves it as problem+json."""

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        if isinstance(exc, DecisionRefused):
            log.warning(
                "decision refused",
                extra={
                    "rule": exc.rule,
                    "actor": exc.actor,
                    "action": exc.action,
                    "subject": exc.subject,
                    "method": request.method,
                    "path": request.url.path,
                },
            )
        return problem_response(
            exc.status,
            exc.detail,
            request=request,
            headers=exc.headers,
            kind=exc.kind,
            title=exc.title,
            errors=exc.errors,
            extensions=exc.extensions,
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return problem_response(
            422,
            "The request does not match the schema of this operation.",
            request=request,
            errors=_validation_errors(exc),
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 400 and detail == _FASTAPI_BODY_ERROR:
            if isinstance(exc.__cause__, RecursionError):
                # Thousands of nested brackets exhaust the decoder's stack, not the body limit.
                return problem_response(
                    422,
                    "The JSON body is nested too deeply.",
                    request=request,
                    errors=[{"loc": ["body"], "msg": "nested too deeply", "type": "json_depth"}],
                )
            # FastAPI's answer to a body it cannot decode (bad UTF-8): malformed JSON is 422.
            return problem_response(
                422,
                "The request body is not valid UTF-8 JSON.",
                request=request,
                errors=[{"loc": ["body"], "msg": "not valid UTF-8 JSON", "type": "json_invalid"}],
            )
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"No resource at {request.url.path}."
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:
            allowed = allowed_methods(request)
            headers = {**(headers or {}), "Allow": ", ".join(allowed)}
            detail = f"{request.method} is not allowed here; this path takes {', '.join(allowed)}."
        return problem_response(exc.status_code, detail, request=request, headers=headers)

    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    @app.exception_handler(ConnectionError)
    @app.exception_handler(OSError)
    async def _database_down(request: Request, exc: Exception) -> JSONResponse:
        log.warning("database unavailable", extra={"error": repr(exc)})
        return problem_response(
            503,
            "The database is not reachable; try again shortly.",
            request=request,
            headers={"Retry-After": "5"},
        )

    @app.exception_handler(DBAPIError)
    async def _db_error(request: Request, exc: DBAPIError) -> JSONResponse:
        if database_unavailable(exc):
            log.warning("database unavailable", extra={"error": repr(exc)})
            return problem_response(
                503,
                "The database connection was lost; try again.",
                request=request,
                headers={"Retry-After": "5"},
            )
        if contention(exc):
            log.warning("transaction aborted by contention", extra={"error": repr(exc)})
            return problem_response(
                503,
                "The request met a concurrent change and was rolled back; send it again.",
                request=request,
                headers={"Retry-After": "1"},
            )
        if isinstance(exc, IntegrityError):
            # A row the request would create already exists (or refers to one that does not):
            # what the client sent conflicts with the stored state, it is not our crash.
            log.warning("integrity error", extra={"path": request.url.path, "error": repr(exc)})
            return problem_response(
                409,
                "This conflicts with what is already stored (a duplicate, or a reference to "
                "something that does not exist).",
                request=request,
            )
        if isinstance(exc, DataError):
            # A value the database cannot hold (too long, out of range) that a schema let by.
            log.warning("data error", extra={"path": request.url.path, "error": repr(exc)})
            return problem_response(
                422,
                "A value in the request is out of the range that can be stored.",
                request=request,
            )
        log.exception("database error", extra={"path": request.url.path})
        return problem_response(500, "An internal error occurred.", request=request)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", extra={"path": request.url.path})
        return problem_response(500, "An internal error occurred.", request=request)
