"""Run the CSMS as its own process (`python -m csms serve`), so a test can kill it like a crash would."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class CsmsProcess:
    """One `python -m csms serve` on loopback ports; `start`, `kill` (SIGKILL) and `stop` (SIGTERM) by PID."""

    def __init__(self, env: dict[str, str], ocpp_port: int | None = None, api_port: int | None = None) -> None:
        self.ocpp_port = ocpp_port or free_port()
        self.api_port = api_port or free_port()
        self.env = {**os.environ, "CSMS_OCPP__HOST": "127.0.0.1", "CSMS_API__HOST": "127.0.0.1",
                    "CSMS_OCPP__PORT": str(self.ocpp_port), "CSMS_API__PORT": str(self.api_port),
                    "CSMS_LOG_LEVEL": "WARNING", **env}
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout_s: float = 20.0) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "csms", "serve"], cwd=REPO, env=self.env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"CSMS exited: {self.proc.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            try:
                socket.create_connection(("127.0.0.1", self.api_port), 0.2).close()
                socket.create_connection(("127.0.0.1", self.ocpp_port), 0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("CSMS did not start listening in time")

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, like a crash or an OOM kill."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
