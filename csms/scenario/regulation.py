"""Regulation replay: a recorded regulation signal drives the fleet controller over real websockets, and the
run is scored the way the market would (PJM performance score, `csms.services.scoring`).

The signal is replayed on the shared accelerated clock from `signal_start_at` (after a warm-up in which the EVs
arrive, announce their needs and the first plan reserves capacity). Each signal sample triggers one dispatch;
the trace records the signal, the plan's baseline and reserves, and the metered fleet power, and the response
is normalised to the reserved capacity (`regulation_trace`). For an independent check, `write_trace_csv`
writes `t_s, signal, response` on the signal's own grid.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import dataclasses
import itertools
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

import numpy as np

from csms.domain.clock import Clock
from csms.domain.ids import StationId
from csms.grid.errors import LoopBehindError
from csms.grid.feed import FeedConsumer, FeedRole, SourceFeed, Window, ready
from csms.grid.replay import RegulationReplay
from csms.grid.signals import RegulationSeries, RegulationSignal
from csms.scenario.fleet_run import FleetRun, FleetRunSpec
from csms.scenario.progress import ProgressCallback, no_progress
from csms.services.fleet_controller import TracePoint, regulation_trace
from csms.services.scoring import RegulationScore, one_step_late_score, regulation_score
from csms.settings import GridFeedSettings, Settings

log = logging.getLogger("csms.scenario.regulation")


@dataclass(frozen=True, slots=True)
class DepartureCheck:
    station_id: str
    transaction_id: str
    requested_wh: float | None
    target_soc: float | None
    delivered_wh: float
    final_soc: float | None
    met: bool


@dataclass(frozen=True)
class RegulationRunResult:
    score: RegulationScore
    t_s: np.ndarray
    signal: np.ndarray
    response: np.ndarray
    mean_reserve_up_w: float
    mean_reserve_down_w: float
    departures: list[DepartureCheck]
    trace: list[TracePoint]
    late_bound: RegulationScore  # a perfect follower one sample late on the same signal (`one_step_late_score`)

    @property
    def all_departures_met(self) -> bool:
        return all(d.met for d in self.departures)


def paired_trace(points: list[TracePoint]) -> tuple[np.ndarray, np.ndarray]:
    """(signal, response) like `regulation_trace`, with each metered value normalised against the request it
    answers: the meters read at a tick show the fleet following the previous tick's setpoints, so tick k's
    metered power is measured from tick k-1's baseline, on tick k-1's reserve. Within a plan step that changes
    nothing; at a plan boundary the baseline and reserves jump, and pairing the metered value with the new plan
    made |response| reach 1.17 twice an hour in the trace."""
    if len(points) < 2:
        return regulation_trace(points)
    paired = [points[0]] + [dataclasses.replace(p, baseline_w=q.baseline_w, reserve_up_w=q.reserve_up_w,
                                                reserve_down_w=q.reserve_down_w)
                            for q, p in itertools.pairwise(points)]
    return regulation_trace(paired)


def resample(points: list[TracePoint], start_at: datetime, step_s: float, count: int
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(t_s, signal, response) on the grid start_at + i * step_s, interpolated from the recorded ticks (each
    metered value paired with the request it answers: `paired_trace`)."""
    signal, response = paired_trace(points)
    at_s = np.array([(p.at - start_at).total_seconds() for p in points])
    grid = np.arange(count) * step_s
    return grid, np.interp(grid, at_s, signal), np.interp(grid, at_s, response)


async def departure_checks(run: FleetRun, since: datetime, soc_tolerance: float = 0.01,
                           energy_tolerance: float = 0.01) -> list[DepartureCheck]:
    """For every transaction that ended after `since`: did the EV leave with what its needs asked for?"""
    store = run.app.store
    checks = []
    for tx in await store.list_transactions():
        if tx.ended_at is None or tx.ended_at < since or tx.evse_id is None:
            continue
        needs = await store.get_charging_needs(StationId(tx.station_id), tx.evse_id)
        delivered_wh = tx.energy_import_wh - tx.energy_export_wh
        requested = needs.energy_request_wh if needs else None
        target_soc = needs.target_soc if needs else None
        met = True
        if target_soc is not None and tx.last_soc is not None:
            met = tx.last_soc >= target_soc - soc_tolerance
        elif requested is not None:
            met = delivered_wh >= requested * (1 - energy_tolerance)
        checks.append(DepartureCheck(tx.station_id, tx.transaction_id, requested, target_soc, delivered_wh,
                                     tx.last_soc, met))
    return checks


MAX_LAG_STEPS = 2


async def _modbus_ems(consumer: FeedConsumer, source: Window, clock: Clock) -> None:
    """The EMS side of a Modbus run: write each sample to the CSMS's regulation server as it falls due."""
    from csms.grid.modbus import ModbusEmsClient, ModbusRegulationServer

    server = next(f for f in consumer.feeds if isinstance(f, ModbusRegulationServer))
    async with ModbusEmsClient("127.0.0.1", server.port) as ems:
        async for sample in source.signals():
            if isinstance(sample, RegulationSignal):
                consumer.regulation.max_age_s = max(consumer.regulation.max_age_s,
                                                    (clock.now() - sample.sampled_at).total_seconds())
                await ems.send(sample.value)


async def _ems_process(consumer: FeedConsumer, command: list[str], clock: Clock, start_at: datetime,
                       end_at: datetime) -> None:
    """The EMS in its own process on the run's shared clock (a `ScaledClock`: its anchor is passed on)."""
    from csms.domain.clock import ScaledClock
    from csms.grid.modbus import ModbusRegulationServer

    if not isinstance(clock, ScaledClock):
        raise ValueError("an EMS process needs a realtime run (a shared ScaledClock)")
    server = next(f for f in consumer.feeds if isinstance(f, ModbusRegulationServer))
    process = await asyncio.create_subprocess_exec(
        *command, "--port", str(server.port), "--speed", str(clock.speed),
        "--clock-start-at", clock.start_at.isoformat(), "--clock-anchor", repr(clock.anchor_monotonic_s),
        "--duration-s", str((end_at - start_at).total_seconds()))
    try:
        if await process.wait() != 0:
            raise RuntimeError(f"the EMS process exited with {process.returncode}")
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


def replay_feed(consumer: FeedConsumer, replay: RegulationReplay, end_at: datetime) -> SourceFeed:
    """The replay as a grid feed on the run's clock, cut at `end_at`: the same consumer path as `csms serve`."""
    return SourceFeed(replay.describe().name, replay.kind, FeedRole.REGULATION, consumer.clock,
                      lambda: ready(Window(replay, end_at)))


async def run_regulation(series: RegulationSeries, settings: Settings, spec: FleetRunSpec, *,
                         signal_start_at: datetime, duration_s: float, respond: bool = True,
                         progress: ProgressCallback = no_progress, max_lag_steps: float = MAX_LAG_STEPS,
                         via: Literal["replay", "modbus", "modbus-process"] = "replay",
                         ems_command: list[str] | None = None) -> RegulationRunResult:
    """Run the fleet against `series` for `duration_s` of signal starting at `signal_start_at` (the run's clock
    starts at `spec.start_at`, before it, for the warm-up); `progress` hears the simulated time.

    The replay feeds the controller through the grid feed consumer (no fail-safe watchdog: a recording's gaps
    are the signal). Raises `LoopBehindError` (the result attached) if a sample reached the controller more
    than `max_lag_steps` signal steps after its time: the loop did not keep up and the score is invalid.
    `via="modbus"`: the signal goes the way of a live EMS link instead - `csms serve`'s Modbus TCP regulation
    server (a `[[grid.feeds]]` entry) written by a reference EMS client on loopback, reading telemetry back.
    `via="modbus-process"` (realtime runs): the EMS is `ems_command` (`python -m csms.grid.ems_cli ...` with
    the recording and offset; the port and the shared clock are appended) in its own process."""
    settings = settings.model_copy(update={"fleet": settings.fleet.model_copy(update={"enabled": True})})
    if via in ("modbus", "modbus-process"):
        ems_feed = GridFeedSettings(name="ems", kind="modbus-regulation", host="127.0.0.1", port=0)
        settings = settings.model_copy(update={"grid": settings.grid.model_copy(update={
            "feeds": [*settings.grid.feeds, ems_feed]})})
    async with FleetRun(settings, spec) as run:
        controller = run.app.fleet
        assert controller is not None
        if not respond:
            controller.send_setpoints = False
        run.report_progress(progress, (signal_start_at - spec.start_at).total_seconds() + duration_s)
        end_at = signal_start_at + timedelta(seconds=duration_s)
        ems: asyncio.Task[None] | None = None
        if via == "modbus-process":  # started during the warm-up: it waits for the signal on the shared clock
            assert run.app.grid is not None and ems_command is not None
            ems = asyncio.create_task(_ems_process(run.app.grid, ems_command, run.clock, signal_start_at, end_at))
        await run.wait_sim_time(signal_start_at)
        controller.request_replan("signal starts")
        replay = RegulationReplay(series, run.clock)  # samples at their own times: the clock is already there
        if ems is not None:
            consumer = run.app.grid
            assert consumer is not None
            try:
                await run.wait_sim_time(end_at)
                await asyncio.wait_for(ems, 60)
            finally:
                ems.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await ems
        elif via == "modbus":
            consumer = run.app.grid
            assert consumer is not None
            client = asyncio.create_task(_modbus_ems(consumer, Window(replay, end_at), run.clock))
            try:
                await run.wait_sim_time(end_at)
            finally:
                client.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await client
        else:
            consumer = FeedConsumer(controller, run.clock)
            feed = replay_feed(consumer, replay, end_at)
            await feed.start(consumer.deliver)
            try:
                await run.wait_sim_time(end_at)
            finally:
                await feed.stop()
        points = [p for p in controller.trace if signal_start_at <= p.at < end_at]
        departures = await departure_checks(run, signal_start_at)
    result = _result(points, series, signal_start_at, duration_s, departures)
    behind = consumer.behind(max_lag_steps * series.interval_s)
    if behind is not None:
        log.error("%s; composite %.3f not valid", behind, result.score.composite)
        raise LoopBehindError(behind, result)
    return result


def _result(points: list[TracePoint], series: RegulationSeries, start_at: datetime, duration_s: float,
            departures: list[DepartureCheck]) -> RegulationRunResult:
    if len(points) < 3:
        raise RuntimeError(f"only {len(points)} dispatch ticks were recorded: did the fleet get a plan?")
    count = int(duration_s // series.interval_s)
    t_s, signal, response = resample(points, start_at, series.interval_s, count)
    score = regulation_score(signal, response, series.interval_s)
    return RegulationRunResult(
        score=score, t_s=t_s, signal=signal, response=response,
        mean_reserve_up_w=float(np.mean([p.reserve_up_w for p in points])),
        mean_reserve_down_w=float(np.mean([p.reserve_down_w for p in points])),
        departures=departures, trace=points, late_bound=one_step_late_score(signal, series.interval_s),
    )


def write_trace_csv(result: RegulationRunResult, path: Path) -> None:
    """`t_s, signal, response`: seconds since the first signal sample, both normalised to the reserve."""
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["t_s", "signal", "response"])
        for t, s, r in zip(result.t_s, result.signal, result.response, strict=True):
            writer.writerow([f"{t:.1f}", f"{s:.5f}", f"{r:.5f}"])


