"""Fuzz the OCPP endpoint with schema-valid hostile frames, next to a well-behaved station (loopback, one process).

Every CALL action of OCPP 2.0.1 and 2.1 (those the CSMS handles get most frames; 5 % SEND frames on 2.1) with
payloads generated from the official schemas, biased to hostile values: strings at maxLength, non-ASCII, NUL,
markup; integers at the 32-bit edges and beyond (2^63, 2^64); numbers 1e308, -1e308, 5e-324, -0.0; RFC 3339
times with lower-case t/z, leap seconds, years 0001/9999 with offsets; arrays at their bounds. Every generated
payload is checked against the official schema first (invalid ones are regenerated), so each frame is one a
compliant station could send. CALLs the CSMS sends to a fuzz station are answered with generated (hostile,
schema-valid) CALLRESULTs.

Counts: frames sent, answers by outcome (CALLRESULT / each CALLERROR code), unanswered frames, server-closed
fuzz connections, InternalError answers (must be 0), and the well-behaved station's round trips and failures
(must be 0). Also the log bytes the CSMS wrote per fuzz frame (warnings, to a temporary file, JSON lines).
Bounded by `--frames` and `--max-seconds`.

    .venv/bin/python bench/fuzz_frames.py --frames 100000 --stations 4 --seed 1
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import logging
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import jsonschema_rs

from csms.handlers import HANDLERS
from csms.logging_setup import JsonFormatter
from csms.ocpp.schemas import load_schema, schema_actions, send_actions
from csms.ocpp.versions import OcppVersion
from tests.helpers.csms_app import booted, csms_test_settings, running_csms, station_connect

HOSTILE_TIMES = [
    "2026-06-01T01:00:00z", "2026-06-01t01:00:00Z", "2016-12-31T23:59:60Z", "2016-12-31T23:59:60.999Z",
    "0001-01-01T00:00:00Z", "0001-01-01T00:00:00+01:00", "0001-01-01T00:00:00-01:00", "9999-12-31T23:59:59Z",
    "9999-12-31T23:59:59-01:00", "9999-12-31T23:59:59+14:00", "1970-01-01T00:00:00Z", "2026-06-01T01:00:00.123456789Z",
    "2026-06-01T01:00:00+23:59", "2026-06-01T01:00:00-00:00",
]
HOSTILE_INTS = [0, 1, -1, 2**31 - 1, -(2**31), 2**31, 2**53 + 1, 2**63 - 1, -(2**63), 2**63, 2**64, 400, -400]
HOSTILE_NUMBERS = [0.0, -0.0, 1e308, -1e308, 5e-324, 1.7976931348623157e308, 1e15, -1e15, 1e16, 0.1, 123456.789]
HOSTILE_TEXT = ["", "\u0000", "é☃😀", "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd", "%s%n%x",
                "\u202e\ufeff", "A"]


class Generator:
    """Random instances of a JSON schema (draft 6 subset the OCPP schemas use), hostile values preferred."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.hostility = 1.0  # chance that a leaf value is hostile rather than ordinary

    def instance(self, schema: dict[str, Any], defs: dict[str, Any], depth: int = 0) -> Any:
        rng = self.rng
        ref = schema.get("$ref")
        if isinstance(ref, str):
            return self.instance(defs[ref.rsplit("/", 1)[1]], defs, depth)
        if "enum" in schema:
            return rng.choice(schema["enum"])
        kind = schema.get("type")
        if kind == "object":
            required = set(schema.get("required", []))
            out: dict[str, Any] = {}
            for name, sub in schema.get("properties", {}).items():
                if name in required or (depth < 6 and rng.random() < 0.5):
                    out[name] = self.instance(sub, defs, depth + 1)
            return out
        if kind == "array":
            low = schema.get("minItems", 0)
            high = min(schema.get("maxItems", low + 3), low + 3)
            return [self.instance(schema.get("items", {}), defs, depth + 1) for _ in range(rng.randint(low, high))]
        if kind in ("string", "integer", "number") and rng.random() >= self.hostility:
            return self.ordinary(schema)
        if kind == "string":
            if schema.get("format") == "date-time":
                return rng.choice(HOSTILE_TIMES)
            low, high = schema.get("minLength", 0), schema.get("maxLength", 64)
            text = rng.choice([*HOSTILE_TEXT, "x" * high, "é" * high, ("😀" * high)[:high]])
            return (text + "x" * low)[:high] if len(text) < low else text[:high]
        if kind == "integer":
            value = rng.choice(HOSTILE_INTS)
            if "minimum" in schema or "maximum" in schema:
                value = rng.choice([value, schema.get("minimum", 0), schema.get("maximum", 0)])
            return value
        if kind == "number":
            return rng.choice(HOSTILE_NUMBERS)
        if kind == "boolean":
            return rng.random() < 0.5
        return None


    def ordinary(self, schema: dict[str, Any]) -> Any:
        kind, rng = schema.get("type"), self.rng
        if kind == "string":
            if schema.get("format") == "date-time":
                return f"2026-06-01T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00Z"
            return ("ab1" * 30)[:max(schema.get("minLength", 0), min(3, schema.get("maxLength", 3)))]
        low, high = schema.get("minimum", 0), schema.get("maximum", 1000)
        return rng.randint(int(low), int(high)) if kind == "integer" else rng.uniform(low, high)


class Payloads:
    """Schema-valid hostile payloads per (version, action, suffix); invalid candidates are regenerated."""

    def __init__(self, rng: random.Random) -> None:
        self.gen = Generator(rng)
        self._validators: dict[tuple[OcppVersion, str, str], Any] = {}
        self.regenerated = 0

    def make(self, version: OcppVersion, action: str, suffix: str) -> dict[str, Any] | None:
        key = (version, action, suffix)
        schema = load_schema(version, action, suffix)
        validator = self._validators.get(key)
        if validator is None:
            validator = self._validators[key] = jsonschema_rs.validator_for(schema, validate_formats=True)
        for _ in range(20):
            self.gen.hostility = self.gen.rng.choice((0.05, 0.3, 1.0))  # mostly-ordinary frames reach deeper
            payload = self.gen.instance(schema, schema.get("definitions", {}))
            if validator.is_valid(payload):
                return payload  # type: ignore[no-any-return]
            self.regenerated += 1
        return None


class Tally:
    def __init__(self) -> None:
        self.sent = 0
        self.outcomes: collections.Counter[str] = collections.Counter()
        self.internal: list[str] = []
        self.unanswered = 0
        self.closed_by_server = 0
        self.calls_answered = 0
        self.sends = 0  # OCPP 2.1 SEND frames (never answered)
        self.good_round_trips = 0
        self.good_failures = 0


async def fuzz_station(app: Any, index: int, frames: int, deadline: float, payloads: Payloads, tally: Tally,
                       rng: random.Random, batch: int) -> None:
    version = OcppVersion.V201 if index % 2 == 0 else OcppVersion.V21
    handled = sorted(set(HANDLERS) & schema_actions(version))
    every = sorted(schema_actions(version))
    sends = sorted(send_actions(version)) if version.has_send_frames else []
    station_id = f"FUZZ-{index}"
    sent_here = 0
    while sent_here < frames and time.monotonic() < deadline:
        try:
            async with station_connect(app, station_id, subprotocols=(version.value,), max_size=2**22) as ws:
                await booted(ws)
                while sent_here < frames and time.monotonic() < deadline:
                    pending: dict[str, str] = {}
                    for _ in range(min(batch, frames - sent_here)):
                        if sends and rng.random() < 0.05:  # a 2.1 SEND: unanswered by design
                            send_action = rng.choice(sends)
                            send_payload = payloads.make(version, send_action, "")
                            if send_payload is not None:
                                await ws.send(json.dumps([6, f"s{index}-{tally.sent}", send_action, send_payload],
                                                         ensure_ascii=False))
                                tally.sent += 1
                                tally.sends += 1
                                sent_here += 1
                            continue
                        action = rng.choice(handled) if rng.random() < 0.8 else rng.choice(every)
                        payload = payloads.make(version, action, "Request")
                        if payload is None:
                            continue
                        message_id = f"f{index}-{tally.sent}"
                        pending[message_id] = action
                        await ws.send(json.dumps([2, message_id, action, payload], ensure_ascii=False))
                        tally.sent += 1
                        sent_here += 1
                    await collect(ws, version, pending, payloads, tally)
        except Exception as exc:  # the server closed us (or the socket failed): count it and reconnect
            tally.closed_by_server += 1
            tally.outcomes[f"connection lost: {type(exc).__name__}"] += 1


async def collect(ws: Any, version: OcppVersion, pending: dict[str, str], payloads: Payloads, tally: Tally) -> None:
    """Read answers to `pending`, answering the CSMS's own CALLs with generated results."""
    try:
        async with asyncio.timeout(10):
            while pending:
                frame = json.loads(await ws.recv())
                if frame[0] == 2:
                    result = payloads.make(version, frame[2], "Response") or {}
                    await ws.send(json.dumps([3, frame[1], result], ensure_ascii=False))
                    tally.calls_answered += 1
                    continue
                action = pending.pop(frame[1], None)
                if action is None:
                    continue
                outcome = "CALLRESULT" if frame[0] == 3 else frame[2]
                tally.outcomes[outcome] += 1
                if outcome == "InternalError":
                    tally.internal.append(f"{action}: {frame[3]}")
    except TimeoutError:
        tally.unanswered += len(pending)


async def good_station(app: Any, stop: asyncio.Event, tally: Tally) -> None:
    async with station_connect(app, "GOOD-1") as ws:
        assert (await booted(ws))[2]["status"] == "Accepted"
        n = 0
        while not stop.is_set():
            n += 1
            calls = [("Heartbeat", {}), ("StatusNotification", {
                "timestamp": "2026-06-01T01:00:00Z", "connectorStatus": "Available", "evseId": 1, "connectorId": 1})]
            for action, payload in calls:
                message_id = f"g{n}-{action}"
                await ws.send(json.dumps([2, message_id, action, payload]))
                try:
                    async with asyncio.timeout(5):
                        while True:
                            frame = json.loads(await ws.recv())
                            if frame[0] == 2:
                                await ws.send(json.dumps([3, frame[1], {"status": "Accepted"}]))
                                continue
                            if frame[1] == message_id:
                                break
                    ok = frame[0] == 3
                except TimeoutError:
                    ok = False
                tally.good_round_trips += 1
                tally.good_failures += 0 if ok else 1
            await asyncio.sleep(0.01)


async def run(args: argparse.Namespace, log_file: Path) -> tuple[Tally, Payloads, float]:
    rng = random.Random(args.seed)
    payloads = Payloads(rng)
    tally = Tally()
    settings = csms_test_settings()
    settings.ocpp.max_message_bytes = 2**22
    settings.ocpp.fetch_device_model_on_boot = True
    handler = logging.FileHandler(log_file)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    started = time.monotonic()
    deadline = started + args.max_seconds
    async with running_csms(settings=settings, serve_api=False) as app:
        stop = asyncio.Event()
        good = asyncio.create_task(good_station(app, stop, tally))
        per_station = args.frames // args.stations
        await asyncio.gather(*(fuzz_station(app, i, per_station, deadline, payloads, tally, random.Random(
            args.seed * 1000 + i), args.batch) for i in range(args.stations)))
        stop.set()
        await good
    return tally, payloads, time.monotonic() - started


def report(args: argparse.Namespace, tally: Tally, payloads: Payloads, elapsed: float, log_file: Path) -> None:
    log_bytes = log_file.stat().st_size
    print(f"frames sent {tally.sent} in {elapsed:.1f} s ({tally.sent / elapsed:.0f}/s), "
          f"{args.stations} fuzz stations (2.0.1 and 2.1), seed {args.seed}")
    print(f"answers: {dict(tally.outcomes.most_common())}")
    print(f"InternalError {len(tally.internal)}; unanswered {tally.unanswered}; fuzz connections lost "
          f"{tally.closed_by_server}; SEND frames {tally.sends}; CSMS CALLs answered with generated results "
          f"{tally.calls_answered}; "
          f"payloads regenerated (schema-invalid candidates) {payloads.regenerated}")
    print(f"well-behaved station: {tally.good_round_trips} round trips, {tally.good_failures} failed")
    print(f"CSMS log: {log_bytes} bytes at WARNING ({log_bytes / max(1, tally.sent):.1f} bytes per fuzz frame)")
    for line in tally.internal[:10]:
        print("  InternalError:", line)
    log_file.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", type=int, default=100_000)
    parser.add_argument("--stations", type=int, default=4)
    parser.add_argument("--batch", type=int, default=50, help="frames pipelined per station before reading answers")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-seconds", type=float, default=600.0)
    args = parser.parse_args()
    log_file = Path(tempfile.mkstemp(prefix="fuzz-csms-", suffix=".log")[1])
    tally, payloads, elapsed = asyncio.run(run(args, log_file))
    report(args, tally, payloads, elapsed, log_file)
    sys.exit(0 if not tally.internal and tally.good_failures == 0 else 1)


if __name__ == "__main__":
    main()
