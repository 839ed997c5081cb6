"""Learn what an EVSE can be commanded to do from the station's device model (NotifyReport/GetVariables).

Variables read (OCPP 2.1 appendix names; 2.0.1 stations may report them as custom components):
- `V2XChargingCtrlr.Enabled` (EVSE tier): true -> the EVSE discharges on command (2.0.1: negative limit);
- `V2XChargingCtrlr.SupportedOperationModes` (EVSE tier, 2.1): operation modes; CentralSetpoint -> discharge;
- `SmartChargingCtrlr.RateUnit`: "A", "W" or both;
- `SmartChargingCtrlr.SupportsDynamicProfiles`, `SupportsMaxOfflineDuration` (booleans, 2.1);
- `EVSE.Power` / `EVSE.DischargePower` (MaxSet, else Actual): charge / discharge rating in W;
- `EVSE.SupplyPhases` (0 = DC);
- `ChargingStation.Power` / `ChargingStation.DischargePower` (station tier, characteristic maxLimit, or a lower
  MaxSet): the whole station's charge / discharge rating in W ("designed total operating load power", 2.0.1
  appendix 3.2.11), below the sum of its EVSEs' on many multi-EVSE stations; a station that can discharge but
  reports only `Power` is taken to export at most that much too.
An operator override (API) replaces whatever was learned.
"""

from __future__ import annotations

from collections.abc import Iterable

from ocpp.v201.enums import AttributeEnumType

from csms.domain.capabilities import StationCapabilities
from csms.domain.records import VariableRecord


def _truthy(value: str) -> bool:
    return value.strip().lower() == "true"


def _members(value: str) -> frozenset[str]:
    return frozenset(v.strip() for v in value.split(",") if v.strip())


def capabilities_from_variables(ocpp_version: str, variables: Iterable[VariableRecord],
                                evse_id: int) -> StationCapabilities:
    """Capabilities of `evse_id` (station-wide variables apply to every EVSE)."""
    values: dict[tuple[str, str, str], str] = {}
    max_limits: dict[tuple[str, str], float] = {}  # station-tier characteristics
    for var in variables:
        if var.evse_id not in (None, evse_id):
            continue
        values[(var.component, var.variable, var.attribute_type)] = var.value
        if var.evse_id is None and var.max_limit is not None:
            max_limits[(var.component, var.variable)] = var.max_limit

    def get(component: str, variable: str, *types: str) -> str | None:
        for attribute_type in types or (AttributeEnumType.actual,):
            value = values.get((component, variable, attribute_type))
            if value not in (None, ""):
                return value
        return None

    def number(raw: str | None) -> float | None:
        try:
            return None if raw is None else float(raw)
        except ValueError:
            return None

    def power(variable: str) -> float | None:
        return number(get("EVSE", variable, AttributeEnumType.max_set, AttributeEnumType.actual))

    def station_rating(variable: str) -> float | None:
        """The station's rating: its maxLimit, or a MaxSet below it (None: neither reported)."""
        max_set = number(get("ChargingStation", variable, "MaxSet"))
        known = [v for v in (max_limits.get(("ChargingStation", variable)), max_set) if v is not None and v >= 0]
        return min(known) if known else None

    modes = _members(get("V2XChargingCtrlr", "SupportedOperationModes") or "")
    enabled = _truthy(get("V2XChargingCtrlr", "Enabled") or "false")
    if ocpp_version == "ocpp2.1":
        discharge = enabled and (not modes or "CentralSetpoint" in modes)
    else:
        discharge = enabled
    rate_units = _members(get("SmartChargingCtrlr", "RateUnit") or "A,W") & {"A", "W"}
    phases_raw = get("EVSE", "SupplyPhases")
    phases = int(phases_raw) if phases_raw and phases_raw.isdigit() and int(phases_raw) > 0 else 3
    station_charge_w = station_rating("Power")
    station_discharge_w = station_rating("DischargePower")
    if station_discharge_w is None and discharge:
        station_discharge_w = station_charge_w
    return StationCapabilities(
        ocpp_version=ocpp_version,
        discharge_supported=discharge,
        rate_units=rate_units or frozenset({"A"}),
        operation_modes=modes,
        supports_dynamic_profiles=_truthy(get("SmartChargingCtrlr", "SupportsDynamicProfiles") or "false"),
        supports_max_offline_duration=_truthy(get("SmartChargingCtrlr", "SupportsMaxOfflineDuration") or "false"),
        phases=phases,
        max_charge_power_w=power("Power"),
        max_discharge_power_w=power("DischargePower") if discharge else 0.0,
        station_max_charge_power_w=station_charge_w,
        station_max_discharge_power_w=station_discharge_w,
    )
