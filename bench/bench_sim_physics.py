"""The simulator's own cost, without websockets or a CSMS: the regulation fleet on a manual clock.

Stations from config/sim/regulation.toml (mixed OCPP 2.1 / 2.0.1, 2 s metering, 1 s response delay, ramp) are
advanced the way their connection tasks advance them on virtual time (each station at its own next event), every
message they queue is serialized as the link would send it, and every 2 s a dispatcher installs a new TxProfile
on each running transaction (a sine of setpoints in 100 W steps, sent only when it moves). The figure is the CPU
time of that loop; the digest of every message (and of each transaction's ground truth) says whether two trees
behave the same. With `--baseline DIR` the same workload also runs on the code in DIR, in a child process of the
same command, and the ratio is printed:

    PYTHONPATH=$PWD .venv/bin/python bench/bench_sim_physics.py --stations 100 --duration-s 600 --baseline /tmp/old
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import subprocess
import sys
import time
import tomllib
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
START_AT = datetime(2026, 1, 5, 20, 0, tzinfo=UTC)
DISPATCH_S = 2.0


def _deterministic_uuids() -> None:
    """Transaction ids are uuid4: make them a counter so two runs can be compared message by message."""
    counter = iter(range(1, 1 << 62))
    uuid.uuid4 = lambda: uuid.UUID(int=next(counter))  # type: ignore[assignment]


def _profile(evse_id: int, tx_id: str, setpoint_w: float, v21: bool, at: datetime, profile_id: int) -> dict[str, Any]:
    period: dict[str, Any] = {"startPeriod": 0}
    if v21:
        period.update(operationMode="CentralSetpoint", setpoint=setpoint_w, limit=11_000.0, dischargeLimit=-11_000.0)
    else:
        period["limit"] = setpoint_w
    start = at.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return {"id": profile_id, "stackLevel": 1, "chargingProfilePurpose": "TxProfile", "chargingProfileKind": "Absolute",
            "transactionId": tx_id, "chargingSchedule": [{"id": 1, "chargingRateUnit": "W", "startSchedule": start,
                                                          "chargingSchedulePeriod": [period]}]}


def run_workload(stations: int, duration_s: float) -> tuple[float, str, int]:
    """(CPU seconds, digest, messages) of the workload on the chargepoint_sim importable here."""
    _deterministic_uuids()
    from chargepoint_sim.config import FleetConfig
    from chargepoint_sim.fleet import Fleet
    from csms.domain.clock import ManualClock
    from csms.ocpp.versions import OcppVersion

    data = tomllib.loads((ROOT / "config" / "sim" / "regulation.toml").read_text(encoding="utf-8"))
    data.pop("link", None)  # no connections here (and an older tree may not know every link setting)
    config = FleetConfig.model_validate({**data, "stations": stations})
    clock = ManualClock(START_AT)
    fleet = Fleet(config, clock)
    sims = list(fleet.stations.values())
    digest = hashlib.sha256()
    messages = 0
    sent_w: dict[tuple[str, int], float] = {}
    end_at = START_AT + timedelta(seconds=duration_s)
    cpu0 = time.process_time()
    for st in sims:
        st.set_online(True)
        st.boot_status_payloads(clock.now())
    next_dispatch_at = START_AT
    next_at = {st.station_id: st.next_event_at() for st in sims}
    profile_id = 0
    while clock.now() < end_at:
        now = clock.now()
        for st in sims:
            wake_at = next_at[st.station_id]
            if wake_at is not None and wake_at > now:
                continue
            st.advance_to(now)
            for evse_id, token in st.pending_authorizations():
                st.authorization_result(evse_id, token, "Accepted")
            version = st.spec.versions[0]
            while st.outbox:
                msg = st.outbox.popleft()
                digest.update(json.dumps([msg.action, msg.payload_for(version)], sort_keys=True).encode())
                messages += 1
            next_at[st.station_id] = st.next_event_at()
        if now >= next_dispatch_at:
            phase = (now - START_AT).total_seconds() / 300.0
            for n, st in enumerate(sims):
                for evse in st.evses.values():
                    tx = evse.transaction
                    if tx is None:
                        continue
                    setpoint_w = round(7_000.0 * math.sin(2 * math.pi * (phase + n / len(sims))) / 100.0) * 100.0
                    key = (st.station_id, evse.evse_id)
                    if sent_w.get(key) == setpoint_w:
                        continue
                    sent_w[key] = setpoint_w
                    profile_id += 1
                    v21 = st.spec.versions[0] is OcppVersion.V21
                    st.set_charging_profile(evse.evse_id, _profile(evse.evse_id, tx.transaction_id, setpoint_w, v21,
                                                                   now, profile_id), st.spec.versions[0])
                    next_at[st.station_id] = now
            next_dispatch_at = now + timedelta(seconds=DISPATCH_S)
            continue
        wakes = [t for t in next_at.values() if t is not None]
        step_to = min([next_dispatch_at, end_at, *wakes])
        clock.advance((step_to - now).total_seconds())
    cpu_s = time.process_time() - cpu0
    for st in sims:
        for tx in st.transactions.values():
            digest.update(repr((tx.transaction_id, tx.import_wh, tx.export_wh, tx.soc, tx.next_seq_no)).encode())
    return cpu_s, digest.hexdigest()[:16], messages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stations", type=int, default=100)
    parser.add_argument("--duration-s", type=float, default=600.0)
    parser.add_argument("--baseline", type=Path, help="a tree with the code to compare against (child process)")
    parser.add_argument("--json", action="store_true", help="print one JSON line (used for the baseline child)")
    args = parser.parse_args()
    cpu_s, digest, messages = run_workload(args.stations, args.duration_s)
    if args.json:
        print(json.dumps({"cpu_s": cpu_s, "digest": digest, "messages": messages}))
        return
    print(f"this tree: {cpu_s:.2f} s CPU, {messages} messages, digest {digest}")
    if args.baseline is not None:
        env = {**os.environ, "PYTHONPATH": str(args.baseline)}
        out = subprocess.run([sys.executable, __file__, "--stations", str(args.stations), "--duration-s",
                              str(args.duration_s), "--json"], env=env, check=True, capture_output=True, text=True)
        base = json.loads(out.stdout.strip().splitlines()[-1])
        same = "identical messages" if base["digest"] == digest else "MESSAGES DIFFER"
        print(f"baseline:  {base['cpu_s']:.2f} s CPU, {base['messages']} messages, digest {base['digest']}")
        print(f"ratio this/baseline: {cpu_s / base['cpu_s']:.3f} ({same})")


if __name__ == "__main__":
    main()
