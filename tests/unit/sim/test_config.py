"""Fleet configuration, seeded visits and the CLI's argument handling."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from chargepoint_sim.__main__ import parse_args
from chargepoint_sim.config import EvConfig, FleetConfig, LinkConfig, derive_password, load_config
from chargepoint_sim.fleet import Fleet, station_kind, station_spec
from chargepoint_sim.kinds import StationKind
from chargepoint_sim.visits import VisitPlanner
from csms.domain.clock import ManualClock
from csms.errors import ConfigError, RpcError, SessionClosed
from csms.ocpp.versions import OcppVersion

CONFIG_DIR = Path(__file__).resolve().parents[3] / "config" / "sim"
T0 = datetime(2025, 3, 1, tzinfo=UTC)


@pytest.mark.parametrize("name", ["demo.toml", "v2x-21.toml", "mixed-kinds.toml"])
def test_example_configs_load(name: str) -> None:
    config = load_config(CONFIG_DIR / name)
    assert config.stations > 0


def test_cli_values_override_the_file() -> None:
    config = load_config(CONFIG_DIR / "v2x-21.toml", stations=3, csms_url="ws://h:1/ocpp", seed=None)
    assert (config.stations, config.csms_url, config.seed) == (3, "ws://h:1/ocpp", 7)
    assert station_spec(config, 1).versions == (OcppVersion.V21, OcppVersion.V201)


def test_mixed_kinds_file_builds_stations_of_each_kind_by_ratio_and_by_id() -> None:
    config = load_config(CONFIG_DIR / "mixed-kinds.toml")
    kinds = [station_kind(config, i) for i in range(1, config.stations + 1)]
    assert kinds == [StationKind.V2X_21] * 3 + [StationKind.A_ONLY_201] + [StationKind.BIDIRECTIONAL_201] * 2 + [
        StationKind.CHARGE_ONLY_201, StationKind.A_ONLY_201, StationKind.CHARGE_ONLY_16, StationKind.BIDIRECTIONAL_16]
    specs = [station_spec(config, i) for i in range(1, config.stations + 1)]
    charge_only = [s for s, k in zip(specs, kinds, strict=True) if k is StationKind.CHARGE_ONLY_201]
    assert charge_only and all(not e.bidirectional for s in charge_only for e in s.evses)
    assert {s.charging.rate_units for s, k in zip(specs, kinds, strict=True) if k is StationKind.A_ONLY_201} == {("A",)}
    assert all(s.control.response_delay_s == 2.0 for s in specs)
    assert specs[-1].versions == specs[-2].versions == (OcppVersion.V16,)
    assert all(not e.bidirectional for e in specs[-2].evses) and all(e.bidirectional for e in specs[-1].evses)


@pytest.mark.parametrize("toml", ["stations = -1", 'station_id_prefix = "bad id/"', "[ev]\ndwell_s = [10.0, 1.0]",
                                  "bogus = 1", "stations = [",
                                  "[ev]\ncharge_taper = [[0.0, 1000.0], [0.5, 500.0], [1.0, 900.0]]",  # not concave
                                  "[ev]\ndischarge_taper = [[0.5, 1.0], [0.2, 2.0]]"])
def test_invalid_config_is_a_config_error(tmp_path: Path, toml: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError):
        load_config(path)


def test_passwords_are_fixed_or_derived_per_station() -> None:
    derived = FleetConfig()
    assert derived.password_for("SIM-0001") == derive_password("v2g-sim-demo-secret", "SIM-0001")
    assert derived.password_for("SIM-0001") != derived.password_for("SIM-0002")
    assert 16 <= len(derived.password_for("SIM-0001")) <= 40
    assert FleetConfig(password="same-for-everyone-123").password_for("SIM-0009") == "same-for-everyone-123"
    assert FleetConfig(station_id_digits=3).station_id(7) == "SIM-007"


def test_visits_are_reproducible_for_a_seed_and_follow_each_other() -> None:
    planner = VisitPlanner(EvConfig(first_arrival_s=(0, 60), gap_s=(100, 200), dwell_s=(1000, 2000)), 1, T0)
    first = planner.visit("SIM-0001", 1, 0, T0)
    assert first == VisitPlanner(planner.config, 1, T0).visit("SIM-0001", 1, 0, T0)
    assert first != VisitPlanner(planner.config, 2, T0).visit("SIM-0001", 1, 0, T0)
    assert first is not None and first.arrival_at is not None and first.departure_at is not None
    assert T0 <= first.arrival_at <= T0 + timedelta(seconds=60)
    assert 1000 <= (first.departure_at - first.arrival_at).total_seconds() <= 2000
    second = planner.visit("SIM-0001", 1, 1, first.departure_at)
    assert second is not None and second.arrival_at is not None
    assert 100 <= (second.arrival_at - first.departure_at).total_seconds() <= 200
    assert first.id_token == "SIM-0001-1-0"
    assert VisitPlanner(EvConfig(visits_per_evse=1), 1, T0).visit("SIM-0001", 1, 1, T0) is None


def test_each_visit_carries_the_configured_taper_curves(tmp_path: Path) -> None:
    path = tmp_path / "taper.toml"
    path.write_text("[ev]\ncharge_taper = [[0.0, 11000.0], [0.8, 11000.0], [1.0, 2000.0]]\n"
                    "discharge_taper = [[0.0, 0.0], [0.3, 9000.0], [1.0, 9000.0]]\n")
    config = load_config(path)
    visit = VisitPlanner(config.ev, 1, T0).visit("SIM-0001", 1, 0, T0)
    assert visit is not None
    assert visit.charge_taper == ((0.0, 11_000.0), (0.8, 11_000.0), (1.0, 2_000.0))
    assert visit.discharge_taper == ((0.0, 0.0), (0.3, 9_000.0), (1.0, 9_000.0))
    default = VisitPlanner(EvConfig(), 1, T0).visit("SIM-0001", 1, 0, T0)
    assert default is not None and default.charge_taper == default.discharge_taper == ()  # the optimizer's default


def test_fleet_builds_stations_and_ground_truth_advances_without_a_csms() -> None:
    clock = ManualClock(T0)
    config = FleetConfig(stations=3, ev=EvConfig(first_arrival_s=(0, 0), dwell_s=(7200, 7200)))
    fleet = Fleet(config, clock)
    assert list(fleet.stations) == ["SIM-0001", "SIM-0002", "SIM-0003"]
    clock.advance(600)
    for station in fleet.stations.values():
        station.advance_to(clock.now())
    summary = fleet.summary()
    assert (summary.stations, summary.online, summary.plugged, summary.charging) == (3, 0, 6, 0)
    assert list(fleet.transactions()) == []  # offline stations cannot authorize: EVs wait plugged
    assert "plugged 6" in summary.line()


def test_cli_arguments() -> None:
    args = parse_args(["--csms", "ws://x/ocpp", "--stations", "5", "--speed", "60", "--duration-s", "3600"])
    assert (args.csms_url, args.stations, args.speed, args.duration_s, args.config) == (
        "ws://x/ocpp", 5, 60.0, 3600.0, None)


@pytest.mark.parametrize("validate", [True, False])
async def test_the_link_checks_its_own_messages_unless_configured_not_to(validate: bool) -> None:
    """`[link] validate_outgoing = false`: the station's calls go out unchecked (the CSMS validates what it
    receives); by default a schema-invalid call fails before it is sent."""
    config = FleetConfig(stations=1, link=LinkConfig(validate_outgoing=validate))
    link = next(iter(Fleet(config, ManualClock(T0)).links.values()))
    sent: list[str] = []

    async def send(text: str) -> None:
        sent.append(text)

    session = link.make_session(OcppVersion.V201, send)
    call = asyncio.create_task(session.call("Heartbeat", {"bogus": 1}, timeout_s=5))
    await asyncio.sleep(0)
    session.close("test over")
    with pytest.raises(RpcError if validate else SessionClosed):  # refused here / sent, then never answered
        await call
    assert len(sent) == (0 if validate else 1)
