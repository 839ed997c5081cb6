"""Prometheus metrics of one CSMS node, in a registry of its own (several nodes may share a test process).

Sources, none of which needs an edit in the code it observes:
- every OCPP exchange (`csms.ocpp.observe`): messages by action, direction and outcome; latency histograms;
- domain events: connects/disconnects, events by kind, optimizer solve time (read from the controller's plan on
  `fleet.planned`);
- the fleet controller's state at scrape time (signal, baseline, reserves, metered power, plan size) and the
  duration of each real-time dispatch tick (its `dispatch_once` is wrapped by `instrument_fleet`);
- store errors: any log record carrying a `StoreError` (Redis unavailable, corrupt record, ...), plus failed
  readiness pings;
- API requests by route template and status class.

Note: exchange observers are process-wide, so two nodes in one process count each other's exchanges.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, disable_created_metrics, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from csms.ocpp.observe import add_exchange_observer, remove_exchange_observer
from csms.services.events import DomainEvent, EventBus, FleetPlanned, StationConnected, StationDisconnected
from csms.store.errors import StoreError

if TYPE_CHECKING:
    from csms.grid.feed import FeedConsumer
    from csms.services.fleet_controller import FleetController
    from csms.services.fleet_view import FleetView

log = logging.getLogger("csms.metrics")

# No `*_created` series: they double the output and nothing here reads them.
disable_created_metrics()  # type: ignore[no-untyped-call]

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

_LATENCY_BUCKETS_S = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_SOLVE_BUCKETS_S = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)


class _StoreErrorLogHandler(logging.Handler):
    """Counts log records whose exception is a `StoreError` (by exception class)."""

    def __init__(self, counter: Counter) -> None:
        super().__init__(level=logging.WARNING)
        self._counter = counter

    def emit(self, record: logging.LogRecord) -> None:
        exc = record.exc_info[1] if record.exc_info else None
        while exc is not None and not isinstance(exc, StoreError):
            exc = exc.__cause__ or exc.__context__
        if exc is not None:
            self._counter.labels(error=type(exc).__name__).inc()


class _FleetCollector(Collector):
    """Fleet controller state read at scrape time."""

    def __init__(self, fleet: Callable[[], FleetView | None]) -> None:
        self._fleet = fleet

    def collect(self) -> Iterable[Metric]:
        fleet = self._fleet()
        if fleet is None:
            return []
        trace = fleet.trace
        last = trace[-1] if trace else None
        plan = fleet.plan
        values = {
            "csms_fleet_planned_evs": ("EVs in the active plan", 0 if plan is None else len(plan.evs)),
            "csms_fleet_replans": ("plans solved since start", fleet.replans),
            "csms_fleet_dr_commitments": ("DR commitments held", len(fleet.dr_events)),
            "csms_fleet_metered_power_watts": ("metered fleet power (+ import)", fleet.metered_fleet_w()),
        }
        if last is not None:
            values |= {
                "csms_fleet_regulation_signal": ("latest regulation signal [-1, 1]", last.signal),
                "csms_fleet_baseline_power_watts": ("planned baseline (+ import)", last.baseline_w),
                "csms_fleet_requested_power_watts": ("requested fleet power (+ import)", last.requested_w),
                "csms_fleet_reserve_up_watts": ("reserved up-regulation capacity", last.reserve_up_w),
                "csms_fleet_reserve_down_watts": ("reserved down-regulation capacity", last.reserve_down_w),
            }
        return [GaugeMetricFamily(name, doc, value=float(value)) for name, (doc, value) in values.items()]


class _GridCollector(Collector):
    """Grid feeds (csms/grid/feed.py) read at scrape time: per feed connected / age / errors / stale, the
    regulation value in force and whether the fail-safe acts on it, and the signal's age at the last dispatch."""

    def __init__(self, grid: Callable[[], FeedConsumer | None], fleet: Callable[[], FleetView | None]) -> None:
        self._grid = grid
        self._fleet = fleet

    def collect(self) -> Iterable[Metric]:
        grid = self._grid()
        if grid is None:
            return []
        families = {
            "connected": GaugeMetricFamily("csms_grid_feed_connected", "1 while the feed is connected",
                                           labels=["feed", "kind"]),
            "age": GaugeMetricFamily("csms_grid_feed_age_seconds", "time since the feed's last signal",
                                     labels=["feed", "kind"]),
            "errors": GaugeMetricFamily("csms_grid_feed_errors", "errors (failed connects, lost links) so far",
                                        labels=["feed", "kind"]),
            "stale": GaugeMetricFamily("csms_grid_feed_stale", "1 when the feed is older than its max age",
                                       labels=["feed", "kind"]),
        }
        for status in grid.statuses():
            labels = [status.name, status.kind]
            families["connected"].add_metric(labels, float(status.connected))
            if status.age_s is not None:
                families["age"].add_metric(labels, status.age_s)
            families["errors"].add_metric(labels, float(status.errors))
            families["stale"].add_metric(labels, float(status.stale))
        value, failsafe = grid.signal_in_force()
        out: list[Metric] = list(families.values())
        out.append(GaugeMetricFamily("csms_grid_regulation_in_force", "regulation value sent to the fleet "
                                     "(after the fail-safe decay)", value=value))
        out.append(GaugeMetricFamily("csms_grid_failsafe_active", "1 while the regulation signal is stale and "
                                     "decaying to 0 (the fleet returns to its baseline)", value=float(failsafe)))
        state = grid.regulation
        out.append(GaugeMetricFamily("csms_grid_signal_lag_seconds", "age of the latest regulation sample when "
                                     "it was handed to the controller (now - sampled_at)", value=state.last_age_s))
        out.append(GaugeMetricFamily("csms_grid_signal_lag_max_seconds", "the worst such age since start",
                                     value=state.max_age_s))
        fleet = self._fleet()
        received_at = state.received_at
        if fleet is not None and fleet.trace and received_at is not None:
            age_s = max(0.0, (fleet.trace[-1].at - received_at).total_seconds())
            out.append(GaugeMetricFamily("csms_grid_signal_age_at_dispatch_seconds", "age of the latest "
                                         "regulation sample at the last dispatch tick", value=age_s))
            limit_s = 2 * fleet.dispatch_interval_s
            behind = state.last_age_s > limit_s
            out.append(GaugeMetricFamily("csms_grid_loop_behind", "1 when the latest regulation sample reached the "
                                         "controller more than two dispatch intervals late (alert)",
                                         value=float(behind)))
        return out


class CsmsMetrics:
    """The node's metrics. `start()` registers the observers, `stop()` removes them."""

    def __init__(self, *, connections: Callable[[], int] | None = None) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.messages = Counter("csms_ocpp_messages", "OCPP exchanges by action, direction and outcome",
                                ["action", "direction", "outcome"], registry=r)
        self.exchange_seconds = Histogram(
            "csms_ocpp_exchange_duration_seconds",
            "OCPP exchange latency: in = handling a station's CALL, out = our CALL until its reply",
            ["action", "direction"], buckets=_LATENCY_BUCKETS_S, registry=r)
        self.connects = Counter("csms_ocpp_connects", "station connections accepted", registry=r)
        self.disconnects = Counter("csms_ocpp_disconnects", "station connections closed", registry=r)
        self.events = Counter("csms_domain_events", "domain events published, by kind", ["kind"], registry=r)
        # label children per (action, direction, outcome), resolved once: the message counter and, for "in" and
        # "out", the latency histogram (labels() costs ~3 us a call; this is a per-message path)
        self._exchange_children: dict[tuple[str, str, str], tuple[Counter, Histogram | None]] = {}
        self._event_counters: dict[str, Counter] = {}
        self.dispatch_seconds = Histogram("csms_fleet_dispatch_duration_seconds",
                                          "duration of one real-time dispatch tick", buckets=_LATENCY_BUCKETS_S,
                                          registry=r)
        self.dispatch_interval_seconds = Histogram(
            "csms_fleet_dispatch_interval_seconds", "real time between the starts of two dispatch ticks (its spread "
            "around the signal's cadence is the loop's jitter)", buckets=_LATENCY_BUCKETS_S, registry=r)
        self.signal_to_dispatch_seconds = Histogram(
            "csms_grid_signal_to_dispatch_seconds", "from a regulation sample's arrival to the end of the dispatch "
            "tick that hands its setpoints to the charging service (clock time)", buckets=_LATENCY_BUCKETS_S,
            registry=r)
        self.solve_seconds = Histogram("csms_optimizer_solve_seconds", "fleet plan solve time",
                                       buckets=_SOLVE_BUCKETS_S, registry=r)
        self.store_errors = Counter("csms_store_errors", "state store (Redis) errors seen, by exception class",
                                    ["error"], registry=r)
        self.api_requests = Counter("csms_api_requests", "operator API requests by route and status",
                                    ["method", "route", "status"], registry=r)
        self.sse_clients = Gauge("csms_api_event_stream_clients", "open server-sent event streams", registry=r)
        self.connections = Gauge("csms_ocpp_connections", "stations connected to this node", registry=r)
        if connections is not None:
            self.connections.set_function(lambda: float(connections()))
        self._fleet: FleetView | None = None
        self._grid: FeedConsumer | None = None
        r.register(_GridCollector(lambda: self._grid, lambda: self._fleet))
        self._log_handler = _StoreErrorLogHandler(self.store_errors)
        self._started = False
        r.register(_FleetCollector(lambda: self._fleet))

    # ---- wiring -----------------------------------------------------------------------------------------

    def bind_events(self, events: EventBus) -> None:
        """Count domain events (subscribed for the bus's lifetime)."""
        events.subscribe(self.on_event)

    def instrument_fleet(self, fleet: FleetController) -> None:
        """Read the controller's state at scrape time and time each dispatch tick (wraps `dispatch_once` on
        this instance only; the loop calls it through the instance)."""
        self._fleet = fleet.view
        original: Callable[[], Awaitable[Any]] = fleet.dispatch_once
        histogram = self.dispatch_seconds
        intervals = self.dispatch_interval_seconds
        to_dispatch = self.signal_to_dispatch_seconds
        last_start: list[float] = []
        dispatched_at: list[object] = [None]

        async def timed_dispatch_once() -> Any:
            started = time.perf_counter()
            if last_start:
                intervals.observe(started - last_start[0])
            last_start[:] = [started]
            try:
                return await original()
            finally:
                took_s = time.perf_counter() - started
                histogram.observe(took_s)
                self._check_overrun(fleet.view, took_s)
                grid = self._grid
                received_at = None if grid is None else grid.regulation.received_at
                if grid is not None and received_at is not None and received_at is not dispatched_at[0]:
                    dispatched_at[0] = received_at  # the first tick after a new sample: signal -> setpoints
                    to_dispatch.observe(max(0.0, (grid.clock.now() - received_at).total_seconds()))

        setattr(fleet, "dispatch_once", timed_dispatch_once)  # noqa: B010 - instance attribute, not the class

    def _check_overrun(self, fleet: FleetView, took_s: float) -> None:
        """Log a dispatch tick that took longer than the dispatch interval (real seconds), with what it did."""
        grid = self._grid
        speed = grid.clock.speed if grid is not None else 1.0
        interval_s = fleet.dispatch_interval_s / max(speed, 1e-9)
        if took_s <= interval_s:
            return
        plan = fleet.plan
        log.warning("dispatch tick overran its %.3f s interval: took %.3f s for %d EVs (signal lag %.1f s, "
                    "%d plans so far)", interval_s, took_s, 0 if plan is None else len(plan.evs),
                    0.0 if grid is None else grid.regulation.last_age_s, fleet.replans)

    def instrument_grid(self, grid: FeedConsumer) -> None:
        """Read the grid feeds' status at scrape time."""
        self._grid = grid

    def start(self) -> None:
        if self._started:
            return
        self._started = True
        add_exchange_observer(self.observe_exchange)
        logging.getLogger("csms").addHandler(self._log_handler)

    def stop(self) -> None:
        if not self._started:
            return
        self._started = False
        remove_exchange_observer(self.observe_exchange)
        logging.getLogger("csms").removeHandler(self._log_handler)

    # ---- observers --------------------------------------------------------------------------------------

    def observe_exchange(self, station_id: str, action: str, direction: str, duration_ms: float,
                         outcome: str) -> None:
        """`csms.ocpp.observe` callback: one finished exchange."""
        key = (action, direction, outcome)
        children = self._exchange_children.get(key)
        if children is None:
            timer = self.exchange_seconds.labels(action, direction) if direction in ("in", "out") else None
            children = self._exchange_children[key] = (self.messages.labels(action, direction, outcome), timer)
        counter, timer = children
        counter.inc()
        if timer is not None:
            timer.observe(duration_ms / 1000.0)

    def on_event(self, event: DomainEvent) -> None:
        counter = self._event_counters.get(event.kind)
        if counter is None:
            counter = self._event_counters[event.kind] = self.events.labels(event.kind)
        counter.inc()
        if isinstance(event, StationConnected):
            self.connects.inc()
        elif isinstance(event, StationDisconnected):
            self.disconnects.inc()
        elif isinstance(event, FleetPlanned) and self._fleet is not None and self._fleet.plan is not None:
            self.solve_seconds.observe(float(self._fleet.plan.result.solve_time_s))

    def observe_api_request(self, method: str, route: str, status: int) -> None:
        self.api_requests.labels(method=method, route=route, status=str(status)).inc()

    def store_ping_failed(self) -> None:
        self.store_errors.labels(error="PingFailed").inc()

    def render(self) -> bytes:
        """The exposition text for a scrape."""
        return generate_latest(self.registry)
