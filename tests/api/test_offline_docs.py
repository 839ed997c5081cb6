"""/docs (Swagger UI) and /redoc load their JS and CSS from this server (fastapi-offline), never from a CDN."""

from __future__ import annotations

import re

import httpx

from csms.api.app import DOCS_ASSETS_URL, SETTINGS_TOKEN_NAME, create_api
from tests.api.helpers import ADMIN, harness


async def test_docs_and_redoc_pages_name_no_external_url_and_their_assets_are_served_here() -> None:
    h = harness()
    async with h.client(role=None) as client:
        for page, assets in (("/docs", ("swagger-ui-bundle.js", "swagger-ui.css")),
                             ("/redoc", ("redoc.standalone.js",))):
            response = await client.get(page)
            assert response.status_code == 200, page
            html = response.text
            assert not re.search(r"https?://", html), f"{page} names an external URL"
            for asset in assets:
                url = f"{DOCS_ASSETS_URL}/{asset}"
                assert url in html
                served = await client.get(url)
                assert served.status_code == 200 and len(served.content) > 10_000, url
        assert (await client.get("/openapi.json")).json()["info"]["title"] == "V2G CSMS operator API"


async def test_the_configured_token_is_named_for_people_not_after_the_setting() -> None:
    h = harness()
    api = create_api(h.services)  # its own registry, seeded from the settings token
    transport = httpx.ASGITransport(api)
    async with httpx.AsyncClient(transport=transport, base_url="http://csms",
                                 headers={"Authorization": f"Bearer {ADMIN}"}) as client:
        me = (await client.get("/api/v1/whoami")).json()
    assert me["name"] == SETTINGS_TOKEN_NAME and "settings" not in me["name"] and me["role"] == "admin"
