"""The live grid feeds (csms/grid/feed.py): what each one is, whether it is connected, its last value and age,
its errors and whether the fail-safe treats it as stale."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from csms.api.auth import Auth, Role
from csms.api.problems import FLEET_DISABLED, ApiProblem
from csms.api.services import ApiServices
from csms.grid.feed import FeedRole, FeedState


class GridFeedOut(BaseModel):
    """`csms.grid.feed.FeedStatus` on the wire."""

    model_config = ConfigDict(from_attributes=True)

    name: str
    kind: str
    role: FeedRole
    state: FeedState
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
        return [GridFeedOut.model_validate(status) for status in services.grid_feeds()]

    return r
