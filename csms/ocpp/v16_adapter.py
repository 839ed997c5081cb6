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

from collections.abc import Callable, Mapping
from typing import Any

from csms.ocpp.profiles_v16 import from_201_profile, v16_transaction_id
from csms.ocpp.session import RpcSession
from csms.ocpp.wire import v16, v201

# A request as the CSMS hands it over is not validated yet, in 2.0.1 form or already in 1.6 form (an operator's
# raw 1.6 call), hence `dict[str, Any]`; what `to_v16` builds is the 1.6 request's TypedDict. The answer mapping
# works on the JSON of any action (the session validated it against the 1.6 response schema).
Answer = Callable[[dict[str, Any]], dict[str, Any]]
Converted = tuple[str, Mapping[str, object], Answer]


def _same(answer: dict[str, Any]) -> dict[str, Any]:
    return answer


def _remote_start(p: dict[str, Any]) -> Converted:
    out: v16.RemoteStartTransactionRequest = {"idTag": p["idToken"]["idToken"]}
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


def _local_entry(entry: dict[str, Any]) -> v16.SendLocalListRequestLocalAuthorizationList:
    """A 2.0.1 AuthorizationData as a 1.6 one (idTag; idTagInfo with expiryDate and parentIdTag)."""
    out: v16.SendLocalListRequestLocalAuthorizationList = {"idTag": entry["idToken"]["idToken"][:20]}
    info = entry.get("idTokenInfo")
    if info is not None:
        status = info["status"] if info["status"] in _V16_AUTHORIZATION else v16.AuthorizationStatus.INVALID
        tag_info: v16.IdTagInfo = {"status": status}
        if "cacheExpiryDateTime" in info:
            tag_info["expiryDate"] = info["cacheExpiryDateTime"]
        if "groupIdToken" in info:
            tag_info["parentIdTag"] = info["groupIdToken"]["idToken"][:20]
        out["idTagInfo"] = tag_info
    return out


_LOG_STATUS = v201.MessageTriggerEnumType.LOG_STATUS_NOTIFICATION
_RESETS = {v201.ResetEnumType.IMMEDIATE: v16.ResetType.HARD, v201.ResetEnumType.ON_IDLE: v16.ResetType.SOFT}


def to_v16(action: str, p: dict[str, Any]) -> Converted:
    """The 1.6 action and payload for a CSMS request, and how to read the answer in 2.0.1 form."""
    if action == "RequestStartTransaction":
        return _remote_start(p)
    if action == "RequestStopTransaction":
        stop: v16.RemoteStopTransactionRequest = {"transactionId": v16_transaction_id(str(p["transactionId"]))}
        return "RemoteStopTransaction", stop, _same
    if action == "Reset" and p.get("type") in tuple(_RESETS):  # a tuple: an unhashable value is just no match
        reset: v16.ResetRequest = {"type": _RESETS[p["type"]]}
        return action, reset, _same
    if action == "ChangeAvailability" and "operationalStatus" in p:
        availability: v16.ChangeAvailabilityRequest = {"connectorId": p.get("evse", {}).get("id", 0),
                                                       "type": p["operationalStatus"]}
        return action, availability, _same
    if action == "UnlockConnector" and "evseId" in p:
        unlock: v16.UnlockConnectorRequest = {"connectorId": p["evseId"]}
        return action, unlock, _same
    if action == "TriggerMessage" and ("evse" in p or p["requestedMessage"] == _LOG_STATUS):
        trigger: v16.TriggerMessageRequest = {
            "requestedMessage": v16.TriggerMessageRequestRequestedMessage.DIAGNOSTICS_STATUS_NOTIFICATION
            if p["requestedMessage"] == _LOG_STATUS else p["requestedMessage"]}
        if "evse" in p:
            trigger["connectorId"] = p["evse"]["id"]
        return action, trigger, _same
    if action == "SetChargingProfile" and "chargingProfile" in p:
        profile: v16.SetChargingProfileRequest = {"connectorId": p["evseId"],
                                                  "csChargingProfiles": from_201_profile(p["chargingProfile"])}
        return action, profile, _same
    if action == "ClearChargingProfile" and ("chargingProfileId" in p or "chargingProfileCriteria" in p):
        return action, _clear_profile(p), _same
    if action == "ReserveNow" and "idToken" in p:
        reserve: v16.ReserveNowRequest = {"connectorId": p.get("evseId", 0), "expiryDate": p["expiryDateTime"],
                                          "idTag": p["idToken"]["idToken"][:20], "reservationId": p["id"]}
        if "groupIdToken" in p:
            reserve["parentIdTag"] = p["groupIdToken"]["idToken"][:20]
        return action, reserve, _same
    if action == "SendLocalList" and "versionNumber" in p:
        local_list: v16.SendLocalListRequest = {"listVersion": p["versionNumber"], "updateType": p["updateType"]}
        if "localAuthorizationList" in p:
            local_list["localAuthorizationList"] = [_local_entry(e) for e in p["localAuthorizationList"]]
        return action, local_list, _local_list_answer
    if action == "GetLocalListVersion":
        return action, p, lambda a: {"versionNumber": a["listVersion"]} if "listVersion" in a else a
    if action == "UpdateFirmware" and "firmware" in p:
        firmware = p["firmware"]
        if "signature" in firmware and "signingCertificate" in firmware:  # Security Whitepaper: signed firmware
            return "SignedUpdateFirmware", p, _same
        update: v16.UpdateFirmwareRequest = {"location": firmware["location"],
                                             "retrieveDate": firmware["retrieveDateTime"]}
        if "retries" in p:
            update["retries"] = p["retries"]
        if "retryInterval" in p:
            update["retryInterval"] = p["retryInterval"]
        return action, update, lambda a: {"status": v201.UpdateFirmwareStatusEnumType.ACCEPTED}  # 1.6 answers {}
    if action == "CertificateSigned" and "certificateType" in p:
        return action, {"certificateChain": p["certificateChain"]}, _same
    if action == "GetCompositeSchedule" and "evseId" in p:
        composite: v16.GetCompositeScheduleRequest = {"connectorId": p["evseId"], "duration": p["duration"]}
        if "chargingRateUnit" in p:
            composite["chargingRateUnit"] = p["chargingRateUnit"]
        return action, composite, _composite_answer(p["evseId"])
    return action, p, _same


def _clear_profile(p: dict[str, Any]) -> v16.ClearChargingProfileRequest:
    criteria = p.get("chargingProfileCriteria", {})
    out: v16.ClearChargingProfileRequest = {"id": p["chargingProfileId"]} if "chargingProfileId" in p else {}
    if "evseId" in criteria:
        out["connectorId"] = criteria["evseId"]
    if "chargingProfilePurpose" in criteria:
        purpose = criteria["chargingProfilePurpose"]
        out["chargingProfilePurpose"] = v16.ChargingProfilePurposeType.CHARGE_POINT_MAX_PROFILE \
            if purpose == v201.ChargingProfilePurposeEnumType.CHARGING_STATION_MAX_PROFILE else purpose
    if "stackLevel" in criteria:
        out["stackLevel"] = criteria["stackLevel"]
    return out


def _local_list_answer(answer: dict[str, Any]) -> dict[str, Any]:
    """1.6 UpdateStatus in 2.0.1 form: NotSupported (no 2.0.1 value) reads as Failed."""
    status = answer["status"]
    return {"status": v201.SendLocalListStatusEnumType.FAILED if status == v16.UpdateStatus.NOT_SUPPORTED else status}


class V16Session(RpcSession):
    """An `RpcSession` speaking OCPP 1.6 whose `call` also takes the CSMS's 2.0.1-shaped requests (`to_v16`)."""

    async def call(self, action: str, payload: dict[str, Any], timeout_s: float | None = None) -> dict[str, Any]:
        wire_action, wire_payload, back = to_v16(action, payload)
        return back(await super().call(wire_action, dict(wire_payload), timeout_s))
