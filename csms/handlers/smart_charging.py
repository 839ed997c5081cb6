"""Functional blocks K and Q (smart charging, V2X): the station-initiated messages.

NotifyEVChargingNeeds becomes the EV's `ChargingNeedsRecord` for the optimizer, from the 2.0.1 AC/DC
parameters or the 2.1 `v2xChargingParameters` (discharge limits stored as positive magnitudes). OCPP 2.0.1
cannot express a driver's consent to discharge or a minimum reserve: we read them from the needs'
`customData` (vendorId "org.v2g-csms": `dischargeAllowed`, `minSoC` 0..1, `maxDischargePower` W) and an
operator can set them through the API. On 2.1, consent is a bidirectional (BPT) requested energy transfer
with a positive `maxDischargePower`.

The 2.1 `v2xChargingParameters` are kept as reported: min/max charge and discharge power (W, discharge as
magnitudes), and the energy requests (signed Wh, relative to the battery when the needs were sent):
`evTargetEnergyRequest`, `evMinEnergyRequest` / `evMaxEnergyRequest` (to the minimum / maximum SoC) and
`evMinV2XEnergyRequest` / `evMaxV2XEnergyRequest` (to the bottom / top of the V2X cycling range). The
bottom of the V2X range is the driver's minimum reserve: when the battery capacity and the SoC at that moment
are known (the DC parameters' `stateOfCharge`, else the last SoC of the open transaction on the EVSE), it
becomes `min_soc` (the stricter of it and a customData `minSoC`), which the safety envelope enforces.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from csms.domain.clock import parse_ocpp_time, to_ocpp_time
from csms.domain.ids import StationId
from csms.domain.records import ChargingNeedsRecord
from csms.handlers.deps import HandlerDeps
from csms.ocpp.session import HandlerContext
from csms.ocpp.wire import v2x, v201
from csms.services import station_records as sr
from csms.services.call_effects import forget_profiles
from csms.services.events import (
    ChargingLimitCleared,
    ChargingLimitReported,
    ChargingProfilesReported,
    EvChargingNeeds,
    EvChargingScheduleReported,
)

log = logging.getLogger("csms.handlers.smart_charging")

VENDOR_ID = "org.v2g-csms"
_AC_PHASES = {"AC_single_phase": 1, "AC_two_phase": 2, "AC_three_phase": 3}
_BIDIRECTIONAL_TRANSFERS = frozenset({"AC_BPT", "AC_BPT_DER", "DC_BPT", "DC_BPT_DER", "DC_ACDP_BPT"})


def _f(value: float | int | str | None) -> float | None:
    return None if value is None else float(value)


def _first_known(*values: float | int | str | None) -> float | None:
    """The first value present (0 counts: an EV that asks for no energy has a need, to get back what it gives)."""
    return next((float(v) for v in values if v is not None), None)


def _reserve_soc(custom_min_soc: float | None, v2x_min_wh: float | None, capacity_wh: float | None,
                 soc: float | None) -> float | None:
    """The stricter of the customData reserve and the 2.1 bottom of the V2X range (if it can be placed)."""
    if v2x_min_wh is None or not capacity_wh or soc is None:
        return custom_min_soc
    v2x_reserve = min(max(soc + v2x_min_wh / capacity_wh, 0.0), 1.0)
    return v2x_reserve if custom_min_soc is None else max(custom_min_soc, v2x_reserve)


def needs_from_payload(station_id: StationId, payload: v2x.NotifyEVChargingNeedsRequest, received_at: datetime, *,
                       soc: float | None = None) -> ChargingNeedsRecord:
    """Map a NotifyEVChargingNeedsRequest (2.0.1 or 2.1) to our record. `soc` (0..1) is the EV's SoC when the
    needs were sent, if known otherwise (the DC parameters' `stateOfCharge` wins)."""
    # read as a plain mapping: the 2.1-only parameters and our vendor customData fields are looked up by name
    needs: Mapping[str, Any] = payload["chargingNeeds"]
    ac = needs.get("acChargingParameters", {})
    dc = needs.get("dcChargingParameters", {})
    v2x = needs.get("v2xChargingParameters", {})
    custom = needs.get("customData", {}) if needs.get("customData", {}).get("vendorId") == VENDOR_ID else {}
    max_charge_w = _f(v2x.get("maxChargePower")) or _f(dc.get("evMaxPower"))
    if max_charge_w is None and ac:  # evMaxCurrent is per phase; the transfer mode says how many phases
        max_charge_w = float(ac["evMaxCurrent"]) * float(ac["evMaxVoltage"]) * _AC_PHASES.get(
            needs["requestedEnergyTransfer"], 1)
    max_discharge_w = _f(v2x.get("maxDischargePower")) or _f(custom.get("maxDischargePower"))
    transfer = needs["requestedEnergyTransfer"]
    discharge_allowed = bool(custom.get("dischargeAllowed", False)) or (
        transfer in _BIDIRECTIONAL_TRANSFERS and (max_discharge_w or 0.0) > 0
    )
    target_soc = v2x.get("targetSoC")
    energy_wh = _first_known(v2x.get("evTargetEnergyRequest"), ac.get("energyAmount"), dc.get("energyAmount"))
    departure = needs.get("departureTime")
    soc_at = float(dc["stateOfCharge"]) / 100.0 if dc.get("stateOfCharge") is not None else soc
    capacity_wh = _f(dc.get("evEnergyCapacity")) or _f(custom.get("evEnergyCapacity"))
    v2x_min_wh = _f(v2x.get("evMinV2XEnergyRequest"))
    min_discharge_w = _f(v2x.get("minDischargePower"))
    return ChargingNeedsRecord(
        station_id=station_id,
        evse_id=payload["evseId"],
        received_at=received_at,
        departure_at=None if departure is None else parse_ocpp_time(departure),
        energy_request_wh=energy_wh,
        target_soc=None if target_soc is None else float(target_soc) / 100.0,
        min_soc=_reserve_soc(_f(custom.get("minSoC")), v2x_min_wh, capacity_wh, soc_at),
        ev_capacity_wh=capacity_wh,
        max_charge_power_w=max_charge_w,
        max_discharge_power_w=max_discharge_w if discharge_allowed else 0.0,
        discharge_allowed=discharge_allowed,
        control_mode=needs.get("controlMode", ""),
        min_charge_power_w=_f(v2x.get("minChargePower")),
        min_discharge_power_w=min_discharge_w if discharge_allowed else None,
        energy_min_request_wh=_f(v2x.get("evMinEnergyRequest")),
        energy_max_request_wh=_f(v2x.get("evMaxEnergyRequest")),
        v2x_min_energy_request_wh=v2x_min_wh,
        v2x_max_energy_request_wh=_f(v2x.get("evMaxV2XEnergyRequest")),
        soc_at_received=soc_at,
    )


async def _open_transaction_soc(deps: HandlerDeps, station_id: StationId, evse_id: int) -> float | None:
    """The last SoC of the open transaction on the EVSE (the newest one if the store has several), if any."""
    txs = [tx for tx in await deps.store.list_transactions(station_id, open_only=True)
           if tx.evse_id == evse_id and tx.last_soc is not None]
    if not txs:
        return None
    newest = max(txs, key=lambda tx: (tx.updated_at or tx.started_at or deps.clock.now()).timestamp())
    return newest.last_soc


async def notify_ev_charging_needs(deps: HandlerDeps, ctx: HandlerContext,
                                   payload: v2x.NotifyEVChargingNeedsRequest) -> v2x.NotifyEVChargingNeedsResponse:
    needs = payload["chargingNeeds"]
    soc = None  # the 2.1 energy requests are relative to the SoC now: find it if the needs do not carry it
    if "v2xChargingParameters" in needs and needs.get("dcChargingParameters", {}).get("stateOfCharge") is None:
        soc = await _open_transaction_soc(deps, ctx.station_id, payload["evseId"])
    record = needs_from_payload(ctx.station_id, payload, deps.clock.now(), soc=soc)
    await deps.store.put_charging_needs(record)
    deps.events.publish(EvChargingNeeds(
        station_id=ctx.station_id, at=record.received_at, evse_id=record.evse_id, departure_at=record.departure_at,
        energy_request_wh=record.energy_request_wh, discharge_allowed=record.discharge_allowed))
    # Accepted: we will produce a schedule (the fleet controller / charging service sends it).
    return v201.NotifyEVChargingNeedsResponse(status=v201.NotifyEVChargingNeedsStatusEnumType.ACCEPTED)


async def notify_ev_charging_schedule(
    deps: HandlerDeps, ctx: HandlerContext, payload: v2x.NotifyEVChargingScheduleRequest,
) -> v2x.NotifyEVChargingScheduleResponse:
    """The schedule the EV computed (ISO 15118): published as `ev.schedule` (at its arrival; `time_base` is when
    the schedule's periods start); nothing is stored."""
    deps.events.publish(EvChargingScheduleReported(
        station_id=ctx.station_id, at=deps.clock.now(), evse_id=payload["evseId"],
        time_base=parse_ocpp_time(payload["timeBase"]), schedule=payload["chargingSchedule"]))
    return v201.NotifyEVChargingScheduleResponse(status=v201.GenericStatusEnumType.ACCEPTED)


async def notify_charging_limit(deps: HandlerDeps, ctx: HandlerContext,
                                payload: v2x.NotifyChargingLimitRequest) -> v2x.NotifyChargingLimitResponse:
    """An external charging limit (EMS, grid operator ...): published as `station.charging_limit`; nothing is
    stored (the station's GetCompositeSchedule answer shows its effect)."""
    limit = payload["chargingLimit"]
    log.info("%s: external charging limit from %s", ctx.station_id, limit["chargingLimitSource"])
    deps.events.publish(ChargingLimitReported(
        station_id=ctx.station_id, at=deps.clock.now(), evse_id=payload.get("evseId"),
        source=limit["chargingLimitSource"], grid_critical=limit.get("isGridCritical"),
        schedules=payload.get("chargingSchedule", [])))
    return {}


async def cleared_charging_limit(deps: HandlerDeps, ctx: HandlerContext,
                                 payload: v2x.ClearedChargingLimitRequest) -> v2x.ClearedChargingLimitResponse:
    """An external limit was lifted (K13): logged and published as `station.charging_limit_cleared`."""
    await sr.log_entries(deps.store, deps.clock, ctx.station_id, sr.CHARGING_LIMIT,
                         [{"cleared": True, **payload}])
    deps.events.publish(ChargingLimitCleared(station_id=ctx.station_id, at=deps.clock.now(),
                                             evse_id=payload.get("evseId"), source=payload["chargingLimitSource"]))
    return {}


async def report_charging_profiles(deps: HandlerDeps, ctx: HandlerContext,
                                   payload: v2x.ReportChargingProfilesRequest) -> v2x.ReportChargingProfilesResponse:
    """The station's installed profiles (K09): kept by profile id as the station's truth; the last report of a
    GetChargingProfiles request removes the profiles that request covered and the station no longer reports."""
    sid = ctx.station_id
    for profile in payload["chargingProfile"]:
        await deps.store.put_station_doc(sid, sr.CHARGING_PROFILE, str(profile["id"]), {
            "profile": profile, "evseId": payload["evseId"], "source": payload["chargingLimitSource"],
            "requestId": payload["requestId"], "reportedAt": to_ocpp_time(deps.clock.now())})
    if not payload.get("tbc", False):
        request = await deps.store.get_station_doc(sid, sr.PROFILE_REQUEST, str(payload["requestId"]))
        if request is not None:
            await forget_profiles(deps.store, sid, request, keep_request_id=payload["requestId"])
            await deps.store.delete_station_doc(sid, sr.PROFILE_REQUEST, str(payload["requestId"]))
    deps.events.publish(ChargingProfilesReported(
        station_id=ctx.station_id, at=deps.clock.now(), request_id=payload["requestId"], evse_id=payload["evseId"],
        source=payload["chargingLimitSource"], profiles=payload["chargingProfile"],
        tbc=payload.get("tbc", False)))
    return {}
