"""OCPP 1.6 MeterValue lists as `MeterSample`s: the 1.6 form of `csms.handlers.metering`.

1.6 differs from 2.x in the sampled value: `value` is a string, `unit` sits on the value itself (no
`unitOfMeasure`, no `multiplier`), and `format` may be `SignedData` (an opaque signed blob, not a number). Values
with a `phase` or in SignedData format are skipped; energy is read from Energy.Active.Import.Register and
Energy.Active.Export.Register (Wh or kWh, default Wh), power from Power.Active.Import/Export (W or kW), SoC in
Percent. A numeric field that does not hold a finite number is refused as PropertyConstraintViolation.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from csms.domain.clock import parse_ocpp_time
from csms.domain.records import MeterSample
from csms.errors import PropertyConstraintViolation
from csms.handlers.metering import parse_meter_values
from csms.ocpp.wire import v16, v201

# StartTransaction's / MeterValues' meterValue, StopTransaction's transactionData
MeterValues16 = Sequence[v16.MeterValue | v16.StopTransactionRequestTransactionData]

_MEASURANDS_201: dict[str, v201.MeasurandEnumType] = {m.value: m for m in v201.MeasurandEnumType if m.value in (
    "Energy.Active.Import.Register", "Energy.Active.Export.Register", "Power.Active.Import", "Power.Active.Export",
    "SoC")}  # the numeric measurands this CSMS reads, 1.6 value -> 2.0.1 member (a dict: faster than Enum(value))
_CONTEXTS_201: dict[str, v201.ReadingContextEnumType] = {m.value: m for m in v201.ReadingContextEnumType}
_UNITS = {"Wh": "Wh", "kWh": "kWh", "W": "W", "kW": "kW", "Percent": "Percent"}
_NUMBER_BOUND = 1e15


def _number(raw: str, field: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or abs(value) > _NUMBER_BOUND:
        raise PropertyConstraintViolation(f"{field}: {raw[:40]!r} is not a number", {"field": field})
    return value


def to_201_meter_values(meter_values: MeterValues16, field: str = "meterValue") -> list[v201.MeterValueType]:
    """The 2.x MeterValueType form of 1.6 meter values (only the sampled values this CSMS reads; the 1.6
    measurands and reading contexts it keeps are all 2.0.1 ones)."""
    out: list[v201.MeterValueType] = []
    for i, meter_value in enumerate(meter_values):
        sampled: list[v201.SampledValueType] = []
        for j, value in enumerate(meter_value["sampledValue"]):
            measurand = value.get("measurand", "Energy.Active.Import.Register")
            if "phase" in value or value.get("format") == "SignedData" or measurand not in _MEASURANDS_201:
                continue
            item: v201.SampledValueType = {"value": _number(value["value"], f"{field}[{i}].sampledValue[{j}].value"),
                                           "measurand": _MEASURANDS_201[measurand]}
            if "unit" in value and value["unit"] in _UNITS:
                item["unitOfMeasure"] = {"unit": _UNITS[value["unit"]]}
            if "context" in value:
                item["context"] = _CONTEXTS_201[value["context"]]
            sampled.append(item)
        out.append({"timestamp": meter_value["timestamp"], "sampledValue": sampled})
    return out


def parse_meter_values_v16(meter_values: MeterValues16, field: str = "meterValue") -> list[MeterSample]:
    """`MeterSample`s of 1.6 meter values (a meter value with none of our measurands gives an empty sample)."""
    return parse_meter_values(to_201_meter_values(meter_values, field))


def register_sample(timestamp: str, register_wh: int) -> MeterSample:
    """The import register a StartTransaction's meterStart or a StopTransaction's meterStop reports (Wh)."""
    return MeterSample(measured_at=parse_ocpp_time(timestamp), import_register_wh=float(register_wh),
                       context="Transaction.Begin")
