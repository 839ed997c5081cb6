"""OCPP 2.0.1 or 2.1 payload types (what a handler serving both versions receives), GENERATED: do not edit.

Regenerate with `python scripts/generate_wire_types.py`.
"""

from typing import TypeAlias

from csms.ocpp.wire import v21 as _v21
from csms.ocpp.wire import v201 as _v201

ACChargingParametersType: TypeAlias = _v201.ACChargingParametersType | _v21.ACChargingParametersType
APNAuthenticationEnumType: TypeAlias = _v201.APNAuthenticationEnumType | _v21.APNAuthenticationEnumType
APNType: TypeAlias = _v201.APNType | _v21.APNType
AdditionalInfoType: TypeAlias = _v201.AdditionalInfoType | _v21.AdditionalInfoType
AttributeEnumType: TypeAlias = _v201.AttributeEnumType
AuthorizationData: TypeAlias = _v201.AuthorizationData | _v21.AuthorizationData
AuthorizationStatusEnumType: TypeAlias = _v201.AuthorizationStatusEnumType
AuthorizeCertificateStatusEnumType: TypeAlias = _v201.AuthorizeCertificateStatusEnumType
AuthorizeRequest: TypeAlias = _v201.AuthorizeRequest | _v21.AuthorizeRequest
AuthorizeResponse: TypeAlias = _v201.AuthorizeResponse | _v21.AuthorizeResponse
BootNotificationRequest: TypeAlias = _v201.BootNotificationRequest
BootNotificationResponse: TypeAlias = _v201.BootNotificationResponse | _v21.BootNotificationResponse
BootReasonEnumType: TypeAlias = _v201.BootReasonEnumType
CancelReservationRequest: TypeAlias = _v201.CancelReservationRequest | _v21.CancelReservationRequest
CancelReservationResponse: TypeAlias = _v201.CancelReservationResponse | _v21.CancelReservationResponse
CancelReservationStatusEnumType: TypeAlias = _v201.CancelReservationStatusEnumType
CertificateActionEnumType: TypeAlias = _v201.CertificateActionEnumType
CertificateHashDataChainType: TypeAlias = _v201.CertificateHashDataChainType | _v21.CertificateHashDataChainType
CertificateHashDataType: TypeAlias = _v201.CertificateHashDataType
CertificateSignedRequest: TypeAlias = _v201.CertificateSignedRequest | _v21.CertificateSignedRequest
CertificateSignedResponse: TypeAlias = _v201.CertificateSignedResponse | _v21.CertificateSignedResponse
CertificateSignedStatusEnumType: TypeAlias = _v201.CertificateSignedStatusEnumType
CertificateSigningUseEnumType: TypeAlias = _v201.CertificateSigningUseEnumType | _v21.CertificateSigningUseEnumType
ChangeAvailabilityRequest: TypeAlias = _v201.ChangeAvailabilityRequest | _v21.ChangeAvailabilityRequest
ChangeAvailabilityResponse: TypeAlias = _v201.ChangeAvailabilityResponse | _v21.ChangeAvailabilityResponse
ChangeAvailabilityStatusEnumType: TypeAlias = _v201.ChangeAvailabilityStatusEnumType
ChargingLimitType: TypeAlias = _v201.ChargingLimitType | _v21.ChargingLimitType
ChargingNeedsType: TypeAlias = _v201.ChargingNeedsType | _v21.ChargingNeedsType
ChargingProfileCriterionType: TypeAlias = _v201.ChargingProfileCriterionType | _v21.ChargingProfileCriterionType
ChargingProfileKindEnumType: TypeAlias = _v201.ChargingProfileKindEnumType | _v21.ChargingProfileKindEnumType
ChargingProfilePurposeEnumType: TypeAlias = _v201.ChargingProfilePurposeEnumType | _v21.ChargingProfilePurposeEnumType
ChargingProfileStatusEnumType: TypeAlias = _v201.ChargingProfileStatusEnumType | _v21.ChargingProfileStatusEnumType
ChargingProfileType: TypeAlias = _v201.ChargingProfileType | _v21.ChargingProfileType
ChargingRateUnitEnumType: TypeAlias = _v201.ChargingRateUnitEnumType
ChargingSchedulePeriodType: TypeAlias = _v201.ChargingSchedulePeriodType | _v21.ChargingSchedulePeriodType
ChargingScheduleType: TypeAlias = _v201.ChargingScheduleType | _v21.ChargingScheduleType
ChargingStateEnumType: TypeAlias = _v201.ChargingStateEnumType | _v21.ChargingStateEnumType
ChargingStationType: TypeAlias = _v201.ChargingStationType
ClearCacheRequest: TypeAlias = _v201.ClearCacheRequest
ClearCacheResponse: TypeAlias = _v201.ClearCacheResponse | _v21.ClearCacheResponse
ClearCacheStatusEnumType: TypeAlias = _v201.ClearCacheStatusEnumType
ClearChargingProfileRequest: TypeAlias = _v201.ClearChargingProfileRequest | _v21.ClearChargingProfileRequest
ClearChargingProfileResponse: TypeAlias = _v201.ClearChargingProfileResponse | _v21.ClearChargingProfileResponse
ClearChargingProfileStatusEnumType: TypeAlias = _v201.ClearChargingProfileStatusEnumType
ClearChargingProfileType: TypeAlias = _v201.ClearChargingProfileType | _v21.ClearChargingProfileType
ClearDisplayMessageRequest: TypeAlias = _v201.ClearDisplayMessageRequest
ClearDisplayMessageResponse: TypeAlias = _v201.ClearDisplayMessageResponse | _v21.ClearDisplayMessageResponse
ClearMessageStatusEnumType: TypeAlias = _v201.ClearMessageStatusEnumType | _v21.ClearMessageStatusEnumType
ClearMonitoringResultType: TypeAlias = _v201.ClearMonitoringResultType | _v21.ClearMonitoringResultType
ClearMonitoringStatusEnumType: TypeAlias = _v201.ClearMonitoringStatusEnumType
ClearVariableMonitoringRequest: TypeAlias = _v201.ClearVariableMonitoringRequest
ClearVariableMonitoringResponse: TypeAlias = (
    _v201.ClearVariableMonitoringResponse | _v21.ClearVariableMonitoringResponse
)
ClearedChargingLimitRequest: TypeAlias = _v201.ClearedChargingLimitRequest | _v21.ClearedChargingLimitRequest
ClearedChargingLimitResponse: TypeAlias = _v201.ClearedChargingLimitResponse
ComponentCriterionEnumType: TypeAlias = _v201.ComponentCriterionEnumType
ComponentType: TypeAlias = _v201.ComponentType | _v21.ComponentType
ComponentVariableType: TypeAlias = _v201.ComponentVariableType | _v21.ComponentVariableType
CompositeScheduleType: TypeAlias = _v201.CompositeScheduleType | _v21.CompositeScheduleType
ConnectorStatusEnumType: TypeAlias = _v201.ConnectorStatusEnumType
ConsumptionCostType: TypeAlias = _v201.ConsumptionCostType
CostKindEnumType: TypeAlias = _v201.CostKindEnumType
CostType: TypeAlias = _v201.CostType
CostUpdatedRequest: TypeAlias = _v201.CostUpdatedRequest
CostUpdatedResponse: TypeAlias = _v201.CostUpdatedResponse
CustomDataType: TypeAlias = _v201.CustomDataType | _v21.CustomDataType
CustomerInformationRequest: TypeAlias = _v201.CustomerInformationRequest | _v21.CustomerInformationRequest
CustomerInformationResponse: TypeAlias = _v201.CustomerInformationResponse | _v21.CustomerInformationResponse
CustomerInformationStatusEnumType: TypeAlias = _v201.CustomerInformationStatusEnumType
DCChargingParametersType: TypeAlias = _v201.DCChargingParametersType | _v21.DCChargingParametersType
DataEnumType: TypeAlias = _v201.DataEnumType
DataTransferRequest: TypeAlias = _v201.DataTransferRequest
DataTransferResponse: TypeAlias = _v201.DataTransferResponse | _v21.DataTransferResponse
DataTransferStatusEnumType: TypeAlias = _v201.DataTransferStatusEnumType
DeleteCertificateRequest: TypeAlias = _v201.DeleteCertificateRequest
DeleteCertificateResponse: TypeAlias = _v201.DeleteCertificateResponse | _v21.DeleteCertificateResponse
DeleteCertificateStatusEnumType: TypeAlias = _v201.DeleteCertificateStatusEnumType
DisplayMessageStatusEnumType: TypeAlias = _v201.DisplayMessageStatusEnumType | _v21.DisplayMessageStatusEnumType
EVSEType: TypeAlias = _v201.EVSEType | _v21.EVSEType
EnergyTransferModeEnumType: TypeAlias = _v201.EnergyTransferModeEnumType | _v21.EnergyTransferModeEnumType
EventDataType: TypeAlias = _v201.EventDataType | _v21.EventDataType
EventNotificationEnumType: TypeAlias = _v201.EventNotificationEnumType
EventTriggerEnumType: TypeAlias = _v201.EventTriggerEnumType
FirmwareStatusEnumType: TypeAlias = _v201.FirmwareStatusEnumType
FirmwareStatusNotificationRequest: TypeAlias = (
    _v201.FirmwareStatusNotificationRequest | _v21.FirmwareStatusNotificationRequest
)
FirmwareStatusNotificationResponse: TypeAlias = _v201.FirmwareStatusNotificationResponse
FirmwareType: TypeAlias = _v201.FirmwareType | _v21.FirmwareType
GenericDeviceModelStatusEnumType: TypeAlias = _v201.GenericDeviceModelStatusEnumType
GenericStatusEnumType: TypeAlias = _v201.GenericStatusEnumType | _v21.GenericStatusEnumType
Get15118EVCertificateRequest: TypeAlias = _v201.Get15118EVCertificateRequest | _v21.Get15118EVCertificateRequest
Get15118EVCertificateResponse: TypeAlias = _v201.Get15118EVCertificateResponse | _v21.Get15118EVCertificateResponse
GetBaseReportRequest: TypeAlias = _v201.GetBaseReportRequest
GetBaseReportResponse: TypeAlias = _v201.GetBaseReportResponse | _v21.GetBaseReportResponse
GetCertificateIdUseEnumType: TypeAlias = _v201.GetCertificateIdUseEnumType | _v21.GetCertificateIdUseEnumType
GetCertificateStatusEnumType: TypeAlias = _v201.GetCertificateStatusEnumType
GetCertificateStatusRequest: TypeAlias = _v201.GetCertificateStatusRequest | _v21.GetCertificateStatusRequest
GetCertificateStatusResponse: TypeAlias = _v201.GetCertificateStatusResponse | _v21.GetCertificateStatusResponse
GetChargingProfileStatusEnumType: TypeAlias = _v201.GetChargingProfileStatusEnumType
GetChargingProfilesRequest: TypeAlias = _v201.GetChargingProfilesRequest | _v21.GetChargingProfilesRequest
GetChargingProfilesResponse: TypeAlias = _v201.GetChargingProfilesResponse | _v21.GetChargingProfilesResponse
GetCompositeScheduleRequest: TypeAlias = _v201.GetCompositeScheduleRequest | _v21.GetCompositeScheduleRequest
GetCompositeScheduleResponse: TypeAlias = _v201.GetCompositeScheduleResponse | _v21.GetCompositeScheduleResponse
GetDisplayMessagesRequest: TypeAlias = _v201.GetDisplayMessagesRequest | _v21.GetDisplayMessagesRequest
GetDisplayMessagesResponse: TypeAlias = _v201.GetDisplayMessagesResponse | _v21.GetDisplayMessagesResponse
GetDisplayMessagesStatusEnumType: TypeAlias = _v201.GetDisplayMessagesStatusEnumType
GetInstalledCertificateIdsRequest: TypeAlias = (
    _v201.GetInstalledCertificateIdsRequest | _v21.GetInstalledCertificateIdsRequest
)
GetInstalledCertificateIdsResponse: TypeAlias = (
    _v201.GetInstalledCertificateIdsResponse | _v21.GetInstalledCertificateIdsResponse
)
GetInstalledCertificateStatusEnumType: TypeAlias = _v201.GetInstalledCertificateStatusEnumType
GetLocalListVersionRequest: TypeAlias = _v201.GetLocalListVersionRequest
GetLocalListVersionResponse: TypeAlias = _v201.GetLocalListVersionResponse
GetLogRequest: TypeAlias = _v201.GetLogRequest | _v21.GetLogRequest
GetLogResponse: TypeAlias = _v201.GetLogResponse | _v21.GetLogResponse
GetMonitoringReportRequest: TypeAlias = _v201.GetMonitoringReportRequest | _v21.GetMonitoringReportRequest
GetMonitoringReportResponse: TypeAlias = _v201.GetMonitoringReportResponse | _v21.GetMonitoringReportResponse
GetReportRequest: TypeAlias = _v201.GetReportRequest | _v21.GetReportRequest
GetReportResponse: TypeAlias = _v201.GetReportResponse | _v21.GetReportResponse
GetTransactionStatusRequest: TypeAlias = _v201.GetTransactionStatusRequest
GetTransactionStatusResponse: TypeAlias = _v201.GetTransactionStatusResponse
GetVariableDataType: TypeAlias = _v201.GetVariableDataType | _v21.GetVariableDataType
GetVariableResultType: TypeAlias = _v201.GetVariableResultType | _v21.GetVariableResultType
GetVariableStatusEnumType: TypeAlias = _v201.GetVariableStatusEnumType
GetVariablesRequest: TypeAlias = _v201.GetVariablesRequest | _v21.GetVariablesRequest
GetVariablesResponse: TypeAlias = _v201.GetVariablesResponse | _v21.GetVariablesResponse
HashAlgorithmEnumType: TypeAlias = _v201.HashAlgorithmEnumType
HeartbeatRequest: TypeAlias = _v201.HeartbeatRequest
HeartbeatResponse: TypeAlias = _v201.HeartbeatResponse
IdTokenInfoType: TypeAlias = _v201.IdTokenInfoType | _v21.IdTokenInfoType
IdTokenType: TypeAlias = _v201.IdTokenType | _v21.IdTokenType
InstallCertificateRequest: TypeAlias = _v201.InstallCertificateRequest | _v21.InstallCertificateRequest
InstallCertificateResponse: TypeAlias = _v201.InstallCertificateResponse | _v21.InstallCertificateResponse
InstallCertificateStatusEnumType: TypeAlias = _v201.InstallCertificateStatusEnumType
InstallCertificateUseEnumType: TypeAlias = _v201.InstallCertificateUseEnumType | _v21.InstallCertificateUseEnumType
Iso15118EVCertificateStatusEnumType: TypeAlias = _v201.Iso15118EVCertificateStatusEnumType
LocationEnumType: TypeAlias = _v201.LocationEnumType | _v21.LocationEnumType
LogEnumType: TypeAlias = _v201.LogEnumType | _v21.LogEnumType
LogParametersType: TypeAlias = _v201.LogParametersType | _v21.LogParametersType
LogStatusEnumType: TypeAlias = _v201.LogStatusEnumType
LogStatusNotificationRequest: TypeAlias = _v201.LogStatusNotificationRequest | _v21.LogStatusNotificationRequest
LogStatusNotificationResponse: TypeAlias = _v201.LogStatusNotificationResponse
MeasurandEnumType: TypeAlias = _v201.MeasurandEnumType | _v21.MeasurandEnumType
MessageContentType: TypeAlias = _v201.MessageContentType | _v21.MessageContentType
MessageFormatEnumType: TypeAlias = _v201.MessageFormatEnumType | _v21.MessageFormatEnumType
MessageInfoType: TypeAlias = _v201.MessageInfoType | _v21.MessageInfoType
MessagePriorityEnumType: TypeAlias = _v201.MessagePriorityEnumType
MessageStateEnumType: TypeAlias = _v201.MessageStateEnumType | _v21.MessageStateEnumType
MessageTriggerEnumType: TypeAlias = _v201.MessageTriggerEnumType | _v21.MessageTriggerEnumType
MeterValueType: TypeAlias = _v201.MeterValueType | _v21.MeterValueType
MeterValuesRequest: TypeAlias = _v201.MeterValuesRequest | _v21.MeterValuesRequest
MeterValuesResponse: TypeAlias = _v201.MeterValuesResponse
ModemType: TypeAlias = _v201.ModemType
MonitorEnumType: TypeAlias = _v201.MonitorEnumType | _v21.MonitorEnumType
MonitoringBaseEnumType: TypeAlias = _v201.MonitoringBaseEnumType
MonitoringCriterionEnumType: TypeAlias = _v201.MonitoringCriterionEnumType
MonitoringDataType: TypeAlias = _v201.MonitoringDataType | _v21.MonitoringDataType
MutabilityEnumType: TypeAlias = _v201.MutabilityEnumType
NetworkConnectionProfileType: TypeAlias = _v201.NetworkConnectionProfileType | _v21.NetworkConnectionProfileType
NotifyChargingLimitRequest: TypeAlias = _v201.NotifyChargingLimitRequest | _v21.NotifyChargingLimitRequest
NotifyChargingLimitResponse: TypeAlias = _v201.NotifyChargingLimitResponse
NotifyCustomerInformationRequest: TypeAlias = (
    _v201.NotifyCustomerInformationRequest | _v21.NotifyCustomerInformationRequest
)
NotifyCustomerInformationResponse: TypeAlias = _v201.NotifyCustomerInformationResponse
NotifyDisplayMessagesRequest: TypeAlias = _v201.NotifyDisplayMessagesRequest | _v21.NotifyDisplayMessagesRequest
NotifyDisplayMessagesResponse: TypeAlias = _v201.NotifyDisplayMessagesResponse
NotifyEVChargingNeedsRequest: TypeAlias = _v201.NotifyEVChargingNeedsRequest | _v21.NotifyEVChargingNeedsRequest
NotifyEVChargingNeedsResponse: TypeAlias = _v201.NotifyEVChargingNeedsResponse | _v21.NotifyEVChargingNeedsResponse
NotifyEVChargingNeedsStatusEnumType: TypeAlias = (
    _v201.NotifyEVChargingNeedsStatusEnumType | _v21.NotifyEVChargingNeedsStatusEnumType
)
NotifyEVChargingScheduleRequest: TypeAlias = (
    _v201.NotifyEVChargingScheduleRequest | _v21.NotifyEVChargingScheduleRequest
)
NotifyEVChargingScheduleResponse: TypeAlias = (
    _v201.NotifyEVChargingScheduleResponse | _v21.NotifyEVChargingScheduleResponse
)
NotifyEventRequest: TypeAlias = _v201.NotifyEventRequest | _v21.NotifyEventRequest
NotifyEventResponse: TypeAlias = _v201.NotifyEventResponse
NotifyMonitoringReportRequest: TypeAlias = _v201.NotifyMonitoringReportRequest | _v21.NotifyMonitoringReportRequest
NotifyMonitoringReportResponse: TypeAlias = _v201.NotifyMonitoringReportResponse
NotifyReportRequest: TypeAlias = _v201.NotifyReportRequest | _v21.NotifyReportRequest
NotifyReportResponse: TypeAlias = _v201.NotifyReportResponse
OCPPInterfaceEnumType: TypeAlias = _v201.OCPPInterfaceEnumType | _v21.OCPPInterfaceEnumType
OCPPTransportEnumType: TypeAlias = _v201.OCPPTransportEnumType | _v21.OCPPTransportEnumType
OCPPVersionEnumType: TypeAlias = _v201.OCPPVersionEnumType | _v21.OCPPVersionEnumType
OCSPRequestDataType: TypeAlias = _v201.OCSPRequestDataType | _v21.OCSPRequestDataType
OperationalStatusEnumType: TypeAlias = _v201.OperationalStatusEnumType
PhaseEnumType: TypeAlias = _v201.PhaseEnumType
PublishFirmwareRequest: TypeAlias = _v201.PublishFirmwareRequest | _v21.PublishFirmwareRequest
PublishFirmwareResponse: TypeAlias = _v201.PublishFirmwareResponse | _v21.PublishFirmwareResponse
PublishFirmwareStatusEnumType: TypeAlias = _v201.PublishFirmwareStatusEnumType
PublishFirmwareStatusNotificationRequest: TypeAlias = (
    _v201.PublishFirmwareStatusNotificationRequest | _v21.PublishFirmwareStatusNotificationRequest
)
PublishFirmwareStatusNotificationResponse: TypeAlias = _v201.PublishFirmwareStatusNotificationResponse
ReadingContextEnumType: TypeAlias = _v201.ReadingContextEnumType
ReasonEnumType: TypeAlias = _v201.ReasonEnumType | _v21.ReasonEnumType
RecurrencyKindEnumType: TypeAlias = _v201.RecurrencyKindEnumType
RegistrationStatusEnumType: TypeAlias = _v201.RegistrationStatusEnumType
RelativeTimeIntervalType: TypeAlias = _v201.RelativeTimeIntervalType
ReportBaseEnumType: TypeAlias = _v201.ReportBaseEnumType
ReportChargingProfilesRequest: TypeAlias = _v201.ReportChargingProfilesRequest | _v21.ReportChargingProfilesRequest
ReportChargingProfilesResponse: TypeAlias = _v201.ReportChargingProfilesResponse
ReportDataType: TypeAlias = _v201.ReportDataType | _v21.ReportDataType
RequestStartStopStatusEnumType: TypeAlias = _v201.RequestStartStopStatusEnumType
RequestStartTransactionRequest: TypeAlias = _v201.RequestStartTransactionRequest | _v21.RequestStartTransactionRequest
RequestStartTransactionResponse: TypeAlias = (
    _v201.RequestStartTransactionResponse | _v21.RequestStartTransactionResponse
)
RequestStopTransactionRequest: TypeAlias = _v201.RequestStopTransactionRequest
RequestStopTransactionResponse: TypeAlias = _v201.RequestStopTransactionResponse | _v21.RequestStopTransactionResponse
ReservationStatusUpdateRequest: TypeAlias = _v201.ReservationStatusUpdateRequest | _v21.ReservationStatusUpdateRequest
ReservationStatusUpdateResponse: TypeAlias = _v201.ReservationStatusUpdateResponse
ReservationUpdateStatusEnumType: TypeAlias = (
    _v201.ReservationUpdateStatusEnumType | _v21.ReservationUpdateStatusEnumType
)
ReserveNowRequest: TypeAlias = _v201.ReserveNowRequest | _v21.ReserveNowRequest
ReserveNowResponse: TypeAlias = _v201.ReserveNowResponse | _v21.ReserveNowResponse
ReserveNowStatusEnumType: TypeAlias = _v201.ReserveNowStatusEnumType
ResetEnumType: TypeAlias = _v201.ResetEnumType | _v21.ResetEnumType
ResetRequest: TypeAlias = _v201.ResetRequest | _v21.ResetRequest
ResetResponse: TypeAlias = _v201.ResetResponse | _v21.ResetResponse
ResetStatusEnumType: TypeAlias = _v201.ResetStatusEnumType
SalesTariffEntryType: TypeAlias = _v201.SalesTariffEntryType
SalesTariffType: TypeAlias = _v201.SalesTariffType | _v21.SalesTariffType
SampledValueType: TypeAlias = _v201.SampledValueType | _v21.SampledValueType
SecurityEventNotificationRequest: TypeAlias = _v201.SecurityEventNotificationRequest
SecurityEventNotificationResponse: TypeAlias = _v201.SecurityEventNotificationResponse
SendLocalListRequest: TypeAlias = _v201.SendLocalListRequest | _v21.SendLocalListRequest
SendLocalListResponse: TypeAlias = _v201.SendLocalListResponse | _v21.SendLocalListResponse
SendLocalListStatusEnumType: TypeAlias = _v201.SendLocalListStatusEnumType
SetChargingProfileRequest: TypeAlias = _v201.SetChargingProfileRequest | _v21.SetChargingProfileRequest
SetChargingProfileResponse: TypeAlias = _v201.SetChargingProfileResponse | _v21.SetChargingProfileResponse
SetDisplayMessageRequest: TypeAlias = _v201.SetDisplayMessageRequest | _v21.SetDisplayMessageRequest
SetDisplayMessageResponse: TypeAlias = _v201.SetDisplayMessageResponse | _v21.SetDisplayMessageResponse
SetMonitoringBaseRequest: TypeAlias = _v201.SetMonitoringBaseRequest
SetMonitoringBaseResponse: TypeAlias = _v201.SetMonitoringBaseResponse | _v21.SetMonitoringBaseResponse
SetMonitoringDataType: TypeAlias = _v201.SetMonitoringDataType | _v21.SetMonitoringDataType
SetMonitoringLevelRequest: TypeAlias = _v201.SetMonitoringLevelRequest | _v21.SetMonitoringLevelRequest
SetMonitoringLevelResponse: TypeAlias = _v201.SetMonitoringLevelResponse | _v21.SetMonitoringLevelResponse
SetMonitoringResultType: TypeAlias = _v201.SetMonitoringResultType | _v21.SetMonitoringResultType
SetMonitoringStatusEnumType: TypeAlias = _v201.SetMonitoringStatusEnumType
SetNetworkProfileRequest: TypeAlias = _v201.SetNetworkProfileRequest | _v21.SetNetworkProfileRequest
SetNetworkProfileResponse: TypeAlias = _v201.SetNetworkProfileResponse | _v21.SetNetworkProfileResponse
SetNetworkProfileStatusEnumType: TypeAlias = _v201.SetNetworkProfileStatusEnumType
SetVariableDataType: TypeAlias = _v201.SetVariableDataType | _v21.SetVariableDataType
SetVariableMonitoringRequest: TypeAlias = _v201.SetVariableMonitoringRequest | _v21.SetVariableMonitoringRequest
SetVariableMonitoringResponse: TypeAlias = _v201.SetVariableMonitoringResponse | _v21.SetVariableMonitoringResponse
SetVariableResultType: TypeAlias = _v201.SetVariableResultType | _v21.SetVariableResultType
SetVariableStatusEnumType: TypeAlias = _v201.SetVariableStatusEnumType
SetVariablesRequest: TypeAlias = _v201.SetVariablesRequest | _v21.SetVariablesRequest
SetVariablesResponse: TypeAlias = _v201.SetVariablesResponse | _v21.SetVariablesResponse
SignCertificateRequest: TypeAlias = _v201.SignCertificateRequest | _v21.SignCertificateRequest
SignCertificateResponse: TypeAlias = _v201.SignCertificateResponse | _v21.SignCertificateResponse
SignedMeterValueType: TypeAlias = _v201.SignedMeterValueType | _v21.SignedMeterValueType
StatusInfoType: TypeAlias = _v201.StatusInfoType | _v21.StatusInfoType
StatusNotificationRequest: TypeAlias = _v201.StatusNotificationRequest | _v21.StatusNotificationRequest
StatusNotificationResponse: TypeAlias = _v201.StatusNotificationResponse
TransactionEventEnumType: TypeAlias = _v201.TransactionEventEnumType
TransactionEventRequest: TypeAlias = _v201.TransactionEventRequest | _v21.TransactionEventRequest
TransactionEventResponse: TypeAlias = _v201.TransactionEventResponse | _v21.TransactionEventResponse
TransactionType: TypeAlias = _v201.TransactionType | _v21.TransactionType
TriggerMessageRequest: TypeAlias = _v201.TriggerMessageRequest | _v21.TriggerMessageRequest
TriggerMessageResponse: TypeAlias = _v201.TriggerMessageResponse | _v21.TriggerMessageResponse
TriggerMessageStatusEnumType: TypeAlias = _v201.TriggerMessageStatusEnumType
TriggerReasonEnumType: TypeAlias = _v201.TriggerReasonEnumType | _v21.TriggerReasonEnumType
UnitOfMeasureType: TypeAlias = _v201.UnitOfMeasureType
UnlockConnectorRequest: TypeAlias = _v201.UnlockConnectorRequest | _v21.UnlockConnectorRequest
UnlockConnectorResponse: TypeAlias = _v201.UnlockConnectorResponse | _v21.UnlockConnectorResponse
UnlockStatusEnumType: TypeAlias = _v201.UnlockStatusEnumType
UnpublishFirmwareRequest: TypeAlias = _v201.UnpublishFirmwareRequest
UnpublishFirmwareResponse: TypeAlias = _v201.UnpublishFirmwareResponse
UnpublishFirmwareStatusEnumType: TypeAlias = _v201.UnpublishFirmwareStatusEnumType
UpdateEnumType: TypeAlias = _v201.UpdateEnumType
UpdateFirmwareRequest: TypeAlias = _v201.UpdateFirmwareRequest | _v21.UpdateFirmwareRequest
UpdateFirmwareResponse: TypeAlias = _v201.UpdateFirmwareResponse | _v21.UpdateFirmwareResponse
UpdateFirmwareStatusEnumType: TypeAlias = _v201.UpdateFirmwareStatusEnumType
UploadLogStatusEnumType: TypeAlias = _v201.UploadLogStatusEnumType
VPNEnumType: TypeAlias = _v201.VPNEnumType
VPNType: TypeAlias = _v201.VPNType | _v21.VPNType
VariableAttributeType: TypeAlias = _v201.VariableAttributeType
VariableCharacteristicsType: TypeAlias = _v201.VariableCharacteristicsType | _v21.VariableCharacteristicsType
VariableMonitoringType: TypeAlias = _v201.VariableMonitoringType | _v21.VariableMonitoringType
VariableType: TypeAlias = _v201.VariableType
