"""ENTSO-E Transparency Platform day-ahead prices (document type A44) for a `PricePoller`.

`parse_entsoe_a44(xml_bytes)` reads a Publication_MarketDocument (any 7:x namespace version): every TimeSeries
Period with resolution PT15M / PT30M / PT60M, curve type A01 (every position given) or A03 (a position left
out repeats the previous price), prices in the document's currency per MWh, `published_at` = createdDateTime.
An Acknowledgement_MarketDocument (the platform's "no matching data" answer before the auction is published)
gives no prices. `entsoe_fetch(token, area_eic, clock)` GETs today and tomorrow (UTC) from the platform's
REST API (`securityToken`, `documentType=A44`, `in_Domain` = `out_Domain` = the bidding zone's EIC code).

Why not entsoe-py: its parser returns pandas objects and it pulls pandas, requests and BeautifulSoup into the
server; the A44 document is small and its structure fixed, so the standard library's ElementTree reads it.
Imports csms.domain and csms.grid only.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import httpx

from csms.domain.clock import Clock
from csms.grid.csv_poller import http_fetch
from csms.grid.errors import GridDataError
from csms.grid.signals import PriceMarket, PriceSignal

API_URL = "https://web-api.tp.entsoe.eu/api"
_RESOLUTIONS = {"PT15M": 900, "PT30M": 1800, "PT60M": 3600, "P1D": 86_400}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(node: ET.Element, name: str) -> ET.Element | None:
    for child in node:
        if _local(child.tag) == name:
            return child
    return None


def _text(node: ET.Element, path: str, source: str) -> str:
    current: ET.Element | None = node
    for name in path.split("/"):
        current = None if current is None else _child(current, name)
    if current is None or current.text is None:
        raise GridDataError(f"missing {path}", source=source, column=path)
    return current.text.strip()


def _time(text: str, source: str, column: str) -> datetime:
    # ENTSO-E writes "2023-12-31T23:00Z" (no seconds)
    if re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\dZ", text):
        text = text[:-1] + ":00Z"
    try:
        at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise GridDataError(f"bad time {text!r}", source=source, column=column) from None
    if at.tzinfo is None:
        raise GridDataError(f"time {text!r} has no offset", source=source, column=column)
    return at.astimezone(UTC)


def parse_entsoe_a44(data: bytes, *, source: str = "entsoe") -> list[PriceSignal]:
    """Day-ahead prices from an A44 document, in order of interval start (see the module docstring)."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise GridDataError(f"not XML: {exc}", source=source) from None
    kind = _local(root.tag)
    if kind == "Acknowledgement_MarketDocument":
        return []
    if kind != "Publication_MarketDocument":
        raise GridDataError(f"unexpected document {kind}", source=source)
    created = _child(root, "createdDateTime")
    published_at = None if created is None or not created.text else _time(created.text.strip(), source,
                                                                           "createdDateTime")
    prices: dict[datetime, PriceSignal] = {}
    for series in (c for c in root if _local(c.tag) == "TimeSeries"):
        currency = _text(series, "currency_Unit.name", source)
        area = _text(series, "in_Domain.mRID", source)
        curve = _child(series, "curveType")
        curve_type = "A01" if curve is None or not curve.text else curve.text.strip()
        for period in (c for c in series if _local(c.tag) == "Period"):
            start = _time(_text(period, "timeInterval/start", source), source, "timeInterval.start")
            end = _time(_text(period, "timeInterval/end", source), source, "timeInterval.end")
            resolution = _text(period, "resolution", source)
            if resolution not in _RESOLUTIONS:
                raise GridDataError(f"unsupported resolution {resolution}", source=source, column="resolution")
            step = timedelta(seconds=_RESOLUTIONS[resolution])
            count = int((end - start) / step)
            given: dict[int, float] = {}
            for point in (c for c in period if _local(c.tag) == "Point"):
                try:
                    position = int(_text(point, "position", source))
                    given[position] = float(_text(point, "price.amount", source))
                except ValueError:
                    raise GridDataError("bad Point", source=source, column="Point") from None
                if not 1 <= position <= count:
                    raise GridDataError(f"position {position} outside 1..{count}", source=source,
                                        column="position")
            price: float | None = None
            for position in range(1, count + 1):
                if position in given:
                    price = given[position]
                elif curve_type != "A03" or price is None:
                    continue  # A01: a missing position has no price
                at = start + (position - 1) * step
                prices[at] = PriceSignal(at, at + step, price, currency, PriceMarket.ENERGY_DAY_AHEAD, area,
                                         source, published_at=published_at)
    return [prices[at] for at in sorted(prices)]


def entsoe_fetch(token: str, area_eic: str, clock: Clock, *, url: str = API_URL, days: int = 2,
                 transport: httpx.AsyncBaseTransport | None = None) -> Callable[[], Awaitable[bytes]]:
    """GET the A44 document for [today 00:00 UTC, + `days`) as of each call."""

    async def fetch() -> bytes:
        today = clock.now().astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        params = {"securityToken": token, "documentType": "A44", "in_Domain": area_eic, "out_Domain": area_eic,
                  "periodStart": today.strftime("%Y%m%d%H%M"),
                  "periodEnd": (today + timedelta(days=days)).strftime("%Y%m%d%H%M")}
        return await http_fetch(url, params=params, transport=transport)()

    return fetch
