"""`FleetRun`: the CSMS (in-process, fleet controller on) plus simulated fleets.

Two clocks (`FleetRunSpec.clock`):
- `virtual`: the simulator runs in this process and every part reads one `LoopClock`; run it on a virtual-time
  loop (`csms.scenario.virtual_time.run_virtual`) and a simulated hour takes seconds, the same way on a busy host
  as on an idle one. The fleet controller solves on the loop (`fleet.plan_in_thread = false`). Stations connect
  in-process (`transport = "memory"`, the default: the OCPP sessions of both sides fed directly, no socket) or
  over real websockets on loopback (`"websocket"`).
- `realtime`: the simulator runs in child processes on a shared `ScaledClock` (`speed` simulated seconds per real
  second; the children get `--start-at` / `--clock-anchor`); children are stopped by PID (SIGTERM, then SIGKILL)
  whatever happens. This is what a real deployment's timing looks like, host stalls included.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Literal, Protocol

from chargepoint_sim.config import load_config
from chargepoint_sim.fleet import Fleet
from chargepoint_sim.link import Connector
from csms.app import CsmsApp, build_app
from csms.domain.clock import Clock, LoopClock, ScaledClock
from csms.scenario.progress import ProgressCallback, ProgressUpdate
from csms.scenario.virtual_time import ClockMode
from csms.settings import Settings

log = logging.getLogger("csms.scenario")

SIM_PASSWORD = "scenario-password-0123456789"

__all__ = ["SIM_PASSWORD", "ClockMode", "FleetRun", "FleetRunSpec", "Transport", "free_port"]

# How an in-process simulator reaches the CSMS: `memory` = `OcppServer.connect_in_memory` (same credential check,
# subprotocol choice and OCPP sessions, no socket or framing); `websocket` = real websockets on loopback.
Transport = Literal["memory", "websocket"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class FleetRunSpec:
    sim_config: Path
    start_at: datetime
    speed: float  # realtime only: simulated seconds per real second
    stations: int | None = None
    seed: int | None = None
    sim_log: Path | None = None
    sim_args: list[str] = field(default_factory=list)  # realtime only: extra simulator CLI arguments
    clock: ClockMode = "virtual"
    transport: Transport = "memory"  # virtual only: in-process connections, or real websockets on loopback


class _SimHost(Protocol):
    """Where the simulated fleets run."""

    def add(self, config: Path, log_path: Path | None, *, stations: int | None = None,
            seed: int | None = None) -> None: ...

    def alive(self) -> bool: ...

    async def stop(self) -> None: ...


class _InProcessSims:
    """Simulated fleets as tasks of this event loop, on the run's clock."""

    def __init__(self, clock: Clock, csms_url: str, connector: Connector | None) -> None:
        self._clock = clock
        self._csms_url = csms_url
        self._connector = connector
        self.fleets: list[Fleet] = []
        self._tasks: list[asyncio.Task[None]] = []

    def add(self, config: Path, log_path: Path | None, *, stations: int | None = None,
            seed: int | None = None) -> None:
        fleet = Fleet(load_config(config, csms_url=self._csms_url, stations=stations, seed=seed,
                                  password=SIM_PASSWORD), self._clock, connector=self._connector)
        self.fleets.append(fleet)
        self._tasks.append(asyncio.create_task(fleet.run(), name=f"sim-fleet-{len(self.fleets)}"))

    def alive(self) -> bool:
        for task in self._tasks:
            if task.done():
                if not task.cancelled() and task.exception() is not None:
                    raise RuntimeError("a simulated fleet failed") from task.exception()
                return False
        return True

    async def stop(self) -> None:
        """Cancel each fleet's run task; its own `finally` stops the fleet's stations."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()


class _ProcessSims:
    """Simulated fleets in child processes on a shared `ScaledClock`; stopped by PID."""

    def __init__(self, clock: ScaledClock, csms_url: str, spec: FleetRunSpec) -> None:
        self._clock = clock
        self._csms_url = csms_url
        self._spec = spec
        self._procs: list[subprocess.Popen[bytes]] = []
        self._logs: list[IO[bytes]] = []

    def command(self, config: Path, stations: int | None, seed: int | None) -> list[str]:
        spec = self._spec
        cmd = [sys.executable, "-m", "chargepoint_sim", "--config", str(config), "--csms", self._csms_url,
               "--password", SIM_PASSWORD, "--speed", str(spec.speed), "--start-at", spec.start_at.isoformat(),
               "--clock-anchor", repr(self._clock.anchor_monotonic_s), "--log-level", "WARNING", *spec.sim_args]
        if stations is not None:
            cmd += ["--stations", str(stations)]
        if seed is not None:
            cmd += ["--seed", str(seed)]
        return cmd

    def add(self, config: Path, log_path: Path | None, *, stations: int | None = None,
            seed: int | None = None) -> None:
        output: IO[bytes] | int = subprocess.DEVNULL
        if log_path is not None:
            handle = log_path.open("wb")
            self._logs.append(handle)
            output = handle
        self._procs.append(subprocess.Popen(self.command(config, stations, seed), stdout=output, stderr=output,
                                            env={**os.environ, "PYTHONUNBUFFERED": "1"}))

    def alive(self) -> bool:
        return all(p.poll() is None for p in self._procs)

    async def stop(self) -> None:
        await asyncio.to_thread(self._stop_all)

    def _stop_all(self) -> None:
        for proc in self._procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self._procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
        for handle in self._logs:
            handle.close()
        self._logs.clear()


class FleetRun:
    """`async with FleetRun(settings, spec) as run:` -> `run.app`, `run.clock`; `run.add_fleet(...)` starts
    another simulated fleet (the spec's own starts on entry)."""

    def __init__(self, settings: Settings, spec: FleetRunSpec) -> None:
        self.spec = spec
        virtual = spec.clock == "virtual"
        self.settings = settings.model_copy(update={
            "ocpp": settings.ocpp.model_copy(update={"host": "127.0.0.1", "port": free_port(),
                                                     "ping_interval_s": None}),
            "api": settings.api.model_copy(update={"host": "127.0.0.1", "port": free_port()}),
            "security": settings.security.model_copy(update={"accept_unknown_tokens": True}),
            "fleet": settings.fleet.model_copy(update={"plan_in_thread": not virtual}),
        })
        self.clock: Clock = LoopClock(spec.start_at) if virtual else ScaledClock(spec.start_at, spec.speed)
        # A virtual run serves no operator API: nothing reads it, and its server would tick the loop every 0.1 s.
        self.app: CsmsApp = build_app(self.settings, clock=self.clock, serve_api=not virtual)
        self._sims: _SimHost | None = None
        self._background: list[asyncio.Task[None]] = []

    @property
    def csms_url(self) -> str:
        return f"ws://127.0.0.1:{self.app.ocpp_port}{self.settings.ocpp.path_prefix}"

    @property
    def fleets(self) -> list[Fleet]:
        """The in-process simulated fleets (virtual runs; empty for child processes)."""
        return self._sims.fleets if isinstance(self._sims, _InProcessSims) else []

    async def __aenter__(self) -> FleetRun:
        await self.app.start()
        if isinstance(self.clock, ScaledClock):
            self._sims = _ProcessSims(self.clock, self.csms_url, self.spec)
        else:
            memory = self.spec.transport == "memory"
            self._sims = _InProcessSims(self.clock, self.csms_url,
                                        self.app.ocpp_server.connect_in_memory if memory else None)
        self.add_fleet(self.spec.sim_config, self.spec.sim_log, stations=self.spec.stations, seed=self.spec.seed)
        return self

    def add_fleet(self, config: Path, log_path: Path | None = None, *, stations: int | None = None,
                  seed: int | None = None) -> None:
        if self._sims is None:
            raise RuntimeError("FleetRun not entered")
        self._sims.add(config, log_path, stations=stations, seed=seed)

    def report_progress(self, progress: ProgressCallback, total_s: float, *, every_s: float = 10.0) -> None:
        """Tell `progress` the simulated seconds since the run's start every `every_s` of the run's clock."""
        async def tick() -> None:
            while True:
                progress(ProgressUpdate((self.clock.now() - self.spec.start_at).total_seconds(), total_s))
                await self.clock.sleep(every_s)

        self._background.append(asyncio.create_task(tick(), name="fleet-run-progress"))

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        for task in self._background:
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)
        try:
            if self._sims is not None:
                await self._sims.stop()
        finally:
            await self.app.stop()

    def sim_alive(self) -> bool:
        return self._sims is not None and self._sims.alive()

    async def wait_sim_time(self, until: datetime, *, poll_s: float = 0.2) -> None:
        """Sleep until the run's clock reads `until` (raises if a simulated fleet ended early)."""
        while self.clock.now() < until:
            if not self.sim_alive():
                raise RuntimeError("a simulated fleet exited early")
            remaining_s = (until - self.clock.now()).total_seconds()
            await self.clock.sleep(min(poll_s * self.clock.speed, max(remaining_s, 0.0)))
