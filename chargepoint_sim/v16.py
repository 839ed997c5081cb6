"""OCPP 1.6J for the simulated station: its 2.0.1 messages and handlers, spoken in 1.6 on the wire.

The simulated world stays 2.0.1-shaped (TransactionEvents, EVSEs, profiles); `SimV16Session` rewrites what the
station sends and `v16_handlers` what the CSMS asks, both ways schema-validated in 1.6 by the session:
- BootNotification, StatusNotification (Occupied -> Charging with a transaction, else Preparing; connector = EVSE),
  Authorize (idTag), Heartbeat, MeterValues (string values, `unit`);
- TransactionEvent Started -> StartTransaction (meterStart = the import register in Wh), then a MeterValues with
  the start's other measurands; Updated with meter values -> MeterValues with the CSMS's transactionId; Ended ->
  StopTransaction (meterStop, reason, transactionData); an event without meter values has no 1.6 form (dropped);
- messages 1.6 does not have (NotifyEVChargingNeeds, NotifyReport, ...) are dropped;
- from the CSMS: RemoteStart/StopTransaction, Reset (Hard/Soft), ChangeAvailability, UnlockConnector,
  TriggerMessage, SetChargingProfile (csChargingProfiles; a negative limit is a discharge, which the station
  accepts only on a bidirectional EVSE, as a 2.0.1 station does), ClearChargingProfile, GetCompositeSchedule
  (limits cut toward zero to 0.1, 1.6's `multipleOf`), GetConfiguration / ChangeConfiguration (a few keys,
  ChargingScheduleAllowedChargingRateUnit from the station's rate units).
The CSMS issues 1.6 transaction ids: `V16Ids` maps them to the station's own, across reconnects.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from chargepoint_sim import variables
from chargepoint_sim.station import SimStation
from csms.ocpp.session import Handler, HandlerContext, RpcSession
from csms.ocpp.versions import OcppVersion

log = logging.getLogger("chargepoint_sim.v16")

_STOP_REASONS = frozenset({"EmergencyStop", "EVDisconnected", "HardReset", "Local", "Other", "PowerLoss", "Reboot",
                           "Remote", "SoftReset", "UnlockCommand", "DeAuthorized"})
_PURPOSE_TO_201 = {"ChargePointMaxProfile": "ChargingStationMaxProfile", "TxDefaultProfile": "TxDefaultProfile",
                   "TxProfile": "TxProfile"}
_FIRMWARE_STATUSES = frozenset({"Downloaded", "DownloadFailed", "Downloading", "Idle", "InstallationFailed",
                                "Installing", "Installed"})


@dataclass
class V16Ids:
    """The station's transaction ids and the CSMS's 1.6 integer ones (kept by the link across reconnects)."""

    to_int: dict[str, int] = field(default_factory=dict)
    remote_start_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def to_sim(self, transaction_id: int) -> str | None:
        return next((sim for sim, n in self.to_int.items() if n == transaction_id), None)


def _cut(value: float) -> float:
    """Toward zero to one decimal."""
    return math.copysign(math.floor(abs(value) * 10 + 1e-7) / 10, value) + 0.0


def meter_values_16(meter_values: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """2.x MeterValueType list in 1.6 form."""
    out = []
    for mv in meter_values:
        sampled = []
        for sv in mv["sampledValue"]:
            item = {"value": f"{float(sv['value']):.3f}".rstrip("0").rstrip(".")}
            for key in ("measurand", "context", "location", "phase"):
                if key in sv:
                    item[key] = sv[key]
            if "unitOfMeasure" in sv and "unit" in sv["unitOfMeasure"]:
                item["unit"] = sv["unitOfMeasure"]["unit"]
            sampled.append(item)
        out.append({"timestamp": mv["timestamp"], "sampledValue": sampled})
    return out


def _import_wh(meter_values: list[dict[str, Any]], fallback: float) -> int:
    for mv in meter_values:
        for sv in mv["sampledValue"]:
            if sv.get("measurand", "Energy.Active.Import.Register") == "Energy.Active.Import.Register":
                return int(float(sv["value"]))
    return int(fallback)


class SimV16Session(RpcSession):
    """The station's session on an `ocpp1.6` connection: `call` takes the station's 2.0.1 messages."""

    def __init__(self, *, station: SimStation, ids: V16Ids, **options: Any) -> None:
        super().__init__(**options)
        self.station = station
        self.ids = ids

    async def call(self, action: str, payload: dict[str, Any], timeout_s: float | None = None) -> dict[str, Any]:
        if action == "BootNotification":
            info = payload["chargingStation"]
            return await super().call(action, {"chargePointVendor": info["vendorName"],
                                               "chargePointModel": info["model"]}, timeout_s)
        if action == "StatusNotification":
            evse = self.station.evses.get(payload["evseId"])
            status = payload["connectorStatus"]
            if status == "Occupied":
                status = "Charging" if evse is not None and evse.transaction is not None else "Preparing"
            await super().call(action, {"connectorId": payload["evseId"], "errorCode": "NoError", "status": status,
                                        "timestamp": payload["timestamp"]}, timeout_s)
            return {}
        if action == "Authorize":
            answer = await super().call(action, {"idTag": payload["idToken"]["idToken"][:20]}, timeout_s)
            return {"idTokenInfo": {"status": answer["idTagInfo"]["status"]}}
        if action == "MeterValues":
            await super().call(action, {"connectorId": payload["evseId"],
                                        "meterValue": meter_values_16(payload["meterValue"])}, timeout_s)
            return {}
        if action == "TransactionEvent":
            return await self._transaction_event(payload, timeout_s)
        if action == "FirmwareStatusNotification" and payload["status"] in _FIRMWARE_STATUSES:
            return await super().call(action, {"status": payload["status"]}, timeout_s)
        if action in ("Heartbeat", "SecurityEventNotification", "DataTransfer"):
            return await super().call(action, payload, timeout_s)
        log.debug("%s: %s has no OCPP 1.6 form; not sent", self.station_id, action)
        return {}

    async def _transaction_event(self, payload: dict[str, Any], timeout_s: float | None) -> dict[str, Any]:
        sim_id = payload["transactionInfo"]["transactionId"]
        meter = payload.get("meterValue", [])
        tx = self.station.transactions.get(sim_id)
        if payload["eventType"] == "Started":
            id_tag = payload.get("idToken", {}).get("idToken", "") or (tx.id_token if tx else "") or "SIM"
            start = tx.import_register_start_wh if tx is not None else 0.0
            answer = await super().call("StartTransaction", {
                "connectorId": payload["evse"]["id"], "idTag": id_tag[:20],
                "meterStart": _import_wh(meter, start), "timestamp": payload["timestamp"]}, timeout_s)
            self.ids.to_int[sim_id] = int(answer["transactionId"])
            if meter:
                await super().call("MeterValues", {"connectorId": payload["evse"]["id"],
                                                   "transactionId": answer["transactionId"],
                                                   "meterValue": meter_values_16(meter)}, timeout_s)
            return {"idTokenInfo": {"status": answer["idTagInfo"]["status"]}}
        transaction_id = self.ids.to_int.get(sim_id)
        if transaction_id is None:
            log.warning("%s: %s event of a transaction the CSMS never numbered; dropped", self.station_id,
                        payload["eventType"])
            return {}
        if payload["eventType"] == "Ended":
            reason = payload["transactionInfo"].get("stoppedReason", "Local")
            request: dict[str, Any] = {"transactionId": transaction_id, "timestamp": payload["timestamp"],
                                       "meterStop": _import_wh(meter, tx.import_register_start_wh if tx else 0.0),
                                       "reason": reason if reason in _STOP_REASONS else "Other"}
            if meter:
                request["transactionData"] = meter_values_16(meter)
            await super().call("StopTransaction", request, timeout_s)
            return {}
        if meter:
            await super().call("MeterValues", {"connectorId": payload["evse"]["id"], "transactionId": transaction_id,
                                               "meterValue": meter_values_16(meter)}, timeout_s)
        return {}


Translate = Callable[[dict[str, Any]], tuple[str, dict[str, Any]]]


def v16_handlers(handlers: Mapping[str, Handler], station: SimStation, ids: V16Ids) -> dict[str, Handler]:
    """The station's 2.0.1 `handlers` answering the CSMS's 1.6 calls (see the module docstring)."""

    def via(translate: Translate, answer: Callable[[dict[str, Any]], dict[str, Any]]) -> Handler:
        async def handler(ctx: HandlerContext, payload: dict[str, Any]) -> dict[str, Any]:
            action, request = translate(payload)
            inner = HandlerContext(ctx.station_id, OcppVersion.V201, ctx.session, ctx.message_id, ctx.follow_ups)
            return answer(await handlers[action](inner, request))
        return handler

    def status(accepted: tuple[str, ...], otherwise: str = "Rejected") -> Callable[[dict[str, Any]], dict[str, Any]]:
        return lambda r: {"status": r["status"] if r["status"] in accepted else otherwise}

    def remote_start(p: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        request: dict[str, Any] = {"idToken": {"idToken": p["idTag"], "type": "Central"},
                                   "remoteStartId": next(ids.remote_start_ids)}
        if p.get("connectorId"):
            request["evseId"] = p["connectorId"]
        return "RequestStartTransaction", request

    def remote_stop(p: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        sim_id = ids.to_sim(p["transactionId"]) or f"unknown-{p['transactionId']}"
        return "RequestStopTransaction", {"transactionId": sim_id}

    def availability(p: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        request: dict[str, Any] = {"operationalStatus": p["type"]}
        if p["connectorId"]:
            request["evse"] = {"id": p["connectorId"]}
        return "ChangeAvailability", request

    def trigger(p: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        message = p["requestedMessage"]
        request: dict[str, Any] = {"requestedMessage": "LogStatusNotification"
                                   if message == "DiagnosticsStatusNotification" else message}
        if p.get("connectorId"):
            request["evse"] = {"id": p["connectorId"]}
        return "TriggerMessage", request

    def set_profile(p: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        profile16 = p["csChargingProfiles"]
        profile: dict[str, Any] = {
            "id": profile16["chargingProfileId"], "stackLevel": profile16["stackLevel"],
            "chargingProfilePurpose": _PURPOSE_TO_201[profile16["chargingProfilePurpose"]],
            "chargingProfileKind": profile16["chargingProfileKind"],
            "chargingSchedule": [{"id": profile16["chargingProfileId"], **profile16["chargingSchedule"]}]}
        for key in ("recurrencyKind", "validFrom", "validTo"):
            if key in profile16:
                profile[key] = profile16[key]
        if "transactionId" in profile16:
            profile["transactionId"] = ids.to_sim(profile16["transactionId"]) or f"unknown-{profile16['transactionId']}"
        return "SetChargingProfile", {"evseId": p["connectorId"], "chargingProfile": profile}

    def clear_profile(p: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        request: dict[str, Any] = {}
        if "id" in p:
            request["chargingProfileId"] = p["id"]
        criteria = {k: p[k] for k in ("stackLevel",) if k in p}
        if "connectorId" in p:
            criteria["evseId"] = p["connectorId"]
        if "chargingProfilePurpose" in p:
            criteria["chargingProfilePurpose"] = _PURPOSE_TO_201[p["chargingProfilePurpose"]]
        if criteria:
            request["chargingProfileCriteria"] = criteria
        return "ClearChargingProfile", request

    def composite(p: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        request = {"evseId": p["connectorId"], "duration": p["duration"]}
        if "chargingRateUnit" in p:
            request["chargingRateUnit"] = p["chargingRateUnit"]
        return "GetCompositeSchedule", request

    def composite_answer(r: dict[str, Any]) -> dict[str, Any]:
        schedule = r.get("schedule")
        if r["status"] != "Accepted" or schedule is None:
            return {"status": "Rejected"}
        periods = [{"startPeriod": q["startPeriod"], "limit": _cut(q.get("limit", q.get("setpoint", 0.0))),
                    **({"numberPhases": q["numberPhases"]} if "numberPhases" in q else {})}
                   for q in schedule["chargingSchedulePeriod"]]
        return {"status": "Accepted", "connectorId": schedule["evseId"], "scheduleStart": schedule["scheduleStart"],
                "chargingSchedule": {"duration": schedule["duration"], "startSchedule": schedule["scheduleStart"],
                                     "chargingRateUnit": schedule["chargingRateUnit"],
                                     "chargingSchedulePeriod": periods}}

    def configuration() -> dict[str, str]:
        units = [{"W": "Power", "A": "Current"}[u] for u in station.spec.charging.rate_units]
        return {"ChargingScheduleAllowedChargingRateUnit": ",".join(units),
                "HeartbeatInterval": str(station.device_model.int_value(variables.HEARTBEAT_INTERVAL, 300)),
                "NumberOfConnectors": str(len(station.evses)), "ChargeProfileMaxStackLevel": "8"}

    async def get_configuration(ctx: HandlerContext, payload: dict[str, Any]) -> dict[str, Any]:
        config = configuration()
        wanted = payload.get("key") or list(config)
        return {"configurationKey": [{"key": k, "readonly": k != "HeartbeatInterval", "value": config[k]}
                                     for k in wanted if k in config],
                "unknownKey": [k for k in wanted if k not in config]}

    async def change_configuration(ctx: HandlerContext, payload: dict[str, Any]) -> dict[str, Any]:
        if payload["key"] == "HeartbeatInterval" and payload["value"].isdigit():
            station.device_model.set_value(variables.HEARTBEAT_INTERVAL, payload["value"])
            return {"status": "Accepted"}
        return {"status": "Rejected" if payload["key"] in configuration() else "NotSupported"}

    def same(r: dict[str, Any]) -> dict[str, Any]:
        return {"status": r["status"]}

    table: dict[str, Handler] = {
        "RemoteStartTransaction": via(remote_start, same),
        "RemoteStopTransaction": via(remote_stop, same),
        "Reset": via(lambda p: ("Reset", {"type": "Immediate" if p["type"] == "Hard" else "OnIdle"}),
                     status(("Accepted",), "Accepted")),  # Scheduled: it will reset
        "ChangeAvailability": via(availability, same),
        "UnlockConnector": via(lambda p: ("UnlockConnector", {"evseId": p["connectorId"], "connectorId": 1}),
                               status(("Unlocked",), "UnlockFailed")),
        "TriggerMessage": via(trigger, status(("Accepted", "Rejected", "NotImplemented"))),
        "SetChargingProfile": via(set_profile, status(("Accepted",))),
        "ClearChargingProfile": via(clear_profile, status(("Accepted",), "Unknown")),
        "GetCompositeSchedule": via(composite, composite_answer),
        "GetConfiguration": get_configuration,
        "ChangeConfiguration": change_configuration,
    }
    return {action: handler for action, handler in table.items()
            if action in ("GetConfiguration", "ChangeConfiguration") or _inner_action(action) in handlers}


def _inner_action(action: str) -> str:
    return {"RemoteStartTransaction": "RequestStartTransaction",
            "RemoteStopTransaction": "RequestStopTransaction"}.get(action, action)


