"""Payload builders for the station-initiated OCPP messages (camelCase dicts, valid for 2.0.1 and 2.1).

Metering: the EVSE's cumulative registers (Energy.Active.Import/Export.Register, Wh, rounded to mWh), the
last step's power as magnitudes (Power.Active.Import/Export, W) and the EV's SoC (%), restricted to the
measurands configured in SampledDataCtrlr.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from chargepoint_sim.evse import CONNECTOR_ID, ChargingState, Evse, Transaction
from csms.domain.clock import to_ocpp_time

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
