"""`csms serve` builds its grid feeds from `[grid]` settings and shows them at GET /api/v1/grid/feeds; the REST
push is one of them."""

from __future__ import annotations

from typing import Any

import httpx

from csms.settings import FleetSettings, GridFeedSettings, GridSettings
from tests.helpers.csms_app import API_TOKEN, csms_test_settings, running_csms

AUTH = {"Authorization": f"Bearer {API_TOKEN}"}


def _client(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=f"http://127.0.0.1:{app.api_port}", headers=AUTH, timeout=10)


async def test_configured_feeds_are_listed_with_their_state_and_the_push_updates_its_entry() -> None:
    settings = csms_test_settings().model_copy(update={
        "fleet": FleetSettings(enabled=True, plan_in_thread=False),
        "grid": GridSettings(feeds=[GridFeedSettings(name="ems", kind="modbus-regulation", host="127.0.0.1",
                                                     port=0)]),
    })
    async with running_csms(settings=settings) as app, _client(app) as http:
        feeds = (await http.get("/api/v1/grid/feeds")).json()
        assert [(f["name"], f["kind"], f["state"]) for f in feeds] == [
            ("push:regulation", "regulation-push", "connected"), ("ems", "modbus-regulation", "waiting")]
        assert feeds[1]["stale"] is True and feeds[1]["age_s"] is None  # nothing received yet
        pushed = await http.post("/api/v1/grid/regulation", json={"value": 0.3})
        assert pushed.status_code == 200
        push = (await http.get("/api/v1/grid/feeds")).json()[0]
        assert push["last_value"] == 0.3 and push["received"] == 1 and push["stale"] is False
        metrics = (await http.get("/metrics")).text
        assert 'csms_grid_feed_connected{feed="push:regulation",kind="regulation-push"} 1.0' in metrics
        assert "csms_grid_failsafe_active 0.0" in metrics
        assert "csms_grid_signal_lag_seconds 0.0" in metrics  # a push is stamped on arrival
        assert "csms_grid_regulation_in_force 0.3" in metrics


async def test_without_fleet_control_there_are_no_feeds() -> None:
    async with running_csms() as app, _client(app) as http:
        answer = await http.get("/api/v1/grid/feeds")
        assert answer.status_code == 503


async def test_on_a_cluster_the_feeds_run_while_the_node_leads() -> None:
    from csms.app import build_app
    from csms.grid.feed import FeedState

    settings = csms_test_settings().model_copy(update={
        "fleet": FleetSettings(enabled=True, plan_in_thread=False),
        "grid": GridSettings(feeds=[GridFeedSettings(name="ems", kind="modbus-regulation", port=0)]),
    })
    app = build_app(settings, serve_api=False)
    assert app.grid is not None
    app._on_leadership(True)
    assert app._grid_task is not None
    await app._grid_task
    assert [s.state for s in app.grid.statuses()] == [FeedState.CONNECTED, FeedState.WAITING]
    app._on_leadership(False)
    await app._grid_task
    assert app._leadership_task is not None
    await app._leadership_task
    assert {s.state for s in app.grid.statuses()} == {FeedState.STOPPED}
    await app.store.close()
