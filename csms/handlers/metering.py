"""Turn OCPP MeterValueType lists into `MeterSample`s (block J measurands we use for energy accounting).

Only whole-station/EVSE values count (sampled values with a `phase` are skipped so phases are not added on
top of totals). Units: Wh/kWh for energy, W/kW for power, Percent for SoC, with the OCPP `multiplier`
(power of ten). Import and export power magnitudes combine into one signed `power_w` (+ import).
"""

from __future__ import annotations

from collections.abc import Sequence

from csms.domain.clock import parse_ocpp_time
from csms.domain.records import MeterSample
from csms.ocpp.wire import v2x

_ENERGY_SCALE = {"Wh": 1.0, "kWh": 1000.0}
_POWER_SCALE = {"W": 1.0, "kW": 1000.0}


def _scaled(value: float, uom: v2x.UnitOfMeasureType | None, scales: dict[str, float], default: str) -> float:
    unit = default if uom is None else uom.get("unit", default)
    multiplier = 0 if uom is None else uom.get("multiplier", 0)
    return value * scales.get(unit, 1.0) * (10.0 ** multiplier)


def parse_meter_values(meter_values: Sequence[v2x.MeterValueType]) -> list[MeterSample]:
    samples: list[MeterSample] = []
    for meter_value in meter_values:
        import_wh = export_wh = power_import_w = power_export_w = soc = None
        context = ""
        for sampled in meter_value["sampledValue"]:
            if "phase" in sampled:
                continue
            measurand = sampled.get("measurand", "Energy.Active.Import.Register")
            value = float(sampled["value"])
            uom = sampled.get("unitOfMeasure")
            context = sampled.get("context", context)
            if measurand == "Energy.Active.Import.Register":
                import_wh = _scaled(value, uom, _ENERGY_SCALE, "Wh")
            elif measurand == "Energy.Active.Export.Register":
                export_wh = _scaled(value, uom, _ENERGY_SCALE, "Wh")
            elif measurand == "Power.Active.Import":
                power_import_w = _scaled(value, uom, _POWER_SCALE, "W")
            elif measurand == "Power.Active.Export":
                power_export_w = _scaled(value, uom, _POWER_SCALE, "W")
            elif measurand == "SoC":
                soc = value / 100.0
        power_w = None
        if power_import_w is not None or power_export_w is not None:
            power_w = (power_import_w or 0.0) - (power_export_w or 0.0)
        samples.append(
            MeterSample(
                measured_at=parse_ocpp_time(meter_value["timestamp"]),
                import_register_wh=import_wh,
                export_register_wh=export_wh,
                power_w=power_w,
                soc=soc,
                context=context,
            )
        )
    return samples
