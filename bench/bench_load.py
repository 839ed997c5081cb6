"""Load benchmark (issue 2): our CSMS vs the `ocpp` library's documented pattern, same load, same run.

    .venv/bin/python bench/bench_load.py                      # 100 and 1,000 stations (`make bench`), ~75 s
    .venv/bin/python bench/bench_load.py --stations 5000      # the big one (needs ~2 x 5,000 file handles)
    .venv/bin/python bench/bench_load.py --repeat 3           # medians of 3 runs per (N, server)

For each N and each server, a fresh server process is started on free loopback ports (ours: `python -m csms
serve --store memory`, or `--store redis` on a loopback Redis, API included, at CSMS_LOG_LEVEL=WARNING unless
--log-level; the baseline: bench/baseline_csms.py at the same level), then `bench/load_client.py` drives N
stations from its worker process(es): connect + boot storm, then closed-loop ~1.5 kB MeterValues (or
`--message TransactionEvent`, or `--message MeterValues16`: the same in OCPP 1.6J); the --duration window
opens --warmup seconds after every station has had its first MeterValues answered. The server's RSS (psutil, on
its PID) is read before the stations connect and after all of them have booted (RSS per connection =
difference / N, which includes each station's state), and its CPU time over the storm and over the window.
Prints figures, never pass/fail. Every process it starts is stopped by PID, also on error.

Reading the figures: in a closed loop every station has one MeterValues in flight, so at saturation latency is
about N / throughput (Little's law); p50/p99 compare queueing, msg/s compares capacity (--interval paces the
stations to compare service latency instead). "srv CPU" near 100 % means the (single-process) server was the
bottleneck; "client CPU" near 100 % means the load client was; "other CPU" is what else the host ran. On a
shared machine "srv CPU us/msg" is the steadiest capacity figure. RSS per connection at N=100 is dominated by
allocator noise. Results and their reading: docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_client import (
    MESSAGES,
    BootSummary,
    LoadConfig,
    LoadRun,
    LoadSummary,
    meter_values_16_payload,
    meter_values_payload,
    ocpp_now,
    transaction_id_of,
    transaction_updated_payload,
)

REPO = Path(__file__).resolve().parents[1]
SERVERS = ("ours", "baseline")


@dataclass
class RunResult:
    server: str
    stations: int
    boot: BootSummary
    load: LoadSummary
    rss_before_mb: float
    rss_booted_mb: float
    rss_after_load_mb: float
    rss_per_conn_kb: float
    server_cpu_pct: float
    server_cpu_us_per_msg: float | None
    storm_cpu_ms_per_station: float
    storm_client_cpu_ms_per_station: float
    other_cpu_pct: float
    load_avg: float


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def raise_nofile(needed: int) -> int:
    """Raise the soft open-file limit (inherited by the servers and load workers) towards `needed`."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = target
    return soft


def start_server(kind: str, log_level: str, log_dir: Path, redis: tuple[str, str] | None = None
                 ) -> tuple[subprocess.Popen[bytes], int, str]:
    """Start one server; ours on the memory store, or on Redis with `redis` = (url, key prefix)."""
    port = free_port()
    log_file = (log_dir / f"{kind}-{port}.log").open("wb")
    env = dict(os.environ)
    if kind == "ours":
        store = "memory" if redis is None else "redis"
        env.update(CSMS_OCPP__HOST="127.0.0.1", CSMS_OCPP__PORT=str(port), CSMS_API__HOST="127.0.0.1",
                   CSMS_API__PORT=str(free_port()), CSMS_LOG_LEVEL=log_level, CSMS_STORE__BACKEND=store)
        if redis is not None:
            env.update(CSMS_STORE__REDIS_URL=redis[0], CSMS_STORE__REDIS_PREFIX=redis[1])
        cmd = [sys.executable, "-m", "csms", "serve", "--store", store]
        url = f"ws://127.0.0.1:{port}/ocpp"
    else:
        cmd = [sys.executable, str(REPO / "bench" / "baseline_csms.py"), "--port", str(port),
               "--log-level", log_level]
        url = f"ws://127.0.0.1:{port}/ocpp"
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    log_file.close()
    return proc, port, url


def wait_listening(proc: subprocess.Popen[bytes], port: int, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before listening")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.05)
    raise TimeoutError(f"server not listening on {port} within {timeout_s} s")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server by PID, SIGKILL it if it has not exited within 15 s."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15.0)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5.0)


def start_profiler(pid: int, duration_s: float, out_dir: Path | None, name: str) -> subprocess.Popen[bytes] | None:
    """py-spy on the server over the window: collapsed stacks (flamegraph.pl / speedscope input) in out_dir.
    Sampling at 100 Hz costs the server a few per cent; compare profiled runs with profiled runs."""
    if out_dir is None:
        return None
    spy = Path(sys.executable).with_name("py-spy")
    if not spy.exists():
        raise SystemExit("--profile needs py-spy: .venv/bin/pip install py-spy")
    out_dir.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen([str(spy), "record", "--pid", str(pid), "--duration", str(max(1, int(duration_s))),
                             "--rate", "100", "--format", "raw", "-o", str(out_dir / f"{name}.txt")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def cpu_s(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


def host_busy_s() -> float:
    """CPU seconds all cores have spent not idle (to show what else ran during a window)."""
    times = psutil.cpu_times()
    return float(sum(times) - times.idle - getattr(times, "iowait", 0.0))


def tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def run_one(kind: str, stations: int, args: argparse.Namespace, log_dir: Path) -> RunResult:
    redis = (args.redis_url, f"loadbench-{uuid.uuid4().hex[:8]}") if kind == "ours" and args.store == "redis" \
        else None
    proc, port, url = start_server(kind, args.log_level, log_dir, redis)
    try:
        wait_listening(proc, port)
        server = psutil.Process(proc.pid)
        time.sleep(0.5)  # let start-up allocations settle
        rss_before = server.memory_info().rss
        cfg = LoadConfig(url=url, stations=stations, processes=args.processes, duration_s=args.duration,
                         warmup_s=args.warmup, connect_concurrency=args.connect_concurrency,
                         interval_s=args.interval, compression=args.compression, drain_s=args.drain,
                         id_prefix=f"LOAD{port}", message=args.message)
        cpu_used = [0.0, 0.0]

        def sample_cpu(t_start: float, t_end: float) -> None:
            time.sleep(max(0.0, t_start - time.monotonic()))
            before, host_before = cpu_s(server), host_busy_s()
            spy = start_profiler(proc.pid, t_end - time.monotonic(), args.profile, f"{kind}-{stations}")
            time.sleep(max(0.0, t_end - time.monotonic()))
            cpu_used[0], cpu_used[1] = cpu_s(server) - before, host_busy_s() - host_before
            if spy is not None:
                spy.wait(timeout=30)

        with LoadRun(cfg) as run:
            storm_cpu = cpu_s(server)
            boot = run.connect_and_boot()
            storm_cpu = cpu_s(server) - storm_cpu
            time.sleep(1.0)  # the post-boot exchanges (our GetBaseReport) settle before RSS is read
            rss_booted = server.memory_info().rss
            load = run.run_load(sample_cpu)
            rss_after = server.memory_info().rss
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} during the run")
        connected = max(1, boot.booted)
        return RunResult(
            server=kind, stations=stations, boot=boot, load=load, rss_before_mb=rss_before / 2**20,
            rss_booted_mb=rss_booted / 2**20, rss_after_load_mb=rss_after / 2**20,
            rss_per_conn_kb=(rss_booted - rss_before) / connected / 1024,
            server_cpu_pct=100.0 * cpu_used[0] / args.duration,
            server_cpu_us_per_msg=1e6 * cpu_used[0] / load.messages if load.messages else None,
            storm_cpu_ms_per_station=1000.0 * storm_cpu / stations,
            storm_client_cpu_ms_per_station=1000.0 * boot.client_cpu_s / stations,
            other_cpu_pct=100.0 * (cpu_used[1] - cpu_used[0]) / args.duration - load.client_cpu_pct,
            load_avg=os.getloadavg()[0],
        )
    except Exception:
        print(f"--- {kind} server log tail ({log_dir}) ---\n{tail(log_dir / f'{kind}-{port}.log')}",
              file=sys.stderr)
        raise
    finally:
        stop_server(proc)
        if redis is not None:
            delete_prefix(*redis)


def delete_prefix(url: str, prefix: str) -> None:
    """Remove every key a `--store redis` run wrote."""
    from redis import Redis

    from csms.store.keys import KeySchema

    client = Redis.from_url(url)
    try:
        keys = list(client.scan_iter(match=KeySchema(prefix).match_all(), count=1000))
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start:start + 1000])
    finally:
        client.close()


def _fmt(value: float | None, digits: int) -> str:
    if value is None:
        return "-"
    return "unfinished" if math.isinf(value) else f"{value:,.{digits}f}"


def _ratio(ours: float | None, base: float | None) -> str:
    if ours is None or base is None or base == 0 or math.isinf(ours) or math.isinf(base):
        return "-"
    return f"{ours / base:.2f}x"


ROWS: tuple[tuple[str, str, int], ...] = (
    ("boot storm s", "boot_storm_s", 2),
    ("storm CPU ms/st", "storm_cpu_ms_per_station", 2),
    ("  client ms/st", "storm_client_cpu_ms_per_station", 2),
    ("first MV all s", "steady_after_s", 2),
    ("msg/s", "msgs_per_s", 0),
    ("srv CPU us/msg", "server_cpu_us_per_msg", 0),
    ("p50 ms", "p50_ms", 1),
    ("p99 ms", "p99_ms", 1),
    ("RSS/conn KB", "rss_per_conn_kb", 1),
    ("srv CPU %", "server_cpu_pct", 0),
    ("client CPU %", "client_cpu_pct", 0),
    ("other CPU %", "other_cpu_pct", 0),
    ("errors", "errors", 0),
)


def _value(result: RunResult, key: str) -> float | None:
    if key == "errors":
        return float(sum(result.boot.errors.values()) + sum(result.load.errors.values()))
    for obj in (result.load, result.boot, result):
        if hasattr(obj, key):
            value = getattr(obj, key)
            return None if value is None else float(value)
    raise KeyError(key)


def _median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def print_table(results: dict[tuple[int, str], list[RunResult]], stations: list[int], servers: list[str]) -> None:
    """One row per metric; with several repeats each cell is the median."""
    head = f"{'N':>6}  {'metric':<15}" + "".join(f"{s:>12}" for s in servers)
    both = servers == list(SERVERS)
    print(head + (f"{'ours/base':>11}" if both else ""))
    print("-" * (len(head) + (11 if both else 0)))
    for n in stations:
        for label, key, digits in ROWS:
            values = [_median([_value(r, key) for r in results.get((n, s), [])]) for s in servers]
            line = f"{n:>6}  {label:<15}" + "".join(f"{_fmt(v, digits):>12}" for v in values)
            if both and key != "errors":
                line += f"{_ratio(values[0], values[1]):>11}"
            print(line)
        print()


def describe(result: RunResult) -> str:
    boot, load = result.boot, result.load
    errors = {**boot.errors, **{f"load {k}": v for k, v in load.errors.items()}}
    return (f"booted {boot.booted}/{boot.stations}, storm {_fmt(boot.boot_storm_s, 2)} s (all connected "
            f"{_fmt(boot.all_connected_s, 2)} s, all ready {_fmt(boot.all_ready_s, 2)} s); first MeterValues of all "
            f"answered after {_fmt(load.steady_after_s, 2)} s; {load.msgs_per_s:,.0f} "
            f"msg/s, p50 {_fmt(load.p50_ms, 1)} ms, p99 {_fmt(load.p99_ms, 1)} ms, max {_fmt(load.max_ms, 1)} ms "
            f"({load.latency_samples} samples, {load.unfinished} unanswered after the drain); RSS "
            f"{result.rss_before_mb:.1f} -> {result.rss_booted_mb:.1f} (booted) -> {result.rss_after_load_mb:.1f} "
            f"MB (after load); CSMS calls answered {load.calls_answered}; errors {errors or 0}")


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    cpus = os.cpu_count() or 1
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", default="100,1000", help="comma-separated station counts")
    parser.add_argument("--servers", default="ours,baseline", help="comma-separated: ours, baseline")
    parser.add_argument("--duration", type=float, default=10.0, help="measurement window per run, s")
    parser.add_argument("--warmup", type=float, default=1.0, help="load before the window opens, s")
    parser.add_argument("--processes", type=int, default=1 if cpus <= 2 else cpus // 2,
                        help="load worker processes (default: 1 on <= 2 cores, else half the cores)")
    parser.add_argument("--connect-concurrency", type=int, default=500,
                        help="handshakes+boots in flight per load process during the storm")
    parser.add_argument("--interval", type=float, default=0.0,
                        help="pause between a station's MeterValues, s (0 = closed loop, saturating)")
    parser.add_argument("--drain", type=float, default=30.0,
                        help="wait this long after the window for replies to MeterValues sent inside it, s")
    parser.add_argument("--compression", action="store_true", help="stations offer permessage-deflate")
    parser.add_argument("--store", choices=["memory", "redis"], default="memory", help="our server's store")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0",
                        help="with --store redis: a loopback Redis (keys under a fresh prefix, deleted after)")
    parser.add_argument("--message", choices=MESSAGES, default="MeterValues",
                        help="the loop's message: MeterValues, or TransactionEvent (Started at boot, then Updated "
                        "with the same meter values), or MeterValues16 (the same meter values in OCPP 1.6J, our "
                        "server only)")
    parser.add_argument("--log-level", default="WARNING", help="both servers' log level")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run each (N, server) pair this many times, alternating servers; the table shows medians")
    parser.add_argument("--json", type=Path, help="also write every result to this file")
    parser.add_argument("--profile", type=Path, help="py-spy the server over each window; stacks to this folder")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)  # unwind the try/finally blocks that stop our processes
    stations = [int(s) for s in args.stations.split(",") if s.strip()]
    servers = [s.strip() for s in args.servers.split(",") if s.strip()]
    if unknown := set(servers) - set(SERVERS):
        parser.error(f"unknown servers: {sorted(unknown)}")
    nofile = raise_nofile(2 * max(stations) + 2048)
    payload = (transaction_updated_payload(transaction_id_of("LOAD-00001"), 1, ocpp_now())
               if args.message == "TransactionEvent" else meter_values_16_payload(1, 1, ocpp_now())
               if args.message == "MeterValues16" else meter_values_payload(1, ocpp_now()))
    frame = len(f'[2,"123","{args.message}",{json.dumps(payload, separators=(",", ":"))}]')
    print(f"load benchmark: Python {sys.version.split()[0]}, {cpus} CPUs, loopback; {args.processes} load "
          f"process(es), closed loop" + (f" paced {args.interval} s" if args.interval else "") +
          f", {args.warmup:g} s warm-up + {args.duration:g} s window, {args.message} frame {frame} B, "
          f"connect concurrency {args.connect_concurrency}/process, compression "
          f"{'offered' if args.compression else 'off'}, our store {args.store}, server log level {args.log_level}, "
          f"RLIMIT_NOFILE {nofile}, "
          f"load average {os.getloadavg()[0]:.2f}" + (f", median of {args.repeat} runs" if args.repeat > 1 else ""),
          flush=True)
    results: dict[tuple[int, str], list[RunResult]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        for n in stations:
            for _ in range(max(1, args.repeat)):
                for kind in servers:
                    started = time.monotonic()
                    result = run_one(kind, n, args, Path(tmp))
                    results.setdefault((n, kind), []).append(result)
                    print(f"  N={n} {kind}: {describe(result)} [{time.monotonic() - started:.0f} s]", flush=True)
    print()
    print_table(results, stations, servers)
    if args.json is not None:
        args.json.write_text(json.dumps([asdict(r) for runs in results.values() for r in runs], indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
