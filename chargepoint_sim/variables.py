"""The simulated station's variable catalogue (OCPP 2.x standardized components and variables).

Bidirectional capability is advertised per EVSE, as the OCPP 2.1 appendices (chapter 3, 4) name it:
- `V2XChargingCtrlr` (EVSE tier): `Enabled` (boolean), `SupportedEnergyTransferModes` and
  `SupportedOperationModes` (MemberLists of the 2.1 EnergyTransferModeEnumType / OperationModeEnumType);
- `EVSE.DischargePower` (W, positive magnitude; MaxSet and characteristic maxLimit = rated discharge power)
  next to `EVSE.Power` (MaxSet and maxLimit = rated charge power).
A station rated below the sum of its EVSEs (`StationSpec.max_power_w`) reports `ChargingStation.Power` (W,
Actual = total import now, characteristic maxLimit = the station's rating: "designed total operating load
power", 2.0.1 appendix 3.2.11) and, when it has a bidirectional EVSE, `ChargingStation.DischargePower` (total
export now, maxLimit = its discharge rating); neither is reported without a station rating.
2.0.1 has no standardized V2X component; the simulator reports the same 2.1 names there (custom components
are allowed) so a CSMS can learn "this 2.0.1 station accepts negative limits" from the device model.
Smart charging (station tier, `smart_charging.ChargingFeatures`): `SmartChargingCtrlr.RateUnit` (the units a
ChargingSchedule may use), `SupportsDynamicProfiles` and `SupportsMaxOfflineDuration` (2.1 booleans).
"""

from __future__ import annotations

from functools import lru_cache

from chargepoint_sim.device_model import DeviceModelSchema, Mutability, VarDef, VarKey
from chargepoint_sim.evse import CONNECTOR_ID, EvseSpec
from chargepoint_sim.smart_charging import ALL_OPERATION_MODES, DEFAULT_FEATURES, ChargingFeatures

RW = Mutability.READ_WRITE

HEARTBEAT_INTERVAL = VarKey("OCPPCommCtrlr", "HeartbeatInterval")
WEBSOCKET_PING_INTERVAL = VarKey("OCPPCommCtrlr", "WebSocketPingInterval")
BASIC_AUTH_PASSWORD = VarKey("SecurityCtrlr", "BasicAuthPassword")
IDENTITY = VarKey("SecurityCtrlr", "Identity")
SECURITY_PROFILE = VarKey("SecurityCtrlr", "SecurityProfile")
TX_UPDATED_INTERVAL = VarKey("SampledDataCtrlr", "TxUpdatedInterval")
TX_UPDATED_MEASURANDS = VarKey("SampledDataCtrlr", "TxUpdatedMeasurands")
TX_STARTED_MEASURANDS = VarKey("SampledDataCtrlr", "TxStartedMeasurands")
TX_ENDED_MEASURANDS = VarKey("SampledDataCtrlr", "TxEndedMeasurands")
TX_START_POINT = VarKey("TxCtrlr", "TxStartPoint")
TX_STOP_POINT = VarKey("TxCtrlr", "TxStopPoint")
AUTHORIZE_REMOTE_START = VarKey("AuthCtrlr", "AuthorizeRemoteStart")
SMART_CHARGING_ENABLED = VarKey("SmartChargingCtrlr", "Enabled")
SMART_CHARGING_RATE_UNIT = VarKey("SmartChargingCtrlr", "RateUnit")
SUPPORTS_DYNAMIC_PROFILES = VarKey("SmartChargingCtrlr", "SupportsDynamicProfiles")
SUPPORTS_MAX_OFFLINE_DURATION = VarKey("SmartChargingCtrlr", "SupportsMaxOfflineDuration")
STATION_POWER = VarKey("ChargingStation", "Power")
STATION_DISCHARGE_POWER = VarKey("ChargingStation", "DischargePower")
VENDOR_NAME = VarKey("ChargingStation", "VendorName")
MODEL = VarKey("ChargingStation", "Model")
STATION_AVAILABILITY = VarKey("ChargingStation", "AvailabilityState")

MEASURANDS = ("Energy.Active.Import.Register", "Energy.Active.Export.Register", "Power.Active.Import",
              "Power.Active.Export", "SoC")


def evse_power(evse_id: int) -> VarKey:
    return VarKey("EVSE", "Power", evse_id=evse_id)


def evse_discharge_power(evse_id: int) -> VarKey:
    return VarKey("EVSE", "DischargePower", evse_id=evse_id)


def evse_availability(evse_id: int) -> VarKey:
    return VarKey("EVSE", "AvailabilityState", evse_id=evse_id)


def connector_availability(evse_id: int) -> VarKey:
    return VarKey("Connector", "AvailabilityState", evse_id=evse_id, connector_id=CONNECTOR_ID)


def v2x_enabled(evse_id: int) -> VarKey:
    return VarKey("V2XChargingCtrlr", "Enabled", evse_id=evse_id)


def _transfer_modes(spec: EvseSpec) -> tuple[str, ...]:
    if spec.dc:
        return ("DC", "DC_BPT") if spec.bidirectional else ("DC",)
    ac = {1: "AC_single_phase", 2: "AC_two_phase"}.get(spec.phases, "AC_three_phase")
    return (ac, "AC_BPT") if spec.bidirectional else (ac,)


def _evse_defs(spec: EvseSpec, features: ChargingFeatures) -> tuple[list[VarDef], dict[tuple[VarKey, str], str]]:
    n = spec.evse_id
    power_attrs = ("Actual", "MaxSet")
    modes = _transfer_modes(spec)
    op_modes = features.modes_for(spec)
    defs = [
        VarDef(evse_power(n), "decimal", attributes=power_attrs, unit="W", max_limit=spec.max_power_w, live=True),
        VarDef(evse_discharge_power(n), "decimal", attributes=power_attrs, unit="W",
               max_limit=spec.max_discharge_power_w, live=True),
        VarDef(VarKey("EVSE", "SupplyPhases", evse_id=n), "integer"),
        VarDef(evse_availability(n), "OptionList", live=True,
               values_list=("Available", "Occupied", "Reserved", "Unavailable", "Faulted")),
        VarDef(connector_availability(n), "OptionList", live=True,
               values_list=("Available", "Occupied", "Reserved", "Unavailable", "Faulted")),
        VarDef(VarKey("Connector", "ConnectorType", evse_id=n, connector_id=CONNECTOR_ID), "string"),
        VarDef(v2x_enabled(n), "boolean"),
        VarDef(VarKey("V2XChargingCtrlr", "SupportedEnergyTransferModes", evse_id=n), "MemberList",
               values_list=modes),
        VarDef(VarKey("V2XChargingCtrlr", "SupportedOperationModes", evse_id=n), "MemberList",
               values_list=ALL_OPERATION_MODES),
    ]
    defaults = {
        (evse_power(n), "MaxSet"): _fmt(spec.max_power_w),
        (evse_discharge_power(n), "MaxSet"): _fmt(spec.max_discharge_power_w),
        (VarKey("EVSE", "SupplyPhases", evse_id=n), "Actual"): str(0 if spec.dc else spec.phases),
        (VarKey("Connector", "ConnectorType", evse_id=n, connector_id=CONNECTOR_ID), "Actual"):
            "cCCS2" if spec.dc else "cType2",
        (v2x_enabled(n), "Actual"): "true" if spec.bidirectional else "false",
        (VarKey("V2XChargingCtrlr", "SupportedEnergyTransferModes", evse_id=n), "Actual"): ",".join(modes),
        (VarKey("V2XChargingCtrlr", "SupportedOperationModes", evse_id=n), "Actual"): ",".join(op_modes),
    }
    return defs, defaults


def _fmt(number: float) -> str:
    return f"{number:.3f}".rstrip("0").rstrip(".")


@lru_cache(maxsize=256)
def station_schema(evses: tuple[EvseSpec, ...], features: ChargingFeatures = DEFAULT_FEATURES,
                   max_power_w: float | None = None,
                   max_discharge_power_w: float | None = None) -> DeviceModelSchema:
    """The catalogue for a station with these EVSEs, features and station rating (None: not reported; cached:
    identical stations share one)."""
    measurands = ",".join(MEASURANDS)
    defs = [
        VarDef(VENDOR_NAME, "string"),
        VarDef(MODEL, "string"),
        VarDef(STATION_AVAILABILITY, "OptionList", live=True, values_list=("Available", "Unavailable")),
        VarDef(IDENTITY, "string"),
        VarDef(SECURITY_PROFILE, "integer"),
        VarDef(BASIC_AUTH_PASSWORD, "string", Mutability.WRITE_ONLY, min_limit=16, max_limit=40),
        VarDef(HEARTBEAT_INTERVAL, "integer", RW, unit="s", min_limit=1),
        VarDef(WEBSOCKET_PING_INTERVAL, "integer", RW, unit="s", min_limit=0),
        VarDef(TX_UPDATED_INTERVAL, "integer", RW, unit="s", min_limit=0),
        VarDef(TX_UPDATED_MEASURANDS, "MemberList", RW, values_list=MEASURANDS, max_limit=1000),
        VarDef(TX_STARTED_MEASURANDS, "MemberList", RW, values_list=MEASURANDS, max_limit=1000),
        VarDef(TX_ENDED_MEASURANDS, "MemberList", RW, values_list=MEASURANDS, max_limit=1000),
        VarDef(TX_START_POINT, "MemberList", values_list=("Authorized", "EVConnected", "PowerPathClosed")),
        VarDef(TX_STOP_POINT, "MemberList", values_list=("Authorized", "EVConnected", "PowerPathClosed")),
        VarDef(AUTHORIZE_REMOTE_START, "boolean"),
        VarDef(SMART_CHARGING_ENABLED, "boolean"),
        VarDef(SMART_CHARGING_RATE_UNIT, "MemberList", values_list=("A", "W")),
        VarDef(SUPPORTS_DYNAMIC_PROFILES, "boolean"),
        VarDef(SUPPORTS_MAX_OFFLINE_DURATION, "boolean"),
    ]
    defaults: dict[tuple[VarKey, str], str] = {
        (SECURITY_PROFILE, "Actual"): "1",
        (HEARTBEAT_INTERVAL, "Actual"): "300",
        (WEBSOCKET_PING_INTERVAL, "Actual"): "20",
        (TX_UPDATED_INTERVAL, "Actual"): "60",
        (TX_UPDATED_MEASURANDS, "Actual"): measurands,
        (TX_STARTED_MEASURANDS, "Actual"): measurands,
        (TX_ENDED_MEASURANDS, "Actual"): measurands,
        (TX_START_POINT, "Actual"): "Authorized",
        (TX_STOP_POINT, "Actual"): "EVConnected,Authorized",
        (AUTHORIZE_REMOTE_START, "Actual"): "false",
        (SMART_CHARGING_ENABLED, "Actual"): "true",
        (SMART_CHARGING_RATE_UNIT, "Actual"): ",".join(features.rate_units),
        (SUPPORTS_DYNAMIC_PROFILES, "Actual"): "true" if features.dynamic_profiles else "false",
        (SUPPORTS_MAX_OFFLINE_DURATION, "Actual"): "true" if features.max_offline_duration else "false",
    }
    if max_power_w is not None:
        defs.append(VarDef(STATION_POWER, "decimal", unit="W", max_limit=max_power_w, live=True))
    if max_discharge_power_w is not None and any(spec.bidirectional for spec in evses):
        defs.append(VarDef(STATION_DISCHARGE_POWER, "decimal", unit="W", max_limit=max_discharge_power_w, live=True))
    for spec in evses:
        evse_defs, evse_defaults = _evse_defs(spec, features)
        defs.extend(evse_defs)
        defaults.update(evse_defaults)
    return DeviceModelSchema(defs, defaults)
