"""The CSMS's OCPP 1.6J message path against its 2.0.1 path, in one process, same run (issue 17).

    .venv/bin/python bench/bench_ocpp16_path.py              # ~10 s
    .venv/bin/python bench/bench_ocpp16_path.py --messages 5000 --rounds 20

No sockets: one in-memory station per version feeds its session (`RpcSession.feed`: frame parsing, schema
validation, the handler, the memory store, the reply) the same ~1.5 kB of meter data over and over, inside an open
transaction: 2.0.1 MeterValues (evseId, attributed by the transaction's window), 2.0.1 TransactionEvent Updated,
1.6 MeterValues with its transactionId, and 1.6 MeterValues without one (attributed like 2.0.1). Rounds alternate
the paths so host noise hits them alike, and each is timed in process CPU time; the median msg/s (per CPU second)
per path is printed with the 1.6 figures as a fraction of the 2.0.1 MeterValues one. It measures the server's per-
message CPU (the part of a socket run's capacity the version changes), not websockets or the network:
bench/bench_load.py does that, and its load client speaks 2.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from load_client import meter_values_payload

from chargepoint_sim.v16 import meter_values_16
from csms.domain.clock import ManualClock, to_ocpp_time
from csms.domain.records import BootPolicy
from csms.handlers import build_handlers
from csms.handlers.deps import HandlerDeps
from csms.handlers.v16 import build_v16_handlers
from csms.ocpp.schemas import warm_up
from csms.ocpp.session import RpcSession
from csms.ocpp.v16_adapter import V16Session
from csms.ocpp.versions import OcppVersion
from csms.services.events import EventBus
from csms.store.memory import MemoryStore

T0 = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


class MessagePath:
    """One station on one version, fed `frame(seq)` messages."""

    def __init__(self, version: OcppVersion, frame: Callable[[int], str]) -> None:
        self.store = MemoryStore()
        deps = HandlerDeps(store=self.store, clock=ManualClock(T0), events=EventBus())
        deps.registration["BENCH-1"] = BootPolicy.ACCEPT
        self.replies = 0
        handlers = build_v16_handlers(deps) if version is OcppVersion.V16 else build_handlers(deps)
        session_class = V16Session if version is OcppVersion.V16 else RpcSession
        self.session = session_class(station_id="BENCH-1", version=version, send=self._send, handlers=handlers)
        self.frame = frame

    async def _send(self, text: str) -> None:
        if not text.startswith("[3"):  # orjson text: no space after the bracket
            raise RuntimeError(f"not a CALLRESULT: {text[:200]}")
        self.replies += 1

    async def run(self, first: int, count: int) -> float:
        """Feed `count` messages (built before the clock starts: only the server side is timed); msg/s."""
        frames = [self.frame(seq) for seq in range(first, first + count)]
        started = time.process_time()  # CPU time: other processes on a shared host take wall time, not this
        for frame in frames:
            await self.session.feed(frame)
        return count / (time.process_time() - started)


def at(seq: int) -> str:
    return to_ocpp_time(T0 + timedelta(seconds=seq))


def call(action: str, payload: dict[str, Any], seq: int) -> str:
    return orjson.dumps([2, f"m{seq}", action, payload]).decode()


async def make_paths() -> dict[str, MessagePath]:
    mv201 = MessagePath(OcppVersion.V201, lambda seq: call("MeterValues", meter_values_payload(seq, at(seq)), seq))

    def tx_event(seq: int) -> str:
        return call("TransactionEvent", {
            "eventType": "Updated", "timestamp": at(seq), "triggerReason": "MeterValuePeriodic", "seqNo": seq,
            "transactionInfo": {"transactionId": "TX-1", "chargingState": "Charging"},
            "meterValue": meter_values_payload(seq, at(seq))["meterValue"]}, seq)

    te201 = MessagePath(OcppVersion.V201, tx_event)

    def mv16(with_id: bool) -> Callable[[int], str]:
        def frame(seq: int) -> str:
            payload: dict[str, Any] = {"connectorId": 1, "meterValue": meter_values_16(
                meter_values_payload(seq, at(seq))["meterValue"])}
            if with_id:
                payload["transactionId"] = 1
            return call("MeterValues", payload, seq)
        return frame

    mv16_id, mv16_connector = MessagePath(OcppVersion.V16, mv16(True)), MessagePath(OcppVersion.V16, mv16(False))
    started = {"eventType": "Started", "timestamp": at(0), "triggerReason": "Authorized", "seqNo": 0,
               "transactionInfo": {"transactionId": "TX-1"}, "evse": {"id": 1, "connectorId": 1}}
    for path in (mv201, te201):
        await path.session.feed(call("TransactionEvent", started, 0))
    for path in (mv16_id, mv16_connector):
        await path.session.feed(call("StartTransaction", {"connectorId": 1, "idTag": "BENCH", "meterStart": 0,
                                                          "timestamp": at(0)}, 0))
    return {"2.0.1 MeterValues": mv201, "2.0.1 TransactionEvent": te201, "1.6 MeterValues +txId": mv16_id,
            "1.6 MeterValues connector": mv16_connector}


async def main(messages: int, rounds: int) -> None:
    for version in (OcppVersion.V201, OcppVersion.V16):
        warm_up(version)
    paths = await make_paths()
    rates: dict[str, list[float]] = {name: [] for name in paths}
    for round_no in range(rounds):
        for name, path in paths.items():
            rates[name].append(await path.run(1 + round_no * messages, messages))
    reference = statistics.median(rates["2.0.1 MeterValues"])
    print(f"{messages} messages x {rounds} rounds per path (median msg/s, relative to 2.0.1 MeterValues)")
    for name, values in rates.items():
        median = statistics.median(values)
        print(f"  {name:28s} {median:9.0f} msg/s  {1e6 / median:6.1f} us/msg  {median / reference:6.2f}")
    for name, path in paths.items():
        assert path.replies == 1 + messages * rounds, (name, path.replies)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    asyncio.run(main(args.messages, args.rounds))
