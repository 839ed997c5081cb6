"""Live grid feeds: every source behind one small interface (`GridFeed`), one consumer feeding the controller.

A `GridFeed` is started and stopped by the composition root, reports its `status()` (connected, last value,
age, errors) for the operator API, and hands each signal it receives to the `FeedConsumer`, which is the only
thing that calls the fleet controller (`GridSink`) for grid inputs. `SourceFeed` turns any `GridSignalSource`
(a push hub, a file replay, the OpenADR VEN, a websocket stream, a poller) into a feed that reconnects with
exponential backoff when the source fails; transports that are servers (the Modbus TCP server) implement
`GridFeed` themselves.

Failing safe (the consumer's watchdog, on the injected clock):
- regulation/frequency: when no sample has arrived for `regulation_max_age_s`, the signal decays linearly to
  0 over `regulation_decay_s` (0: at once), so the fleet returns to its planned baseline; the next sample
  takes over again;
- prices: a price feed with nothing new for `price_max_age_s` is flagged `stale`; the plan keeps the prices it
  has (nothing is withdrawn).

Telemetry back: a `TelemetryProvider` (from the composition root) returns the fleet's latest metered power,
baseline and reserves; feeds that can publish (Modbus registers, OpenADR reports) read it.
Imports csms.domain and csms.grid only.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, runtime_checkable

from csms.domain.clock import Clock
from csms.grid.droop import DroopCurve
from csms.grid.signals import (
    DemandResponseEvent,
    DrEventStatus,
    FrequencySample,
    GridSignal,
    GridSignalSource,
    OptState,
    PriceMarket,
    PriceSignal,
    RegulationSignal,
    SourceDescription,
    TariffSchedule,
)

log = logging.getLogger("csms.grid.feed")

_ENERGY_MARKETS = frozenset({PriceMarket.ENERGY_DAY_AHEAD, PriceMarket.ENERGY_INTRADAY, PriceMarket.ENERGY_RETAIL_TOU,
                             PriceMarket.ENERGY_RETAIL_DYNAMIC})
# Capacity prices of one direction (per MW per hour) the planner can offer reserve into, block by block; the
# symmetric products (PJM RMCP, FCR) are not split into up and down here.
_RESERVE_UP_MARKETS = frozenset({PriceMarket.REGULATION_UP_CAPACITY, PriceMarket.FCR_D_UP})
_RESERVE_DOWN_MARKETS = frozenset({PriceMarket.REGULATION_DOWN_CAPACITY, PriceMarket.FCR_D_DOWN})


class FeedState(enum.StrEnum):
    STARTING = "starting"
    CONNECTED = "connected"  # receiving (a server: listening with a client or a recent sample)
    WAITING = "waiting"  # a server listening with no client yet
    RECONNECTING = "reconnecting"  # failed; the next attempt is after a backoff
    ENDED = "ended"  # the source ran out (a file replay)
    STOPPED = "stopped"


class FeedRole(enum.StrEnum):
    """What a feed's signals drive: the staleness policy depends on it."""

    REGULATION = "regulation"  # regulation or frequency (real-time)
    PRICES = "prices"
    EVENTS = "events"  # demand response


@dataclass(frozen=True, slots=True)
class FeedStatus:
    """A feed as the operator sees it. `age_s` is the time since the last signal (None: none yet)."""

    name: str
    kind: str
    role: FeedRole
    state: FeedState
    received: int
    errors: int
    last_error: str | None
    last_value: float | str | None
    last_at: datetime | None
    age_s: float | None
    stale: bool
    reconnects: int
    detail: str = ""

    @property
    def connected(self) -> bool:
        return self.state is FeedState.CONNECTED


@dataclass(frozen=True, slots=True)
class Telemetry:
    """What the fleet did, for publishing back on a link (W, + = import)."""

    at: datetime
    signal: float
    metered_w: float
    baseline_w: float
    requested_w: float
    reserve_up_w: float
    reserve_down_w: float


TelemetryProvider = Callable[[], Telemetry | None]


class GridSink(Protocol):
    """The controller's grid inputs (`csms.services.fleet_controller.FleetController` has them)."""

    def on_regulation(self, signal: float) -> None: ...

    def on_prices(self, interval_start_at: datetime, import_price_per_mwh: float,
                  export_price_per_mwh: float | None = None) -> None: ...

    def request_replan(self, reason: str) -> None: ...

    def cancel_dr_event(self, event_id: str) -> None: ...


class DrSink(Protocol):
    def on_dr_event(self, event_id: str, start_at: datetime, end_at: datetime, reduction_w: float,
                    baseline_w: float | None = None) -> object: ...


Deliver = Callable[["GridFeed", GridSignal], None]


@runtime_checkable
class GridFeed(Protocol):
    """A live grid input: `start(deliver)` begins receiving (each signal goes to `deliver`), `stop()` ends it."""

    name: str
    kind: str
    role: FeedRole

    async def start(self, deliver: Deliver) -> None: ...

    async def stop(self) -> None: ...

    def status(self, now: datetime) -> FeedStatus: ...


def signal_value(signal: GridSignal) -> float | str:
    """The number (or label) a feed shows as its last value."""
    match signal:
        case RegulationSignal(value=v):
            return v
        case FrequencySample(frequency_hz=hz):
            return hz
        case PriceSignal(price_per_mwh=p):
            return p
        case DemandResponseEvent(event_id=e, opt=opt):
            return f"{e} ({opt})"
        case TariffSchedule(name=n):
            return n
    return str(signal)  # pragma: no cover - the union is exhaustive


def signal_at(signal: GridSignal, received_at: datetime) -> datetime:
    match signal:
        case RegulationSignal(sampled_at=at) | FrequencySample(sampled_at=at):
            return at
        case DemandResponseEvent(notified_at=at):
            return at
    return received_at


@dataclass
class FeedCounters:
    """Book-keeping every feed shares (the status fields a feed updates as it runs)."""

    state: FeedState = FeedState.STARTING
    received: int = 0
    errors: int = 0
    last_error: str | None = None
    last_value: float | str | None = None
    last_at: datetime | None = None
    received_at: datetime | None = None
    reconnects: int = 0

    def record(self, signal: GridSignal, now: datetime) -> None:
        self.received += 1
        self.last_value = signal_value(signal)
        self.last_at = signal_at(signal, now)
        self.received_at = now

    def failed(self, exc: BaseException) -> None:
        self.errors += 1
        self.last_error = f"{type(exc).__name__}: {exc}"

    def status(self, feed: GridFeed, now: datetime, max_age_s: float | None, detail: str = "") -> FeedStatus:
        age_s = None if self.received_at is None else max(0.0, (now - self.received_at).total_seconds())
        stale = max_age_s is not None and self.state is not FeedState.STOPPED and (
            age_s is None or age_s > max_age_s)
        return FeedStatus(feed.name, feed.kind, feed.role, self.state, self.received, self.errors, self.last_error,
                          self.last_value, self.last_at, age_s, stale, self.reconnects, detail)


@dataclass(frozen=True, slots=True)
class Backoff:
    """Exponential reconnect delays: initial, x factor each failure, capped; reset after a success."""

    initial_s: float = 1.0
    max_s: float = 60.0
    factor: float = 2.0

    def delay_s(self, failures: int) -> float:
        return float(min(self.max_s, self.initial_s * self.factor ** max(0, failures - 1)))


class SourceFeed:
    """A feed over a `GridSignalSource` made by `connect()` (awaited, so it may register or dial first).

    Each attempt: `connect()`, then iterate `source.signals()`, handing every signal on. An exception (in
    `connect` or while iterating) counts as an error and a retry follows after `backoff`; a source that ends
    normally is ENDED unless `reconnect_on_end`. `close(source)` (optional) is awaited after each attempt.
    `max_age_s` marks the feed stale without a signal for that long (None: never). `delivered_elsewhere`: the
    signals already reach the controller another way (the REST push route calls it itself); the consumer then
    only watches them (status, fail-safe age)."""

    def __init__(self, name: str, kind: str, role: FeedRole, clock: Clock,
                 connect: Callable[[], Awaitable[GridSignalSource]], *,
                 close: Callable[[GridSignalSource], Awaitable[None]] | None = None,
                 backoff: Backoff = Backoff(), reconnect_on_end: bool = False,
                 max_age_s: float | None = None, delivered_elsewhere: bool = False) -> None:
        self.name = name
        self.kind = kind
        self.role = role
        self._clock = clock
        self._connect = connect
        self._close = close
        self._backoff = backoff
        self._reconnect_on_end = reconnect_on_end
        self.max_age_s = max_age_s
        self.delivered_elsewhere = delivered_elsewhere
        self.counters = FeedCounters()
        self._task: asyncio.Task[None] | None = None
        self._source: GridSignalSource | None = None

    async def start(self, deliver: Deliver) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(deliver), name=f"grid-feed-{self.name}")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.counters.state = FeedState.STOPPED

    def status(self, now: datetime) -> FeedStatus:
        detail = "" if self._source is None else self._source.describe().detail
        return self.counters.status(self, now, self.max_age_s, detail)

    async def _run(self, deliver: Deliver) -> None:
        failures = 0
        c = self.counters
        while True:
            try:
                source = await self._connect()
                self._source = source
                c.state = FeedState.CONNECTED
                try:
                    async for signal in source.signals():
                        failures = 0
                        c.record(signal, self._clock.now())
                        deliver(self, signal)
                finally:
                    if self._close is not None:
                        await self._close(source)
                if not self._reconnect_on_end:
                    c.state = FeedState.ENDED
                    return
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a broken link must not stop the feed: count it, back off, retry
                c.failed(exc)
                log.warning("grid feed %s failed (%s); retrying", self.name, c.last_error)
            failures += 1
            c.state = FeedState.RECONNECTING
            c.reconnects += 1
            await self._clock.sleep(self._backoff.delay_s(failures))


async def ready(source: GridSignalSource) -> GridSignalSource:
    """`connect` for a source that needs no connecting (a push hub, a replay)."""
    return source


@dataclass(frozen=True, slots=True)
class FailSafePolicy:
    """How the consumer treats silence (see the module docstring)."""

    regulation_max_age_s: float = 10.0
    regulation_decay_s: float = 4.0
    price_max_age_s: float = 2 * 86_400.0
    check_interval_s: float = 1.0


@dataclass
class _RegulationState:
    value: float = 0.0
    received_at: datetime | None = None
    decayed: bool = False
    decays: int = 0
    samples: int = 0
    last_age_s: float = 0.0  # the last sample's age when it was handed to the controller (now - sampled_at)
    max_age_s: float = 0.0
    max_age_at: datetime | None = None  # when that worst sample was sampled


class Window:
    """A source cut at `end_at`: it ends at the first regulation/frequency sample stamped at or after it (a
    replay over a run's service window)."""

    def __init__(self, source: GridSignalSource, end_at: datetime) -> None:
        self._source = source
        self._end_at = end_at

    async def signals(self) -> AsyncIterator[GridSignal]:
        async for signal in self._source.signals():
            if isinstance(signal, RegulationSignal | FrequencySample) and signal.sampled_at >= self._end_at:
                return
            yield signal

    def describe(self) -> SourceDescription:
        return self._source.describe()


@dataclass
class FeedConsumer:
    """Routes every feed's signals to the controller and keeps the fail-safe watchdog.

    - RegulationSignal -> `sink.on_regulation(value)`;
    - FrequencySample -> the droop curve's fraction -> `sink.on_regulation` (droop applied here, locally);
    - PriceSignal (energy markets) -> `sink.on_prices(start, price)`, (one-direction reserve capacity, e.g. EPRX
      ΔkW) -> `sink.on_reserve_prices(start, up or down)`; one re-plan request per batch;
    - DemandResponseEvent opted in with a reduction in W -> `on_dr_event`; cancelled / opted out ->
      `cancel_dr_event`.
    `regulation` keeps the last regulation input and its age when handed on (now - sampled_at; the worst one
    too): a loop that falls behind its signal shows there (`behind`)."""

    sink: GridSink
    clock: Clock
    policy: FailSafePolicy = field(default_factory=FailSafePolicy)
    droop: DroopCurve | None = None
    feeds: list[GridFeed] = field(default_factory=list)
    regulation: _RegulationState = field(default_factory=_RegulationState)
    ignored: int = 0
    _watchdog: asyncio.Task[None] | None = None
    _replan_pending: bool = False

    def add(self, feed: GridFeed) -> None:
        self.feeds.append(feed)

    async def start(self) -> None:
        for feed in self.feeds:
            await feed.start(self.deliver)
        if self._watchdog is None:
            self._watchdog = asyncio.create_task(self._watch(), name="grid-feed-watchdog")

    async def stop(self) -> None:
        task, self._watchdog = self._watchdog, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for feed in self.feeds:
            await feed.stop()

    def statuses(self) -> list[FeedStatus]:
        now = self.clock.now()
        return [feed.status(now) for feed in self.feeds]

    # ---- routing ------------------------------------------------------------------------------------------

    def deliver(self, feed: GridFeed, signal: GridSignal) -> None:
        if getattr(feed, "delivered_elsewhere", False):
            if isinstance(signal, RegulationSignal):
                self._regulate(signal.value, sampled_at=signal.sampled_at, send=False)
            return
        match signal:
            case RegulationSignal(value=v, sampled_at=at):
                self._regulate(v, sampled_at=at)
            case FrequencySample(frequency_hz=hz, sampled_at=at):
                if self.droop is None:
                    self.ignored += 1
                    if self.ignored == 1:
                        log.warning("frequency from %s ignored: no droop curve configured ([grid] droop)", feed.name)
                    return
                self._regulate(self.droop.fraction(hz), sampled_at=at)
            case PriceSignal() as price:
                self._price(price)
            case DemandResponseEvent() as event:
                self._dr_event(event)
            case _:
                self.ignored += 1

    def _regulate(self, value: float, *, sampled_at: datetime, send: bool = True) -> None:
        state = self.regulation
        now = self.clock.now()
        state.value, state.received_at, state.decayed = value, now, False
        state.samples += 1
        state.last_age_s = age_s = (now - sampled_at).total_seconds()
        if age_s > state.max_age_s:
            state.max_age_s, state.max_age_at = age_s, sampled_at
        if send:
            self.sink.on_regulation(value)

    def _price(self, price: PriceSignal) -> None:
        on_reserve_prices = getattr(self.sink, "on_reserve_prices", None)
        if price.market in _RESERVE_UP_MARKETS and on_reserve_prices is not None:
            on_reserve_prices(price.start_at, up_price_per_mwh=price.price_per_mwh)
        elif price.market in _RESERVE_DOWN_MARKETS and on_reserve_prices is not None:
            on_reserve_prices(price.start_at, down_price_per_mwh=price.price_per_mwh)
        elif price.market in _ENERGY_MARKETS:
            self.sink.on_prices(price.start_at, price.price_per_mwh)
        else:
            self.ignored += 1
            return
        if not self._replan_pending:  # a day-ahead batch arrives as 24-96 signals: one re-plan after it
            self._replan_pending = True
            asyncio.get_running_loop().call_soon(self._replan_after_prices)

    def _replan_after_prices(self) -> None:
        self._replan_pending = False
        self.sink.request_replan("grid feed prices")

    def _dr_event(self, event: DemandResponseEvent) -> None:
        if event.status is DrEventStatus.CANCELLED or event.opt is OptState.OPT_OUT:
            self.sink.cancel_dr_event(event.event_id)
            return
        reduction_w = event.reduction_w
        on_dr_event = getattr(self.sink, "on_dr_event", None)
        if event.opt is OptState.OPT_IN and reduction_w is not None and on_dr_event is not None:
            on_dr_event(event.event_id, event.start_at, event.end_at, reduction_w)
        else:
            self.ignored += 1

    def behind(self, limit_s: float) -> str | None:
        """Why the loop fell behind its regulation signal (a sample older than `limit_s` when handed on), or
        None if it kept up."""
        state = self.regulation
        if state.max_age_s <= limit_s or state.max_age_at is None:
            return None
        return (f"the control loop fell behind its signal: the sample of {state.max_age_at.isoformat()} reached "
                f"the controller {state.max_age_s:.1f} s late (limit {limit_s:g} s)")

    # ---- fail-safe ----------------------------------------------------------------------------------------

    def signal_in_force(self) -> tuple[float, bool]:
        """(the regulation value last sent, whether the fail-safe is acting on it: older than the max age)."""
        state = self.regulation
        if state.received_at is None:
            return 0.0, False
        age_s = (self.clock.now() - state.received_at).total_seconds()
        if age_s <= self.policy.regulation_max_age_s:
            return state.value, False
        decay_s = self.policy.regulation_decay_s
        over_s = age_s - self.policy.regulation_max_age_s
        return (0.0 if decay_s <= 0 else state.value * max(0.0, 1.0 - over_s / decay_s)), True

    def check(self) -> float | None:
        """Apply the regulation decay once; returns the value sent, or None if nothing was sent."""
        state = self.regulation
        if state.received_at is None or state.decayed:
            return None
        age_s = (self.clock.now() - state.received_at).total_seconds()
        over_s = age_s - self.policy.regulation_max_age_s
        if over_s <= 0:
            return None
        decay_s = self.policy.regulation_decay_s
        factor = 0.0 if decay_s <= 0 else max(0.0, 1.0 - over_s / decay_s)
        if factor == 0.0:
            state.decayed = True
            state.decays += 1
            log.warning("regulation signal stale for %.1f s: fleet back to baseline", age_s)
        value = state.value * factor
        self.sink.on_regulation(value)
        return value

    async def _watch(self) -> None:
        while True:
            await self.clock.sleep(self.policy.check_interval_s)
            try:
                self.check()
            except Exception:
                log.exception("grid feed watchdog failed")
