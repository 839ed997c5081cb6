"""OpenADR 2.0b VEN (virtual end node) on top of `openleadr`, and the event -> grid-signal translation.

`OpenAdrVen` registers with a VTN (simpleHttp pull), turns every oadrEvent into our types, opts in or out
through a policy callback, and reports the fleet's load (TELEMETRY_USAGE, powerReal in W, + = consumption, the
CSMS's own sign) at the interval the VTN asks for. Consumers iterate `signals()`.

Translation (`convert_event`), per event signal:
- SIMPLE / level            -> DrInterval(kind=LEVEL, value 0..3)
- LOAD_CONTROL / x-loadControlCapacity -> DrInterval(kind=CAPACITY_FRACTION, value 0..1: run at that fraction)
- LOAD_DISPATCH / delta     -> DrInterval(kind=REDUCTION_W, value = -delta in W: a delta of -50 kW asks for a
                               50 kW reduction; the itemBase scale (k, M) is applied, W assumed without one)
- LOAD_DISPATCH / setpoint  -> DrInterval(kind=SETPOINT_W)
- ELECTRICITY_PRICE / price -> PriceSignal per interval (per kWh unless the itemBase says otherwise, x 1000)
Other signals (relative prices, level offsets, BID_*) are listed in `ConvertedEvent.unsupported` and ignored;
an event with DR intervals becomes one `DemandResponseEvent` carrying our opt decision.

openleadr itself reads the wall clock (event status, report timestamps, its scheduler); the VEN's polls, which
decide when an event is heard, run on the injected Clock instead of openleadr's wall-clock scheduler (so a
closed loop on virtual time hears each event at the same simulated instant on any host), and this module's own
timestamps (`notified_at`, report samples) come from it too. Imports csms.domain,
csms.grid and openleadr only.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from csms.domain.clock import Clock
from csms.grid.errors import GridConnectionError, GridDataError
from csms.grid.signals import (
    DemandResponseEvent,
    DrEventStatus,
    DrInterval,
    DrSignalKind,
    OptState,
    PriceMarket,
    PriceSignal,
    SourceDescription,
)

log = logging.getLogger("csms.grid.openadr")

_SI_SCALE = {"p": 1e-12, "n": 1e-9, "micro": 1e-6, "m": 1e-3, "c": 1e-2, "d": 1e-1, "none": 1.0, "k": 1e3,
             "M": 1e6, "G": 1e9, "T": 1e12}

_KEEP_ENDED = timedelta(hours=1)  # events and prices that ended longer ago are forgotten

OptPolicy = Callable[[DemandResponseEvent], bool | Awaitable[bool]]
LoadCallback = Callable[[], float | Awaitable[float]]


@dataclass(frozen=True, slots=True)
class ConvertedEvent:
    """One oadrEvent in our terms."""

    event_id: str
    modification_number: int
    status: DrEventStatus
    dr_event: DemandResponseEvent | None
    prices: tuple[PriceSignal, ...]
    unsupported: tuple[str, ...]


def _get(mapping: Mapping[str, Any], key: str, source: str, where: str) -> Any:
    if not isinstance(mapping, Mapping) or key not in mapping or mapping[key] is None:
        raise GridDataError(f"missing {key}", source=source, column=where)
    return mapping[key]


def _aware(value: Any, source: str, where: str) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise GridDataError(f"expected a UTC-aware date-time, got {value!r}", source=source, column=where)
    return value


def _duration(value: Any, source: str, where: str) -> timedelta:
    if not isinstance(value, timedelta) or value < timedelta(0):
        raise GridDataError(f"expected a non-negative duration, got {value!r}", source=source, column=where)
    return value


def _number(value: Any, source: str, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise GridDataError(f"expected a number, got {value!r}", source=source, column=where)
    return float(value)


def _scale(measurement: Any, source: str, where: str) -> float:
    if not isinstance(measurement, Mapping):
        return 1.0
    scale = measurement.get("scale") or "none"
    if scale not in _SI_SCALE:
        raise GridDataError(f"unknown SI scale {scale!r}", source=source, column=where)
    return _SI_SCALE[scale]


def convert_event(event: Mapping[str, Any], *, source: str, notified_at: datetime, currency: str = "USD",
                  opt: OptState = OptState.PENDING) -> ConvertedEvent:
    """Translate one openleadr event dict (as parsed from oadrDistributeEvent) into our types."""
    descriptor = _get(event, "event_descriptor", source, "eiEvent")
    event_id = str(_get(descriptor, "event_id", source, "eventDescriptor"))
    src = f"{source}:{event_id}"
    modification_number = int(_number(descriptor.get("modification_number", 0), src, "modificationNumber"))
    raw_status = str(descriptor.get("event_status", "far"))
    try:
        status = DrEventStatus(raw_status)
    except ValueError:
        raise GridDataError(f"unknown event status {raw_status!r}", source=src, column="eventStatus") from None
    period = _get(event, "active_period", source, "eiActivePeriod")
    start_at = _aware(_get(period, "dtstart", src, "eiActivePeriod"), src, "eiActivePeriod.dtstart")
    duration = _duration(_get(period, "duration", src, "eiActivePeriod"), src, "eiActivePeriod.duration")

    raw_signals = event.get("event_signals") or []
    if isinstance(raw_signals, Mapping):
        raw_signals = raw_signals.get("event_signals") or []
    if not isinstance(raw_signals, Sequence) or not raw_signals:
        raise GridDataError("event has no signals", source=src, column="eiEventSignals")

    dr: list[DrInterval] = []
    prices: list[PriceSignal] = []
    unsupported: list[str] = []
    for n, signal in enumerate(raw_signals):
        where = f"eiEventSignal[{n}]"
        name = str(_get(signal, "signal_name", src, where))
        kind = str(_get(signal, "signal_type", src, where))
        intervals = _get(signal, "intervals", src, where)
        if not isinstance(intervals, Sequence) or not intervals:
            raise GridDataError("signal has no intervals", source=src, column=where)
        measurement = signal.get("measurement")
        cursor = start_at
        spans: list[tuple[datetime, datetime, float]] = []
        for k, interval in enumerate(intervals):
            iwhere = f"{where}.interval[{k}]"
            i_start = interval.get("dtstart") if isinstance(interval, Mapping) else None
            i_start = cursor if i_start is None else _aware(i_start, src, f"{iwhere}.dtstart")
            i_end = i_start + _duration(_get(interval, "duration", src, iwhere), src, f"{iwhere}.duration")
            if i_end <= i_start:
                raise GridDataError("interval has no duration", source=src, column=iwhere)
            spans.append((i_start, i_end, _number(_get(interval, "signal_payload", src, iwhere), src, iwhere)))
            cursor = i_end
        upper = name.upper()
        if upper == "SIMPLE" and kind == "level":
            for i_start, i_end, value in spans:
                if value not in (0, 1, 2, 3):
                    raise GridDataError(f"SIMPLE level must be 0..3, got {value}", source=src, column=where)
                dr.append(DrInterval(i_start, i_end, DrSignalKind.LEVEL, value))
        elif upper == "LOAD_CONTROL" and kind == "x-loadControlCapacity":
            for i_start, i_end, value in spans:
                if not 0.0 <= value <= 1.0:
                    raise GridDataError(f"x-loadControlCapacity must be 0..1, got {value}", source=src, column=where)
                dr.append(DrInterval(i_start, i_end, DrSignalKind.CAPACITY_FRACTION, value))
        elif upper == "LOAD_DISPATCH" and kind in ("delta", "setpoint"):
            factor = _scale(measurement, src, where)
            for i_start, i_end, value in spans:
                if kind == "delta":
                    dr.append(DrInterval(i_start, i_end, DrSignalKind.REDUCTION_W, -value * factor))
                else:
                    dr.append(DrInterval(i_start, i_end, DrSignalKind.SETPOINT_W, value * factor))
        elif upper == "ELECTRICITY_PRICE" and kind == "price":
            per_mwh = 1000.0
            unit_currency = currency
            if isinstance(measurement, Mapping):
                if measurement.get("name") not in (None, "currencyPerKWh"):
                    unsupported.append(f"{name}/{kind} in {measurement.get('name')}")
                    continue
                unit_currency = str(measurement.get("unit") or currency)
            for i_start, i_end, value in spans:
                prices.append(PriceSignal(i_start, i_end, value * per_mwh, unit_currency,
                                          PriceMarket.ENERGY_RETAIL_DYNAMIC, str(descriptor.get("market_context")
                                                                                  or ""), src,
                                          published_at=notified_at))
        else:
            unsupported.append(f"{name}/{kind}")

    end_at = start_at + duration
    if duration == timedelta(0):  # OpenADR: zero duration = until cancelled; take the intervals' end
        ends = [i.end_at for i in dr] + [p.end_at for p in prices]
        if not ends:
            raise GridDataError("open-ended event without timed intervals", source=src, column="eiActivePeriod")
        end_at = max(ends)
    dr_event = None
    if dr:
        created = descriptor.get("created_date_time")
        dr_event = DemandResponseEvent(
            event_id=event_id, source=source, start_at=start_at, end_at=end_at, intervals=tuple(dr),
            notified_at=notified_at, opt=opt, status=status, modification_number=modification_number,
            created_at=created if isinstance(created, datetime) and created.tzinfo is not None else None,
            market_context=str(descriptor.get("market_context") or ""),
            priority=int(_number(descriptor.get("priority", 0) or 0, src, "priority")),
            test_event=str(descriptor.get("test_event", "false")).lower() == "true",
        )
    return ConvertedEvent(event_id, modification_number, status, dr_event, tuple(prices), tuple(unsupported))


def parse_distribute_event_xml(path: Path | str, *, notified_at: datetime, currency: str = "USD",
                               ) -> list[ConvertedEvent]:
    """Parse an oadrDistributeEvent document with openleadr's schema validation and parser into our types."""
    from lxml.etree import XMLSyntaxError
    from openleadr.messaging import parse_message, validate_xml_schema

    source = str(path)
    try:
        content = Path(path).read_bytes()
    except OSError as exc:
        raise GridDataError(f"cannot read file: {exc.strerror or exc}", source=source) from exc
    try:
        validate_xml_schema(content)
        message_type, payload = parse_message(content)
    except XMLSyntaxError as exc:
        raise GridDataError(f"not a valid OpenADR 2.0b document: {exc.msg}", source=source,
                            line=exc.lineno) from exc
    except (KeyError, ValueError, TypeError) as exc:
        raise GridDataError(f"unreadable OpenADR document: {exc!r}", source=source) from exc
    if message_type != "oadrDistributeEvent":
        raise GridDataError(f"expected oadrDistributeEvent, got {message_type}", source=source)
    vtn = f"openadr:{payload.get('vtn_id', '?')}"
    return [convert_event(event, source=vtn, notified_at=notified_at, currency=currency)
            for event in payload.get("events") or []]


async def _maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


class OpenAdrVen:
    """An OpenADR 2.0b VEN for the fleet: `await ven.start()`, then `async for s in ven.signals(): ...`,
    `await ven.stop()` at the end.

    `load_w` returns the fleet's current load in W (+ = import); `opt_policy(event)` returns True to opt in
    (default: opt in to everything). Events whose conversion fails are opted out and logged; a cancellation
    keeps the earlier opt. A new consumer of `signals()` first gets the current version of every known event
    and their prices (ended ones are forgotten after an hour), then live updates (nothing dropped).
    `client_options` go to `openleadr.OpenADRClient` (cert, key, vtn_fingerprint, ca_file, ...)."""

    kind = "openadr-ven"

    def __init__(self, *, vtn_url: str, ven_name: str, clock: Clock, load_w: LoadCallback,
                 ven_id: str | None = None, opt_policy: OptPolicy | None = None, currency: str = "USD",
                 resource_id: str = "fleet", report_min_interval_s: float = 10.0,
                 report_max_interval_s: float = 3600.0, client_options: Mapping[str, Any] | None = None) -> None:
        self._vtn_url = vtn_url
        self._ven_name = ven_name
        self._ven_id = ven_id
        self._clock = clock
        self._load_w = load_w
        self._opt_policy = opt_policy
        self._currency = currency
        self._resource_id = resource_id
        self._report_interval_s = (report_min_interval_s, report_max_interval_s)
        self._client_options = dict(client_options or {})
        self._client: Any = None
        self._poll_task: asyncio.Task[None] | None = None
        self._source = f"openadr:{vtn_url}"
        self._events: dict[str, DemandResponseEvent] = {}
        self._prices: dict[str, tuple[PriceSignal, ...]] = {}
        self._subscribers: set[asyncio.Queue[DemandResponseEvent | PriceSignal | None]] = set()
        self._closed = False
        self.report_samples = 0

    @property
    def ven_id(self) -> str | None:
        return self._client.ven_id if self._client is not None else self._ven_id

    @property
    def registration_id(self) -> str | None:
        return self._client.registration_id if self._client is not None else None

    @property
    def events(self) -> Mapping[str, DemandResponseEvent]:
        """The latest version of every DR event received, by event id."""
        return dict(self._events)

    async def start(self, *, timeout_s: float = 30.0) -> None:
        """Register with the VTN, offer the load report, sync events and start polling; GridConnectionError if
        the VTN cannot be reached or does not register us within `timeout_s`."""
        from openleadr import OpenADRClient, objects

        client = OpenADRClient(ven_name=self._ven_name, vtn_url=self._vtn_url, ven_id=self._ven_id,
                               **self._client_options)
        client.add_handler("on_event", self._on_event)
        client.add_handler("on_update_event", self._on_event)
        min_s, max_s = self._report_interval_s
        client.add_report(callback=self._report_load, resource_id=self._resource_id, measurement="power_real",
                          report_duration=timedelta(seconds=max_s),
                          sampling_rate=objects.SamplingRate(min_period=timedelta(seconds=min_s),
                                                             max_period=timedelta(seconds=max_s), on_change=False))
        self._client = client
        try:
            await asyncio.wait_for(client.run(), timeout_s)
        except TimeoutError as exc:
            await self.stop()
            raise GridConnectionError(f"VTN {self._vtn_url} did not register us within {timeout_s} s") from exc
        if client.registration_id is None:
            await self.stop()
            raise GridConnectionError(f"VTN {self._vtn_url} refused or did not answer the registration")
        self._poll_on_clock(client)
        log.info("registered with VTN", extra={"vtn": self._vtn_url, "ven_id": client.ven_id,
                                               "registration_id": client.registration_id})

    def _poll_on_clock(self, client: Any) -> None:
        """Take the periodic oadrPoll over from openleadr's scheduler (wall clock) onto the injected clock, at the
        poll frequency the VTN asked for (openleadr 0.5's `OpenADRClient._poll`, the job it schedules)."""
        for job in client.scheduler.get_jobs():
            if job.func == client._poll:
                job.remove()
        every_s = max(1.0, client.poll_frequency.total_seconds())
        self._poll_task = asyncio.create_task(self._poll_every(client, every_s), name="openadr-poll")

    async def _poll_every(self, client: Any, every_s: float) -> None:
        while True:
            await self._clock.sleep(every_s)
            try:
                await client._poll()
            except Exception:  # a task boundary: a failed poll is retried at the next one, as openleadr does
                log.exception("OpenADR poll failed", extra={"vtn": self._vtn_url})

    async def stop(self) -> None:
        """Stop polling and reporting, close the HTTP session and end every consumer's iteration."""
        client, self._client = self._client, None
        if self._poll_task is not None:
            self._poll_task.cancel()
            await asyncio.gather(self._poll_task, return_exceptions=True)
            self._poll_task = None
        if client is not None:
            if client.scheduler.running:
                client.scheduler.shutdown(wait=False)
            if client.report_queue_task is not None:
                client.report_queue_task.cancel()
            if client.client_session is not None:
                await client.client_session.close()
        self._closed = True
        for queue in self._subscribers:
            queue.put_nowait(None)

    async def signals(self) -> AsyncIterator[DemandResponseEvent | PriceSignal]:
        queue: asyncio.Queue[DemandResponseEvent | PriceSignal | None] = asyncio.Queue()
        for event in self._events.values():
            queue.put_nowait(event)
        for prices in self._prices.values():
            for price in prices:
                queue.put_nowait(price)
        if self._closed:
            queue.put_nowait(None)
        self._subscribers.add(queue)
        try:
            while (item := await queue.get()) is not None:
                yield item
        finally:
            self._subscribers.discard(queue)

    def describe(self) -> SourceDescription:
        return SourceDescription(kind=self.kind, name=self._source,
                                 detail=f"ven {self.ven_id or '?'}, {len(self._events)} events, "
                                        f"{self.report_samples} report samples")

    def _publish(self, item: DemandResponseEvent | PriceSignal) -> None:
        for queue in self._subscribers:
            queue.put_nowait(item)

    async def _decide(self, event: DemandResponseEvent) -> bool:
        if self._opt_policy is None:
            return True
        try:
            return bool(await _maybe_await(self._opt_policy(event)))
        except Exception:  # a task boundary: a broken policy must not break the VEN
            log.exception("opt policy failed; opting out", extra={"event_id": event.event_id})
            return False

    async def _on_event(self, event: dict[str, Any]) -> str:
        """openleadr's on_event/on_update_event handler: convert, decide, publish, answer optIn/optOut."""
        try:
            converted = convert_event(event, source=self._source, notified_at=self._clock.now(),
                                      currency=self._currency)
        except GridDataError as exc:
            log.warning("unusable OpenADR event; opting out", extra={"error": str(exc)})
            return "optOut"
        if converted.unsupported:
            log.info("ignoring unsupported OpenADR signals", extra={"event_id": converted.event_id,
                                                                    "signals": list(converted.unsupported)})
        opt_in = True
        dr_event = converted.dr_event
        if dr_event is not None:
            previous = self._events.get(dr_event.event_id)
            if dr_event.status is DrEventStatus.CANCELLED and previous is not None:
                opt_in = previous.opt is OptState.OPT_IN
            else:
                opt_in = await self._decide(dr_event)
            dr_event = replace(dr_event, opt=OptState.OPT_IN if opt_in else OptState.OPT_OUT)
            self._events[dr_event.event_id] = dr_event
            self._publish(dr_event)
        if converted.status is DrEventStatus.CANCELLED:
            self._prices.pop(converted.event_id, None)  # prices already published cannot be retracted
        else:
            self._prices[converted.event_id] = converted.prices
            for price in converted.prices:
                self._publish(price)
        self._forget_ended(self._clock.now() - _KEEP_ENDED)
        log.info("OpenADR event", extra={"event_id": converted.event_id, "status": str(converted.status),
                                         "opt": "optIn" if opt_in else "optOut"})
        return "optIn" if opt_in else "optOut"

    def _forget_ended(self, before: datetime) -> None:
        for event_id in [e for e, ev in self._events.items() if ev.end_at < before]:
            del self._events[event_id]
        for event_id in [e for e, ps in self._prices.items() if not ps or max(p.end_at for p in ps) < before]:
            del self._prices[event_id]

    async def _report_load(self) -> list[tuple[datetime, float]]:
        """openleadr's report callback: one (timestamp, W) sample from `load_w`, or none if it fails."""
        try:
            value = float(await _maybe_await(self._load_w()))
        except Exception:  # a task boundary: report nothing rather than kill openleadr's scheduler job
            log.exception("load callback failed; sending no report value")
            return []
        self.report_samples += 1
        return [(self._clock.now(), value)]
