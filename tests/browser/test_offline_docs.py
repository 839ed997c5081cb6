"""/docs (Swagger UI) and /redoc render in headless Chromium with every request off this host refused, as on a
network without internet: their JS and CSS come from the CSMS itself (fastapi-offline). ReDoc's bundle still asks
for its "powered by" logo image from its CDN; that one refused image is all that is missing offline."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.async_api import Route, async_playwright, expect

from tests.api.helpers import harness, serving
from tests.browser.test_dashboard import CHROMIUM, CHROMIUM_ARGS, artifacts_dir


async def test_swagger_ui_and_redoc_render_with_the_network_cut_off() -> None:
    artifacts = artifacts_dir()
    refused: list[tuple[str, str]] = []  # (resource type, URL)

    async def loopback_only(route: Route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            await route.continue_()
        else:
            refused.append((route.request.resource_type, route.request.url))
            await route.abort("internetdisconnected")

    async with serving(harness().api) as base, async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(viewport={"width": 1200, "height": 900})
            await page.route("**/*", loopback_only)
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            await page.goto(base + "/docs")
            await expect(page.locator(".swagger-ui .info .title")).to_contain_text("V2G CSMS operator API")
            await expect(page.locator(".opblock").first).to_be_visible()
            await page.screenshot(path=str(artifacts / "docs-offline.png"))
            assert refused == []
            await page.goto(base + "/redoc")
            await expect(page.locator("h1").first).to_contain_text("V2G CSMS operator API")
            await expect(page.get_by_text("/api/v1/stations").first).to_be_attached()
        finally:
            await browser.close()
    assert errors == [] and all(kind == "image" and "logo" in url for kind, url in refused), refused
