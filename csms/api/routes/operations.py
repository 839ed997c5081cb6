"""Use-case features an operator drives (OCPP 2.0.1 blocks A01, B08, D, H, I, K, L, M, N, O, P), and what the
CSMS keeps of a station's reports (events, monitors, firmware and log status, display messages, certificates,
reported charging profiles ...).

Every command goes through the `CommandService`, so its answer also updates the station records
(csms/services/call_effects.py); reads come from the store (csms/services/station_records.py). Anything else a
station supports is still reachable through the raw `POST .../ocpp`.
"""

from __future__ import annotations

import dataclasses
import itertools
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request

from csms.api.auth import Auth, Role
from csms.api.common import station_call_errors
from csms.api.problems import not_found
from csms.api.schemas import (
    CertificateInstallIn,
    CredentialIn,
    CustomerInformationIn,
    DataTransferIn,
    DeletedOut,
    DisplayMessageIn,
    FirmwareCampaignIn,
    FirmwareIn,
    LocalListEntryIn,
    LocalListIn,
    LogRequestIn,
    MonitoringBaseIn,
    MonitoringLevelIn,
    MonitorsIn,
    PasswordOut,
    RequestedOut,
    ReservationIn,
    ReservationOut,
    StationIdIn,
    TariffIn,
    TariffOut,
)
from csms.api.services import ApiServices
from csms.domain.clock import to_ocpp_time
from csms.domain.ids import StationId
from csms.ocpp import calls
from csms.ocpp.calls import Answer, Call
from csms.ocpp.calls import Request as Req
from csms.ocpp.wire import v201
from csms.services import station_records as sr
from csms.services.credentials import generate_password
from csms.services.local_auth_lists import LocalListService
from csms.services.reservations import ReservationService
from csms.services.tariffs import Tariff, delete_tariff, get_tariff, put_tariff

_RECORD_KINDS = frozenset(sr.DOC_KINDS) | frozenset(sr.LOG_KINDS)


def _local_list_entry(entry: LocalListEntryIn) -> v201.AuthorizationData:
    data: v201.AuthorizationData = {"idToken": entry.id_token.wire()}
    if entry.status is not None:
        info: v201.IdTokenInfoType = {"status": v201.AuthorizationStatusEnumType(entry.status.value)}
        if entry.expires_at is not None:
            info["cacheExpiryDateTime"] = to_ocpp_time(entry.expires_at)
        if entry.group_id_token is not None:
            info["groupIdToken"] = entry.group_id_token.wire()
        data["idTokenInfo"] = info
    return data


def firmware_of(body: FirmwareIn | FirmwareCampaignIn) -> v201.FirmwareType:
    """The UpdateFirmware `firmware` object (signed firmware fields when given)."""
    firmware: v201.FirmwareType = {"location": body.location, "retrieveDateTime": to_ocpp_time(body.retrieve_at)}
    if body.install_at is not None:
        firmware["installDateTime"] = to_ocpp_time(body.install_at)
    if body.signing_certificate is not None:
        firmware["signingCertificate"] = body.signing_certificate
    if body.signature is not None:
        firmware["signature"] = body.signature
    return firmware


def router(services: ApiServices, auth: Auth) -> APIRouter:
    r = APIRouter(prefix="/api/v1/stations/{station_id}", tags=["operations"])
    viewer, operator, admin = (auth.requires(role) for role in Role)
    store, commands, clock = services.store, services.commands, services.clock
    reservations = ReservationService(store, commands, clock)
    local_lists = LocalListService(store, commands)
    sequence = itertools.count()

    def request_id() -> int:
        """A request id unique enough per station: milliseconds plus a per-process sequence."""
        return (int(clock.now().timestamp() * 1000) + next(sequence)) % 2**31

    async def send(request: Request, station_id: StationId, call: Call[Req, Answer], payload: Req) -> Answer:
        with station_call_errors(request, call.action):
            return await commands.call_for(station_id, call, payload)

    async def requested(request: Request, station_id: StationId, call: Call[Req, Answer], payload: Req,
                        request_id: int) -> RequestedOut:
        """Send `call` (its payload carries the `request_id` the station's reports will name); both back."""
        return RequestedOut(request_id=request_id, response=dict(await send(request, station_id, call, payload)))

    # ---- records ------------------------------------------------------------------------------------------

    @r.get("/events", **viewer)
    async def events(station_id: StationIdIn, limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                     component: Annotated[str | None, Query(max_length=50)] = None,
                     variable: Annotated[str | None, Query(max_length=50)] = None,
                     trigger: Literal["Alerting", "Delta", "Periodic"] | None = None,
                     evse_id: Annotated[int | None, Query(ge=0)] = None) -> list[dict[str, Any]]:
        """The station's NotifyEvent reports (N07/N08), oldest first: the newest `limit` of those matching the
        filters (component and variable names, trigger, the component's EVSE)."""
        found = [e for e in await store.list_station_log(station_id, sr.EVENT)
                 if (component is None or e["component"]["name"] == component)
                 and (variable is None or e["variable"]["name"] == variable)
                 and (trigger is None or e["trigger"] == trigger)
                 and (evse_id is None or e["component"].get("evse", {}).get("id") == evse_id)]
        return found[-limit:]

    @r.get("/records/{kind}", **viewer)
    async def records(station_id: StationIdIn, kind: str,
                      limit: Annotated[int, Query(ge=1, le=1000)] = 1000) -> list[dict[str, Any]]:
        """What the CSMS keeps of the station, by kind: documents (reservation, display_message, monitor, firmware,
        publish_firmware, log_upload, remote_start, local_list, charging_profile, profile_request) or logs (event,
        customer_information, charging_limit, data_transfer, notification, dropped_tx_event)."""
        if kind not in _RECORD_KINDS:
            raise not_found(f"no station records of kind {kind!r}; kinds: {', '.join(sorted(_RECORD_KINDS))}")
        if kind in sr.DOC_KINDS:
            return (await store.list_station_docs(station_id, kind))[:limit]
        return (await store.list_station_log(station_id, kind))[-limit:]

    # ---- A01 station password ------------------------------------------------------------------------------

    @r.post("/password", **admin)
    async def update_password(request: Request, station_id: StationIdIn, body: CredentialIn) -> PasswordOut:
        """A01: set the station's HTTP Basic password (SetVariables SecurityCtrlr.BasicAuthPassword); once the
        station accepts it, it is the station's credential. Generated (and returned once) when omitted."""
        password = body.password or generate_password()
        payload: v201.SetVariablesRequest = {"setVariableData": [{
            "component": {"name": "SecurityCtrlr"}, "variable": {"name": "BasicAuthPassword"},
            "attributeValue": password}]}
        response = await send(request, station_id, calls.SET_VARIABLES, payload)
        accepted = response["setVariableResult"][0]["attributeStatus"] == v201.SetVariableStatusEnumType.ACCEPTED
        return PasswordOut(accepted=accepted, password=password if accepted and body.password is None else None,
                           response=dict(response))

    # ---- H reservations -----------------------------------------------------------------------------------

    @r.get("/reservations", **viewer)
    async def list_reservations(station_id: StationIdIn) -> list[dict[str, Any]]:
        """Reservations made through the CSMS with their status (Reserved, Expired, Cancelled, Removed ...)."""
        return await reservations.list(station_id)

    @r.post("/reservations", **operator)
    async def reserve(request: Request, station_id: StationIdIn, body: ReservationIn) -> ReservationOut:
        """ReserveNow (H01); the answer carries the new reservation id and the station's response."""
        with station_call_errors(request, "ReserveNow"):
            reservation_id, response = await reservations.reserve(
                station_id, id_token=body.id_token.wire(), expires_at=body.expires_at,
                evse_id=body.evse_id, connector_type=body.connector_type,
                group_id_token=None if body.group_id_token is None else body.group_id_token.wire())
        return ReservationOut(reservation_id=reservation_id, response=dict(response))

    @r.delete("/reservations/{reservation_id}", **operator)
    async def cancel_reservation(request: Request, station_id: StationIdIn, reservation_id: int) -> dict[str, Any]:
        """CancelReservation (H02)."""
        with station_call_errors(request, "CancelReservation"):
            return dict(await reservations.cancel(station_id, reservation_id))

    # ---- D local authorization list -----------------------------------------------------------------------

    @r.get("/local-list", **viewer)
    async def get_local_list(station_id: StationIdIn) -> dict[str, Any]:
        """The CSMS's list for the station (version, entries) and the version the station last confirmed."""
        return await local_lists.current(station_id)

    @r.put("/local-list", **operator)
    async def replace_local_list(request: Request, station_id: StationIdIn, body: LocalListIn) -> dict[str, Any]:
        """Replace the whole list (new version), sent as a Full SendLocalList (D01)."""
        with station_call_errors(request, "SendLocalList"):
            return dict(await local_lists.replace(station_id, [_local_list_entry(e) for e in body.entries]))

    @r.patch("/local-list", **operator)
    async def update_local_list(request: Request, station_id: StationIdIn, body: LocalListIn) -> dict[str, Any]:
        """Add, change or (an entry without status) remove tokens: a Differential SendLocalList (D01)."""
        with station_call_errors(request, "SendLocalList"):
            return dict(await local_lists.update(station_id, [_local_list_entry(e) for e in body.entries]))

    @r.post("/local-list/reconcile", **operator)
    async def reconcile_local_list(request: Request, station_id: StationIdIn) -> dict[str, Any]:
        """GetLocalListVersion (D02), and the full list when the station's version is not the CSMS's."""
        with station_call_errors(request, "GetLocalListVersion"):
            return dict(await local_lists.reconcile(station_id))

    # ---- L firmware, N logs and customer information ------------------------------------------------------

    @r.post("/firmware", **operator)
    async def update_firmware(request: Request, station_id: StationIdIn, body: FirmwareIn) -> RequestedOut:
        """UpdateFirmware (L01/L02, signed firmware when a signature is given); progress is kept from the
        station's FirmwareStatusNotification under GET .../records/firmware."""
        payload: v201.UpdateFirmwareRequest = {"requestId": request_id(), "firmware": firmware_of(body)}
        if body.retries is not None:
            payload["retries"] = body.retries
        if body.retry_interval_s is not None:
            payload["retryInterval"] = body.retry_interval_s
        return await requested(request, station_id, calls.UPDATE_FIRMWARE, payload, payload["requestId"])

    @r.post("/logs", **operator)
    async def get_log(request: Request, station_id: StationIdIn, body: LogRequestIn) -> RequestedOut:
        """GetLog (N01); upload progress is kept under GET .../records/log_upload."""
        log: v201.LogParametersType = {"remoteLocation": body.remote_location}
        if body.oldest_at is not None:
            log["oldestTimestamp"] = to_ocpp_time(body.oldest_at)
        if body.latest_at is not None:
            log["latestTimestamp"] = to_ocpp_time(body.latest_at)
        payload: v201.GetLogRequest = {"requestId": request_id(), "logType": v201.LogEnumType(body.log_type),
                                       "log": log}
        if body.retries is not None:
            payload["retries"] = body.retries
        if body.retry_interval_s is not None:
            payload["retryInterval"] = body.retry_interval_s
        return await requested(request, station_id, calls.GET_LOG, payload, payload["requestId"])

    @r.post("/customer-information", **operator)
    async def customer_information(request: Request, station_id: StationIdIn,
                                   body: CustomerInformationIn) -> RequestedOut:
        """CustomerInformation (N09/N10); the station's NotifyCustomerInformation parts are kept under
        GET .../records/customer_information."""
        payload: v201.CustomerInformationRequest = {"requestId": request_id(), "report": body.report,
                                                    "clear": body.clear}
        if body.customer_identifier is not None:
            payload["customerIdentifier"] = body.customer_identifier
        if body.id_token is not None:
            payload["idToken"] = body.id_token.wire()
        return await requested(request, station_id, calls.CUSTOMER_INFORMATION, payload, payload["requestId"])

    # ---- O display messages -------------------------------------------------------------------------------

    @r.get("/display-messages", **viewer)
    async def list_display_messages(station_id: StationIdIn) -> list[dict[str, Any]]:
        """Messages the CSMS set (source csms) and the station reported (source station)."""
        return await store.list_station_docs(station_id, sr.DISPLAY_MESSAGE)

    @r.post("/display-messages", **operator)
    async def set_display_message(request: Request, station_id: StationIdIn, body: DisplayMessageIn) -> dict[str, Any]:
        """SetDisplayMessage (O01-O03)."""
        message: v201.MessageInfoType = {
            "id": body.id, "priority": v201.MessagePriorityEnumType(body.priority),
            "message": {"format": v201.MessageFormatEnumType(body.format), "content": body.content}}
        if body.language is not None:
            message["message"]["language"] = body.language
        if body.state is not None:
            message["state"] = v201.MessageStateEnumType(body.state)
        if body.starts_at is not None:
            message["startDateTime"] = to_ocpp_time(body.starts_at)
        if body.ends_at is not None:
            message["endDateTime"] = to_ocpp_time(body.ends_at)
        if body.transaction_id is not None:
            message["transactionId"] = body.transaction_id
        payload: v201.SetDisplayMessageRequest = {"message": message}
        return dict(await send(request, station_id, calls.SET_DISPLAY_MESSAGE, payload))

    @r.delete("/display-messages/{message_id}", **operator)
    async def clear_display_message(request: Request, station_id: StationIdIn, message_id: int) -> dict[str, Any]:
        """ClearDisplayMessage (O05)."""
        payload: v201.ClearDisplayMessageRequest = {"id": message_id}
        return dict(await send(request, station_id, calls.CLEAR_DISPLAY_MESSAGE, payload))

    @r.post("/display-messages/report", **operator)
    async def get_display_messages(request: Request, station_id: StationIdIn) -> RequestedOut:
        """GetDisplayMessages (O04): the station reports with NotifyDisplayMessages (kept, see the list)."""
        payload: v201.GetDisplayMessagesRequest = {"requestId": request_id()}
        return await requested(request, station_id, calls.GET_DISPLAY_MESSAGES, payload, payload["requestId"])

    # ---- K the station's charging profiles ----------------------------------------------------------------

    @r.get("/charging-profiles", **viewer)
    async def reported_profiles(station_id: StationIdIn) -> list[dict[str, Any]]:
        """The profiles the station reported (ReportChargingProfiles), as the station's truth."""
        return await store.list_station_docs(station_id, sr.CHARGING_PROFILE)

    @r.post("/charging-profiles/report", **operator)
    async def get_charging_profiles(request: Request, station_id: StationIdIn,
                                    evse_id: Annotated[int | None, Query(ge=0)] = None) -> RequestedOut:
        """GetChargingProfiles (K09) for every purpose (on one EVSE if given); the reports replace what the
        CSMS kept for what was asked."""
        payload: v201.GetChargingProfilesRequest = {"requestId": request_id(), "chargingProfile": {}}
        if evse_id is not None:
            payload["evseId"] = evse_id
        return await requested(request, station_id, calls.GET_CHARGING_PROFILES, payload, payload["requestId"])

    # ---- I tariff and cost ---------------------------------------------------------------------------------

    @r.get("/tariff", **viewer)
    async def station_tariff(station_id: StationIdIn) -> TariffOut:
        """The station's tariff (404 when none: no cost is sent)."""
        tariff = await get_tariff(store, station_id)
        if tariff is None:
            raise not_found(f"no tariff for station {station_id}")
        return TariffOut(**dataclasses.asdict(tariff))

    @r.put("/tariff", **operator)
    async def set_tariff(station_id: StationIdIn, body: TariffIn) -> TariffOut:
        """Set the station's tariff: running cost (CostUpdated) and totalCost at the end of its transactions."""
        tariff = Tariff(**body.model_dump())
        await put_tariff(store, station_id, tariff)
        return TariffOut(**dataclasses.asdict(tariff))

    @r.delete("/tariff", **operator)
    async def remove_tariff(station_id: StationIdIn) -> DeletedOut:
        return DeletedOut(deleted=await delete_tariff(store, station_id))

    # ---- M certificates on the station ---------------------------------------------------------------------

    @r.get("/certificates", **viewer)
    async def installed_certificates(station_id: StationIdIn) -> list[dict[str, Any]]:
        """The certificates the station last reported (GetInstalledCertificateIds), with their `key`."""
        docs = await store.list_station_docs(station_id, sr.CERTIFICATE)
        return [{**d, "key": sr.certificate_key(d["certificateHashData"])} for d in docs]

    @r.post("/certificates/report", **operator)
    async def report_certificates(request: Request, station_id: StationIdIn) -> dict[str, Any]:
        """GetInstalledCertificateIds (M03) of every type; the answer replaces what the CSMS kept."""
        payload: v201.GetInstalledCertificateIdsRequest = {}
        return dict(await send(request, station_id, calls.GET_INSTALLED_CERTIFICATE_IDS, payload))

    @r.post("/certificates", **operator)
    async def install_certificate(request: Request, station_id: StationIdIn,
                                  body: CertificateInstallIn) -> dict[str, Any]:
        """InstallCertificate (M05)."""
        payload: v201.InstallCertificateRequest = {
            "certificateType": v201.InstallCertificateUseEnumType(body.certificate_type),
            "certificate": body.certificate}
        return dict(await send(request, station_id, calls.INSTALL_CERTIFICATE, payload))

    @r.delete("/certificates/{key}", **operator)
    async def delete_certificate(request: Request, station_id: StationIdIn, key: str) -> dict[str, Any]:
        """DeleteCertificate (M04) of a reported certificate, by its `key` in GET .../certificates."""
        doc = await store.get_station_doc(station_id, sr.CERTIFICATE, key)
        if doc is None:
            raise not_found(f"no reported certificate {key!r} on {station_id} (POST .../certificates/report first)")
        payload: v201.DeleteCertificateRequest = {"certificateHashData": doc["certificateHashData"]}
        return dict(await send(request, station_id, calls.DELETE_CERTIFICATE, payload))

    # ---- N variable monitoring ----------------------------------------------------------------------------

    @r.get("/monitors", **viewer)
    async def monitors(station_id: StationIdIn) -> list[dict[str, Any]]:
        """The station's variable monitors: set through the CSMS or reported (NotifyMonitoringReport)."""
        return await store.list_station_docs(station_id, sr.MONITOR)

    @r.post("/monitors", **operator)
    async def set_monitors(request: Request, station_id: StationIdIn, body: MonitorsIn) -> dict[str, Any]:
        """SetVariableMonitoring (N04); accepted monitors are kept with the ids the station gave them."""
        data: list[v201.SetMonitoringDataType] = []
        for m in body.monitors:
            component: v201.ComponentType = {"name": m.component}
            if m.evse_id is not None:
                component["evse"] = {"id": m.evse_id}
            item: v201.SetMonitoringDataType = {
                "value": m.value, "type": v201.MonitorEnumType(m.type), "severity": m.severity,
                "transaction": m.transaction, "component": component, "variable": {"name": m.variable}}
            if m.id is not None:
                item["id"] = m.id
            data.append(item)
        payload: v201.SetVariableMonitoringRequest = {"setMonitoringData": data}
        return dict(await send(request, station_id, calls.SET_VARIABLE_MONITORING, payload))

    @r.delete("/monitors/{monitor_id}", **operator)
    async def clear_monitor(request: Request, station_id: StationIdIn, monitor_id: int) -> dict[str, Any]:
        """ClearVariableMonitoring (N06)."""
        payload: v201.ClearVariableMonitoringRequest = {"id": [monitor_id]}
        return dict(await send(request, station_id, calls.CLEAR_VARIABLE_MONITORING, payload))

    @r.post("/monitors/report", **operator)
    async def monitoring_report(request: Request, station_id: StationIdIn) -> RequestedOut:
        """GetMonitoringReport (N02); the station's NotifyMonitoringReport fills GET .../monitors."""
        payload: v201.GetMonitoringReportRequest = {"requestId": request_id()}
        return await requested(request, station_id, calls.GET_MONITORING_REPORT, payload, payload["requestId"])

    @r.put("/monitoring/base", **operator)
    async def monitoring_base(request: Request, station_id: StationIdIn, body: MonitoringBaseIn) -> dict[str, Any]:
        """SetMonitoringBase (N03)."""
        payload: v201.SetMonitoringBaseRequest = {"monitoringBase": v201.MonitoringBaseEnumType(body.base)}
        return dict(await send(request, station_id, calls.SET_MONITORING_BASE, payload))

    @r.put("/monitoring/level", **operator)
    async def monitoring_level(request: Request, station_id: StationIdIn, body: MonitoringLevelIn) -> dict[str, Any]:
        """SetMonitoringLevel (N05)."""
        payload: v201.SetMonitoringLevelRequest = {"severity": body.severity}
        return dict(await send(request, station_id, calls.SET_MONITORING_LEVEL, payload))

    # ---- B reports ----------------------------------------------------------------------------------------

    @r.post("/report", **operator)
    async def get_report(request: Request, station_id: StationIdIn,
                         criteria: Annotated[list[Literal["Active", "Available", "Enabled", "Problem"]] | None,
                                             Query()] = None) -> RequestedOut:
        """GetReport (B08) by component criteria; the station's NotifyReport updates the stored device model."""
        payload: v201.GetReportRequest = {"requestId": request_id()}
        if criteria:
            payload["componentCriteria"] = [v201.ComponentCriterionEnumType(c) for c in criteria]
        return await requested(request, station_id, calls.GET_REPORT, payload, payload["requestId"])

    # ---- P DataTransfer ------------------------------------------------------------------------------------

    @r.post("/data-transfer", **operator)
    async def data_transfer(request: Request, station_id: StationIdIn, body: DataTransferIn) -> dict[str, Any]:
        """DataTransfer (P01) to the station; its answer as received."""
        payload: v201.DataTransferRequest = {"vendorId": body.vendor_id}
        if body.message_id is not None:
            payload["messageId"] = body.message_id
        if body.data is not None:
            payload["data"] = body.data
        return dict(await send(request, station_id, calls.DATA_TRANSFER, payload))

    return r
