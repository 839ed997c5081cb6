"""A streaming JSON websocket client source (cloud-to-cloud regulation/frequency/price links).

Connects to `url`, reads one JSON object per text message and yields typed signals:

- `{"type": "regulation", "value": -0.42, "sampled_at": "2024-01-01T12:00:02Z"}` (or `"percent": -42`)
- `{"type": "frequency", "frequency_hz": 49.97, "sampled_at": "..."}`
- `{"type": "price", "start_at": "...", "end_at": "...", "price_per_mwh": 61.5, "currency": "EUR", "area": "DK1"}`

`sampled_at` is optional (default: our clock's now). After each regulation/frequency sample it sends the
fleet's telemetry back on the same socket (`{"type": "telemetry", "at", "signal", "metered_w", "baseline_w",
"requested_w", "reserve_up_w", "reserve_down_w"}`) when a `TelemetryProvider` is given, i.e. at the signal's
cadence. A malformed message is counted in `rejected` and skipped; a closed connection raises
`GridConnectionError` (the `SourceFeed` around it reconnects with backoff).
Imports csms.domain and csms.grid only.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import AsyncIterator, Mapping
from datetime import datetime

import websockets
from websockets.asyncio.client import ClientConnection, connect

from csms.domain.clock import Clock, parse_ocpp_time, to_ocpp_time
from csms.grid.errors import GridConnectionError, GridDataError
from csms.grid.feed import TelemetryProvider
from csms.grid.signals import FrequencySample, GridSignal, PriceMarket, PriceSignal, RegulationSignal, SourceDescription

log = logging.getLogger("csms.grid.ws_stream")

_OFFSET = re.compile(r"([Zz]|[+-]\d\d:?\d\d)$")


def _number(message: Mapping[str, object], key: str, source: str) -> float:
    raw = message.get(key)
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        raise GridDataError(f"expected a finite number, got {raw!r}", source=source, column=key)
    return float(raw)


def _time(message: Mapping[str, object], key: str, source: str, default: datetime | None) -> datetime:
    raw = message.get(key)
    if raw is None and default is not None:
        return default
    if not isinstance(raw, str):
        raise GridDataError(f"expected an RFC 3339 time, got {raw!r}", source=source, column=key)
    if not _OFFSET.search(raw):
        raise GridDataError(f"time {raw!r} needs a UTC offset", source=source, column=key)
    try:
        return parse_ocpp_time(raw)
    except ValueError:
        raise GridDataError(f"bad time {raw!r}", source=source, column=key) from None


def parse_message(text: str | bytes, *, source: str, now: datetime) -> GridSignal:
    """One stream message as a signal; GridDataError if it is not one of the documented shapes."""
    try:
        message = json.loads(text)
    except ValueError:
        raise GridDataError("not JSON", source=source) from None
    if not isinstance(message, dict):
        raise GridDataError("expected a JSON object", source=source)
    kind = message.get("type")
    try:
        if kind == "regulation":
            value = (_number(message, "percent", source) / 100.0 if "percent" in message
                     else _number(message, "value", source))
            return RegulationSignal(_time(message, "sampled_at", source, now), value, source)
        if kind == "frequency":
            return FrequencySample(_time(message, "sampled_at", source, now),
                                   _number(message, "frequency_hz", source), source)
        if kind == "price":
            currency, area = message.get("currency", "EUR"), message.get("area", "")
            return PriceSignal(_time(message, "start_at", source, None), _time(message, "end_at", source, None),
                               _number(message, "price_per_mwh", source), str(currency),
                               PriceMarket.ENERGY_DAY_AHEAD, str(area), source, published_at=now)
    except ValueError as exc:  # the signal types' own range checks
        raise GridDataError(str(exc), source=source) from None
    raise GridDataError(f"unknown message type {kind!r}", source=source, column="type")


class WebSocketStream:
    """A websocket JSON stream as a `GridSignalSource` (one connection per `signals()` iteration)."""

    kind = "ws-stream"

    def __init__(self, url: str, clock: Clock, *, telemetry: TelemetryProvider | None = None,
                 headers: Mapping[str, str] | None = None, open_timeout_s: float = 10.0) -> None:
        self._url = url
        self._clock = clock
        self._telemetry = telemetry
        self._headers = dict(headers or {})
        self._open_timeout_s = open_timeout_s
        self._source = f"ws:{url}"
        self.rejected = 0
        self.telemetry_sent = 0

    async def signals(self) -> AsyncIterator[GridSignal]:
        try:
            async with connect(self._url, additional_headers=self._headers,
                               open_timeout=self._open_timeout_s) as ws:
                async for text in ws:
                    try:
                        signal = parse_message(text, source=self._source, now=self._clock.now())
                    except GridDataError as exc:
                        self.rejected += 1
                        log.warning("grid stream message rejected: %s", exc)
                        continue
                    yield signal
                    if self._telemetry is not None and isinstance(signal, RegulationSignal | FrequencySample):
                        await self._send_telemetry(ws)
        except (OSError, websockets.exceptions.WebSocketException, TimeoutError) as exc:
            raise GridConnectionError(f"{self._url}: {exc}") from exc
        raise GridConnectionError(f"{self._url}: the server closed the stream")

    async def _send_telemetry(self, ws: ClientConnection) -> None:
        assert self._telemetry is not None
        t = self._telemetry()
        if t is None:
            return
        await ws.send(json.dumps({"type": "telemetry", "at": to_ocpp_time(t.at), "signal": t.signal,
                                  "metered_w": t.metered_w, "baseline_w": t.baseline_w,
                                  "requested_w": t.requested_w, "reserve_up_w": t.reserve_up_w,
                                  "reserve_down_w": t.reserve_down_w}))
        self.telemetry_sent += 1

    def describe(self) -> SourceDescription:
        return SourceDescription(kind=self.kind, name=self._source,
                                 detail=f"{self.rejected} rejected, {self.telemetry_sent} telemetry sent")
