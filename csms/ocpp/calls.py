"""The CSMS-initiated OCPP 2.0.1 actions (all also in 2.1), each with its request and answer types
(csms/ocpp/wire/v2x.py).

`call_typed(raw, RESET, {"type": ...})` sends through any untyped caller (`RpcSession.call`, a gateway bound to
a station) and types both sides: mypy checks the request against `ResetRequest` and the answer is a
`ResetResponse`. The session validates both against the action's schemas, so the cast below only names what
validation has established.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Final, Generic, TypeVar, cast

from csms.ocpp.wire import v2x

Request = TypeVar("Request", bound=Mapping[str, object])
Answer = TypeVar("Answer", bound=Mapping[str, object])

# what sends a CALL of any action: the action, a JSON payload before validation -> the answer's JSON object
RawCall = Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]


class Call(Generic[Request, Answer]):
    """An OCPP action the CSMS sends, typed by its request and answer TypedDicts."""

    __slots__ = ("action",)

    def __init__(self, action: str) -> None:
        self.action = action

    def __repr__(self) -> str:
        return f"Call({self.action!r})"


async def call_typed(raw: RawCall, call: Call[Request, Answer], payload: Request) -> Answer:
    """`raw(call.action, payload)`, its answer typed as the action's response (validated by the session)."""
    return cast(Answer, await raw(call.action, dict(payload)))


# every CSMS-initiated action of OCPP 2.0.1 (each also in 2.1)
CANCEL_RESERVATION: Final = Call[v2x.CancelReservationRequest, v2x.CancelReservationResponse]("CancelReservation")
CERTIFICATE_SIGNED: Final = Call[v2x.CertificateSignedRequest, v2x.CertificateSignedResponse]("CertificateSigned")
CHANGE_AVAILABILITY: Final = Call[v2x.ChangeAvailabilityRequest, v2x.ChangeAvailabilityResponse]("ChangeAvailability")
CLEAR_CACHE: Final = Call[v2x.ClearCacheRequest, v2x.ClearCacheResponse]("ClearCache")
CLEAR_CHARGING_PROFILE: Final = Call[v2x.ClearChargingProfileRequest, v2x.ClearChargingProfileResponse](
    "ClearChargingProfile")
CLEAR_DISPLAY_MESSAGE: Final = Call[v2x.ClearDisplayMessageRequest, v2x.ClearDisplayMessageResponse](
    "ClearDisplayMessage")
CLEAR_VARIABLE_MONITORING: Final = Call[v2x.ClearVariableMonitoringRequest, v2x.ClearVariableMonitoringResponse](
    "ClearVariableMonitoring")
COST_UPDATED: Final = Call[v2x.CostUpdatedRequest, v2x.CostUpdatedResponse]("CostUpdated")
CUSTOMER_INFORMATION: Final = Call[v2x.CustomerInformationRequest, v2x.CustomerInformationResponse](
    "CustomerInformation")
DATA_TRANSFER: Final = Call[v2x.DataTransferRequest, v2x.DataTransferResponse]("DataTransfer")
DELETE_CERTIFICATE: Final = Call[v2x.DeleteCertificateRequest, v2x.DeleteCertificateResponse]("DeleteCertificate")
GET_BASE_REPORT: Final = Call[v2x.GetBaseReportRequest, v2x.GetBaseReportResponse]("GetBaseReport")
GET_CHARGING_PROFILES: Final = Call[v2x.GetChargingProfilesRequest, v2x.GetChargingProfilesResponse](
    "GetChargingProfiles")
GET_COMPOSITE_SCHEDULE: Final = Call[v2x.GetCompositeScheduleRequest, v2x.GetCompositeScheduleResponse](
    "GetCompositeSchedule")
GET_DISPLAY_MESSAGES: Final = Call[v2x.GetDisplayMessagesRequest, v2x.GetDisplayMessagesResponse]("GetDisplayMessages")
GET_INSTALLED_CERTIFICATE_IDS: Final = Call[
    v2x.GetInstalledCertificateIdsRequest, v2x.GetInstalledCertificateIdsResponse]("GetInstalledCertificateIds")
GET_LOCAL_LIST_VERSION: Final = Call[v2x.GetLocalListVersionRequest, v2x.GetLocalListVersionResponse](
    "GetLocalListVersion")
GET_LOG: Final = Call[v2x.GetLogRequest, v2x.GetLogResponse]("GetLog")
GET_MONITORING_REPORT: Final = Call[v2x.GetMonitoringReportRequest, v2x.GetMonitoringReportResponse](
    "GetMonitoringReport")
GET_REPORT: Final = Call[v2x.GetReportRequest, v2x.GetReportResponse]("GetReport")
GET_TRANSACTION_STATUS: Final = Call[v2x.GetTransactionStatusRequest, v2x.GetTransactionStatusResponse](
    "GetTransactionStatus")
GET_VARIABLES: Final = Call[v2x.GetVariablesRequest, v2x.GetVariablesResponse]("GetVariables")
INSTALL_CERTIFICATE: Final = Call[v2x.InstallCertificateRequest, v2x.InstallCertificateResponse]("InstallCertificate")
PUBLISH_FIRMWARE: Final = Call[v2x.PublishFirmwareRequest, v2x.PublishFirmwareResponse]("PublishFirmware")
REQUEST_START_TRANSACTION: Final = Call[v2x.RequestStartTransactionRequest, v2x.RequestStartTransactionResponse](
    "RequestStartTransaction")
REQUEST_STOP_TRANSACTION: Final = Call[v2x.RequestStopTransactionRequest, v2x.RequestStopTransactionResponse](
    "RequestStopTransaction")
RESERVE_NOW: Final = Call[v2x.ReserveNowRequest, v2x.ReserveNowResponse]("ReserveNow")
RESET: Final = Call[v2x.ResetRequest, v2x.ResetResponse]("Reset")
SEND_LOCAL_LIST: Final = Call[v2x.SendLocalListRequest, v2x.SendLocalListResponse]("SendLocalList")
SET_CHARGING_PROFILE: Final = Call[v2x.SetChargingProfileRequest, v2x.SetChargingProfileResponse]("SetChargingProfile")
SET_DISPLAY_MESSAGE: Final = Call[v2x.SetDisplayMessageRequest, v2x.SetDisplayMessageResponse]("SetDisplayMessage")
SET_MONITORING_BASE: Final = Call[v2x.SetMonitoringBaseRequest, v2x.SetMonitoringBaseResponse]("SetMonitoringBase")
SET_MONITORING_LEVEL: Final = Call[v2x.SetMonitoringLevelRequest, v2x.SetMonitoringLevelResponse]("SetMonitoringLevel")
SET_NETWORK_PROFILE: Final = Call[v2x.SetNetworkProfileRequest, v2x.SetNetworkProfileResponse]("SetNetworkProfile")
SET_VARIABLES: Final = Call[v2x.SetVariablesRequest, v2x.SetVariablesResponse]("SetVariables")
SET_VARIABLE_MONITORING: Final = Call[v2x.SetVariableMonitoringRequest, v2x.SetVariableMonitoringResponse](
    "SetVariableMonitoring")
TRIGGER_MESSAGE: Final = Call[v2x.TriggerMessageRequest, v2x.TriggerMessageResponse]("TriggerMessage")
UNLOCK_CONNECTOR: Final = Call[v2x.UnlockConnectorRequest, v2x.UnlockConnectorResponse]("UnlockConnector")
UNPUBLISH_FIRMWARE: Final = Call[v2x.UnpublishFirmwareRequest, v2x.UnpublishFirmwareResponse]("UnpublishFirmware")
UPDATE_FIRMWARE: Final = Call[v2x.UpdateFirmwareRequest, v2x.UpdateFirmwareResponse]("UpdateFirmware")
