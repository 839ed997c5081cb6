"""The operator API under /api/v1 (OpenAPI at /docs and /redoc, their assets served locally: they work offline),
the dashboard at /dashboard/, probes and /metrics.

Layout: `routes/` holds one router per area (stations, commands, transactions and idTokens, fleet and grid,
admin, live events, system); `auth.py` API tokens and roles; `audit.py` the command audit; `problems.py` RFC 9457
errors; `pagination.py` list paging; `schemas.py` the REST models; `dashboard/` the static single-page UI.

Roles: viewer reads; operator also sends commands (station commands, schedules, driver preferences, grid
inputs); admin also manages station credentials, boot policy, capability overrides, idTokens, API tokens and
reads the audit log. Errors are `application/problem+json`: 401 no/unknown token, 403 role too low, 404 unknown
resource or station not connected, 409 conflict, 422 invalid input (with `errors[]`), 502 the station refused
or answered CALLERROR, 503 store or fleet control unavailable, 504 station timeout.

The API calls services only; it never imports `csms.server` (the composition root hands in callables).
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline

from csms.api.audit import ApiMiddleware
from csms.api.auth import Auth, Role, TokenRegistry
from csms.api.problems import install_problem_handlers
from csms.api.routes import admin, campaigns, commands, fleet, live, operations, stations, system, transactions
from csms.api.routes import grid_feeds as grid_routes
from csms.api.services import ApiServices
from csms.services.auth_throttle import AuthThrottle

__all__ = ["ApiServices", "create_api"]

SETTINGS_TOKEN_ID = "settings"
SETTINGS_TOKEN_NAME = "configured admin"  # the dashboard shows "configured admin (admin)"; audit actor name
DOCS_ASSETS_URL = "/docs-assets"  # Swagger UI and ReDoc JS/CSS, served from the fastapi-offline package


def create_api(services: ApiServices, tokens: TokenRegistry | None = None, *,
               throttle: AuthThrottle | None = None) -> FastAPI:
    """The ASGI app. `tokens` defaults to an in-memory registry seeded with `services.api_token` as admin;
    `throttle` (default: 5 failed tokens per source address, then a doubling backoff) answers 429 to guessing."""
    if tokens is None:
        tokens = TokenRegistry(services.clock)
        tokens.seed(services.api_token, token_id=SETTINGS_TOKEN_ID, name=SETTINGS_TOKEN_NAME, role=Role.ADMIN)
    auth = Auth(tokens, throttle if throttle is not None else AuthThrottle(services.clock))
    # /docs (Swagger UI) and /redoc load their JS/CSS from this server, not a CDN: they work offline
    api = FastAPIOffline(title="V2G CSMS operator API", version="1", static_url=DOCS_ASSETS_URL,
                  description="Operator REST API of the V2G CSMS. Bearer tokens with roles viewer < operator < "
                              "admin (see `x-required-role` on each operation). Errors are RFC 9457 problem "
                              "details. Lists page with `limit`/`offset` (headers X-Total-Count, Link).")
    install_problem_handlers(api)
    for module in (system, stations, commands, operations, campaigns, transactions, fleet, admin, live, grid_routes):
        api.include_router(module.router(services, auth))
    api.mount("/dashboard", StaticFiles(directory=system.DASHBOARD_DIR, html=True), name="dashboard")
    metrics = services.metrics
    api.add_middleware(ApiMiddleware, audit=services.audit, clock=services.clock,
                       count=None if metrics is None else metrics.observe_api_request)
    api.state.auth = auth
    return api
