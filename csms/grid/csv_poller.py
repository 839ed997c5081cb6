"""Price pollers: fetch a price document every `interval_s`, parse it, yield the prices that are new or changed.

`PricePoller(fetch, parse, clock, interval_s)` is the generic `GridSignalSource`: `fetch()` returns the
document's bytes (an HTTP GET with httpx, or a test double), `parse(bytes)` the `PriceSignal`s in it. A price is
yielded again only when its value changes. A failed fetch raises `GridConnectionError` (the `SourceFeed` around
it backs off and retries; the plan keeps the prices it has).

`parse_price_csv` reads the generic CSV format: a header with `start_at` and `price_per_mwh` (optional `end_at`,
`currency`, `area`); RFC 3339 times with offsets; an interval without `end_at` ends where the next one starts
(the last one lasts as long as the one before it, or an hour).
Imports csms.domain and csms.grid only.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import datetime, timedelta

import httpx

from csms.domain.clock import Clock
from csms.grid.errors import GridConnectionError, GridDataError
from csms.grid.signals import PriceMarket, PriceSignal, SourceDescription


def parse_price_csv(data: bytes, *, source: str, currency: str = "EUR", area: str = "",
                    market: PriceMarket = PriceMarket.ENERGY_DAY_AHEAD) -> list[PriceSignal]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise GridDataError("not UTF-8 text", source=source) from None
    reader = csv.DictReader(io.StringIO(text))
    names = set(reader.fieldnames or ())
    if not {"start_at", "price_per_mwh"} <= names:
        raise GridDataError(f"header needs start_at and price_per_mwh, got {sorted(names)}", source=source, line=1)
    rows: list[tuple[int, datetime, datetime | None, float, str, str]] = []
    for line, row in enumerate(reader, start=2):
        start = _time(row["start_at"], source, line, "start_at")
        end = _time(row["end_at"], source, line, "end_at") if row.get("end_at") else None
        try:
            price = float(row["price_per_mwh"])
        except (TypeError, ValueError):
            raise GridDataError(f"bad price {row['price_per_mwh']!r}", source=source, line=line,
                                column="price_per_mwh") from None
        if not math.isfinite(price):
            raise GridDataError("price is not finite", source=source, line=line, column="price_per_mwh")
        rows.append((line, start, end, price, row.get("currency") or currency, row.get("area") or area))
    rows.sort(key=lambda r: r[1])
    out: list[PriceSignal] = []
    for i, (line, start, end, price, cur, where) in enumerate(rows):
        if end is None:
            if i + 1 < len(rows):
                end = rows[i + 1][1]
            else:
                end = start + (start - rows[i - 1][1] if i > 0 else timedelta(hours=1))
        if end <= start:
            raise GridDataError("interval ends before it starts", source=source, line=line, column="end_at")
        out.append(PriceSignal(start, end, price, cur, market, where, source))
    return out


def _time(text: str | None, source: str, line: int, column: str) -> datetime:
    try:
        at = datetime.fromisoformat((text or "").strip().replace("Z", "+00:00"))
    except ValueError:
        raise GridDataError(f"bad time {text!r}", source=source, line=line, column=column) from None
    if at.tzinfo is None or at.utcoffset() is None:
        raise GridDataError(f"time {text!r} needs a UTC offset", source=source, line=line, column=column)
    return at


def http_fetch(url: str, *, params: dict[str, str] | None = None, headers: dict[str, str] | None = None,
               timeout_s: float = 30.0, transport: httpx.AsyncBaseTransport | None = None,
               ) -> Callable[[], Awaitable[bytes]]:
    """A `fetch` doing GET `url` (httpx); non-2xx answers and network errors raise GridConnectionError."""

    async def fetch() -> bytes:
        try:
            async with httpx.AsyncClient(timeout=timeout_s, transport=transport) as client:
                response = await client.get(url, params=params, headers=headers)
        except httpx.HTTPError as exc:
            raise GridConnectionError(f"GET {url}: {exc}") from exc
        if response.status_code // 100 != 2:
            raise GridConnectionError(f"GET {url}: HTTP {response.status_code}")
        return response.content

    return fetch


class PricePoller:
    """Polls a price document and yields new or changed prices (see the module docstring)."""

    kind = "price-poller"

    def __init__(self, fetch: Callable[[], Awaitable[bytes]], parse: Callable[[bytes], Sequence[PriceSignal]],
                 clock: Clock, *, interval_s: float = 3600.0, name: str = "prices") -> None:
        if interval_s <= 0:
            raise ValueError("interval_s must be > 0")
        self._fetch = fetch
        self._parse = parse
        self._clock = clock
        self._interval_s = interval_s
        self._name = name
        self._known: dict[tuple[datetime, datetime], float] = {}
        self.polls = 0

    async def signals(self) -> AsyncIterator[PriceSignal]:
        while True:
            data = await self._fetch()
            self.polls += 1
            for price in self._parse(data):
                key = (price.start_at, price.end_at)
                if self._known.get(key) != price.price_per_mwh:
                    self._known[key] = price.price_per_mwh
                    yield price
            await self._clock.sleep(self._interval_s)

    def describe(self) -> SourceDescription:
        return SourceDescription(kind=self.kind, name=self._name, cadence_s=self._interval_s,
                                 detail=f"{self.polls} polls, {len(self._known)} prices known")
