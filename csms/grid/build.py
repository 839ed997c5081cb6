"""Feeds from configuration: `build_feed(config, clock, ...)` for each `[[grid.feeds]]` entry of the settings.

The settings model lives in csms.settings (this package may not import it); anything with the attributes of
`FeedConfig` will do. Heavy transports (openleadr, pymodbus, websockets) are imported only when configured.
Imports csms.domain and csms.grid only.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from csms.domain.clock import Clock
from csms.grid.droop import DroopCurve
from csms.grid.feed import Backoff, FeedRole, GridFeed, SourceFeed, TelemetryProvider, ready
from csms.grid.signals import GridSignalSource


class FeedConfig(Protocol):
    """The fields of `csms.settings.GridFeedSettings` a feed is built from."""

    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def url(self) -> str | None: ...
    @property
    def host(self) -> str: ...
    @property
    def port(self) -> int: ...
    @property
    def unit_id(self) -> int: ...
    @property
    def address(self) -> int: ...
    @property
    def register_type(self) -> Any: ...
    @property
    def scale(self) -> float: ...
    @property
    def input_registers(self) -> bool: ...
    @property
    def interval_s(self) -> float: ...
    @property
    def ven_name(self) -> str: ...
    @property
    def ven_id(self) -> str | None: ...
    @property
    def cert_file(self) -> Path | None: ...
    @property
    def key_file(self) -> Path | None: ...
    @property
    def ca_file(self) -> Path | None: ...
    @property
    def vtn_fingerprint(self) -> str | None: ...
    @property
    def path(self) -> Path | None: ...
    @property
    def format(self) -> str: ...
    @property
    def lead_s(self) -> float: ...
    @property
    def max_age_s(self) -> float | None: ...
    @property
    def token(self) -> str | None: ...
    @property
    def area(self) -> str: ...
    @property
    def currency(self) -> str: ...


ROLES = {"openadr-ven": FeedRole.EVENTS, "modbus-regulation": FeedRole.REGULATION,
         "modbus-frequency": FeedRole.REGULATION, "ws-stream": FeedRole.REGULATION,
         "regulation-file": FeedRole.REGULATION, "price-file": FeedRole.PRICES, "csv-prices": FeedRole.PRICES,
         "entsoe": FeedRole.PRICES, "c37118-frequency": FeedRole.REGULATION}


def droop_curve(name: str, nominal_hz: float = 50.0) -> DroopCurve | None:
    """The droop curve named in `grid.droop` ("none": None)."""
    curves: dict[str, Callable[[], DroopCurve]] = {
        "fcr-n": lambda: DroopCurve.fcr_n(nominal_hz=nominal_hz),
        "fcr-continental": lambda: DroopCurve.fcr_continental(nominal_hz=nominal_hz),
        "fcr-d-up": DroopCurve.fcr_d_up,
        "fcr-d-down": DroopCurve.fcr_d_down,
    }
    return None if name == "none" else curves[name]()


def _required(config: FeedConfig, field: str) -> Any:
    value = getattr(config, field)
    if value is None:
        raise ValueError(f"grid feed {config.name!r} ({config.kind}) needs {field}")
    return value


def build_feed(config: FeedConfig, clock: Clock, *, telemetry: TelemetryProvider, load_w: Callable[[], float],
               backoff: Backoff, default_max_age_s: Callable[[FeedRole], float | None],
               signal_in_force: Callable[[], tuple[float, bool]] | None = None) -> GridFeed:
    """One configured feed; ValueError for a configuration it cannot use."""
    role = ROLES[config.kind]
    max_age_s = config.max_age_s if config.max_age_s is not None else default_max_age_s(role)

    def source_feed(make: Callable[[], GridSignalSource], *, reconnect_on_end: bool = True) -> SourceFeed:
        async def connect() -> GridSignalSource:
            return make()

        return SourceFeed(config.name, config.kind, role, clock, connect, backoff=backoff,
                          reconnect_on_end=reconnect_on_end, max_age_s=max_age_s)

    if config.kind == "modbus-regulation":
        from csms.grid.modbus import ModbusRegulationServer

        return ModbusRegulationServer(config.name, clock, telemetry, host=config.host, port=config.port,
                                      unit_id=config.unit_id, max_age_s=max_age_s, signal_in_force=signal_in_force)
    if config.kind == "modbus-frequency":
        from csms.grid.modbus import ModbusMeterFrequency

        return source_feed(lambda: ModbusMeterFrequency(
            clock, host=config.host, port=config.port, unit_id=config.unit_id, address=config.address,
            register_type=config.register_type, scale=config.scale, input_registers=config.input_registers,
            interval_s=config.interval_s, name=config.name))
    if config.kind == "c37118-frequency":
        from csms.grid.c37118 import SynchrophasorFrequency

        return source_feed(lambda: SynchrophasorFrequency(clock, host=config.host, port=config.port,
                                                          pdc_id=config.unit_id, name=config.name))
    if config.kind == "ws-stream":
        from csms.grid.ws_stream import WebSocketStream

        url = _required(config, "url")
        return source_feed(lambda: WebSocketStream(url, clock, telemetry=telemetry))
    if config.kind == "openadr-ven":
        return _openadr_feed(config, clock, load_w, backoff, max_age_s)
    if config.kind == "regulation-file":
        return source_feed(lambda: _regulation_file(config, clock), reconnect_on_end=False)
    if config.kind == "price-file":
        return source_feed(lambda: _price_file(config, clock), reconnect_on_end=False)
    if config.kind in ("csv-prices", "entsoe"):
        poller = _price_poller(config, clock)  # one poller across reconnects: it remembers what it yielded
        return source_feed(lambda: poller)
    raise ValueError(f"grid feed {config.name!r}: kind {config.kind!r} is not supported yet")


def _price_poller(config: FeedConfig, clock: Clock) -> GridSignalSource:
    from csms.grid.csv_poller import PricePoller, http_fetch, parse_price_csv
    from csms.grid.entsoe import API_URL, entsoe_fetch, parse_entsoe_a44

    if config.kind == "entsoe":
        fetch = entsoe_fetch(_required(config, "token"), config.area, clock, url=config.url or API_URL)
        return PricePoller(fetch, lambda data: parse_entsoe_a44(data, source=config.name), clock,
                           interval_s=config.interval_s, name=config.name)
    url = _required(config, "url")
    return PricePoller(http_fetch(url), lambda data: parse_price_csv(
        data, source=config.name, currency=config.currency, area=config.area), clock,
        interval_s=config.interval_s, name=config.name)


def _regulation_file(config: FeedConfig, clock: Clock) -> GridSignalSource:
    from csms.grid.parsers.regulation import parse_caiso_regulation, parse_pjm_regulation
    from csms.grid.replay import RegulationReplay

    path = _required(config, "path")
    parse = {"pjm": parse_pjm_regulation, "caiso": parse_caiso_regulation}[config.format]
    return RegulationReplay(parse(path).items, clock, start_at=clock.now())


def _price_file(config: FeedConfig, clock: Clock) -> GridSignalSource:
    from csms.grid.parsers._common import Parsed
    from csms.grid.parsers.prices import parse_energinet_spot, parse_entsoe_day_ahead
    from csms.grid.replay import PriceReplay
    from csms.grid.signals import PriceSignal

    path = _required(config, "path")
    parse: dict[str, Callable[[Path], Parsed[PriceSignal]]] = {
        "entsoe": parse_entsoe_day_ahead, "energinet": parse_energinet_spot}
    return PriceReplay(parse[config.format](path).items, clock, lead_s=config.lead_s, name=config.name)


def _openadr_feed(config: FeedConfig, clock: Clock, load_w: Callable[[], float], backoff: Backoff,
                  max_age_s: float | None) -> SourceFeed:
    from csms.grid.openadr import OpenAdrVen

    url = _required(config, "url")
    options: dict[str, Any] = {}
    if config.cert_file is not None:
        options["cert"] = str(config.cert_file)
    if config.key_file is not None:
        options["key"] = str(config.key_file)
    if config.ca_file is not None:
        options["ca_file"] = str(config.ca_file)
    if config.vtn_fingerprint is not None:
        options["vtn_fingerprint"] = config.vtn_fingerprint

    async def connect() -> GridSignalSource:
        ven = OpenAdrVen(vtn_url=url, ven_name=config.ven_name, ven_id=config.ven_id, clock=clock, load_w=load_w,
                         client_options=options)
        await ven.start()
        return ven

    async def close(source: GridSignalSource) -> None:
        if isinstance(source, OpenAdrVen):
            await source.stop()

    return SourceFeed(config.name, config.kind, FeedRole.EVENTS, clock, connect, close=close, backoff=backoff,
                      reconnect_on_end=True, max_age_s=max_age_s)


__all__ = ["FeedConfig", "build_feed", "droop_curve", "ready"]
