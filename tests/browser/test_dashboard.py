"""The dashboard in headless Chromium against a real CSMS (fleet control on) and 6 simulated bidirectional
stations on one ScaledClock: sign in with a token, see the stations appear and the regulation plot fill from
the live stream, send a regulation signal (a command) and see the plot follow it, stop a transaction from the
station detail, and save a screenshot to artifacts/dashboard.png.

Needs Debian's `chromium` (`.ci/run` installs it) driven by Playwright from PyPI; no browser is downloaded.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx
from playwright.async_api import Page, async_playwright, expect

from chargepoint_sim.config import ControlConfig, EvConfig, EvseConfig, FleetConfig, LinkConfig, StationConfig
from chargepoint_sim.fleet import Fleet
from chargepoint_sim.kinds import StationKind
from csms.app import CsmsApp, build_app
from csms.domain.clock import ScaledClock
from csms.settings import FleetSettings
from tests.helpers.csms_app import API_TOKEN, PASSWORD, csms_test_settings

CHROMIUM = os.environ.get("CSMS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
START = datetime(2026, 6, 1, 17, 0, tzinfo=UTC)
SPEED = 30.0  # simulated seconds per real second
STATIONS = 6


def fleet_config(port: int) -> FleetConfig:
    return FleetConfig(
        csms_url=f"ws://127.0.0.1:{port}/ocpp", stations=STATIONS, password=PASSWORD, seed=5,
        kind_shares={StationKind.V2X_21: 1, StationKind.BIDIRECTIONAL_201: 1},
        station=StationConfig(evses=1, tx_updated_interval_s=10,
                              evse=EvseConfig(max_power_w=11_000.0, max_discharge_power_w=11_000.0),
                              control=ControlConfig(response_delay_s=1.0, ramp_w_per_s=10_000.0)),
        ev=EvConfig(capacity_wh=(40_000.0, 80_000.0), arrival_soc=(0.3, 0.7), energy_request_wh=(2_000.0, 6_000.0),
                    allow_discharge_probability=1.0, first_arrival_s=(0.0, 30.0), dwell_s=(4 * 3600.0, 6 * 3600.0),
                    visits_per_evse=1),
        link=LinkConfig(reconnect_min_s=0.2, reconnect_max_s=1.0, reconnect_jitter_s=0.1),
    )


@asynccontextmanager
async def csms_with_fleet() -> AsyncIterator[tuple[CsmsApp, Fleet]]:
    settings = csms_test_settings(accept_unknown_tokens=True)
    settings = settings.model_copy(update={"fleet": FleetSettings(
        enabled=True, reg_up_price_per_mwh=30.0, reg_down_price_per_mwh=30.0, horizon_steps=16,
        dispatch_interval_s=8.0, setpoint_deadband_w=100.0)})
    clock = ScaledClock(START, SPEED)
    app = build_app(settings, clock=clock)
    await app.start()
    fleet = Fleet(fleet_config(app.ocpp_port), clock)
    try:
        await fleet.start()
        yield app, fleet
    finally:
        await fleet.stop()
        await app.stop()


async def data_attribute_number(page: Page, selector: str, name: str) -> float:
    value = await page.locator(selector).get_attribute(f"data-{name}")
    return float(value or 0)


async def eventually_number(page: Page, selector: str, name: str, predicate: object, what: str,
                            timeout_s: float = 15.0) -> float:
    deadline = time.monotonic() + timeout_s
    while True:
        value = await data_attribute_number(page, selector, name)
        if predicate(value):  # type: ignore[operator]
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what} (last {value})"
        await asyncio.sleep(0.2)


def artifacts_dir() -> Path:
    """Where the screenshot goes; also checks that the browser is installed (a missing one fails the test)."""
    assert Path(CHROMIUM).exists(), f"no {CHROMIUM}: install Debian's chromium (.ci/run does)"
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


async def test_dashboard_shows_stations_and_the_fleet_plot_follows_a_regulation_command() -> None:
    artifacts = artifacts_dir()
    async with csms_with_fleet() as (app, _fleet), async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(viewport={"width": 1400, "height": 1700})
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            base = f"http://127.0.0.1:{app.api_port}"
            await page.goto(base + "/")  # redirects to /dashboard/

            # sign in: a wrong token is refused, the right one opens the dashboard
            await page.fill("#token-input", "not-a-token")
            await page.click("#login-form button[type=submit]")
            await expect(page.locator("#login-error")).to_contain_text("not accepted")
            await page.fill("#token-input", API_TOKEN)
            await page.click("#login-form button[type=submit]")
            await expect(page.locator("#who")).to_contain_text("admin")
            await expect(page.locator("#live-status")).to_have_text("live")

            # stations appear, online, and EVs plug in
            rows = page.locator("#stations-table tbody tr[data-station-id]")
            await expect(rows).to_have_count(STATIONS, timeout=15_000)
            await expect(page.locator("#stat-stations")).to_have_text(f"{STATIONS} / {STATIONS}", timeout=10_000)
            await expect(page.locator("#stat-evs")).to_have_text(str(STATIONS), timeout=15_000)

            # the controller plans and dispatches: the regulation plot fills from the live stream
            points = await eventually_number(page, "#plot-regulation", "points", lambda v: v >= 3,
                                             "dispatch ticks on the plot")
            await expect(page.locator("#stat-plan")).to_contain_text("EVs")

            # a command: full regulation up; the plot's newest tick carries it
            await page.fill("#regulation-value", "1")
            await page.click("#regulation-send")
            await expect(page.locator("#toast")).to_contain_text("regulation: signal 1.00")
            await expect(page.locator("#plot-regulation")).to_have_attribute("data-last-signal", "1.000",
                                                                             timeout=10_000)
            assert await data_attribute_number(page, "#plot-regulation", "points") > points
            await asyncio.sleep(1.5)  # a few more ticks so the response shows in the screenshot

            # a DR event committed from the dashboard shows committed vs delivered
            await page.fill("#dr-kw", "20")
            await page.fill("#dr-start", "0")
            await page.click("#dr-form button[type=submit]")
            await expect(page.locator("#dr-table tbody tr")).to_have_count(1)
            await expect(page.locator("#dr-table tbody tr td").nth(3)).to_have_text("20.0 kW")

            # per-station detail with its composite schedule, and a remote stop from there
            await rows.first.click()
            await expect(page.locator("#station-detail")).to_be_visible()
            await expect(page.locator("#plot-composite")).to_have_attribute("data-periods", re.compile(r"^[1-9]"),
                                                                            timeout=10_000)
            page.set_default_timeout(10_000)
            await page.screenshot(path=str(artifacts / "dashboard.png"), full_page=True)
            stop = page.locator("#detail-evses button[data-stop-tx]")
            tx_id = await stop.first.get_attribute("data-stop-tx")
            await stop.first.click()
            await expect(page.locator("#toast")).to_contain_text(f"stop {tx_id}: Accepted")
            assert not errors, errors
        finally:
            await browser.close()

        async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {API_TOKEN}"}) as http:
            audit = (await http.get("/api/v1/audit")).json()
            tx = None
            for _ in range(50):
                tx = next(t for t in (await http.get("/api/v1/transactions")).json() if t["transaction_id"] == tx_id)
                if not tx["is_open"]:
                    break
                await asyncio.sleep(0.1)
    actions = [(e["actor"], e["action"], e["outcome"]) for e in audit]
    assert ("configured admin", "regulation", "ok") in actions
    assert ("configured admin", "RequestStopTransaction", "ok") in actions
    assert tx is not None and not tx["is_open"], "the remote stop ended the transaction"
