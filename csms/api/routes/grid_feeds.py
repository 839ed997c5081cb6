"""The live grid feeds (csms/grid/feed.py): what each one is, whether it is connected, its last value and age,
its errors and whether the fail-safe treats it as stale."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel

from csms.api.auth import Auth, Role
from csms.api.problems import FLEET_DISABLED, ApiProblem
from csms.api.services import ApiServices


class GridFeedOut(BaseModel):
    name: str
    kind: str
    role: str
    state: str
    connected: bool
    received: int
    errors: int
    last_error: str | None
    last_value: float | str | None
    last_at: datetime | None
    age_s: float | None
    stale: bool
    reconnects: int
    detail: str


def router(services: ApiServices, auth: Auth) -> APIRouter:
    r = APIRouter(prefix="/api/v1", tags=["grid"])
    viewer = auth.requires(Role.VIEWER)

    @r.get("/grid/feeds", **viewer)
    async def grid_feeds() -> list[GridFeedOut]:
        """Every grid feed of this node, in configuration order (the REST push first)."""
        if services.grid_feeds is None:
            raise ApiProblem(503, "no grid feeds on this node (fleet.enabled = false)", type_=FLEET_DISABLED,
                             title="Fleet control disabled")
        return [GridFeedOut(name=s.name, kind=s.kind, role=str(s.role), state=str(s.state), connected=s.connected,
                            received=s.received, errors=s.errors, last_error=s.last_error, last_value=s.last_value,
                            last_at=s.last_at, age_s=s.age_s, stale=s.stale, reconnects=s.reconnects,
                            detail=s.detail)
                for s in services.grid_feeds()]

    return r
