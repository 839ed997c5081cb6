"""Run a pilot scenario end to end: the CSMS (fleet controller on) in this process and one simulated fleet per
fleet group, on virtual time in the same process (stations connected in-process) or on an accelerated clock in
child processes over real websockets on loopback; the market drives the controller
(regulation replay, FCR-N droop on a synthetic frequency, or OpenADR events from a local openleadr VTN), and
the run is measured from the CSMS's own records (dispatch trace, metered per-EV power and SoC, transaction
meter registers) and settled (`csms.scenario.settlement`).

Measurement definitions (also in the report):
- regulation / FCR-N: PJM-style composite score (`csms.services.scoring`) of the metered response against
  the signal fed to the controller, both normalised to the reserved capacity; capacity = min(up, down) reserve.
- DR: baseline = forecast of the fleet's unmanaged load (each plugged EV charging at full power from its plug-in,
  from the energy it arrived with, until its need is met; storage idle: `csms.scenario.dr_baseline`), stated with
  the commitment at notice and restated `baseline_restate_s` before the start; delivered = baseline - mean
  metered fleet power over the event.
- energy: transaction meter registers (import / export Wh) between the window start and end.
"""

from __future__ import annotations

import asyncio
import logging
import math
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import tomli_w

from csms.grid.data import data_path
from csms.grid.droop import DroopCurve
from csms.grid.errors import LoopBehindError
from csms.grid.feed import FeedConsumer, FeedRole, SourceFeed, Window, ready
from csms.grid.parsers.prices import parse_energinet_fcr, parse_energinet_spot, parse_pjm_regulation_prices
from csms.grid.parsers.regulation import parse_caiso_regulation, parse_pjm_regulation
from csms.grid.replay import FrequencyReplay, RegulationReplay, wait_until
from csms.grid.signals import FrequencySeries, PriceMarket, RegulationSeries
from csms.scenario.dr_baseline import PlugIns, unmanaged_w
from csms.scenario.fleet_run import ClockMode, FleetRun, FleetRunSpec
from csms.scenario.frequency import ou_frequency
from csms.scenario.progress import ProgressCallback, no_progress
from csms.scenario.regulation import MAX_LAG_STEPS, DepartureCheck, departure_checks, replay_feed, resample
from csms.scenario.settlement import BreakEven, Settlement, SettlementInputs, break_even, settle
from csms.scenario.spec import DrMarket, FcrNMarket, FleetGroup, RegulationMarket, RunWindow, ScenarioSpec
from csms.services.fleet_controller import FleetController, TracePoint
from csms.services.fleet_view import PluggedEv
from csms.services.scoring import RegulationScore, regulation_score
from csms.settings import Settings, load_settings

log = logging.getLogger("csms.scenario.pilots")

HOUR = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class DrOutcome:
    event_id: str
    notice: str
    notified_at: datetime | None
    start_at: datetime
    end_at: datetime
    committed_w: float
    baseline_w: float
    delivered_w: float
    ev_baseline_w: float
    ev_delivered_w: float

    @property
    def met(self) -> bool:
        return self.delivered_w >= 0.95 * self.committed_w

    @property
    def ev_share(self) -> float:
        return self.ev_delivered_w / self.delivered_w if self.delivered_w > 1e-9 else 0.0


@dataclass(frozen=True, slots=True)
class GroupEnergy:
    group: str
    vehicles: int
    import_wh: float
    export_wh: float
    degradation_cost_per_kwh: float
    stationary: bool

    @property
    def throughput_wh(self) -> float:
        return self.import_wh + self.export_wh

    @property
    def v2g_throughput_wh(self) -> float:
        """Energy cycled for the service: discharged energy plus recharging it."""
        return 2.0 * self.export_wh

    @property
    def wear_cost(self) -> float:
        return self.v2g_throughput_wh / 1000.0 * self.degradation_cost_per_kwh


@dataclass
class ScenarioResult:
    spec: ScenarioSpec
    short: bool
    window_start_at: datetime
    window_end_at: datetime
    trace: list[TracePoint]
    sample_at: list[datetime]
    samples: dict[str, list[tuple[float, float | None, float | None]]]
    """ev_id -> [(seconds since window start, power_w, soc)]"""
    group_of: dict[str, str]
    score: RegulationScore | None
    signal_t_s: np.ndarray
    signal: np.ndarray
    response: np.ndarray
    frequency_hz: np.ndarray | None
    dr: list[DrOutcome]
    departures: list[DepartureCheck]
    energy: list[GroupEnergy]
    capacity_w: float
    revenue_by_market: dict[str, float]
    energy_cost: float
    drivers_charging_value: float
    settlement: Settlement
    break_even: BreakEven
    real_s: float
    notes: list[str] = field(default_factory=list)

    @property
    def simulated_h(self) -> float:
        return (self.window_end_at - self.window_start_at).total_seconds() / 3600.0

    @property
    def drivers_met(self) -> bool:
        return all(d.met for d in self.departures)


# ---- prices ---------------------------------------------------------------------------------------------


def _hourly(start_at: datetime, end_at: datetime) -> Iterator[datetime]:
    at = start_at.replace(minute=0, second=0, microsecond=0)
    while at < end_at:
        yield at
        at += HOUR


@dataclass(frozen=True, slots=True)
class HourlyPrices:
    """Price per hour start (UTC); a missing hour takes the hour-of-day mean, else `default`."""

    by_hour: dict[datetime, float]
    default: float = 0.0

    def at(self, at: datetime) -> float:
        hour = at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        if hour in self.by_hour:
            return self.by_hour[hour]
        return self.default

    @staticmethod
    def by_hour_of_day(values: dict[int, float], start_at: datetime, end_at: datetime, tz: Any) -> HourlyPrices:
        return HourlyPrices({h: values[h.astimezone(tz).hour] for h in _hourly(start_at, end_at)})


def _hour_of_day_means(pairs: list[tuple[datetime, float]], tz: Any) -> dict[int, float]:
    sums: dict[int, list[float]] = {}
    for at, value in pairs:
        sums.setdefault(at.astimezone(tz).hour, []).append(value)
    return {h: float(np.mean(v)) for h, v in sums.items()}


@dataclass(frozen=True, slots=True)
class MarketPrices:
    """Per-hour prices over the run: energy import/export and capacity prices (per MW per hour)."""

    energy_import: HourlyPrices
    energy_export: HourlyPrices
    up: HourlyPrices
    down: HourlyPrices
    performance: HourlyPrices
    notes: tuple[str, ...]


def market_prices(spec: ScenarioSpec, start_at: datetime, end_at: datetime) -> MarketPrices:
    from zoneinfo import ZoneInfo

    econ, market = spec.economics, spec.market
    notes: list[str] = []
    imp = HourlyPrices({}, econ.import_price_per_mwh)
    exp = HourlyPrices({}, econ.export_price_per_mwh)
    if econ.energy_price_file and econ.energy_price_file.startswith("caiso/"):
        values = [float(x) for x in data_path(econ.energy_price_file).read_text().strip().split(",")]
        tz = ZoneInfo("America/Los_Angeles")
        imp = HourlyPrices.by_hour_of_day(dict(enumerate(values)), start_at, end_at, tz)
        exp = imp
        notes.append(f"energy: CAISO April 2016 hourly price profile ({econ.energy_price_file}), same for export")
    elif econ.energy_price_file:
        spot = [p for p in parse_energinet_spot(data_path(econ.energy_price_file), currency=econ.currency).items
                if p.area == econ.energy_price_area]
        table = {p.start_at: p.price_per_mwh for p in spot}
        hours = list(_hourly(start_at, end_at))
        imp = HourlyPrices({h: table[h] + econ.import_price_per_mwh for h in hours if h in table})
        exp = HourlyPrices({h: table[h] for h in hours if h in table})
        notes.append(f"energy: Nord Pool spot {econ.energy_price_area} per hour; import adds "
                     f"{econ.import_price_per_mwh:g} {econ.currency}/MWh of grid tariff and taxes")
    zero = HourlyPrices({}, 0.0)
    up, down, perf = zero, zero, zero
    if isinstance(market, RegulationMarket) and market.price_file:
        tz = ZoneInfo("America/New_York")
        prices = parse_pjm_regulation_prices(data_path(market.price_file)).items
        ccp = _hour_of_day_means([(p.start_at, p.price_per_mwh) for p in prices
                                  if p.market is PriceMarket.REGULATION_CAPABILITY], tz)
        pcp = _hour_of_day_means([(p.start_at, p.price_per_mwh) for p in prices
                                  if p.market is PriceMarket.REGULATION_PERFORMANCE], tz)
        up = down = HourlyPrices.by_hour_of_day(ccp, start_at, end_at, tz)
        perf = HourlyPrices.by_hour_of_day(pcp, start_at, end_at, tz)
        notes.append("regulation: PJM January 2017 RMCCP and RMPCP, mean of each hour of day over the month, "
                     "applied to the simulated hours; credit = MW x score x (RMCCP + RMPCP x "
                     f"{market.mileage_ratio:g})")
    elif isinstance(market, RegulationMarket):
        up = HourlyPrices({}, market.up_price_per_mwh or 0.0)
        down = HourlyPrices({}, market.down_price_per_mwh or 0.0)
        notes.append(f"regulation: assumed flat capacity prices, up {up.default:g} and down {down.default:g} "
                     f"{econ.currency}/MW-h (no CAISO price file in the data)")
    elif isinstance(market, FcrNMarket):
        fcr = [p for p in parse_energinet_fcr(data_path(market.price_file), currency=econ.currency,
                                              area=market.area).items if p.market is PriceMarket.FCR_N]
        table = {p.start_at: p.price_per_mwh for p in fcr}
        up = HourlyPrices({h: table[h] for h in _hourly(start_at, end_at) if h in table})
        down = up
        notes.append(f"FCR-N: Energinet {market.area} hourly FCR-N capacity price; paid on min(up, down) reserve")
    return MarketPrices(imp, exp, up, down, perf, tuple(notes))


# ---- simulator groups -----------------------------------------------------------------------------------


def write_sim_config(config: dict[str, Any], path: Path) -> Path:
    """Write a simulator config (nested dicts) as TOML (tomli-w)."""
    with path.open("wb") as handle:
        tomli_w.dump(config, handle)
    return path


# ---- the run --------------------------------------------------------------------------------------------


def _settings(spec: ScenarioSpec, base: Settings | None) -> Settings:
    settings = base or load_settings()
    fleet = settings.fleet.model_copy(update={"enabled": True, **spec.csms.get("fleet", {})})
    return settings.model_copy(update={"fleet": fleet})


def _group_of(groups: list[FleetGroup], ev_id: str) -> FleetGroup | None:
    for group in groups:
        if ev_id.startswith(group.station_id_prefix):
            return group
    return None


async def run_scenario(spec: ScenarioSpec, *, short: bool = False, settings: Settings | None = None,
                       workdir: Path | None = None, clock: ClockMode = "virtual",
                       progress: ProgressCallback = no_progress) -> ScenarioResult:
    """Run `spec` (its short or full form) and return the measured, settled result. `clock="virtual"` runs the
    simulated fleets in this process (call it through `csms.scenario.virtual_time.run_virtual`); `"realtime"`
    runs them as child processes at the window's speed."""
    real_start = time.perf_counter()  # wall time the run took, for the report (not a clock of the run)
    window = spec.window(short)
    market = spec.market
    series: RegulationSeries | None = None
    if isinstance(market, RegulationMarket):
        parse = parse_pjm_regulation if market.kind == "pjm_regulation" else parse_caiso_regulation
        day = parse(data_path(market.signal_file)).items[market.day]
        skip = round(window.offset_s / day.interval_s)
        series = RegulationSeries(day.start_at + timedelta(seconds=skip * day.interval_s), day.interval_s,
                                  np.asarray(day.values)[skip:], day.source, day.label)
        window_start = series.start_at
    else:
        if window.start_at is None:
            raise ValueError(f"{spec.scenario.name}: [run] start_at is required for {market.kind}")
        window_start = window.start_at.astimezone(UTC)
    window_end = window_start + timedelta(seconds=window.duration_s)
    prices = market_prices(spec, window_start - timedelta(seconds=window.warmup_s),
                           window_end + timedelta(days=2))
    tmp = tempfile.TemporaryDirectory(prefix=f"scenario-{spec.scenario.name}-") if workdir is None else None
    work = Path(tmp.name) if tmp else workdir
    assert work is not None
    work.mkdir(parents=True, exist_ok=True)
    configs = [write_sim_config(g.sim_config(short), work / f"sim-{i}-{g.name.replace(' ', '_')}.toml")
               for i, g in enumerate(spec.fleet)]
    fleet_spec = FleetRunSpec(sim_config=configs[0], start_at=window_start - timedelta(seconds=window.warmup_s),
                              speed=window.speed, sim_log=work / "sim-0.log", clock=clock)
    try:
        async with FleetRun(_settings(spec, settings), fleet_spec) as run:
            for i, config in enumerate(configs[1:], start=1):
                run.add_fleet(config, work / f"sim-{i}.log")
            run.report_progress(progress, window.warmup_s + window.duration_s)
            result = await _drive(spec, short, window, run, series, prices, window_start, window_end)
    finally:
        if tmp is not None:
            tmp.cleanup()
    result.real_s = time.perf_counter() - real_start
    return result


async def _drive(spec: ScenarioSpec, short: bool, window: RunWindow, run: FleetRun,
                 series: RegulationSeries | None, prices: MarketPrices, window_start: datetime,
                 window_end: datetime) -> ScenarioResult:
    controller = run.app.fleet
    assert controller is not None
    groups = spec.fleet
    costs = {g.station_id_prefix: g.degradation_cost_per_kwh for g in groups}

    def degradation(ev: PluggedEv) -> float | None:
        group = _group_of(groups, ev.ev_id)
        return costs[group.station_id_prefix] if group else None

    controller.degradation_cost_for = degradation
    run_start = run.clock.now()
    for hour in _hourly(run_start, window_end + timedelta(days=1)):
        imp, exp = prices.energy_import.at(hour), prices.energy_export.at(hour)
        controller.on_prices(hour, imp, min(exp, imp))
    controller.on_regulation_prices(*_reg_prices(spec, prices, run_start))
    samples: dict[str, list[tuple[float, float | None, float | None]]] = {}
    sample_at: list[datetime] = []

    async def sampler() -> None:
        while True:
            now = run.clock.now()
            if now >= window_start:
                t_s = (now - window_start).total_seconds()
                sample_at.append(now)
                for ev_id, (power_w, soc) in controller.live_evs().items():
                    samples.setdefault(ev_id, []).append((t_s, power_w, soc))
            await run.clock.sleep(window.sample_s)

    async def hourly_prices() -> None:
        for hour in _hourly(window_start, window_end):
            if hour > run.clock.now():
                await wait_until(run.clock, hour)
            controller.on_regulation_prices(*_reg_prices(spec, prices, hour))

    background: list[asyncio.Task[Any]] = [asyncio.create_task(sampler())]
    consumer = FeedConsumer(controller, run.clock)  # the grid feed path of `csms serve`, without its watchdog
    feeds: list[SourceFeed] = []
    lag_limit_s: float | None = None
    dr: list[DrOutcome] = []
    frequency: np.ndarray | None = None
    notes = list(prices.notes)
    try:
        market = spec.market
        dr_runner: _DrRunner | None = None
        if isinstance(market, DrMarket):
            dr_runner = _DrRunner(spec, market, short, run, controller, window_start)
            await dr_runner.start()
            background.append(asyncio.create_task(dr_runner.publish_all()))
        await run.wait_sim_time(window_start)
        tx_start = await _registers(run)
        background.append(asyncio.create_task(hourly_prices()))
        controller.request_replan("service window starts")
        if series is not None:
            replay = RegulationReplay(series, run.clock, start_at=window_start)
            feeds.append(replay_feed(consumer, replay, window_end))
            await feeds[-1].start(consumer.deliver)
            lag_limit_s = MAX_LAG_STEPS * series.interval_s
        elif isinstance(market, FcrNMarket):
            freq = ou_frequency(window_start, window.duration_s, step_s=market.frequency_step_s,
                                std_hz=market.frequency_std_hz, tau_s=market.frequency_tau_s,
                                seed=market.frequency_seed)
            frequency = np.asarray(freq.values)
            controller.set_droop_curve(DroopCurve.fcr_n())
            consumer.droop = DroopCurve.fcr_n()  # applied by the consumer, as for a live frequency feed
            notes.append(f"frequency: {freq.source}, {market.frequency_step_s:g} s samples; controller fed every "
                         f"{market.feed_every} sample(s) through the FCR-N droop (full at +-0.1 Hz, no deadband)")
            fed = FrequencySeries(freq.start_at, freq.interval_s * market.feed_every,
                                  np.asarray(freq.values)[::market.feed_every], freq.source, freq.label)
            replay_f = FrequencyReplay(fed, run.clock)
            feeds.append(SourceFeed(freq.source, replay_f.kind, FeedRole.REGULATION, run.clock,
                                    lambda: ready(Window(replay_f, window_end))))
            await feeds[-1].start(consumer.deliver)
            lag_limit_s = MAX_LAG_STEPS * fed.interval_s
        await run.wait_sim_time(window_end)
        tx_end = await _registers(run)
        departures = await departure_checks(run, window_start)
        if dr_runner is not None:
            dr = dr_runner.outcomes(list(controller.trace), samples, window_start)
            await dr_runner.stop()
    finally:
        for task in background:
            task.cancel()
        await asyncio.gather(*background, return_exceptions=True)
        for feed in feeds:
            await feed.stop()
    trace = [p for p in controller.trace if window_start <= p.at < window_end]
    behind = None if lag_limit_s is None else consumer.behind(lag_limit_s)
    if behind is not None:
        log.error("scenario %s: %s; its score is not valid", spec.scenario.name, behind)
        raise LoopBehindError(behind)
    group_of = {ev_id: g.name for ev_id in samples if (g := _group_of(groups, ev_id)) is not None}
    return _measure(spec, short, window, trace, sample_at, samples, group_of, series, frequency, dr, departures,
                    tx_start, tx_end, prices, window_start, window_end, notes)


def _reg_prices(spec: ScenarioSpec, prices: MarketPrices, at: datetime) -> tuple[float, float]:
    """Capacity prices the planner sees (per MW-h and direction). A symmetric product paid once per MW
    (PJM, FCR-N) is offered at half its price in each direction."""
    market = spec.market
    if isinstance(market, DrMarket):
        return 0.0, 0.0
    up, down = prices.up.at(at), prices.down.at(at)
    if isinstance(market, FcrNMarket) or market.kind == "pjm_regulation":
        total = up + prices.performance.at(at) * getattr(market, "mileage_ratio", 1.0)
        return total / 2, total / 2
    return up, down


async def _registers(run: FleetRun) -> dict[str, tuple[str, float, float]]:
    """transaction id -> (ev id, import Wh, export Wh) delivered so far."""
    out: dict[str, tuple[str, float, float]] = {}
    for tx in await run.app.store.list_transactions():
        if tx.evse_id is None:
            continue
        out[tx.transaction_id] = (f"{tx.station_id}/{tx.evse_id}", tx.energy_import_wh, tx.energy_export_wh)
    return out


# ---- DR through OpenADR ---------------------------------------------------------------------------------

VEN_ID = "ven-scenario"


class _DrRunner:
    """A local openleadr VTN publishing the scenario's events at their notice times; our VEN receives them and
    commits the fleet controller against the unmanaged-charging baseline forecast."""

    def __init__(self, spec: ScenarioSpec, market: DrMarket, short: bool, run: FleetRun,
                 controller: FleetController, window_start: datetime) -> None:
        from openleadr import OpenADRServer

        from csms.scenario.fleet_run import free_port

        self.spec, self.market, self.run, self.controller = spec, market, run, controller
        self.events = [e for e in market.events if e.form in ("both", "short" if short else "full")]
        self.window_start = window_start
        self.port = free_port()
        self.server = OpenADRServer(vtn_id="VTN-SCENARIO", http_host="127.0.0.1", http_port=self.port,
                                    requested_poll_freq=timedelta(seconds=market.poll_s))
        self.server.add_handler("on_create_party_registration", lambda payload: (VEN_ID, "reg-scenario"))
        self.server.add_handler("on_register_report", self._on_register_report)
        self.opt: dict[str, str] = {}
        self.notified_at: dict[str, datetime] = {}
        self.baselines: dict[str, float] = {}
        self.plug_ins = PlugIns()
        run.app.events.subscribe(self.plug_ins.on_event)
        self.reports = 0
        self.ven: Any = None
        self._tasks: list[asyncio.Task[None]] = []

    def _on_register_report(self, ven_id: str, resource_id: str, measurement: str, unit: str, scale: str,
                            min_sampling_interval: timedelta, max_sampling_interval: timedelta,
                            ) -> tuple[Callable[[Any], None], timedelta]:
        return self._on_report, max(min_sampling_interval, timedelta(seconds=self.market.poll_s))

    def _on_report(self, data: Any) -> None:
        self.reports += 1

    async def start(self) -> None:
        from csms.grid.openadr import OpenAdrVen

        await self.server.run()
        logging.getLogger("openleadr").setLevel(logging.WARNING)  # it logs every poll at INFO
        self.ven = OpenAdrVen(vtn_url=f"http://127.0.0.1:{self.port}/OpenADR2/Simple/2.0b", ven_name="csms-fleet",
                              clock=self.run.clock, load_w=self.controller.metered_fleet_w,
                              report_min_interval_s=1.0, report_max_interval_s=60.0)
        await self.ven.start(timeout_s=20.0)
        self._tasks.append(asyncio.create_task(self._consume()))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self.run.app.events.unsubscribe(self.plug_ins.on_event)
        if self.ven is not None:
            await self.ven.stop()
        await self.server.stop()

    def _start_of(self, event_id: str) -> datetime:
        event = next(e for e in self.events if e.event_id == event_id)
        return self.window_start + timedelta(seconds=event.start_offset_s)

    async def publish_all(self) -> None:
        """Publish each event at its notice time (a day-ahead notice before the run: at once)."""
        for event in sorted(self.events, key=lambda e: e.start_offset_s - e.notice_s):
            start = self._start_of(event.event_id)
            await wait_until(self.run.clock, start - timedelta(seconds=event.notice_s))
            self.server.add_event(ven_id=VEN_ID, signal_name="LOAD_DISPATCH", signal_type="delta",
                                  intervals=[{"dtstart": start, "duration": timedelta(seconds=event.duration_s),
                                              "signal_payload": -event.reduction_w}],
                                  callback=self._on_opt, event_id=event.event_id,
                                  market_context="oadr://scenario/dr")

    def _on_opt(self, ven_id: str, event_id: str, opt_type: str) -> None:
        self.opt[event_id] = opt_type

    def _baseline_w(self, start: datetime, end: datetime) -> float:
        active = self.controller.plan
        evs = active.evs if active is not None else []
        live = self.controller.live_evs()
        return unmanaged_w(evs, self.plug_ins, lambda ev_id: live.get(ev_id, (None, None))[1],
                           lambda ev_id: _is_vehicle(self.spec, ev_id), self.run.clock.now(), start, end)

    async def _consume(self) -> None:
        from csms.grid.signals import DemandResponseEvent, OptState

        async for item in self.ven.signals():
            if not isinstance(item, DemandResponseEvent) or item.opt is not OptState.OPT_IN:
                continue
            if item.reduction_w is None or item.event_id in self.notified_at:
                continue
            self.notified_at[item.event_id] = item.notified_at
            self._commit(item.event_id, item.start_at, item.end_at, item.reduction_w)
            restate_at = item.start_at - timedelta(seconds=self.market.baseline_restate_s)
            if restate_at > self.run.clock.now():
                self._tasks.append(asyncio.create_task(self._restate(item.event_id, restate_at, item.start_at,
                                                                     item.end_at, item.reduction_w)))

    def _commit(self, event_id: str, start: datetime, end: datetime, reduction_w: float) -> None:
        baseline_w = self.baselines[event_id] = self._baseline_w(start, end)
        self.controller.on_dr_event(event_id, start, end, reduction_w, baseline_w=baseline_w)

    async def _restate(self, event_id: str, at: datetime, start: datetime, end: datetime, reduction_w: float) -> None:
        await wait_until(self.run.clock, at)
        self._commit(event_id, start, end, reduction_w)

    def outcomes(self, trace: list[TracePoint], samples: dict[str, list[tuple[float, float | None, float | None]]],
                 window_start: datetime) -> list[DrOutcome]:
        out = []
        for event in self.events:
            start = self._start_of(event.event_id)
            end = start + timedelta(seconds=event.duration_s)
            metered = [p.metered_w for p in trace if start <= p.at < end]
            baseline = ev_baseline = self.baselines.get(event.event_id, math.nan)  # storage idle in the baseline
            t0, t1 = (start - window_start).total_seconds(), (end - window_start).total_seconds()
            ticks = len({t for rows in samples.values() for t, _, _ in rows if t0 <= t < t1})
            ev_energy = sum(p or 0.0 for ev_id, rows in samples.items() if _is_vehicle(self.spec, ev_id)
                            for t, p, _ in rows if t0 <= t < t1)
            ev_power = ev_energy / ticks if ticks else 0.0
            delivered = baseline - float(np.mean(metered)) if metered else 0.0
            out.append(DrOutcome(event.event_id, event.notice, self.notified_at.get(event.event_id), start, end,
                                 event.reduction_w, baseline, delivered, ev_baseline, ev_baseline - ev_power))
        return out


def _is_vehicle(spec: ScenarioSpec, ev_id: str) -> bool:
    group = _group_of(spec.fleet, ev_id)
    return group is not None and not group.stationary


# ---- measurement and settlement -------------------------------------------------------------------------


def _measure(spec: ScenarioSpec, short: bool, window: RunWindow, trace: list[TracePoint], sample_at: list[datetime],
             samples: dict[str, list[tuple[float, float | None, float | None]]], group_of: dict[str, str],
             series: RegulationSeries | None, frequency: np.ndarray | None, dr: list[DrOutcome],
             departures: list[DepartureCheck], tx_start: dict[str, tuple[str, float, float]],
             tx_end: dict[str, tuple[str, float, float]], prices: MarketPrices, window_start: datetime,
             window_end: datetime, notes: list[str]) -> ScenarioResult:
    market, econ = spec.market, spec.economics
    if len(trace) < 3:
        raise RuntimeError(f"only {len(trace)} dispatch ticks in the window: did the fleet get a plan?")
    duration_s = (window_end - window_start).total_seconds()
    score = None
    t_s = signal = response = np.zeros(0)
    if not isinstance(market, DrMarket):
        step_s = series.interval_s if series is not None else \
            getattr(market, "frequency_step_s", 1.0) * getattr(market, "feed_every", 1)
        t_s, signal, response = resample(trace, window_start, step_s, int(duration_s // step_s))
        score = regulation_score(signal, response, step_s)
    # capacity and market revenue per tick, integrated over time
    at_s = np.array([(p.at - window_start).total_seconds() for p in trace])
    dt_h = np.diff(np.append(at_s, duration_s)) / 3600.0
    up_w = np.array([p.reserve_up_w for p in trace])
    down_w = np.array([p.reserve_down_w for p in trace])
    metered_w = np.array([p.metered_w for p in trace])
    p_up = np.array([prices.up.at(p.at) for p in trace])
    p_down = np.array([prices.down.at(p.at) for p in trace])
    p_perf = np.array([prices.performance.at(p.at) for p in trace])
    p_imp = np.array([prices.energy_import.at(p.at) for p in trace])
    p_exp = np.array([prices.energy_export.at(p.at) for p in trace])
    capacity_w = float(np.sum(np.minimum(up_w, down_w) * dt_h) / np.sum(dt_h))
    revenue: dict[str, float] = {}
    perf = score.composite if score is not None else 1.0
    if isinstance(market, RegulationMarket) and market.kind == "pjm_regulation":
        sym_mw = np.minimum(up_w, down_w) / 1e6
        revenue["PJM regulation capability (RMCCP)"] = float(np.sum(sym_mw * perf * p_up * dt_h))
        revenue["PJM regulation performance (RMPCP)"] = float(np.sum(sym_mw * perf * market.mileage_ratio
                                                                     * p_perf * dt_h))
    elif isinstance(market, RegulationMarket):
        revenue["CAISO regulation up"] = float(np.sum(up_w / 1e6 * p_up * dt_h))
        revenue["CAISO regulation down"] = float(np.sum(down_w / 1e6 * p_down * dt_h))
    elif isinstance(market, FcrNMarket):
        revenue["FCR-N capacity"] = float(np.sum(np.minimum(up_w, down_w) / 1e6 * p_up * dt_h))
    else:
        revenue["DR event payments"] = sum(min(max(o.delivered_w, 0.0), o.committed_w) / 1000.0
                                           * (o.end_at - o.start_at).total_seconds() / 3600.0
                                           * market.payment_per_kwh for o in dr)
    energy_cost = float(np.sum((np.maximum(metered_w, 0) * p_imp + np.minimum(metered_w, 0) * p_exp)
                               / 1e6 * dt_h))
    mean_import_price = float(np.sum(p_imp * dt_h) / np.sum(dt_h))
    energy = _group_energy(spec, short, tx_start, tx_end)
    drivers_kept_wh = sum(e.import_wh - e.export_wh for e in energy if not e.stationary)
    drivers_value = drivers_kept_wh / 1e6 * mean_import_price
    participation_h = econ.participation_h_per_year
    if isinstance(market, DrMarket) and econ.dr_events_per_year and dr:
        participation_h = min(8760.0, duration_s / 3600.0 * econ.dr_events_per_year / len(dr))
        notes.append(f"annual figures: {econ.dr_events_per_year:g} events a year, i.e. this window "
                     f"({len(dr)} events) {econ.dr_events_per_year / len(dr):.0f} times")
    inputs = SettlementInputs(
        currency=econ.currency, simulated_h=duration_s / 3600.0, participation_h_per_year=participation_h,
        vehicles=spec.vehicles(short),
        revenue_by_market=revenue, energy_cost=energy_cost, drivers_charging_value=drivers_value,
        wear_cost_drivers=sum(e.wear_cost for e in energy if not e.stationary),
        wear_cost_other=sum(e.wear_cost for e in energy if e.stationary),
        fixed_cost_per_month=econ.fixed_cost_per_month, infrastructure_cost=econ.infrastructure_cost,
        infrastructure_cost_per_vehicle=econ.infrastructure_cost_per_vehicle,
        infrastructure_life_years=econ.infrastructure_life_years, sharing=econ.sharing)
    settlement = settle(inputs)
    notes.append("energy cost = site import x import price - export x export price, less the drivers' own "
                 f"charging (net energy kept by the vehicles) at the window's mean import price "
                 f"{mean_import_price:.2f} {econ.currency}/MWh")
    return ScenarioResult(
        spec=spec, short=short, window_start_at=window_start, window_end_at=window_end, trace=trace,
        sample_at=sample_at, samples=samples, group_of=group_of, score=score, signal_t_s=t_s, signal=signal,
        response=response, frequency_hz=frequency, dr=dr, departures=departures, energy=energy,
        capacity_w=capacity_w, revenue_by_market=revenue, energy_cost=energy_cost,
        drivers_charging_value=drivers_value, settlement=settlement,
        break_even=break_even(settlement, spec.vehicles(short)), real_s=0.0, notes=notes)


def _group_energy(spec: ScenarioSpec, short: bool, tx_start: dict[str, tuple[str, float, float]],
                  tx_end: dict[str, tuple[str, float, float]]) -> list[GroupEnergy]:
    totals = {g.name: [0.0, 0.0] for g in spec.fleet}
    for tx_id, (ev_id, imp, exp) in tx_end.items():
        group = _group_of(spec.fleet, ev_id)
        if group is None:
            continue
        _, imp0, exp0 = tx_start.get(tx_id, (ev_id, 0.0, 0.0))
        totals[group.name][0] += imp - imp0
        totals[group.name][1] += exp - exp0
    return [GroupEnergy(g.name, g.sim_config(short)["stations"], totals[g.name][0], totals[g.name][1],
                        g.degradation_cost_per_kwh, g.stationary) for g in spec.fleet]

