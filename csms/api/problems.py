"""RFC 9457 problem details: every API error is `application/problem+json` with `type`, `title`, `status`,
`detail` and `instance`, plus extension members where they help (`errors` for invalid input, `code` for OCPP).

Compatibility exception: errors of an OCPP call (the station's CALLERROR, or our payload failing the action's
schema) keep `detail` as the object `{code, description, details}` that clients of the first API version read;
the same facts are also top-level members (`code`, `description`, `details`). New clients should read those.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from csms.store.errors import StoreError

log = logging.getLogger("csms.api")

PROBLEM_JSON = "application/problem+json"
_BASE = "urn:v2g-csms:problem:"
VALIDATION = _BASE + "validation-error"
UNAUTHORIZED = _BASE + "unauthorized"
FORBIDDEN = _BASE + "forbidden"
NOT_FOUND = _BASE + "not-found"
CONFLICT = _BASE + "conflict"
STATION_NOT_CONNECTED = _BASE + "station-not-connected"
OCPP_CALL_ERROR = _BASE + "ocpp-call-error"
STATION_TIMEOUT = _BASE + "station-timeout"
STORE_UNAVAILABLE = _BASE + "store-unavailable"
FLEET_DISABLED = _BASE + "fleet-control-disabled"


class ApiProblem(Exception):
    """Raise from an endpoint to answer with a problem document."""

    def __init__(self, status: int, detail: str | dict[str, Any], *, type_: str = "about:blank",
                 title: str | None = None, headers: dict[str, str] | None = None, **extensions: Any) -> None:
        super().__init__(detail if isinstance(detail, str) else str(detail))
        self.status = status
        self.detail = detail
        self.type = type_
        self.title = title or HTTPStatus(status).phrase
        self.headers = headers
        self.extensions = extensions


def problem_response(request: Request, status: int, detail: str | dict[str, Any], *, type_: str = "about:blank",
                     title: str | None = None, headers: dict[str, str] | None = None,
                     **extensions: Any) -> JSONResponse:
    body: dict[str, Any] = {"type": type_, "title": title or HTTPStatus(status).phrase, "status": status,
                            "detail": detail, "instance": request.url.path, **extensions}
    request.state.audit_detail = detail if isinstance(detail, str) else str(extensions.get("description", detail))
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


def _location(loc: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(part) for part in loc)


def _on_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiProblem)
    return problem_response(request, exc.status, exc.detail, type_=exc.type, title=exc.title, headers=exc.headers,
                            **exc.extensions)


def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    type_ = NOT_FOUND if exc.status_code == 404 else "about:blank"
    headers = None if exc.headers is None else dict(exc.headers)
    return problem_response(request, exc.status_code, detail, type_=type_, headers=headers)


def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [{"field": _location(e.get("loc", ())), "message": e.get("msg", ""), "type": e.get("type", "")}
              for e in exc.errors()]
    summary = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
    if len(errors) > 5:
        summary += f"; and {len(errors) - 5} more"
    return problem_response(request, 422, summary or "invalid request", type_=VALIDATION,
                            title="Invalid request", errors=errors)


def _on_store_error(request: Request, exc: Exception) -> JSONResponse:
    log.error("store error serving %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(request, 503, f"state store unavailable: {type(exc).__name__}", type_=STORE_UNAVAILABLE,
                            headers={"Retry-After": "2"})


def install_problem_handlers(api: FastAPI) -> None:
    api.add_exception_handler(ApiProblem, _on_problem)
    api.add_exception_handler(StarletteHTTPException, _on_http)
    api.add_exception_handler(RequestValidationError, _on_validation)
    api.add_exception_handler(StoreError, _on_store_error)


def invalid(detail: str, field: str | None = None) -> ApiProblem:
    """A 422 for input FastAPI's own validation cannot see (e.g. a station id rule, a domain check); `detail`
    names the field as request validation's summary does ("query.since: needs a UTC offset")."""
    if field is None:
        return ApiProblem(422, detail, type_=VALIDATION, title="Invalid request", errors=[])
    return ApiProblem(422, f"{field}: {detail}", type_=VALIDATION, title="Invalid request",
                      errors=[{"field": field, "message": detail, "type": "value_error"}])


def not_found(detail: str) -> ApiProblem:
    return ApiProblem(404, detail, type_=NOT_FOUND)


def conflict(detail: str | dict[str, Any], **extensions: Any) -> ApiProblem:
    return ApiProblem(409, detail, type_=CONFLICT, **extensions)
