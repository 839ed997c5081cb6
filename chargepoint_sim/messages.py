"""Payload builders for the station-initiated OCPP messages (camelCase dicts, valid for 2.0.1 and 2.1).

Metering: the EVSE's cumulative registers (Energy.Active.Import/Export.Register, Wh, rounded to mWh), the
last step's power as magnitudes (Power.Active.Import/Export, W) and the EV's SoC (%), restricted to the
measurands configured in SampledDataCtrlr.

Charging needs (NotifyEVChargingNeeds on plug-in): OCPP 2.0.1 carries AC (per-phase currents) or DC parameters,
plus our customData extension (vendorId "org.v2g-csms": `dischargeAllowed`, `minSoC` 0..1, `maxDischargePower`
W, `evEnergyCapacity` Wh) since 2.0.1 cannot say that the driver allows discharging; OCPP 2.1 carries
`v2xChargingParameters` and asks for AC_BPT/DC_BPT when the driver allows discharge on a bidirectional EVSE
(the same customData too, for the reserve and the capacity). An EV with a taper curve adds `chargeTaper` /
`dischargeTaper` ([[soc 0..1, W], ...], the optimizer's curve form) to that customData on both versions.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from chargepoint_sim.ev import Ev
from chargepoint_sim.evse import CONNECTOR_ID, ChargingState, Evse, EvseSpec, Transaction
from csms.domain.clock import to_ocpp_time
from csms.ocpp.versions import OcppVersion

NEEDS_VENDOR_ID = "org.v2g-csms"
DC_VOLTAGE_V = 400  # nominal DC battery voltage reported in DC charging parameters

_UNITS = {"Energy.Active.Import.Register": "Wh", "Energy.Active.Export.Register": "Wh",
          "Power.Active.Import": "W", "Power.Active.Export": "W", "SoC": "Percent"}


def boot_notification(vendor_name: str, model: str, reason: str) -> dict[str, Any]:
    return {"reason": reason, "chargingStation": {"vendorName": vendor_name, "model": model}}


def status_notification(at: datetime, evse_id: int, status: str) -> dict[str, Any]:
    return {"timestamp": to_ocpp_time(at), "connectorStatus": status, "evseId": evse_id,
            "connectorId": CONNECTOR_ID}


def id_token(value: str, token_type: str = "ISO14443") -> dict[str, Any]:
    return {"idToken": value, "type": token_type}


def _reading(evse: Evse, measurand: str) -> float | None:
    if measurand == "Energy.Active.Import.Register":
        return round(evse.import_register_wh, 3)
    if measurand == "Energy.Active.Export.Register":
        return round(evse.export_register_wh, 3)
    if measurand == "Power.Active.Import":
        return round(max(evse.power_w, 0.0), 1)
    if measurand == "Power.Active.Export":
        return round(max(-evse.power_w, 0.0), 1)
    if measurand == "SoC":
        return round(evse.ev.soc * 100.0, 2) if evse.ev is not None else None
    return None


def meter_value(at: datetime, evse: Evse, measurands: Iterable[str], context: str) -> dict[str, Any]:
    """One MeterValueType with a sampledValue per configured measurand (SoC only while an EV is plugged)."""
    sampled: list[dict[str, Any]] = []
    for measurand in measurands:
        value = _reading(evse, measurand)
        if value is None:
            continue
        item: dict[str, Any] = {"value": value, "measurand": measurand, "context": context,
                                "unitOfMeasure": {"unit": _UNITS[measurand]}}
        if measurand == "SoC":
            item["location"] = "EV"
        sampled.append(item)
    if not sampled:  # sampledValue needs at least one item
        sampled.append({"value": round(evse.import_register_wh, 3), "context": context,
                        "measurand": "Energy.Active.Import.Register", "unitOfMeasure": {"unit": "Wh"}})
    return {"timestamp": to_ocpp_time(at), "sampledValue": sampled}


def transaction_event(
    event_type: str,
    at: datetime,
    trigger_reason: str,
    tx: Transaction,
    *,
    offline: bool,
    charging_state: ChargingState | None = None,
    stopped_reason: str | None = None,
    with_id_token: bool = False,
    meter: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A TransactionEventRequest for `tx`; takes the transaction's next seqNo."""
    info: dict[str, Any] = {"transactionId": tx.transaction_id}
    if charging_state is not None:
        info["chargingState"] = charging_state.value
    if stopped_reason is not None:
        info["stoppedReason"] = stopped_reason
    if tx.remote_start_id is not None and event_type == "Started":
        info["remoteStartId"] = tx.remote_start_id
    payload: dict[str, Any] = {
        "eventType": event_type,
        "timestamp": to_ocpp_time(at),
        "triggerReason": trigger_reason,
        "seqNo": tx.take_seq_no(),
        "transactionInfo": info,
        "evse": {"id": tx.evse_id, "connectorId": CONNECTOR_ID},
    }
    if offline:
        payload["offline"] = True
    if with_id_token:
        payload["idToken"] = id_token(tx.id_token, tx.id_token_type)
    if meter is not None:
        payload["meterValue"] = [meter]
    return payload


def _transfer_mode(spec: EvseSpec) -> str:
    if spec.dc:
        return "DC"
    return {1: "AC_single_phase", 2: "AC_two_phase"}.get(spec.phases, "AC_three_phase")


def charging_needs(spec: EvseSpec, ev: Ev, version: OcppVersion) -> dict[str, Any]:
    """NotifyEVChargingNeedsRequest for `ev` plugged into `spec`, in the form of `version`."""
    custom: dict[str, Any] = {
        "vendorId": NEEDS_VENDOR_ID, "dischargeAllowed": ev.allow_discharge, "minSoC": ev.min_soc,
        "maxDischargePower": ev.discharge_limit_w, "evEnergyCapacity": ev.capacity_wh}
    if ev.charge_taper:
        custom["chargeTaper"] = [list(point) for point in ev.charge_taper]
    if ev.discharge_taper:
        custom["dischargeTaper"] = [list(point) for point in ev.discharge_taper]
    needs: dict[str, Any] = {"requestedEnergyTransfer": _transfer_mode(spec)}
    if ev.departure_at is not None:
        needs["departureTime"] = to_ocpp_time(ev.departure_at)
    energy_wh = ev.energy_to_target_wh
    if version is OcppVersion.V21:
        bidirectional = spec.bidirectional and ev.max_discharge_power_w > 0
        bpt = "DC_BPT" if spec.dc else "AC_BPT"
        v2x: dict[str, Any] = {
            "maxChargePower": ev.max_charge_power_w, "minChargePower": 0.0,
            "evTargetEnergyRequest": energy_wh,
            "evMaxEnergyRequest": max(0.0, (ev.max_soc - ev.soc) * ev.capacity_wh),
            "evMinEnergyRequest": (ev.min_soc - ev.soc) * ev.capacity_wh if ev.allow_discharge
            else max(0.0, (ev.min_soc - ev.soc) * ev.capacity_wh),
            "targetSoC": round((ev.target_soc or ev.max_soc) * 100)}
        if bidirectional:
            needs["availableEnergyTransfer"] = [needs["requestedEnergyTransfer"], bpt]
        if bidirectional and ev.allow_discharge:
            needs["requestedEnergyTransfer"] = bpt
            needs["controlMode"] = "DynamicControl"
            v2x.update(maxDischargePower=ev.max_discharge_power_w, minDischargePower=0.0)
        else:
            needs["controlMode"] = "ScheduledControl"
        needs["v2xChargingParameters"] = v2x
    elif spec.dc:
        needs["dcChargingParameters"] = {
            "evMaxCurrent": math.ceil(ev.max_charge_power_w / DC_VOLTAGE_V), "evMaxVoltage": DC_VOLTAGE_V,
            "energyAmount": math.ceil(energy_wh), "evMaxPower": math.floor(ev.max_charge_power_w),
            "stateOfCharge": round(ev.soc * 100), "evEnergyCapacity": math.floor(ev.capacity_wh),
            "fullSoC": round(ev.max_soc * 100)}
    else:
        max_current_a = math.floor(ev.max_charge_power_w / (spec.voltage_v * spec.phases))
        needs["acChargingParameters"] = {
            "energyAmount": math.ceil(energy_wh), "evMinCurrent": min(6, max_current_a),
            "evMaxCurrent": max_current_a, "evMaxVoltage": round(spec.voltage_v)}
    needs["customData"] = custom
    return {"evseId": spec.evse_id, "chargingNeeds": needs}


def composite_period(offset_s: int, value_w: float, unit: str, spec: EvseSpec,
                     version: OcppVersion) -> dict[str, Any]:
    """One GetCompositeSchedule period for a signed power: in A (with numberPhases) or W; on 2.1 a discharge
    is a CentralSetpoint setpoint, a charge a ChargingOnly limit; on 2.0.1 a signed limit."""
    value = value_w / (spec.voltage_v * spec.phases) if unit == "A" else value_w
    period: dict[str, Any] = {"startPeriod": offset_s}
    if version is OcppVersion.V21 and value < 0:
        period.update(operationMode="CentralSetpoint", setpoint=value)
    elif version is OcppVersion.V21:
        period.update(operationMode="ChargingOnly", limit=value)
    else:
        period["limit"] = value
    if unit == "A":
        period["numberPhases"] = spec.phases
    return period
