"""The CSMS's own calls to an OCPP 1.6 station: the 2.0.1-shaped requests the services and the API build
(remote start/stop, reset, availability, unlock, trigger, smart charging, reservations, local lists, firmware)
rewritten in 1.6 form, and their answers read back in 2.0.1 form, so that one fleet is driven whatever each
station speaks.

| 2.0.1 request (as the CSMS builds it)             | sent to a 1.6 station as                                  |
|---------------------------------------------------|-----------------------------------------------------------|
| RequestStartTransaction idToken, evseId            | RemoteStartTransaction idTag, connectorId                  |
| RequestStopTransaction transactionId "17"          | RemoteStopTransaction transactionId 17                     |
| Reset Immediate / OnIdle                           | Reset Hard / Soft                                          |
| ChangeAvailability operationalStatus, evse.id      | ChangeAvailability type, connectorId (0: the station)      |
| UnlockConnector evseId                             | UnlockConnector connectorId                                |
| TriggerMessage evse.id, LogStatusNotification      | TriggerMessage connectorId, DiagnosticsStatusNotification  |
| SetChargingProfile evseId, chargingProfile         | SetChargingProfile connectorId, csChargingProfiles         |
| ClearChargingProfile chargingProfileId / criteria  | ClearChargingProfile id / connectorId, purpose, stackLevel |
| GetCompositeSchedule evseId (answer: `schedule`)   | GetCompositeSchedule connectorId (answer: chargingSchedule) |
| CertificateSigned certificateChain, certificateType | CertificateSigned certificateChain (1.6 security extension) |
| ReserveNow id, idToken, expiryDateTime, evseId      | ReserveNow reservationId, idTag, expiryDate, connectorId   |
| SendLocalList versionNumber, idToken/idTokenInfo    | SendLocalList listVersion, idTag/idTagInfo                 |
| GetLocalListVersion (answer: versionNumber)         | GetLocalListVersion (answer: listVersion)                  |
| UpdateFirmware requestId, firmware (signed)         | UpdateFirmware location, retrieveDate (SignedUpdateFirmware) |

A request already in 1.6 form (an operator's raw 1.6 call) is sent as it is; either way the wire payload is
validated against the 1.6 schema before it is sent (`RpcSession.call`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from csms.ocpp.profiles_v16 import from_201_profile, v16_transaction_id
from csms.ocpp.session import RpcSession
from csms.ocpp.wire import v16, v201

Answer = Callable[[dict[str, Any]], dict[str, Any]]


def _same(answer: dict[str, Any]) -> dict[str, Any]:
    return answer


def _remote_start(p: dict[str, Any]) -> tuple[str, dict[str, Any], Answer]:
    out: dict[str, Any] = {"idTag": p["idToken"]["idToken"]}
    if "evseId" in p:
        out["connectorId"] = p["evseId"]
    if "chargingProfile" in p:
        out["chargingProfile"] = from_201_profile(p["chargingProfile"])
    return "RemoteStartTransaction", out, _same


def _composite_answer(connector_id: int) -> Answer:
    def back(answer: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"status": answer["status"]}
        schedule = answer.get("chargingSchedule")
        if schedule is not None:
            out["schedule"] = {**schedule, "evseId": answer.get("connectorId", connector_id),
                               "scheduleStart": answer.get("scheduleStart", schedule.get("startSchedule")),
                               "duration": schedule.get("duration", 0)}
        return out
    return back


_V16_AUTHORIZATION = frozenset(v16.AuthorizationStatus)


def _local_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """A 2.0.1 AuthorizationData as a 1.6 one (idTag; idTagInfo with expiryDate and parentIdTag)."""
    out: dict[str, Any] = {"idTag": entry["idToken"]["idToken"][:20]}
    info = entry.get("idTokenInfo")
    if info is not None:
        status = info["status"] if info["status"] in _V16_AUTHORIZATION else v16.AuthorizationStatus.INVALID
        out["idTagInfo"] = {"status": status}
        if "cacheExpiryDateTime" in info:
            out["idTagInfo"]["expiryDate"] = info["cacheExpiryDateTime"]
        if "groupIdToken" in info:
            out["idTagInfo"]["parentIdTag"] = info["groupIdToken"]["idToken"][:20]
    return out


def to_v16(action: str, p: dict[str, Any]) -> tuple[str, dict[str, Any], Answer]:
    """The 1.6 action and payload for a CSMS request, and how to read the answer in 2.0.1 form."""
    if action == "RequestStartTransaction":
        return _remote_start(p)
    if action == "RequestStopTransaction":
        return "RemoteStopTransaction", {"transactionId": v16_transaction_id(str(p["transactionId"]))}, _same
    if action == "Reset" and p.get("type") in ("Immediate", "OnIdle"):
        return action, {"type": "Hard" if p["type"] == "Immediate" else "Soft"}, _same
    if action == "ChangeAvailability" and "operationalStatus" in p:
        return action, {"connectorId": p.get("evse", {}).get("id", 0), "type": p["operationalStatus"]}, _same
    if action == "UnlockConnector" and "evseId" in p:
        return action, {"connectorId": p["evseId"]}, _same
    if action == "TriggerMessage" and ("evse" in p or p["requestedMessage"] == "LogStatusNotification"):
        out: dict[str, Any] = {"requestedMessage": "DiagnosticsStatusNotification"
                               if p["requestedMessage"] == "LogStatusNotification" else p["requestedMessage"]}
        if "evse" in p:
            out["connectorId"] = p["evse"]["id"]
        return action, out, _same
    if action == "SetChargingProfile" and "chargingProfile" in p:
        return action, {"connectorId": p["evseId"], "csChargingProfiles": from_201_profile(p["chargingProfile"])}, _same
    if action == "ClearChargingProfile" and ("chargingProfileId" in p or "chargingProfileCriteria" in p):
        criteria = p.get("chargingProfileCriteria", {})
        out = {"id": p["chargingProfileId"]} if "chargingProfileId" in p else {}
        for key, key16 in (("evseId", "connectorId"), ("chargingProfilePurpose", "chargingProfilePurpose"),
                           ("stackLevel", "stackLevel")):
            if key in criteria:
                out[key16] = criteria[key]
        if out.get("chargingProfilePurpose") == "ChargingStationMaxProfile":
            out["chargingProfilePurpose"] = "ChargePointMaxProfile"
        return action, out, _same
    if action == "ReserveNow" and "idToken" in p:
        out = {"connectorId": p.get("evseId", 0), "expiryDate": p["expiryDateTime"],
               "idTag": p["idToken"]["idToken"][:20], "reservationId": p["id"]}
        if "groupIdToken" in p:
            out["parentIdTag"] = p["groupIdToken"]["idToken"][:20]
        return action, out, _same
    if action == "SendLocalList" and "versionNumber" in p:
        out = {"listVersion": p["versionNumber"], "updateType": p["updateType"]}
        if "localAuthorizationList" in p:
            out["localAuthorizationList"] = [_local_entry(e) for e in p["localAuthorizationList"]]
        return action, out, lambda a: {"status": "Failed" if a["status"] == "NotSupported" else a["status"]}
    if action == "GetLocalListVersion":
        return action, p, lambda a: {"versionNumber": a["listVersion"]} if "listVersion" in a else a
    if action == "UpdateFirmware" and "firmware" in p:
        firmware = p["firmware"]
        if "signature" in firmware and "signingCertificate" in firmware:  # Security Whitepaper: signed firmware
            return "SignedUpdateFirmware", p, _same
        out = {"location": firmware["location"], "retrieveDate": firmware["retrieveDateTime"],
               **{k: p[k] for k in ("retries", "retryInterval") if k in p}}
        return action, out, lambda a: {"status": v201.UpdateFirmwareStatusEnumType.ACCEPTED}  # 1.6 answers {}
    if action == "CertificateSigned" and "certificateType" in p:
        return action, {"certificateChain": p["certificateChain"]}, _same
    if action == "GetCompositeSchedule" and "evseId" in p:
        out = {"connectorId": p["evseId"], "duration": p["duration"]}
        if "chargingRateUnit" in p:
            out["chargingRateUnit"] = p["chargingRateUnit"]
        return action, out, _composite_answer(p["evseId"])
    return action, p, _same


class V16Session(RpcSession):
    """An `RpcSession` speaking OCPP 1.6 whose `call` also takes the CSMS's 2.0.1-shaped requests (`to_v16`)."""

    async def call(self, action: str, payload: dict[str, Any], timeout_s: float | None = None) -> dict[str, Any]:
        wire_action, wire_payload, back = to_v16(action, payload)
        return back(await super().call(wire_action, wire_payload, timeout_s))
