"""Station kinds: presets of OCPP versions and smart-charging features, and how a fleet mixes them.

- `v2x-2.1`: OCPP 2.1 (falls back to 2.0.1 if the CSMS does not speak 2.1); operation modes ChargingOnly,
  CentralSetpoint, Idle and LocalFrequency on bidirectional EVSEs; Dynamic profiles; maxOfflineDuration.
- `bidirectional-2.0.1`: OCPP 2.0.1, discharges on a negative `limit` (W or A).
- `charge-only-2.0.1`: OCPP 2.0.1, EVSEs without discharge (V2XChargingCtrlr.Enabled false): a negative
  limit is rejected.
- `a-only-2.0.1`: OCPP 2.0.1, charging schedules only in A (SmartChargingCtrlr.RateUnit "A"); discharges on
  a negative limit when its EVSEs are bidirectional.
- `charge-only-1.6` / `bidirectional-1.6`: OCPP 1.6J (`chargepoint_sim/v16.py`); the bidirectional one
  discharges on a negative limit (a vendor practice on 1.6), which the CSMS sends only once the operator has
  declared the station bidirectional.
A kind sets the station's versions and features; EVSE hardware comes from the configuration (a charge-only
kind forces the discharge rating to 0).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from chargepoint_sim.smart_charging import ALL_OPERATION_MODES, ChargingFeatures
from csms.ocpp.versions import OcppVersion


class StationKind(enum.StrEnum):
    V2X_21 = "v2x-2.1"
    BIDIRECTIONAL_201 = "bidirectional-2.0.1"
    CHARGE_ONLY_201 = "charge-only-2.0.1"
    A_ONLY_201 = "a-only-2.0.1"
    CHARGE_ONLY_16 = "charge-only-1.6"
    BIDIRECTIONAL_16 = "bidirectional-1.6"


@dataclass(frozen=True, slots=True)
class KindPreset:
    versions: tuple[OcppVersion, ...]
    features: ChargingFeatures
    charge_only: bool = False


PRESETS: Mapping[StationKind, KindPreset] = {
    StationKind.V2X_21: KindPreset(
        (OcppVersion.V21, OcppVersion.V201),
        ChargingFeatures(operation_modes=ALL_OPERATION_MODES, dynamic_profiles=True, max_offline_duration=True)),
    StationKind.BIDIRECTIONAL_201: KindPreset((OcppVersion.V201,), ChargingFeatures()),
    StationKind.CHARGE_ONLY_201: KindPreset((OcppVersion.V201,), ChargingFeatures(), charge_only=True),
    StationKind.A_ONLY_201: KindPreset((OcppVersion.V201,), ChargingFeatures(rate_units=("A",))),
    StationKind.CHARGE_ONLY_16: KindPreset((OcppVersion.V16,), ChargingFeatures(send_charging_needs=False),
                                           charge_only=True),
    StationKind.BIDIRECTIONAL_16: KindPreset((OcppVersion.V16,), ChargingFeatures(send_charging_needs=False)),
}


def kind_by_share(index: int, count: int, shares: Mapping[StationKind, float]) -> StationKind | None:
    """The kind of station `index` (1-based) of `count` when kinds are mixed by `shares` (relative weights).

    Deterministic and proportional: station i takes the kind whose cumulative share covers (i - 0.5) / count,
    kinds in declaration order of `StationKind`."""
    weights = [(kind, shares[kind]) for kind in StationKind if shares.get(kind, 0.0) > 0]
    total = sum(w for _, w in weights)
    if not weights or count <= 0:
        return None
    position = (index - 0.5) / count * total
    cumulative = 0.0
    for kind, weight in weights:
        cumulative += weight
        if position < cumulative:
            return kind
    return weights[-1][0]
