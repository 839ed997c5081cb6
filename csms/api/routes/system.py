"""Probes and node endpoints: /healthz (alive), /readyz (store ping + OCPP listening), /metrics (Prometheus),
/api/v1/node, and the dashboard (static files under /dashboard/). Probes and /metrics need no token, like
most scrapers and orchestrators expect: expose the API port only where they may be read."""

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse, RedirectResponse

from csms.api.auth import Auth, Role
from csms.api.problems import PROBLEM_JSON
from csms.api.services import ApiServices
from csms.observability.health import readiness

DASHBOARD_DIR = Path(__file__).resolve().parent.parent / "dashboard"


def router(services: ApiServices, auth: Auth) -> APIRouter:
    r = APIRouter(tags=["system"])

    @r.get("/healthz")
    async def healthz() -> dict[str, str]:
        """Liveness: the process serves requests."""
        return {"status": "ok"}

    @r.get("/readyz", responses={503: {"description": "not ready (problem+json with the failed checks)"}})
    async def readyz() -> Response:
        """Readiness: the store answers a ping and the OCPP endpoint listens."""
        checks = await readiness(services.store.ping, services.ocpp_listening)
        if not checks[0].ok and services.metrics is not None:
            services.metrics.store_ping_failed()
        body: dict[str, Any] = {"checks": {c.name: {"ok": c.ok, "detail": c.detail} for c in checks}}
        if all(c.ok for c in checks):
            return JSONResponse({"status": "ready", **body})
        failed = ", ".join(f"{c.name}: {c.detail}" for c in checks if not c.ok)
        return JSONResponse({"type": "urn:v2g-csms:problem:not-ready", "title": "Not ready", "status": 503,
                             "detail": failed, "instance": "/readyz", "status_text": "not ready", **body},
                            status_code=503, media_type=PROBLEM_JSON)

    @r.get("/metrics", response_class=Response)
    async def metrics() -> Response:
        """Prometheus exposition of this node's metrics."""
        if services.metrics is None:
            return Response("# metrics are not enabled on this node\n", media_type="text/plain")
        from csms.observability.metrics import CONTENT_TYPE

        return Response(services.metrics.render(), media_type=CONTENT_TYPE)

    @r.get("/api/v1/node", **auth.requires(Role.VIEWER))
    async def node() -> dict[str, Any]:
        """This CSMS node: its id, whether it leads fleet control, how many stations it holds."""
        return services.node_info()

    @r.get("/", include_in_schema=False)
    async def root() -> RedirectResponse:
        return RedirectResponse("/dashboard/")

    return r
