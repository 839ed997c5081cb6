"""Settings: defaults in config/csms.toml (or the file named by CSMS_CONFIG), overridden by CSMS_* env vars.

Nested keys use a double underscore: CSMS_OCPP__PORT=9100, CSMS_STORE__BACKEND=redis.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

DEFAULT_CONFIG_PATH = Path(__file__).resolve().parent / "_bundled" / "config" / "csms.toml"  # csms/bundled.py


class TlsSettings(BaseModel):
    """TLS on the OCPP endpoint (security profiles 2 and 3; csms/server/tls.py). Files are PEM."""

    enabled: bool = False
    cert_file: Path | None = None  # server certificate chain
    key_file: Path | None = None
    client_ca_file: Path | None = None  # profile 3: client certificates must chain to these CAs
    ciphers: str = Field("ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:"
                         "ECDHE-RSA-AES256-GCM-SHA384:AES128-GCM-SHA256:AES256-GCM-SHA384",
                         description="TLS 1.2 suites (OpenSSL names): the four of A00.FR.318 plus their ECDHE-RSA "
                         "forms; TLS 1.3 suites are OpenSSL's defaults")
    organisation: str | None = None  # profile 3: the client certificate's O must equal this when set
    ca_dir: Path | None = None  # the local CA (csms/security/ca.py) that signs station CSRs; None: no signing
    ca_validity_days: int = Field(365, ge=1)
    renew_before_days: int = Field(30, ge=0)
    reload_check_s: float | None = Field(60.0, gt=0, description="look for changed certificate / key / CA files this "
                                         "often and load them (new handshakes use them); null: only on request")


class OcppSettings(BaseModel):
    host: str = "0.0.0.0"
    port: int = Field(9000, ge=0, le=65535)
    path_prefix: str = "/ocpp"
    versions: list[Literal["ocpp2.0.1", "ocpp2.1", "ocpp1.6"]] = ["ocpp2.0.1", "ocpp2.1", "ocpp1.6"]
    max_message_bytes: int = Field(262_144, ge=1024)
    ping_interval_s: float | None = 30.0
    ping_timeout_s: float | None = 30.0
    call_timeout_s: float = Field(30.0, gt=0)
    compression: bool = True
    reuse_port: bool = False  # SO_REUSEPORT: several worker processes share the OCPP port (Linux)
    fetch_device_model_on_boot: bool = True  # GetBaseReport(FullInventory) after an Accepted boot
    tls: TlsSettings = TlsSettings()
    boot_timeout_s: float | None = Field(300.0, gt=0, description="close an authenticated connection that has "
                                         "sent no BootNotification within this time; null: never")
    gc_every_closed_connections: int | None = Field(500, ge=1, description="run a full garbage collection after "
                                                    "this many closed connections (a websockets connection is "
                                                    "freed only by the cyclic GC; null: leave it to the GC's "
                                                    "thresholds)")
    v16_bidirectional_models: list[str] = Field(
        default_factory=list, description="OCPP 1.6J station models the operator declares bidirectional "
        "(\"<chargePointVendor>/<chargePointModel>\"): they are sent discharge as a negative limit; any other 1.6 "
        "station only charges unless declared per EVSE (PUT .../capabilities)")


class SecuritySettings(BaseModel):
    registration: Literal["known", "auto_register"] = "auto_register"
    default_boot_policy: Literal["Accepted", "Pending", "Rejected"] = "Accepted"
    heartbeat_interval_s: int = Field(300, ge=1)
    accept_unknown_tokens: bool = False
    auth_failures_before_backoff: int = Field(5, ge=1, description="failed handshakes per station (and per "
                                              "source address) before further attempts get 429 for a while")
    auth_backoff_max_s: float = Field(60.0, gt=0, description="the longest backoff after repeated failures")
    require_redis_persistence: bool = Field(True, description="with registration = known, refuse to start on a "
                                            "Redis that persists nothing (credentials would be lost on restart)")


class ApiSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = Field(8080, ge=0, le=65535)
    token: str = "dev-admin-token"


class StoreSettings(BaseModel):
    backend: Literal["memory", "redis"] = "memory"
    redis_url: str = "redis://127.0.0.1:6379/0"
    redis_prefix: str = "csms"
    redis_max_connections: int = Field(64, ge=1)


class ClockSettings(BaseModel):
    """Simulated time for demos and scenarios: `speed` x real time from `start_at`, which this process reads at
    `time.monotonic()` == `anchor_monotonic_s` (share both with a simulator to run on one clock)."""

    speed: float = Field(1.0, gt=0)
    start_at: datetime | None = None
    anchor_monotonic_s: float | None = None


class ClusterSettings(BaseModel):
    """Several CSMS nodes sharing one Redis (needs store.backend = "redis")."""

    enabled: bool = False
    station_lease_ms: int = Field(15_000, ge=1000)
    leader_ttl_ms: int = Field(5_000, ge=500)


class V2gSettings(BaseModel):
    """Safety envelope and delivery of charge/discharge commands (see csms/services/envelope.py)."""

    site_import_limit_w: float | None = Field(None, ge=0)
    site_export_limit_w: float | None = Field(None, ge=0)
    min_update_interval_s: float = Field(1.0, ge=0)
    max_station_calls_per_s: int | None = Field(4, ge=1, description="at most this many setpoint calls "
                                                "(SetChargingProfile / UpdateDynamicSchedule) to one station in "
                                                "any second, over all its EVSEs (waiting ones coalesce, latest "
                                                "wins); null: no per-station limit")
    max_discharge_validity_s: int = Field(900, ge=10)
    default_min_soc: float = Field(0.2, ge=0, le=1)
    max_offline_duration_s: int = Field(300, ge=10)
    use_dynamic_profiles: bool = True  # OCPP 2.1: later setpoints as UpdateDynamicSchedule where supported
    envelope_facts_ttl_s: float = Field(5.0, ge=0, description="re-read EV needs and SoC from the store at most "
                                        "this often per EVSE (this node's events refresh them in between)")
    site_topology_file: Path | None = Field(None, description="config/sites/*.toml: the site's feeders, panels and "
                                            "transformers with per-phase limits; the planner, the dispatcher, the "
                                            "checker and every command's envelope keep to them")
    default_charge_policy: bool = Field(True, description="with fleet control off, answer an EV's charging needs "
                                        "with a charge-now TxProfile (OCPP K15; csms/services/default_policy.py)")
    default_charge_power_w: float = Field(11_000.0, gt=0, description="the default policy's power when neither "
                                          "the EVSE nor the EV names its rating")


class FleetSettings(BaseModel):
    """The fleet controller (csms/services/fleet_controller.py): plan loop and real-time dispatch."""

    enabled: bool = False
    step_s: int = Field(900, ge=60)
    horizon_steps: int = Field(96, ge=1, le=2000)
    replan_interval_s: float = Field(900.0, gt=0)
    dispatch_interval_s: float = Field(4.0, gt=0, description="real-time tick when no signal drives it")
    setpoint_deadband_w: float = Field(200.0, ge=0)
    setpoint_validity_s: int = Field(120, ge=10)
    departure_guard: bool = Field(True, description="never let regulation calls make a driver's departure need "
                                  "unreachable (the dispatcher's floor, csms.optimizer.dispatch.departure_floor_w)")
    departure_margin_s: float = Field(0.0, ge=0, description="the departure guard aims this long before the "
                                      "announced departure (drivers leave early)")
    default_capacity_wh: float = Field(60_000.0, gt=0)
    default_dwell_s: float = Field(8 * 3600.0, gt=0)
    default_soc: float = Field(0.5, ge=0, le=1)
    charge_efficiency: float = Field(0.92, gt=0, le=1)
    discharge_efficiency: float = Field(0.92, gt=0, le=1)
    degradation_cost_per_kwh: float = Field(0.05, ge=0)
    import_price_per_mwh: float = 60.0
    export_price_per_mwh: float = 40.0
    reg_up_price_per_mwh: float = Field(0.0, ge=0, description="capacity price; > 0 makes the fleet offer regulation")
    reg_down_price_per_mwh: float = Field(0.0, ge=0)
    dr_baseline_window_s: float = Field(900.0, gt=0, description="meter-before baseline for DR events")
    time_preference_per_kwh_h: float = Field(0.0, ge=0, description="the planner's tie-break towards charging "
                                             "sooner (PlannerOptions); 0 here: on a mixed 1.6/2.x regulation "
                                             "fleet 1e-4 moved the score from 0.956 to 0.929")
    plan_in_thread: bool = Field(True, description="solve in a worker thread so dispatch keeps its cadence; "
                                 "virtual-time runs solve on the loop (a solve then takes no simulated time)")
    warm_start: bool = Field(True, description="start each re-plan's simplex from the last plan's basis "
                             "(csms.optimizer.OnlinePlanner): the same optimum, found sooner")


class CertificatesSettings(BaseModel):
    """Block M: where the CSMS sends a station's GetCertificateStatus (csms/services/certificates_station.py)."""

    ocsp_enabled: bool = False
    ocsp_responder_url: str = Field("", description="the OCSP responder (HTTP POST, RFC 6960)")
    ocsp_use_station_responder_url: bool = Field(False, description="use the responderURL the station names "
                                                                    "(lets a station make the CSMS post anywhere)")
    ocsp_timeout_s: float = Field(10.0, gt=0)


class GridFeedSettings(BaseModel):
    """One live grid input (csms/grid/build.py, docs/grid.md). Which fields apply depends on `kind`."""

    name: str
    kind: Literal["openadr-ven", "modbus-regulation", "modbus-frequency", "ws-stream", "regulation-file",
                  "price-file", "csv-prices", "entsoe", "c37118-frequency"]
    enabled: bool = True
    url: str | None = Field(None, description="openadr-ven: the VTN; ws-stream: ws(s)://...; csv-prices: http(s)://")
    host: str = "127.0.0.1"  # modbus-regulation: bind address; modbus-frequency: the meter; c37118: the PMU
    port: int = Field(5020, ge=0, le=65535)
    unit_id: int = Field(1, ge=0, le=255, description="Modbus unit id; c37118-frequency: our PDC id code")
    address: int = Field(0, ge=0, le=65535, description="modbus-frequency: the frequency register")
    register_type: Literal["uint16", "int32", "float32"] = "uint16"
    scale: float = Field(100.0, gt=0, description="modbus-frequency: raw / scale = Hz")
    input_registers: bool = True
    interval_s: float = Field(1.0, gt=0, description="polling period (modbus-frequency, csv-prices)")
    ven_name: str = "csms-fleet"
    ven_id: str | None = None
    cert_file: Path | None = None  # openadr-ven: TLS client certificate and key, CA of the VTN
    key_file: Path | None = None
    ca_file: Path | None = None
    vtn_fingerprint: str | None = None
    path: Path | None = Field(None, description="regulation-file / price-file: the recording")
    format: str = Field("pjm", description="regulation-file: pjm | caiso; price-file: entsoe | energinet")
    lead_s: float = Field(86_400.0, ge=0, description="price-file: prices are published this long ahead")
    token: str | None = Field(None, description="entsoe: the Transparency Platform security token")
    area: str = Field("", description="entsoe: the bidding zone's EIC code; csv-prices: the area label")
    currency: str = "EUR"
    max_age_s: float | None = Field(None, gt=0, description="flag the feed stale after this long without a "
                                    "signal (default: grid.regulation_max_age_s / grid.price_max_age_s by role)")


class GridSettings(BaseModel):
    """Live grid feeds of `csms serve` (needs fleet.enabled) and their fail-safe (csms/grid/feed.py)."""

    regulation_max_age_s: float = Field(10.0, gt=0, description="a regulation signal older than this decays")
    regulation_decay_s: float = Field(4.0, ge=0, description="... linearly to 0 over this long (0: at once)")
    price_max_age_s: float = Field(172_800.0, gt=0, description="a price feed silent this long is flagged stale")
    reconnect_initial_s: float = Field(1.0, gt=0)
    reconnect_max_s: float = Field(60.0, gt=0)
    droop: Literal["none", "fcr-n", "fcr-continental", "fcr-d-up", "fcr-d-down"] = Field(
        "none", description="frequency feeds: the droop curve applied locally")
    nominal_hz: float = Field(50.0, gt=0)
    feeds: list[GridFeedSettings] = []


class EchonetUnitSettings(BaseModel):
    """One home V2H unit (ECHONET Lite class 0x027E), driven as station `v2h-<name>` (csms/services/v2h/)."""

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,32}$")
    host: str = Field(description="the unit's unicast address")
    port: int = Field(3610, ge=1, le=65535)
    instance: int = Field(1, ge=1, le=0x7F, description="the 0x027E object's instance code")
    capacity_wh: float | None = Field(None, gt=0, description="the car's battery; unset: estimated from E2/E4 at "
                                      "plug-in (else fleet.default_capacity_wh)")
    discharge_allowed: bool = Field(True, description="the household lets the aggregator discharge the car")
    min_soc: float | None = Field(None, ge=0, le=1, description="the household's reserve (unset: "
                                  "v2g.default_min_soc)")


class EchonetSettings(BaseModel):
    """ECHONET Lite V2H units beside the OCPP stations (csms/services/v2h/, docs/japan.md); none by default."""

    local_host: str = Field("127.0.0.1", description="our unicast address on the units' network")
    local_port: int = Field(3610, ge=0, le=65535, description="units answer to port 3610 in the field; 0: any")
    poll_interval_s: float = Field(10.0, gt=0, description="read every unit this often (clock time)")
    timeout_s: float = Field(2.0, gt=0, description="a unit silent this long is offline (its station "
                             "disconnected, its session ended)")
    units: list[EchonetUnitSettings] = []


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CSMS_", env_nested_delimiter="__", extra="ignore")

    node_id: str = "node-1"
    log_level: str = "INFO"
    gc_thresholds: tuple[int, int, int] = Field(
        (50_000, 20, 100), description="the cyclic GC's thresholds for `csms serve` (csms/runtime.py); CPython's "
        "own are (700, 10, 10)")
    ocpp: OcppSettings = OcppSettings()
    security: SecuritySettings = SecuritySettings()
    api: ApiSettings = ApiSettings()
    store: StoreSettings = StoreSettings()
    v2g: V2gSettings = V2gSettings()
    cluster: ClusterSettings = ClusterSettings()
    clock: ClockSettings = ClockSettings()
    fleet: FleetSettings = FleetSettings()
    certificates: CertificatesSettings = CertificatesSettings()
    grid: GridSettings = GridSettings()
    echonet: EchonetSettings = EchonetSettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        path = Path(os.environ.get("CSMS_CONFIG", DEFAULT_CONFIG_PATH))
        toml = TomlConfigSettingsSource(settings_cls, toml_file=path)
        return init_settings, env_settings, toml


def load_settings(**overrides: object) -> Settings:
    """Settings from file + env, with keyword overrides on top (used by tests and the CLI)."""
    return Settings(**overrides)  # type: ignore[arg-type]
