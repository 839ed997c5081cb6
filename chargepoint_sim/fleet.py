"""N simulated stations in one process: build them from a `FleetConfig`, run, summarize, stop.

Usage from a test:
    fleet = Fleet(config, clock)
    await fleet.start()
    ...                                   # fleet.stations["SIM-0001"].transactions -> ground truth
    await fleet.stop()
Each station runs as one task (`StationLink.run`) plus a reader task while connected. Station kinds come from
the configuration (`station_spec`); `set_frequency` feeds every station's LocalFrequency response.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from datetime import timedelta

from chargepoint_sim.config import FleetConfig
from chargepoint_sim.evse import EvseSpec, Transaction
from chargepoint_sim.kinds import PRESETS, StationKind, kind_by_share
from chargepoint_sim.link import Connector, LinkOptions, StationLink
from chargepoint_sim.power import ControlSpec, FrequencyInput, PowerControl
from chargepoint_sim.smart_charging import ChargingFeatures
from chargepoint_sim.station import SimStation, StationSpec
from chargepoint_sim.visits import VisitPlanner
from csms.domain.clock import Clock

log = logging.getLogger("chargepoint_sim.fleet")


@dataclass(frozen=True, slots=True)
class FleetSummary:
    stations: int
    connected: int
    online: int
    plugged: int
    charging: int  # EVSEs with a transaction and non-zero power
    power_w: float
    import_wh: float  # delivered in transactions so far
    export_wh: float
    queued_events: int

    def line(self) -> str:
        return (f"fleet: online {self.online}/{self.stations} (connected {self.connected}) plugged {self.plugged} "
                f"charging {self.charging} power {self.power_w / 1000:.1f} kW import {self.import_wh / 1000:.1f} kWh "
                f"export {self.export_wh / 1000:.1f} kWh queued {self.queued_events}")


def station_kind(config: FleetConfig, index: int) -> StationKind | None:
    """Kind of station number `index` (1-based): by id, else by share, else `[station] kind`."""
    station_id = config.station_id(index)
    if station_id in config.station_kinds:
        return config.station_kinds[station_id]
    return kind_by_share(index, config.stations, config.kind_shares) or config.station.kind


def station_spec(config: FleetConfig, index: int) -> StationSpec:
    """The StationSpec of station number `index` (1-based) under `config`."""
    sc = config.station
    station_id = config.station_id(index)
    kind = station_kind(config, index)
    preset = PRESETS[kind] if kind is not None else None
    discharge_w = 0.0 if preset is not None and preset.charge_only else sc.evse.max_discharge_power_w
    evses = tuple(EvseSpec(evse_id=n, max_power_w=sc.evse.max_power_w, max_discharge_power_w=discharge_w,
                           phases=sc.evse.phases, voltage_v=sc.evse.voltage_v, dc=sc.evse.dc)
                  for n in range(1, sc.evses + 1))
    features = ChargingFeatures(rate_units=sc.rate_units, operation_modes=sc.operation_modes,
                                dynamic_profiles=sc.dynamic_profiles, max_offline_duration=sc.max_offline_duration)
    if preset is not None:
        features = preset.features
    c = sc.control
    control = ControlSpec(response_delay_s=c.response_delay_s, ramp_w_per_s=c.ramp_w_per_s,
                          ramp_step_s=c.ramp_step_s, nominal_frequency_hz=c.nominal_frequency_hz,
                          frequency_sample_s=c.frequency_sample_s)
    return StationSpec(
        station_id=station_id, password=config.password_for(station_id),
        versions=preset.versions if preset is not None else sc.ocpp_versions, evses=evses,
        vendor_name=sc.vendor_name, model=sc.model, heartbeat_interval_s=sc.heartbeat_interval_s,
        tx_updated_interval_s=sc.tx_updated_interval_s, reboot_s=sc.reboot_s,
        charging=_with_needs(features, sc.send_charging_needs), control=control,
        max_power_w=sc.max_power_w, max_discharge_power_w=sc.max_discharge_power_w,
    )


def _with_needs(features: ChargingFeatures, send_charging_needs: bool) -> ChargingFeatures:
    if features.send_charging_needs == send_charging_needs:
        return features
    return ChargingFeatures(features.rate_units, features.operation_modes, features.dynamic_profiles,
                            features.max_offline_duration, send_charging_needs)


class Fleet:
    """Simulated stations described by `config`, on `clock`."""

    def __init__(self, config: FleetConfig, clock: Clock, *, power_control: PowerControl | None = None,
                 connector: Connector | None = None) -> None:
        self.config = config
        self.clock = clock
        start_at = clock.now()
        planner = VisitPlanner(config.ev, config.seed, start_at)
        sc = config.station
        link = config.link
        options = LinkOptions(connect_timeout_s=link.connect_timeout_s, call_timeout_s=link.call_timeout_s,
                              reconnect_min_s=link.reconnect_min_s, reconnect_max_s=link.reconnect_max_s,
                              reconnect_jitter_s=link.reconnect_jitter_s, tls_dir=config.tls_dir,
                              validate_outgoing=link.validate_outgoing)
        rng = random.Random(config.seed)
        self.stations: dict[str, SimStation] = {}
        self.links: dict[str, StationLink] = {}
        for index in range(1, config.stations + 1):
            spec = station_spec(config, index)
            station_id = spec.station_id
            registers = {e.evse_id: round(rng.uniform(*sc.initial_register_wh), 3) for e in spec.evses}
            station = SimStation(spec, clock, power_control=power_control,
                                 visit_source=planner.source_for(station_id), initial_registers_wh=registers)
            self.stations[station_id] = station
            self.links[station_id] = StationLink(station, config.csms_url, options, rng, connector)
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        """Start every station's task (first connects spread over `connect_spread_s`)."""
        count = max(len(self.links), 1)
        for i, link in enumerate(self.links.values()):
            delay_s = self.config.connect_spread_s * i / count
            self._tasks.append(asyncio.create_task(self._run_link(link, delay_s), name=link.station.station_id))

    @staticmethod
    async def _run_link(link: StationLink, delay_s: float) -> None:
        if delay_s > 0:
            await asyncio.sleep(delay_s)
        try:
            await link.run()
        except Exception:  # task boundary: one station's bug must not stop the others
            log.exception("%s: station task failed", link.station.station_id)

    async def stop(self, timeout_s: float = 5.0) -> None:
        """Close every connection and end the station tasks (cancelled after `timeout_s`)."""
        await asyncio.gather(*(link.stop() for link in self.links.values()), return_exceptions=True)
        if self._tasks:
            _, pending = await asyncio.wait(self._tasks, timeout=timeout_s)
            for task in pending:
                task.cancel()
            for task in pending:
                with suppress(asyncio.CancelledError, Exception):
                    await task
        self._tasks.clear()

    def set_frequency(self, source: FrequencyInput | None) -> None:
        """Grid frequency (Hz, or a function of simulated time; None: nominal) for every station from now on."""
        for station in self.stations.values():
            station.set_frequency(source)

    def transactions(self) -> Iterator[tuple[str, Transaction]]:
        """(station_id, transaction) for every transaction so far: the simulator's ground truth."""
        for station_id, station in self.stations.items():
            for tx in station.transactions.values():
                yield station_id, tx

    def summary(self) -> FleetSummary:
        plugged = charging = queued = 0
        power_w = import_wh = export_wh = 0.0
        for station in self.stations.values():
            queued += sum(1 for m in station.outbox if m.durable)
            for evse in station.evses.values():
                plugged += evse.ev is not None
                charging += evse.transaction is not None and evse.power_w != 0
                power_w += evse.power_w
            for tx in station.transactions.values():
                import_wh += tx.import_wh
                export_wh += tx.export_wh
        return FleetSummary(
            stations=len(self.stations), connected=sum(s.connected for s in self.stations.values()),
            online=sum(s.online for s in self.stations.values()), plugged=plugged, charging=charging,
            power_w=power_w, import_wh=import_wh, export_wh=export_wh, queued_events=queued)

    async def run(self, duration_s: float | None = None, stop: asyncio.Event | None = None) -> None:
        """Start, log a summary every `summary_interval_s` real seconds, stop after `duration_s` simulated
        seconds (None: until `stop` is set)."""
        stop = stop or asyncio.Event()
        end_at = self.clock.now() + timedelta(seconds=duration_s) if duration_s is not None else None
        await self.start()
        try:
            while not stop.is_set():
                wait_s = self.config.summary_interval_s
                if end_at is not None:
                    remaining_s = (end_at - self.clock.now()).total_seconds() / max(self.clock.speed, 1e-9)
                    if remaining_s <= 0:
                        break
                    wait_s = min(wait_s, remaining_s)
                with suppress(TimeoutError):
                    async with asyncio.timeout(wait_s):
                        await stop.wait()
                for station in self.stations.values():
                    station.advance_to(self.clock.now())
                log.info("%s", self.summary().line())
        finally:
            await self.stop()
