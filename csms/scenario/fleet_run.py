"""`FleetRun`: the CSMS (in-process, fleet controller on) plus a simulated fleet (child process) on one
accelerated clock. The child is started with `--start-at` / `--clock-anchor` so both read the same simulated
time, and is stopped by PID (SIGTERM, then SIGKILL) whatever happens."""

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
from typing import IO

from csms.app import CsmsApp, build_app
from csms.domain.clock import ScaledClock
from csms.settings import Settings

log = logging.getLogger("csms.scenario")

SIM_PASSWORD = "scenario-password-0123456789"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class FleetRunSpec:
    sim_config: Path
    start_at: datetime
    speed: float
    stations: int | None = None
    seed: int | None = None
    sim_log: Path | None = None
    sim_args: list[str] = field(default_factory=list)


class FleetRun:
    """`async with FleetRun(settings, spec) as run:` -> `run.app`, `run.clock`."""

    def __init__(self, settings: Settings, spec: FleetRunSpec) -> None:
        self.spec = spec
        self.settings = settings.model_copy(update={
            "ocpp": settings.ocpp.model_copy(update={"host": "127.0.0.1", "port": free_port(),
                                                     "ping_interval_s": None}),
            "api": settings.api.model_copy(update={"host": "127.0.0.1", "port": free_port()}),
            "security": settings.security.model_copy(update={"accept_unknown_tokens": True}),
        })
        self.clock = ScaledClock(spec.start_at, spec.speed)
        self.app: CsmsApp = build_app(self.settings, clock=self.clock)
        self._sim: subprocess.Popen[bytes] | None = None
        self._sim_log: IO[bytes] | None = None

    def sim_command(self) -> list[str]:
        spec = self.spec
        cmd = [sys.executable, "-m", "chargepoint_sim", "--config", str(spec.sim_config),
               "--csms", f"ws://127.0.0.1:{self.app.ocpp_port}{self.settings.ocpp.path_prefix}",
               "--password", SIM_PASSWORD, "--speed", str(spec.speed),
               "--start-at", spec.start_at.isoformat(), "--clock-anchor", repr(self.clock.anchor_monotonic_s),
               "--log-level", "WARNING", *spec.sim_args]
        if spec.stations is not None:
            cmd += ["--stations", str(spec.stations)]
        if spec.seed is not None:
            cmd += ["--seed", str(spec.seed)]
        return cmd

    async def __aenter__(self) -> FleetRun:
        await self.app.start()
        await asyncio.to_thread(self._start_sim)
        return self

    def _start_sim(self) -> None:
        output: IO[bytes] | int = subprocess.DEVNULL
        if self.spec.sim_log is not None:
            self._sim_log = output = self.spec.sim_log.open("wb")
        self._sim = subprocess.Popen(self.sim_command(), stdout=output, stderr=output,
                                     env={**os.environ, "PYTHONUNBUFFERED": "1"})

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await asyncio.to_thread(self.stop_sim)
        await self.app.stop()

    def stop_sim(self) -> None:
        proc = self._sim
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
        if self._sim_log is not None:
            self._sim_log.close()
            self._sim_log = None

    def sim_alive(self) -> bool:
        return self._sim is not None and self._sim.poll() is None

    async def wait_sim_time(self, until: datetime, *, poll_s: float = 0.2) -> None:
        """Sleep until the shared simulated clock reads `until` (raises if the simulator died)."""
        while self.clock.now() < until:
            if not self.sim_alive():
                raise RuntimeError("the simulator process exited early")
            remaining_s = (until - self.clock.now()).total_seconds() / self.spec.speed
            await asyncio.sleep(min(poll_s, max(remaining_s, 0.0)))
