"""Composition root: the ONLY place that picks concrete classes (store, gateway, server, API) and wires them."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

import uvicorn
from redis.asyncio import Redis

from csms.bundled import find_config_file
from csms.cluster.directory import StationDirectory
from csms.cluster.gateway import ClusterGateway
from csms.cluster.leader import LeaderLease
from csms.cluster.membership import DirectoryMembership
from csms.domain.clock import Clock, ScaledClock, SystemClock
from csms.domain.records import BootPolicy
from csms.handlers import build_handlers
from csms.handlers.deps import HandlerDeps
from csms.handlers.security import sign_certificate_with
from csms.observability.metrics import CsmsMetrics
from csms.ocpp.schemas import compiled_validator, schema_actions
from csms.ocpp.versions import OcppVersion
from csms.optimizer.io import load_site_topology
from csms.security.book import CertificateBook
from csms.security.ca import LocalCa, check_ca_trusted
from csms.security.events import SecurityEvents
from csms.security.persistence import check_store_persistence
from csms.security.renewal import CertificateRenewal
from csms.security.signing import CertificateSigner
from csms.server.connections import ConnectionRegistry
from csms.server.ocpp_server import ConnectionListener, OcppServer
from csms.server.tls import TlsEndpoint, recording_hook
from csms.services.auth_throttle import AuthThrottle
from csms.services.call_effects import CallEffects
from csms.services.certificates_station import OcspCertificateAuthority
from csms.services.charging import ChargingService
from csms.services.commands import CommandService
from csms.services.credentials import CredentialService
from csms.services.default_policy import DefaultChargingPolicy
from csms.services.envelope import SiteLimits
from csms.services.events import EventBus
from csms.services.gateway import StationGateway
from csms.settings import Settings
from csms.store.base import StateStore
from csms.store.keys import KeySchema
from csms.store.schema import ensure_schema_version

if TYPE_CHECKING:  # the fleet controller pulls in numpy/scipy/highspy: imported only when enabled
    from csms.grid.feed import FeedConsumer, Telemetry
    from csms.grid.push import RegulationPush
    from csms.services.fleet_controller import FleetController
    from csms.services.v2h.bridge import EchonetStationBridge

log = logging.getLogger("csms.app")

# Compiled at startup so the first messages of a boot storm do not pay for schema compilation.
_HOT_ACTIONS = ("BootNotification", "Heartbeat", "StatusNotification", "TransactionEvent", "MeterValues",
                "Authorize", "NotifyReport")

FLEET_CONTROLLER_ROLE = "fleet-controller"


def build_store(settings: Settings) -> StateStore:
    if settings.store.backend == "redis":
        from csms.store.redis import RedisStore

        return RedisStore.from_url(settings.store.redis_url, prefix=settings.store.redis_prefix,
                                   max_connections=settings.store.redis_max_connections)
    from csms.store.memory import MemoryStore

    return MemoryStore()


@dataclass
class ClusterParts:
    """What a node needs to share stations and leadership with other nodes over Redis."""

    redis: Redis
    gateway: ClusterGateway
    membership: DirectoryMembership
    leader: LeaderLease
    leader_task: asyncio.Task[None] | None = None


@dataclass
class CsmsApp:
    """A running (or runnable) CSMS node: OCPP endpoint + operator API over one store."""

    settings: Settings
    clock: Clock
    store: StateStore
    events: EventBus
    registry: ConnectionRegistry
    gateway: StationGateway
    credentials: CredentialService
    commands: CommandService
    charging: ChargingService
    deps: HandlerDeps
    ocpp_server: OcppServer
    fleet: FleetController | None = None
    cluster: ClusterParts | None = None
    serve_api: bool = True
    metrics: CsmsMetrics | None = None
    _api_server: uvicorn.Server | None = None
    _api_task: asyncio.Task[None] | None = None
    _leadership_task: asyncio.Task[None] | None = None
    signer: CertificateSigner | None = None
    _renewal_task: asyncio.Task[None] | None = None
    grid: FeedConsumer | None = None  # live grid feeds driving the fleet (csms/grid/feed.py)
    regulation_push: RegulationPush | None = None
    _grid_task: asyncio.Task[None] | None = None
    v2h: EchonetStationBridge | None = None  # ECHONET Lite V2H units as stations (settings.echonet)

    @property
    def ocpp_port(self) -> int:
        return self.ocpp_server.port

    @property
    def api_port(self) -> int:
        if self._api_server is None or not self._api_server.servers:
            raise RuntimeError("API not started")
        port: int = self._api_server.servers[0].sockets[0].getsockname()[1]
        return port

    @property
    def is_leader(self) -> bool:
        """Whether this node runs the fleet controller (always, without a cluster)."""
        return self.cluster is None or self.cluster.leader.is_leader

    def node_info(self) -> dict[str, object]:
        return {"node_id": self.settings.node_id, "is_leader": self.is_leader,
                "leader_token": None if self.cluster is None else self.cluster.leader.token,
                "stations_connected": len(self.registry), "cluster": self.cluster is not None}

    def ocpp_listening(self) -> bool:
        try:
            return self.ocpp_server.port > 0
        except RuntimeError:
            return False

    async def start(self) -> None:
        await ensure_schema_version(self.store)  # refuses a store written by a newer CSMS (csms/store/schema.py)
        await check_store_persistence(self.store, self.settings.security.registration,
                                      self.settings.security.require_redis_persistence)
        if self.metrics is not None:
            self.metrics.start()
        for version in (OcppVersion(v) for v in self.settings.ocpp.versions):
            for action in (a for a in _HOT_ACTIONS if a in schema_actions(version)):  # 1.6: no TransactionEvent
                compiled_validator(version, action, "Request")
                compiled_validator(version, action, "Response")
        if self.cluster is not None:
            await self.cluster.gateway.start()
            self.cluster.membership.start()
            self.cluster.leader.on_change = self._on_leadership
            self.cluster.leader_task = asyncio.create_task(self.cluster.leader.run(), name="leader-lease")
        elif self.fleet is not None:
            self.fleet.start()
        if self.grid is not None and self.cluster is None:  # on a cluster: while this node leads
            await self.grid.start()
        if self.v2h is not None:
            await self.v2h.start()
        await self.ocpp_server.start()
        if self.signer is not None and self.signer.ca is not None:
            renewal = CertificateRenewal(self.signer, self.gateway, self.clock)
            self._renewal_task = asyncio.create_task(renewal.run(), name="certificate-renewal")
        if self.serve_api:
            await self._start_api()

    def _on_leadership(self, leader: bool) -> None:
        """Run the fleet controller only while this node leads (the lease hands it over on failure)."""
        if self.fleet is None:
            return
        if leader:
            self.fleet.start()
        else:
            self._leadership_task = asyncio.get_running_loop().create_task(self.fleet.stop())
        if self.grid is not None:  # the grid feeds follow the fleet controller
            grid = self.grid.start() if leader else self.grid.stop()
            self._grid_task = asyncio.get_running_loop().create_task(grid)

    async def _start_api(self) -> None:
        from csms.api.app import ApiServices, create_api

        services = ApiServices(store=self.store, gateway=self.gateway, commands=self.commands,
                               charging=self.charging, credentials=self.credentials, clock=self.clock,
                               api_token=self.settings.api.token, node_info=self.node_info, events=self.events,
                               fleet=self.fleet, is_leader=lambda: self.is_leader, metrics=self.metrics,
                               ocpp_listening=self.ocpp_listening,
                               regulation=self.regulation_push if self.fleet is not None else None,
                               shutting_down=lambda: self._api_server is not None and self._api_server.should_exit,
                               grid_feeds=None if self.grid is None else self.grid.statuses)
        config = uvicorn.Config(create_api(services), host=self.settings.api.host, port=self.settings.api.port,
                                log_level="warning", lifespan="off", timeout_graceful_shutdown=2)
        self._api_server = uvicorn.Server(config)
        self._api_task = asyncio.create_task(self._api_server.serve(), name="api")
        while not self._api_server.started:
            if self._api_task.done():
                self._api_task.result()  # re-raise the startup error (e.g. port in use)
            await asyncio.sleep(0.01)
        log.info("operator API on http://%s:%d (OpenAPI at /docs)", self.settings.api.host, self.api_port)

    async def stop(self) -> None:
        if self._api_server is not None and self._api_task is not None:
            self._api_server.should_exit = True
            await self._api_task
        if self.grid is not None:
            await self.grid.stop()
        if self.fleet is not None:
            await self.fleet.stop()
        if self.v2h is not None:
            await self.v2h.stop()
        if self._renewal_task is not None:
            self._renewal_task.cancel()
        await self.ocpp_server.stop()
        if self.cluster is not None:
            await self.cluster.leader.stop()
            if self.cluster.leader_task is not None:
                await self.cluster.leader_task
            await self.cluster.membership.stop()
            await self.cluster.gateway.stop()
            await self.cluster.redis.aclose()
        if self.metrics is not None:
            self.metrics.stop()
        await self.store.close()


def _clock_from(settings: Settings) -> Clock:
    """Wall time, unless the settings ask for a simulated clock (demos, scenarios)."""
    cfg = settings.clock
    if cfg.speed == 1.0 and cfg.start_at is None:
        return SystemClock()
    return ScaledClock(cfg.start_at or SystemClock().now(), cfg.speed, anchor_monotonic_s=cfg.anchor_monotonic_s)


def _build_cluster(settings: Settings, registry: ConnectionRegistry) -> ClusterParts:
    if settings.store.backend != "redis":
        raise ValueError("cluster.enabled needs store.backend = 'redis'")
    redis = Redis.from_url(settings.store.redis_url)
    keys = KeySchema(settings.store.redis_prefix)
    directory = StationDirectory(redis, keys, settings.node_id, settings.cluster.station_lease_ms)
    return ClusterParts(
        redis=redis,
        gateway=ClusterGateway(registry, redis, keys, directory, settings.node_id),
        membership=DirectoryMembership(directory, registry),
        leader=LeaderLease(redis, keys, FLEET_CONTROLLER_ROLE, settings.node_id, settings.cluster.leader_ttl_ms),
    )


def build_app(
    settings: Settings, *, clock: Clock | None = None, store: StateStore | None = None, serve_api: bool = True
) -> CsmsApp:
    clock = clock or _clock_from(settings)
    store = store or build_store(settings)
    events = EventBus()
    registry = ConnectionRegistry(settings.node_id)
    cluster = _build_cluster(settings, registry) if settings.cluster.enabled else None
    gateway: StationGateway = registry if cluster is None else cluster.gateway
    v2h = None
    if settings.echonet.units:  # home V2H units beside the OCPP stations, through the same services
        from csms.services.gateway_router import GatewayRouter
        from csms.services.v2h.bridge import EchonetStationBridge

        v2h = EchonetStationBridge(settings.echonet, store, clock, events, node_id=settings.node_id)
        gateway = GatewayRouter(gateway, [v2h])
    listeners: list[ConnectionListener] = [] if cluster is None else [cluster.membership]
    credentials = CredentialService(store, clock, settings.security.registration)
    deps = HandlerDeps(
        store=store,
        clock=clock,
        events=events,
        default_boot_policy=BootPolicy(settings.security.default_boot_policy),
        heartbeat_interval_s=settings.security.heartbeat_interval_s,
        accept_unknown_tokens=settings.security.accept_unknown_tokens,
        fetch_device_model_on_boot=settings.ocpp.fetch_device_model_on_boot,
        v16_bidirectional_models=frozenset(settings.ocpp.v16_bidirectional_models),
    )
    if settings.certificates.ocsp_enabled:
        deps.certificates = OcspCertificateAuthority(
            settings.certificates.ocsp_responder_url, timeout_s=settings.certificates.ocsp_timeout_s,
            use_station_responder_url=settings.certificates.ocsp_use_station_responder_url)
    signer = _build_signer(settings, clock)
    security_events = SecurityEvents(clock, events)
    tls = TlsEndpoint(settings.ocpp.tls, recording_hook(security_events)) if settings.ocpp.tls.enabled else None
    ocpp_server = OcppServer(
        settings=settings.ocpp,
        node_id=settings.node_id,
        clock=clock,
        credentials=credentials,
        registry=registry,
        deps=deps,
        handlers=build_handlers(deps, extra={"SignCertificate": sign_certificate_with(signer)}),
        listeners=listeners,
        is_revoked=signer.book.is_revoked,
        on_certificate=lambda station_id, peer: signer.book.track(peer.serial, station_id, peer.not_after),
        security_events=security_events,
        throttle=AuthThrottle(clock, failures_before_backoff=settings.security.auth_failures_before_backoff,
                              max_backoff_s=settings.security.auth_backoff_max_s),
        tls=tls,
    )
    v2g = settings.v2g
    topology = load_site_topology(find_config_file(v2g.site_topology_file)) if v2g.site_topology_file else None
    charging = ChargingService(
        gateway, store, clock, events,
        site=SiteLimits(v2g.site_import_limit_w, v2g.site_export_limit_w),
        min_update_interval_s=v2g.min_update_interval_s, max_station_calls_per_s=v2g.max_station_calls_per_s,
        max_discharge_validity_s=v2g.max_discharge_validity_s,
        default_min_soc=v2g.default_min_soc,
        max_offline_duration_s=v2g.max_offline_duration_s,
        use_dynamic_profiles=v2g.use_dynamic_profiles, facts_ttl_s=v2g.envelope_facts_ttl_s, topology=topology,
    )
    fleet = None
    if settings.fleet.enabled:
        from csms.services.fleet_controller import FleetController

        fleet = FleetController(store, charging, clock, events, settings.fleet, default_min_soc=v2g.default_min_soc,
                                topology=topology)
    elif v2g.default_charge_policy:  # subscribes to the event bus, which keeps it
        DefaultChargingPolicy(charging, store, events, fallback_power_w=v2g.default_charge_power_w)
    metrics = CsmsMetrics(connections=lambda: len(registry))
    metrics.bind_events(events)
    if fleet is not None:
        metrics.instrument_fleet(fleet)
    grid, regulation_push = _build_grid(settings, clock, fleet) if fleet is not None else (None, None)
    if grid is not None:
        metrics.instrument_grid(grid)
    return CsmsApp(
        settings=settings, clock=clock, store=store, events=events, registry=registry, gateway=gateway,
        credentials=credentials, charging=charging,
        commands=CommandService(gateway, settings.ocpp.call_timeout_s, CallEffects(store, clock)),
        deps=deps, ocpp_server=ocpp_server, fleet=fleet, cluster=cluster, serve_api=serve_api, metrics=metrics,
        signer=signer, grid=grid, regulation_push=regulation_push, v2h=v2h,
    )


def fleet_telemetry(fleet: FleetController) -> Telemetry | None:
    """The fleet's latest dispatch tick as telemetry for the grid links (None before the first one)."""
    from csms.grid.feed import Telemetry

    if not fleet.trace:
        return None
    p = fleet.trace[-1]
    return Telemetry(p.at, p.signal, p.metered_w, p.baseline_w, p.requested_w, p.reserve_up_w, p.reserve_down_w)


def _build_grid(settings: Settings, clock: Clock, fleet: FleetController) -> tuple[FeedConsumer, RegulationPush]:
    """The grid feed consumer over the fleet, with the REST push and every configured `[[grid.feeds]]`."""
    from csms.grid.build import build_feed, droop_curve
    from csms.grid.feed import Backoff, FailSafePolicy, FeedConsumer, FeedRole, SourceFeed, ready
    from csms.grid.push import RegulationPush

    cfg = settings.grid
    policy = FailSafePolicy(cfg.regulation_max_age_s, cfg.regulation_decay_s, cfg.price_max_age_s)
    consumer = FeedConsumer(fleet, clock, policy, droop=droop_curve(cfg.droop, cfg.nominal_hz))
    push = RegulationPush(clock)
    consumer.add(SourceFeed("push:regulation", push.kind, FeedRole.REGULATION, clock, lambda: ready(push),
                            max_age_s=cfg.regulation_max_age_s, delivered_elsewhere=True))
    backoff = Backoff(cfg.reconnect_initial_s, cfg.reconnect_max_s)

    def max_age(role: FeedRole) -> float | None:
        return {FeedRole.REGULATION: cfg.regulation_max_age_s, FeedRole.PRICES: cfg.price_max_age_s}.get(role)

    for feed in cfg.feeds:
        if feed.enabled:
            consumer.add(build_feed(feed, clock, telemetry=lambda: fleet_telemetry(fleet),
                                    load_w=fleet.metered_fleet_w, backoff=backoff, default_max_age_s=max_age,
                                    signal_in_force=consumer.signal_in_force))
    return consumer, push


def _build_signer(settings: Settings, clock: Clock) -> CertificateSigner:
    """The station-certificate signer: the local CA in `ocpp.tls.ca_dir` (none: every CSR is Rejected)."""
    tls = settings.ocpp.tls
    ca = LocalCa(tls.ca_dir, clock, tls.ca_validity_days) if tls.ca_dir is not None else None
    if ca is not None and tls.enabled:
        check_ca_trusted(ca, tls.client_ca_file)
    book = CertificateBook(tls.ca_dir / "issued.json" if tls.ca_dir is not None else None)
    return CertificateSigner(ca, book, clock, organisation=tls.organisation, renew_before_days=tls.renew_before_days)
