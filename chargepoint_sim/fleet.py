"""N simulated stations in one process: build them from a `FleetConfig`, run, summarize, stop.

Usage from a test:
    fleet = Fleet(config, clock)
    await fleet.start()
    ...                                   # fleet.stations["SIM-0001"].transactions -> ground truth
    await fleet.stop()
Each station runs as one task (`StationLink.run`) plus a reader task while connected.
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
from chargepoint_sim.link import LinkOptions, StationLink
from chargepoint_sim.power import PowerControl
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


class Fleet:
    """Simulated stations described by `config`, on `clock`."""

    def __init__(self, config: FleetConfig, clock: Clock, *, power_control: PowerControl | None = None) -> None:
        self.config = config
        self.clock = clock
        start_at = clock.now()
        planner = VisitPlanner(config.ev, config.seed, start_at)
        sc = config.station
        evses = tuple(EvseSpec(evse_id=n, max_power_w=sc.evse.max_power_w,
                               max_discharge_power_w=sc.evse.max_discharge_power_w, phases=sc.evse.phases,
                               voltage_v=sc.evse.voltage_v, dc=sc.evse.dc) for n in range(1, sc.evses + 1))
        link = config.link
        options = LinkOptions(connect_timeout_s=link.connect_timeout_s, call_timeout_s=link.call_timeout_s,
                              reconnect_min_s=link.reconnect_min_s, reconnect_max_s=link.reconnect_max_s,
                              reconnect_jitter_s=link.reconnect_jitter_s)
        rng = random.Random(config.seed)
        self.stations: dict[str, SimStation] = {}
        self.links: dict[str, StationLink] = {}
        for index in range(1, config.stations + 1):
            station_id = config.station_id(index)
            spec = StationSpec(
                station_id=station_id, password=config.password_for(station_id), versions=sc.ocpp_versions,
                evses=evses, vendor_name=sc.vendor_name, model=sc.model,
                heartbeat_interval_s=sc.heartbeat_interval_s, tx_updated_interval_s=sc.tx_updated_interval_s,
                reboot_s=sc.reboot_s,
            )
            registers = {e.evse_id: round(rng.uniform(*sc.initial_register_wh), 3) for e in evses}
            station = SimStation(spec, clock, power_control=power_control,
                                 visit_source=planner.source_for(station_id), initial_registers_wh=registers)
            self.stations[station_id] = station
            self.links[station_id] = StationLink(station, config.csms_url, options, rng)
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
