"""What the CSMS keeps of its own commands to stations: every CSMS-initiated call that goes through the
`CommandService` (the operator API, including the raw `POST .../ocpp`) is shown to `CallEffects` before it is
sent and once the station answered, and the station records follow the station's answer:

- B, A01, N monitoring, B09: the device-model effects (`csms/services/call_effects_device.py`);
- F: RequestStartTransaction keeps its idToken by remoteStartId (before sending: the station's TransactionEvent
  may overtake its answer), so a transaction whose events omit the idToken still gets it;
- H: ReserveNow / CancelReservation make and end reservation documents;
- D: SendLocalList / GetLocalListVersion keep the station's local list version (csms/services/local_auth_lists.py);
- K: ClearChargingProfile removes the station's reported profiles it cleared;
- L/N: UpdateFirmware, PublishFirmware, GetLog, CustomerInformation;
- O: SetDisplayMessage / ClearDisplayMessage;
- M: GetInstalledCertificateIds (what the station reports replaces what was kept), InstallCertificate (logged),
  DeleteCertificate; L04: UnpublishFirmware.
A failure here is logged and never fails the operator's command (the station already acted).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from ocpp.v201.enums import (
    CancelReservationStatusEnumType,
    ClearChargingProfileStatusEnumType,
    ClearMessageStatusEnumType,
    DeleteCertificateStatusEnumType,
    DisplayMessageStatusEnumType,
    GetChargingProfileStatusEnumType,
    GetInstalledCertificateStatusEnumType,
    ReserveNowStatusEnumType,
    SendLocalListStatusEnumType,
    UnpublishFirmwareStatusEnumType,
)

from csms.domain.clock import Clock, to_ocpp_time
from csms.domain.ids import StationId
from csms.ocpp.wire import v2x
from csms.services import station_records as sr
from csms.services.call_effect_types import Effect, Payload, typed_effect
from csms.services.call_effects_device import DeviceModelEffects
from csms.store.base import StateStore
from csms.store.errors import RecordRejected

log = logging.getLogger("csms.services.call_effects")

KEEP_REQUESTS = 100  # remote starts and GetChargingProfiles requests kept per station

class CallEffects:
    """Keeps station records in step with the answers to the CSMS's own commands."""

    def __init__(self, store: StateStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock
        self._after: dict[str, Effect] = {
            **DeviceModelEffects(store, clock).effects(),
            "RequestStartTransaction": typed_effect(self._request_start), "ReserveNow": typed_effect(self._reserve_now),
            "CancelReservation": typed_effect(self._cancel_reservation),
            "SetDisplayMessage": typed_effect(self._set_display_message),
            "ClearDisplayMessage": typed_effect(self._clear_display_message),
            "UpdateFirmware": typed_effect(self._update_firmware),
            "PublishFirmware": typed_effect(self._publish_firmware),
            "GetLog": typed_effect(self._get_log),
            "CustomerInformation": typed_effect(self._customer_information),
            "ClearChargingProfile": typed_effect(self._clear_profile),
            "SendLocalList": typed_effect(self._send_local_list),
            "GetLocalListVersion": typed_effect(self._local_list_version),
            "GetChargingProfiles": typed_effect(self._get_profiles),
            "GetInstalledCertificateIds": typed_effect(self._installed_certificates),
            "InstallCertificate": typed_effect(self._install_certificate),
            "DeleteCertificate": typed_effect(self._delete_certificate),
            "UnpublishFirmware": typed_effect(self._unpublish_firmware),
        }

    async def before(self, station_id: StationId, action: str, payload: Payload) -> None:
        """Keep what must be known before the answer. The payload is not validated yet (the session does that
        when sending): one this cannot read is left to the session to refuse."""
        try:
            if action == "GetChargingProfiles":  # what the reports that follow answer (ReportChargingProfiles)
                await self._store.put_station_doc(station_id, sr.PROFILE_REQUEST, str(payload["requestId"]),
                                                  {**payload, "requestedAt": self._now()})
                await self._prune(station_id, sr.PROFILE_REQUEST)
            elif action == "RequestStartTransaction":
                await self._store.put_station_doc(station_id, sr.REMOTE_START, str(payload["remoteStartId"]), {
                    "remoteStartId": payload["remoteStartId"], "idToken": payload["idToken"],
                    "evseId": payload.get("evseId"), "status": "Requested", "requestedAt": self._now()})
                await self._prune(station_id, sr.REMOTE_START)
        except (KeyError, TypeError, RecordRejected):
            log.info("%s: %s payload not kept (the session will refuse it if it is invalid)", station_id, action)

    async def after(self, station_id: StationId, action: str, payload: Payload, response: Payload) -> None:
        """Keep what the station's answer to `action` changed (`payload` and `response` passed their schemas)."""
        effect = self._after.get(action)
        if effect is None:
            return
        try:
            await effect(station_id, payload, response)
        except Exception:  # the station already acted: keep the operator's answer, log our failure
            log.exception("%s: keeping the effect of %s failed", station_id, action)

    async def _prune(self, sid: StationId, kind: str) -> None:
        """Keep the newest `KEEP_REQUESTS` documents of `kind` (by requestedAt): old requests are not needed."""
        docs = await self._store.list_station_docs(sid, kind)
        if len(docs) <= KEEP_REQUESTS:
            return
        key = "remoteStartId" if kind == sr.REMOTE_START else "requestId"
        for doc in sorted(docs, key=lambda d: d.get("requestedAt", ""))[:len(docs) - KEEP_REQUESTS]:
            await self._store.delete_station_doc(sid, kind, str(doc[key]))

    def _now(self) -> str:
        return to_ocpp_time(self._clock.now())

    async def _request_start(self, sid: StationId, payload: v2x.RequestStartTransactionRequest,
                                                   response: v2x.RequestStartTransactionResponse) -> None:
        await sr.update_status_doc(self._store, self._clock, sid, sr.REMOTE_START, str(payload["remoteStartId"]),
                                   response["status"], {"transactionId": response.get("transactionId")})

    async def _reserve_now(self, sid: StationId, payload: v2x.ReserveNowRequest,
                                                 response: v2x.ReserveNowResponse) -> None:
        status = "Reserved" if response["status"] == ReserveNowStatusEnumType.accepted else response["status"]
        await self._store.delete_station_doc(sid, sr.RESERVATION, str(payload["id"]))  # a new reservation
        await sr.update_status_doc(self._store, self._clock, sid, sr.RESERVATION, str(payload["id"]), status,
                                   {**payload, "createdAt": self._now()})

    async def _cancel_reservation(self, sid: StationId, payload: v2x.CancelReservationRequest,
                                                        response: v2x.CancelReservationResponse) -> None:
        key = str(payload["reservationId"])
        if response["status"] == CancelReservationStatusEnumType.accepted and \
                await self._store.get_station_doc(sid, sr.RESERVATION, key):
            await sr.update_status_doc(self._store, self._clock, sid, sr.RESERVATION, key, "Cancelled")

    async def _set_display_message(self, sid: StationId, payload: v2x.SetDisplayMessageRequest,
                                                         response: v2x.SetDisplayMessageResponse) -> None:
        if response["status"] == DisplayMessageStatusEnumType.accepted:
            message = payload["message"]
            await self._store.put_station_doc(sid, sr.DISPLAY_MESSAGE, str(message["id"]),
                                              {**message, "source": "csms", "setAt": self._now()})

    async def _clear_display_message(self, sid: StationId, payload: v2x.ClearDisplayMessageRequest,
                                     response: v2x.ClearDisplayMessageResponse) -> None:
        if response["status"] == ClearMessageStatusEnumType.accepted:
            await self._store.delete_station_doc(sid, sr.DISPLAY_MESSAGE, str(payload["id"]))

    async def _update_firmware(self, sid: StationId, payload: v2x.UpdateFirmwareRequest,
                                                     response: v2x.UpdateFirmwareResponse) -> None:
        await sr.update_status_doc(self._store, self._clock, sid, sr.FIRMWARE, str(payload["requestId"]),
                                   response["status"], {"requestId": payload["requestId"],
                                                        "firmware": payload["firmware"]})

    async def _publish_firmware(self, sid: StationId, payload: v2x.PublishFirmwareRequest,
                                                      response: v2x.PublishFirmwareResponse) -> None:
        await sr.update_status_doc(self._store, self._clock, sid, sr.PUBLISH_FIRMWARE, str(payload["requestId"]),
                                   response["status"], {"requestId": payload["requestId"],
                                                        "location": payload["location"],
                                                        "checksum": payload["checksum"]})

    async def _get_log(self, sid: StationId, payload: v2x.GetLogRequest, response: v2x.GetLogResponse) -> None:
        extra: dict[str, object] = {"requestId": payload["requestId"], "logType": payload["logType"]}
        if "filename" in response:
            extra["filename"] = response["filename"]
        await sr.update_status_doc(self._store, self._clock, sid, sr.LOG_UPLOAD, str(payload["requestId"]),
                                   response["status"], extra)

    async def _customer_information(self, sid: StationId, payload: v2x.CustomerInformationRequest,
                                    response: v2x.CustomerInformationResponse) -> None:
        await sr.log_entries(self._store, self._clock, sid, sr.CUSTOMER_INFORMATION, [{
            "requestId": payload["requestId"], "request": payload, "status": response["status"]}])

    async def _clear_profile(self, sid: StationId, payload: v2x.ClearChargingProfileRequest,
                                                   response: v2x.ClearChargingProfileResponse) -> None:
        if response["status"] != ClearChargingProfileStatusEnumType.accepted:
            return
        criteria = payload.get("chargingProfileCriteria", {})
        for doc in await self._store.list_station_docs(sid, sr.CHARGING_PROFILE):
            profile = doc["profile"]
            if "chargingProfileId" in payload and profile["id"] != payload["chargingProfileId"]:
                continue
            if "evseId" in criteria and doc["evseId"] != criteria["evseId"]:
                continue
            if "chargingProfilePurpose" in criteria and \
                    profile["chargingProfilePurpose"] != criteria["chargingProfilePurpose"]:
                continue
            if "stackLevel" in criteria and profile["stackLevel"] != criteria["stackLevel"]:
                continue
            await self._store.delete_station_doc(sid, sr.CHARGING_PROFILE, str(profile["id"]))

    async def _get_profiles(self, sid: StationId, payload: v2x.GetChargingProfilesRequest,
                                                  response: v2x.GetChargingProfilesResponse) -> None:
        # the station holds none of what was asked: forget ours
        if response["status"] == GetChargingProfileStatusEnumType.no_profiles:
            await forget_profiles(self._store, sid, payload, keep_request_id=None)

    async def _installed_certificates(self, sid: StationId, payload: v2x.GetInstalledCertificateIdsRequest,
                                      response: v2x.GetInstalledCertificateIdsResponse) -> None:
        """The station's answer replaces what the CSMS kept of the certificate types asked (all when none)."""
        if response["status"] not in (GetInstalledCertificateStatusEnumType.accepted,
                                      GetInstalledCertificateStatusEnumType.notFound):
            return
        types = set(payload.get("certificateType", []))
        for doc in await self._store.list_station_docs(sid, sr.CERTIFICATE):
            if not types or doc["certificateType"] in types:
                key = sr.certificate_key(doc["certificateHashData"])
                await self._store.delete_station_doc(sid, sr.CERTIFICATE, key)
        for chain in response.get("certificateHashDataChain", []):
            await self._store.put_station_doc(sid, sr.CERTIFICATE, sr.certificate_key(chain["certificateHashData"]),
                                              {**chain, "reportedAt": self._now()})

    async def _install_certificate(self, sid: StationId, payload: v2x.InstallCertificateRequest,
                                   response: v2x.InstallCertificateResponse) -> None:
        await sr.log_entries(self._store, self._clock, sid, sr.CERTIFICATE_INSTALL, [{
            "certificateType": payload["certificateType"], "status": response["status"]}])

    async def _delete_certificate(self, sid: StationId, payload: v2x.DeleteCertificateRequest,
                                                        response: v2x.DeleteCertificateResponse) -> None:
        if response["status"] in (DeleteCertificateStatusEnumType.accepted, DeleteCertificateStatusEnumType.not_found):
            key = sr.certificate_key(payload["certificateHashData"])
            await self._store.delete_station_doc(sid, sr.CERTIFICATE, key)

    async def _unpublish_firmware(self, sid: StationId, payload: v2x.UnpublishFirmwareRequest,
                                                        response: v2x.UnpublishFirmwareResponse) -> None:
        if response["status"] != UnpublishFirmwareStatusEnumType.unpublished:
            return
        for doc in await self._store.list_station_docs(sid, sr.PUBLISH_FIRMWARE):
            if doc.get("checksum") == payload["checksum"]:
                await sr.update_status_doc(self._store, self._clock, sid, sr.PUBLISH_FIRMWARE,
                                           sr.request_key(doc.get("requestId")),
                                           UnpublishFirmwareStatusEnumType.unpublished)

    async def _send_local_list(self, sid: StationId, payload: v2x.SendLocalListRequest,
                                                     response: v2x.SendLocalListResponse) -> None:
        await sr.update_status_doc(self._store, self._clock, sid, sr.LOCAL_LIST, "station", response["status"], {
            "lastSentVersion": payload["versionNumber"], "lastUpdateType": payload["updateType"],
            **({"versionNumber": payload["versionNumber"]}
               if response["status"] == SendLocalListStatusEnumType.accepted else {})})

    async def _local_list_version(self, sid: StationId, payload: v2x.GetLocalListVersionRequest,
                                                        response: v2x.GetLocalListVersionResponse) -> None:
        await sr.update_status_doc(self._store, self._clock, sid, sr.LOCAL_LIST, "station", "Reported",
                                   {"versionNumber": response["versionNumber"]})


async def forget_profiles(store: StateStore, sid: StationId, request: Mapping[str, Any],
                          keep_request_id: int | None) -> None:
    """Remove the station's reported profiles a GetChargingProfiles `request` (or its stored document) covers,
    except those reported for `keep_request_id` (the answer to it)."""
    evse_id = request.get("evseId")
    criteria = request.get("chargingProfile", {})
    for doc in await store.list_station_docs(sid, sr.CHARGING_PROFILE):
        profile = doc["profile"]
        if keep_request_id is not None and doc.get("requestId") == keep_request_id:
            continue
        if evse_id is not None and doc["evseId"] != evse_id:
            continue
        if "chargingProfilePurpose" in criteria and \
                profile["chargingProfilePurpose"] != criteria["chargingProfilePurpose"]:
            continue
        if "stackLevel" in criteria and profile["stackLevel"] != criteria["stackLevel"]:
            continue
        if "chargingProfileId" in criteria and profile["id"] not in criteria["chargingProfileId"]:
            continue
        if "chargingLimitSource" in criteria and doc.get("source") not in criteria["chargingLimitSource"]:
            continue
        await store.delete_station_doc(sid, sr.CHARGING_PROFILE, str(profile["id"]))
