"""Safety envelope: whatever is asked, nothing outside the envelope reaches the wire."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any, cast

from hypothesis import example, given, settings, target
from hypothesis import strategies as st

from csms.domain.capabilities import StationCapabilities
from csms.domain.clock import ManualClock, parse_ocpp_time
from csms.domain.ids import StationId, TransactionId
from csms.domain.records import ChargingNeedsRecord, StationRecord, TransactionRecord
from csms.domain.schedule import OperationMode, PowerSchedule, SchedulePeriod
from csms.ocpp.wire import v2x
from csms.services.charging import ApplyStatus, ChargingService
from csms.services.envelope import EvseEnvelope, SiteLimits, clamp_schedule, envelope_for
from csms.services.events import EventBus
from csms.store.memory import MemoryStore
from tests.helpers.gateways import TimedGateway

S1 = StationId("S1")
S = StationId("S")

T0 = datetime(2026, 6, 1, 16, 0, tzinfo=UTC)


def test_discharge_refused_without_consent_reserve_or_capability() -> None:
    caps = StationCapabilities(discharge_supported=True, max_charge_power_w=11000, max_discharge_power_w=11000)
    needs = ChargingNeedsRecord(S, 1, T0, discharge_allowed=True, min_soc=0.3, ev_capacity_wh=40000)
    assert envelope_for(caps, needs, soc=0.8).max_discharge_w == 11000
    assert envelope_for(caps, needs, soc=0.3).max_discharge_w == 0
    assert envelope_for(caps, None, soc=0.8).max_discharge_w == 0
    no_consent = ChargingNeedsRecord(S, 1, T0, discharge_allowed=False)
    assert envelope_for(caps, no_consent, soc=0.8).max_discharge_w == 0
    assert envelope_for(StationCapabilities(discharge_supported=False), needs, soc=0.8).max_discharge_w == 0


def test_discharge_energy_stops_at_the_reserve() -> None:
    env = EvseEnvelope(max_charge_w=10000, max_discharge_w=10000, discharge_energy_wh=2000)
    sched = PowerSchedule(1, T0, 900, (SchedulePeriod(0, -10000),))
    clamped = clamp_schedule(sched, env)
    energy_wh = -clamped.schedule.periods[0].power_w * 900 / 3600
    assert abs(energy_wh - 2000) < 1e-6 and clamped.changed


def test_site_export_limit_accounts_for_other_evses() -> None:
    env = EvseEnvelope(max_charge_w=10000, max_discharge_w=10000, discharge_energy_wh=None)
    sched = PowerSchedule(1, T0, 600, (SchedulePeriod(0, -10000),))
    clamped = clamp_schedule(sched, env, SiteLimits(export_limit_w=15000), site_other_w=-8000)
    assert clamped.schedule.periods[0].power_w == -7000


@st.composite
def ev_facts(draw: st.DrawFn) -> dict[str, Any]:
    min_soc = draw(st.floats(0, 0.9))
    return {
        "consent": draw(st.sampled_from([True, True, False])),
        "min_soc": min_soc,
        # often close above the reserve, where the energy bound is what limits a discharge
        "soc": draw(st.one_of(st.none(), st.floats(0, 1), st.floats(0, 0.05).map(lambda d: min(1.0, min_soc + d)))),
        "capacity_wh": draw(st.one_of(st.none(), st.floats(10000, 100000))),
        "ev_max_w": draw(st.floats(1000, 100000)),
    }


@st.composite
def apply_step(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "evse": draw(st.sampled_from([1, 2])),
        "after_s": draw(st.one_of(st.sampled_from([0, 1, 10, 60]), st.integers(0, 1000))),
        "powers": draw(st.lists(st.one_of(st.floats(-1e6, 1e6, allow_nan=False),
                                          st.sampled_from([-11000.0, -5000.0, 0.0, 5000.0, 11000.0])),
                                min_size=1, max_size=draw(st.sampled_from([1, 1, 4])))),
        "period_s": draw(st.one_of(st.sampled_from([60, 120, 900]), st.integers(30, 3600))),
        "mode": draw(st.sampled_from([OperationMode.CENTRAL_SETPOINT] * 3 + [OperationMode.CHARGING_ONLY])),
    }


@st.composite
def scenario(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "version": draw(st.sampled_from(["ocpp2.0.1", "ocpp2.1"])),
        "dynamic": draw(st.sampled_from([True, True, False])),
        "discharge_supported": draw(st.sampled_from([True, True, False])),
        "rating_w": draw(st.floats(3000, 50000)),
        "discharge_rating_w": draw(st.floats(0, 50000)),
        "import_limit_w": draw(st.one_of(st.none(), st.floats(0, 100000), st.sampled_from([5000.0, 15000.0]))),
        "export_limit_w": draw(st.one_of(st.none(), st.floats(0, 100000), st.sampled_from([5000.0, 15000.0]))),
        "evs": {1: draw(ev_facts()), 2: draw(ev_facts())},
        "steps": draw(st.lists(apply_step(), min_size=1, max_size=6)),
    }


def wire_bounds(period: dict[str, Any]) -> tuple[float, float]:
    """(most export, most import) a wire period or schedule update allows, in W."""
    values = [float(period[k]) for k in ("setpoint", "limit", "dischargeLimit") if k in period]
    return min([0.0, *values]), max([0.0, *values])


class WireProfile:
    """What a station holds for one EVSE after the calls seen so far: from each step's time, (lo_w, hi_w)."""

    def __init__(self, profile: dict[str, Any]) -> None:
        schedule = profile["chargingSchedule"][0]
        start = parse_ocpp_time(schedule["startSchedule"])
        self.id = profile["id"]
        self.dynamic = profile["chargingProfileKind"] == "Dynamic"
        self.ends_at = min(parse_ocpp_time(profile["validTo"]), start + timedelta(seconds=schedule["duration"]))
        self.steps = [(start + timedelta(seconds=p["startPeriod"]), *wire_bounds(p))
                      for p in schedule["chargingSchedulePeriod"]]

    def at(self, t: datetime) -> tuple[float, float]:
        current = (0.0, 0.0)
        if t < self.ends_at:
            for start, lo_w, hi_w in self.steps:
                if start <= t:
                    current = (lo_w, hi_w)
        return current

    def times(self, after: datetime) -> list[datetime]:
        return [t for t in [*(s[0] for s in self.steps), self.ends_at] if t >= after]


def _ev(soc: float, capacity_wh: float | None = 60000.0) -> dict[str, Any]:
    return {"consent": True, "min_soc": 0.2, "soc": soc, "capacity_wh": capacity_wh, "ev_max_w": 11000.0}


def _step(evse: int, after_s: int, powers: list[float], period_s: int) -> dict[str, Any]:
    return {"evse": evse, "after_s": after_s, "powers": powers, "period_s": period_s,
            "mode": OperationMode.CENTRAL_SETPOINT}


_AUDIT = {"version": "ocpp2.1", "dynamic": True, "discharge_supported": True, "rating_w": 11000.0,
          "discharge_rating_w": 11000.0, "import_limit_w": None, "export_limit_w": None}


@settings(max_examples=150, deadline=None)
@given(scenario())
# the audit's cases: a 60 s -11 kW setpoint as an update of a 900 s Dynamic profile (1 kWh above the reserve) ...
@example({**_AUDIT, "evs": {1: _ev(0.2 + 1000 / 60000), 2: _ev(0.5)},
          "steps": [_step(1, 0, [-1000.0], 900), _step(1, 10, [-11000.0], 60)]})
# ... and a [0, -10 kW] schedule plus -10 kW on a second EVSE under a 15 kW export limit
@example({**_AUDIT, "export_limit_w": 15000.0, "evs": {1: _ev(0.8), 2: _ev(0.8)},
          "steps": [_step(1, 0, [0.0, -10000.0], 300), _step(2, 0, [-10000.0], 600)]})
def test_no_command_outside_the_envelope_reaches_the_wire(sc: dict[str, Any]) -> None:
    """Sequences of applies on two EVSEs (2.1 Dynamic updates included): after every command on the wire, what
    the stations will do from then on, if the CSMS said nothing more, stays within every EVSE's power limits, the
    energy above its EV's reserve and the discharge validity, and, at every instant, the site's limits."""
    asyncio.run(_check_envelope(sc))


async def _check_envelope(sc: dict[str, Any]) -> None:
    store, clock = MemoryStore(), ManualClock(T0)
    gateway = TimedGateway(clock)
    caps = StationCapabilities(ocpp_version=sc["version"], discharge_supported=sc["discharge_supported"],
                               rate_units=frozenset({"W"}), max_charge_power_w=sc["rating_w"],
                               max_discharge_power_w=sc["discharge_rating_w"],
                               operation_modes=frozenset({"CentralSetpoint", "ChargingOnly", "Idle"}),
                               supports_dynamic_profiles=sc["dynamic"])
    site = SiteLimits(sc["import_limit_w"], sc["export_limit_w"])
    service = ChargingService(gateway, store, clock, EventBus(), site=site, min_update_interval_s=0)
    await store.put_station(StationRecord(S1, ocpp_version=sc["version"]))
    for evse_id, ev in sc["evs"].items():
        service.override_capabilities(S1, evse_id, caps)
        await store.put_charging_needs(ChargingNeedsRecord(
            S1, evse_id, T0, discharge_allowed=ev["consent"], min_soc=ev["min_soc"],
            ev_capacity_wh=ev["capacity_wh"], max_charge_power_w=ev["ev_max_w"], max_discharge_power_w=ev["ev_max_w"]))
        await store.put_transaction(TransactionRecord(S1, TransactionId(f"tx{evse_id}"), evse_id=evse_id,
                                                      started_at=T0, last_soc=ev["soc"]))
    held: dict[int, WireProfile] = {}
    ratios = {"energy": 0.0, "export": 0.0, "import": 0.0}  # how close to each bound: hypothesis pushes them up
    for step in sc["steps"]:
        clock.advance(step["after_s"])
        periods = tuple(SchedulePeriod(i * step["period_s"], p, step["mode"]) for i, p in enumerate(step["powers"]))
        sched = PowerSchedule(step["evse"], clock.now(), step["period_s"] * len(periods), periods,
                              transaction_id=f"tx{step['evse']}")
        sent_before = len(gateway.sent)
        result = await service.apply(S1, sched, requester="test")
        if len(gateway.sent) == sent_before:
            assert result.status is ApplyStatus.REFUSED
            continue
        (_, action, payload), = gateway.sent[sent_before:]
        at = gateway.sent_at[-1]
        if action == "SetChargingProfile":
            evse_id = payload["evseId"]
            held[evse_id] = WireProfile(payload["chargingProfile"])
            wire_periods = payload["chargingProfile"]["chargingSchedule"][0]["chargingSchedulePeriod"]
        else:
            assert action == "UpdateDynamicSchedule"
            [evse_id] = [e for e, p in held.items() if p.id == payload["chargingProfileId"]]
            profile = held[evse_id]
            assert profile.dynamic and at < profile.ends_at  # an update needs a Dynamic profile in force
            profile.steps = [(at, *wire_bounds(payload["scheduleUpdate"]))]
            wire_periods = [payload["scheduleUpdate"]]
        ev = sc["evs"][evse_id]
        may_discharge = (sc["discharge_supported"] and ev["consent"] and ev["soc"] is not None
                         and ev["soc"] > ev["min_soc"])
        for period in wire_periods:
            lo_w, hi_w = wire_bounds(period)
            assert hi_w <= min(sc["rating_w"], ev["ev_max_w"]) + 0.1
            if lo_w < 0:
                assert may_discharge
                assert -lo_w <= min(sc["discharge_rating_w"], ev["ev_max_w"]) + 0.1
        # energy and validity over the time the command stays in force (its own end, or the Dynamic profile's)
        profile = held[evse_id]
        times = sorted({at, *profile.times(at)})
        energy_out_wh = sum(-profile.at(a)[0] * (b - a).total_seconds() / 3600 for a, b in pairwise(times))
        if energy_out_wh > 0:
            assert profile.ends_at - at <= timedelta(seconds=900)
            if ev["capacity_wh"] is not None:
                available_wh = (ev["soc"] - ev["min_soc"]) * ev["capacity_wh"]
                ratios["energy"] = max(ratios["energy"], energy_out_wh / max(available_wh, 1.0))
                assert energy_out_wh <= available_wh + 1.0
        # the site, at every instant from now on, with both EVSEs as their stations hold them
        for t in sorted({at, *(x for p in held.values() for x in p.times(at))}):
            if sc["export_limit_w"] is not None:
                export_w = -sum(p.at(t)[0] for p in held.values())
                ratios["export"] = max(ratios["export"], export_w / max(sc["export_limit_w"], 1.0))
                assert export_w <= sc["export_limit_w"] + 0.2
            if sc["import_limit_w"] is not None:
                import_w = sum(p.at(t)[1] for p in held.values())
                ratios["import"] = max(ratios["import"], import_w / max(sc["import_limit_w"], 1.0))
                assert import_w <= sc["import_limit_w"] + 0.2
    for label, ratio in ratios.items():
        target(ratio, label=label)


def test_local_frequency_bounds_baseline_plus_curve_by_the_energy_above_reserve() -> None:
    from csms.domain.schedule import FreqWattPoint

    env = EvseEnvelope(max_charge_w=11000, max_discharge_w=11000, discharge_energy_wh=500)
    curve = (FreqWattPoint(49.8, -3000), FreqWattPoint(50.0, 0), FreqWattPoint(50.2, 3000))
    period = SchedulePeriod(0, 0, OperationMode.LOCAL_FREQUENCY, baseline_w=-3000, freq_watt_curve=curve)
    clamped = clamp_schedule(PowerSchedule(1, T0, 600, (period,)), env).schedule.periods[0]
    worst_w = (clamped.baseline_w or 0.0) + min(p.power_w for p in clamped.freq_watt_curve)
    assert worst_w * 600 / 3600 >= -500 - 1e-6  # never more than the 500 Wh above the reserve
    assert clamped.max_discharge_w == 3000


def test_ac_needs_count_every_phase() -> None:
    from csms.handlers.smart_charging import needs_from_payload

    payload = {"evseId": 1, "chargingNeeds": {"requestedEnergyTransfer": "AC_three_phase", "acChargingParameters": {
        "energyAmount": 20000, "evMinCurrent": 6, "evMaxCurrent": 16, "evMaxVoltage": 230}}}
    assert needs_from_payload(S, cast(v2x.NotifyEVChargingNeedsRequest, payload), T0).max_charge_power_w == 16 * 230 * 3


finite_w = st.floats(min_value=-50_000.0, max_value=50_000.0, allow_nan=False)


@given(power_w=finite_w, mode=st.sampled_from([OperationMode.CENTRAL_SETPOINT, OperationMode.CHARGING_ONLY]),
       max_charge_w=st.none() | st.floats(0.0, 50_000.0), max_discharge_w=st.none() | st.floats(0.0, 50_000.0),
       env_charge_w=st.floats(0.0, 30_000.0), env_discharge_w=st.floats(0.0, 30_000.0),
       energy_wh=st.none() | st.floats(0.0, 20_000.0), duration_s=st.integers(1, 3600),
       validity_s=st.integers(1, 1800))
@example(power_w=-11_000.0, mode=OperationMode.CENTRAL_SETPOINT, max_charge_w=None, max_discharge_w=None,
         env_charge_w=11_000.0, env_discharge_w=11_000.0, energy_wh=11_000.0 * 3600 / 3600, duration_s=3600,
         validity_s=3600)  # the energy bound met exactly
@example(power_w=-1000.5, mode=OperationMode.CENTRAL_SETPOINT, max_charge_w=None, max_discharge_w=None,
         env_charge_w=11_000.0, env_discharge_w=11_000.0, energy_wh=1000.0, duration_s=3600,
         validity_s=3600)  # just past the energy bound: cut to -1000 W
@example(power_w=-5000.0, mode=OperationMode.CENTRAL_SETPOINT, max_charge_w=None, max_discharge_w=5000.5,
         env_charge_w=11_000.0, env_discharge_w=5000.0, energy_wh=None, duration_s=900,
         validity_s=900)  # a discharge limit just above the envelope's
def test_the_one_setpoint_fast_path_gives_what_the_general_rules_give(
    power_w: float, mode: OperationMode, max_charge_w: float | None, max_discharge_w: float | None,
    env_charge_w: float, env_discharge_w: float, energy_wh: float | None, duration_s: int, validity_s: int
) -> None:
    """A one-period schedule without shared limits takes a shortcut when the envelope leaves it as it is; a site
    limit that limits nothing sends the same schedule through the general rules: both must agree."""
    schedule = PowerSchedule(evse_id=1, starts_at=T0, duration_s=duration_s, periods=(SchedulePeriod(
        0, power_w, mode, max_charge_w=max_charge_w, max_discharge_w=max_discharge_w),))
    env = EvseEnvelope(env_charge_w, env_discharge_w, energy_wh, validity_s)
    general = clamp_schedule(schedule, env, SiteLimits(import_limit_w=1e12))
    assert clamp_schedule(schedule, env) == general
