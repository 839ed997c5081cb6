"""OCPP 2.1 payload types, GENERATED from the `ocpp` package's JSON schemas: do not edit.

Regenerate with `python scripts/generate_wire_types.py` (its docstring says how names are made).
"""

from enum import StrEnum
from typing import NotRequired, TypedDict, final

from csms.ocpp.wire import v201 as _v201

# unchanged since 2.0.1
AttributeEnumType = _v201.AttributeEnumType
AuthorizationStatusEnumType = _v201.AuthorizationStatusEnumType
AuthorizeCertificateStatusEnumType = _v201.AuthorizeCertificateStatusEnumType
BootNotificationRequest = _v201.BootNotificationRequest
BootReasonEnumType = _v201.BootReasonEnumType
CancelReservationStatusEnumType = _v201.CancelReservationStatusEnumType
CertificateActionEnumType = _v201.CertificateActionEnumType
CertificateHashDataType = _v201.CertificateHashDataType
CertificateSignedStatusEnumType = _v201.CertificateSignedStatusEnumType
ChangeAvailabilityStatusEnumType = _v201.ChangeAvailabilityStatusEnumType
ChargingRateUnitEnumType = _v201.ChargingRateUnitEnumType
ChargingStationType = _v201.ChargingStationType
ClearCacheRequest = _v201.ClearCacheRequest
ClearCacheStatusEnumType = _v201.ClearCacheStatusEnumType
ClearChargingProfileStatusEnumType = _v201.ClearChargingProfileStatusEnumType
ClearDisplayMessageRequest = _v201.ClearDisplayMessageRequest
ClearMonitoringStatusEnumType = _v201.ClearMonitoringStatusEnumType
ClearVariableMonitoringRequest = _v201.ClearVariableMonitoringRequest
ClearedChargingLimitResponse = _v201.ClearedChargingLimitResponse
ComponentCriterionEnumType = _v201.ComponentCriterionEnumType
ConnectorStatusEnumType = _v201.ConnectorStatusEnumType
ConsumptionCostType = _v201.ConsumptionCostType
CostKindEnumType = _v201.CostKindEnumType
CostType = _v201.CostType
CostUpdatedRequest = _v201.CostUpdatedRequest
CostUpdatedResponse = _v201.CostUpdatedResponse
CustomerInformationStatusEnumType = _v201.CustomerInformationStatusEnumType
DataEnumType = _v201.DataEnumType
DataTransferRequest = _v201.DataTransferRequest
DataTransferStatusEnumType = _v201.DataTransferStatusEnumType
DeleteCertificateRequest = _v201.DeleteCertificateRequest
DeleteCertificateStatusEnumType = _v201.DeleteCertificateStatusEnumType
EventNotificationEnumType = _v201.EventNotificationEnumType
EventTriggerEnumType = _v201.EventTriggerEnumType
FirmwareStatusEnumType = _v201.FirmwareStatusEnumType
FirmwareStatusNotificationResponse = _v201.FirmwareStatusNotificationResponse
GenericDeviceModelStatusEnumType = _v201.GenericDeviceModelStatusEnumType
GetBaseReportRequest = _v201.GetBaseReportRequest
GetCertificateStatusEnumType = _v201.GetCertificateStatusEnumType
GetChargingProfileStatusEnumType = _v201.GetChargingProfileStatusEnumType
GetDisplayMessagesStatusEnumType = _v201.GetDisplayMessagesStatusEnumType
GetInstalledCertificateStatusEnumType = _v201.GetInstalledCertificateStatusEnumType
GetLocalListVersionRequest = _v201.GetLocalListVersionRequest
GetLocalListVersionResponse = _v201.GetLocalListVersionResponse
GetTransactionStatusRequest = _v201.GetTransactionStatusRequest
GetTransactionStatusResponse = _v201.GetTransactionStatusResponse
GetVariableStatusEnumType = _v201.GetVariableStatusEnumType
HashAlgorithmEnumType = _v201.HashAlgorithmEnumType
HeartbeatRequest = _v201.HeartbeatRequest
HeartbeatResponse = _v201.HeartbeatResponse
InstallCertificateStatusEnumType = _v201.InstallCertificateStatusEnumType
Iso15118EVCertificateStatusEnumType = _v201.Iso15118EVCertificateStatusEnumType
LogStatusEnumType = _v201.LogStatusEnumType
LogStatusNotificationResponse = _v201.LogStatusNotificationResponse
MessagePriorityEnumType = _v201.MessagePriorityEnumType
MeterValuesResponse = _v201.MeterValuesResponse
ModemType = _v201.ModemType
MonitoringBaseEnumType = _v201.MonitoringBaseEnumType
MonitoringCriterionEnumType = _v201.MonitoringCriterionEnumType
MutabilityEnumType = _v201.MutabilityEnumType
NotifyChargingLimitResponse = _v201.NotifyChargingLimitResponse
NotifyCustomerInformationResponse = _v201.NotifyCustomerInformationResponse
NotifyDisplayMessagesResponse = _v201.NotifyDisplayMessagesResponse
NotifyEventResponse = _v201.NotifyEventResponse
NotifyMonitoringReportResponse = _v201.NotifyMonitoringReportResponse
NotifyReportResponse = _v201.NotifyReportResponse
OperationalStatusEnumType = _v201.OperationalStatusEnumType
PhaseEnumType = _v201.PhaseEnumType
PublishFirmwareStatusEnumType = _v201.PublishFirmwareStatusEnumType
PublishFirmwareStatusNotificationResponse = _v201.PublishFirmwareStatusNotificationResponse
ReadingContextEnumType = _v201.ReadingContextEnumType
RecurrencyKindEnumType = _v201.RecurrencyKindEnumType
RegistrationStatusEnumType = _v201.RegistrationStatusEnumType
RelativeTimeIntervalType = _v201.RelativeTimeIntervalType
ReportBaseEnumType = _v201.ReportBaseEnumType
ReportChargingProfilesResponse = _v201.ReportChargingProfilesResponse
RequestStartStopStatusEnumType = _v201.RequestStartStopStatusEnumType
RequestStopTransactionRequest = _v201.RequestStopTransactionRequest
ReservationStatusUpdateResponse = _v201.ReservationStatusUpdateResponse
ReserveNowStatusEnumType = _v201.ReserveNowStatusEnumType
ResetStatusEnumType = _v201.ResetStatusEnumType
SalesTariffEntryType = _v201.SalesTariffEntryType
SecurityEventNotificationRequest = _v201.SecurityEventNotificationRequest
SecurityEventNotificationResponse = _v201.SecurityEventNotificationResponse
SendLocalListStatusEnumType = _v201.SendLocalListStatusEnumType
SetMonitoringBaseRequest = _v201.SetMonitoringBaseRequest
SetMonitoringStatusEnumType = _v201.SetMonitoringStatusEnumType
SetNetworkProfileStatusEnumType = _v201.SetNetworkProfileStatusEnumType
SetVariableStatusEnumType = _v201.SetVariableStatusEnumType
StatusNotificationResponse = _v201.StatusNotificationResponse
TransactionEventEnumType = _v201.TransactionEventEnumType
TriggerMessageStatusEnumType = _v201.TriggerMessageStatusEnumType
UnitOfMeasureType = _v201.UnitOfMeasureType
UnlockStatusEnumType = _v201.UnlockStatusEnumType
UnpublishFirmwareRequest = _v201.UnpublishFirmwareRequest
UnpublishFirmwareResponse = _v201.UnpublishFirmwareResponse
UnpublishFirmwareStatusEnumType = _v201.UnpublishFirmwareStatusEnumType
UpdateEnumType = _v201.UpdateEnumType
UpdateFirmwareStatusEnumType = _v201.UpdateFirmwareStatusEnumType
UploadLogStatusEnumType = _v201.UploadLogStatusEnumType
VPNEnumType = _v201.VPNEnumType
VariableAttributeType = _v201.VariableAttributeType
VariableType = _v201.VariableType


@final
class CustomDataType(TypedDict):
    vendorId: str


@final
class AFRRSignalRequest(TypedDict):
    timestamp: str
    signal: int
    customData: NotRequired[CustomDataType]


class GenericStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    REJECTED = 'Rejected'


@final
class StatusInfoType(TypedDict):
    reasonCode: str
    additionalInfo: NotRequired[str]
    customData: NotRequired[CustomDataType]


@final
class AFRRSignalResponse(TypedDict):
    status: GenericStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


@final
class PeriodicEventStreamParamsType(TypedDict):
    interval: NotRequired[int]
    values: NotRequired[int]
    customData: NotRequired[CustomDataType]


@final
class AdjustPeriodicEventStreamRequest(TypedDict):
    id: int
    params: PeriodicEventStreamParamsType
    customData: NotRequired[CustomDataType]


@final
class AdjustPeriodicEventStreamResponse(TypedDict):
    status: GenericStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


@final
class AdditionalInfoType(TypedDict):
    additionalIdToken: str
    type: str
    customData: NotRequired[CustomDataType]


@final
class IdTokenType(TypedDict):
    additionalInfo: NotRequired[list[AdditionalInfoType]]
    idToken: str
    type: str
    customData: NotRequired[CustomDataType]


@final
class OCSPRequestDataType(TypedDict):
    hashAlgorithm: HashAlgorithmEnumType
    issuerNameHash: str
    issuerKeyHash: str
    serialNumber: str
    responderURL: str
    customData: NotRequired[CustomDataType]


@final
class AuthorizeRequest(TypedDict):
    idToken: IdTokenType
    certificate: NotRequired[str]
    iso15118CertificateHashData: NotRequired[list[OCSPRequestDataType]]
    customData: NotRequired[CustomDataType]


class MessageFormatEnumType(StrEnum):
    ASCII = 'ASCII'
    HTML = 'HTML'
    URI = 'URI'
    UTF8 = 'UTF8'
    QRCODE = 'QRCODE'


@final
class MessageContentType(TypedDict):
    format: MessageFormatEnumType
    language: NotRequired[str]
    content: str
    customData: NotRequired[CustomDataType]


@final
class IdTokenInfoType(TypedDict):
    status: AuthorizationStatusEnumType
    cacheExpiryDateTime: NotRequired[str]
    chargingPriority: NotRequired[int]
    groupIdToken: NotRequired[IdTokenType]
    language1: NotRequired[str]
    language2: NotRequired[str]
    evseId: NotRequired[list[int]]
    personalMessage: NotRequired[MessageContentType]
    customData: NotRequired[CustomDataType]


class EnergyTransferModeEnumType(StrEnum):
    AC_SINGLE_PHASE = 'AC_single_phase'
    AC_TWO_PHASE = 'AC_two_phase'
    AC_THREE_PHASE = 'AC_three_phase'
    DC = 'DC'
    AC_BPT = 'AC_BPT'
    AC_BPT_DER = 'AC_BPT_DER'
    AC_DER = 'AC_DER'
    DC_BPT = 'DC_BPT'
    DC_ACDP = 'DC_ACDP'
    DC_ACDP_BPT = 'DC_ACDP_BPT'
    WPT = 'WPT'


class DayOfWeekEnumType(StrEnum):
    MONDAY = 'Monday'
    TUESDAY = 'Tuesday'
    WEDNESDAY = 'Wednesday'
    THURSDAY = 'Thursday'
    FRIDAY = 'Friday'
    SATURDAY = 'Saturday'
    SUNDAY = 'Sunday'


class EvseKindEnumType(StrEnum):
    AC = 'AC'
    DC = 'DC'


@final
class TariffConditionsType(TypedDict):
    startTimeOfDay: NotRequired[str]
    endTimeOfDay: NotRequired[str]
    dayOfWeek: NotRequired[list[DayOfWeekEnumType]]
    validFromDate: NotRequired[str]
    validToDate: NotRequired[str]
    evseKind: NotRequired[EvseKindEnumType]
    minEnergy: NotRequired[float]
    maxEnergy: NotRequired[float]
    minCurrent: NotRequired[float]
    maxCurrent: NotRequired[float]
    minPower: NotRequired[float]
    maxPower: NotRequired[float]
    minTime: NotRequired[int]
    maxTime: NotRequired[int]
    minChargingTime: NotRequired[int]
    maxChargingTime: NotRequired[int]
    minIdleTime: NotRequired[int]
    maxIdleTime: NotRequired[int]
    customData: NotRequired[CustomDataType]


@final
class TariffEnergyPriceType(TypedDict):
    priceKwh: float
    conditions: NotRequired[TariffConditionsType]
    customData: NotRequired[CustomDataType]


@final
class TaxRateType(TypedDict):
    type: str
    tax: float
    stack: NotRequired[int]
    customData: NotRequired[CustomDataType]


@final
class TariffEnergyType(TypedDict):
    prices: list[TariffEnergyPriceType]
    taxRates: NotRequired[list[TaxRateType]]
    customData: NotRequired[CustomDataType]


@final
class TariffTimePriceType(TypedDict):
    priceMinute: float
    conditions: NotRequired[TariffConditionsType]
    customData: NotRequired[CustomDataType]


@final
class TariffTimeType(TypedDict):
    prices: list[TariffTimePriceType]
    taxRates: NotRequired[list[TaxRateType]]
    customData: NotRequired[CustomDataType]


@final
class TariffConditionsFixedType(TypedDict):
    startTimeOfDay: NotRequired[str]
    endTimeOfDay: NotRequired[str]
    dayOfWeek: NotRequired[list[DayOfWeekEnumType]]
    validFromDate: NotRequired[str]
    validToDate: NotRequired[str]
    evseKind: NotRequired[EvseKindEnumType]
    paymentBrand: NotRequired[str]
    paymentRecognition: NotRequired[str]
    customData: NotRequired[CustomDataType]


@final
class TariffFixedPriceType(TypedDict):
    conditions: NotRequired[TariffConditionsFixedType]
    priceFixed: float
    customData: NotRequired[CustomDataType]


@final
class TariffFixedType(TypedDict):
    prices: list[TariffFixedPriceType]
    taxRates: NotRequired[list[TaxRateType]]
    customData: NotRequired[CustomDataType]


@final
class PriceType(TypedDict):
    exclTax: NotRequired[float]
    inclTax: NotRequired[float]
    taxRates: NotRequired[list[TaxRateType]]
    customData: NotRequired[CustomDataType]


@final
class TariffType(TypedDict):
    tariffId: str
    description: NotRequired[list[MessageContentType]]
    currency: str
    energy: NotRequired[TariffEnergyType]
    validFrom: NotRequired[str]
    chargingTime: NotRequired[TariffTimeType]
    idleTime: NotRequired[TariffTimeType]
    fixedFee: NotRequired[TariffFixedType]
    reservationTime: NotRequired[TariffTimeType]
    reservationFixed: NotRequired[TariffFixedType]
    minCost: NotRequired[PriceType]
    maxCost: NotRequired[PriceType]
    customData: NotRequired[CustomDataType]


@final
class AuthorizeResponse(TypedDict):
    idTokenInfo: IdTokenInfoType
    certificateStatus: NotRequired[AuthorizeCertificateStatusEnumType]
    allowedEnergyTransfer: NotRequired[list[EnergyTransferModeEnumType]]
    tariff: NotRequired[TariffType]
    customData: NotRequired[CustomDataType]


@final
class BatteryDataType(TypedDict):
    evseId: int
    serialNumber: str
    soC: float
    soH: float
    productionDate: NotRequired[str]
    vendorInfo: NotRequired[str]
    customData: NotRequired[CustomDataType]


class BatterySwapEventEnumType(StrEnum):
    BATTERY_IN = 'BatteryIn'
    BATTERY_OUT = 'BatteryOut'
    BATTERY_OUT_TIMEOUT = 'BatteryOutTimeout'


@final
class BatterySwapRequest(TypedDict):
    batteryData: list[BatteryDataType]
    eventType: BatterySwapEventEnumType
    idToken: IdTokenType
    requestId: int
    customData: NotRequired[CustomDataType]


@final
class BatterySwapResponse(TypedDict):
    customData: NotRequired[CustomDataType]


@final
class BootNotificationResponse(TypedDict):
    currentTime: str
    interval: int
    status: RegistrationStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


@final
class CancelReservationRequest(TypedDict):
    reservationId: int
    customData: NotRequired[CustomDataType]


@final
class CancelReservationResponse(TypedDict):
    status: CancelReservationStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


class CertificateSigningUseEnumType(StrEnum):
    CHARGING_STATION_CERTIFICATE = 'ChargingStationCertificate'
    V2_GCERTIFICATE = 'V2GCertificate'
    V2_G20_CERTIFICATE = 'V2G20Certificate'


@final
class CertificateSignedRequest(TypedDict):
    certificateChain: str
    certificateType: NotRequired[CertificateSigningUseEnumType]
    requestId: NotRequired[int]
    customData: NotRequired[CustomDataType]


@final
class CertificateSignedResponse(TypedDict):
    status: CertificateSignedStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


@final
class EVSEType(TypedDict):
    id: int
    connectorId: NotRequired[int]
    customData: NotRequired[CustomDataType]


@final
class ChangeAvailabilityRequest(TypedDict):
    evse: NotRequired[EVSEType]
    operationalStatus: OperationalStatusEnumType
    customData: NotRequired[CustomDataType]


@final
class ChangeAvailabilityResponse(TypedDict):
    status: ChangeAvailabilityStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


@final
class ChangeTransactionTariffRequest(TypedDict):
    tariff: TariffType
    transactionId: str
    customData: NotRequired[CustomDataType]


class TariffChangeStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    REJECTED = 'Rejected'
    TOO_MANY_ELEMENTS = 'TooManyElements'
    CONDITION_NOT_SUPPORTED = 'ConditionNotSupported'
    TX_NOT_FOUND = 'TxNotFound'
    NO_CURRENCY_CHANGE = 'NoCurrencyChange'


@final
class ChangeTransactionTariffResponse(TypedDict):
    status: TariffChangeStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


@final
class ClearCacheResponse(TypedDict):
    status: ClearCacheStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


class ChargingProfilePurposeEnumType(StrEnum):
    CHARGING_STATION_EXTERNAL_CONSTRAINTS = 'ChargingStationExternalConstraints'
    CHARGING_STATION_MAX_PROFILE = 'ChargingStationMaxProfile'
    TX_DEFAULT_PROFILE = 'TxDefaultProfile'
    TX_PROFILE = 'TxProfile'
    PRIORITY_CHARGING = 'PriorityCharging'
    LOCAL_GENERATION = 'LocalGeneration'


@final
class ClearChargingProfileType(TypedDict):
    evseId: NotRequired[int]
    chargingProfilePurpose: NotRequired[ChargingProfilePurposeEnumType]
    stackLevel: NotRequired[int]
    customData: NotRequired[CustomDataType]


@final
class ClearChargingProfileRequest(TypedDict):
    chargingProfileId: NotRequired[int]
    chargingProfileCriteria: NotRequired[ClearChargingProfileType]
    customData: NotRequired[CustomDataType]


@final
class ClearChargingProfileResponse(TypedDict):
    status: ClearChargingProfileStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


class DERControlEnumType(StrEnum):
    ENTER_SERVICE = 'EnterService'
    FREQ_DROOP = 'FreqDroop'
    FREQ_WATT = 'FreqWatt'
    FIXED_PFABSORB = 'FixedPFAbsorb'
    FIXED_PFINJECT = 'FixedPFInject'
    FIXED_VAR = 'FixedVar'
    GRADIENTS = 'Gradients'
    HFMUST_TRIP = 'HFMustTrip'
    HFMAY_TRIP = 'HFMayTrip'
    HVMUST_TRIP = 'HVMustTrip'
    HVMOM_CESS = 'HVMomCess'
    HVMAY_TRIP = 'HVMayTrip'
    LIMIT_MAX_DISCHARGE = 'LimitMaxDischarge'
    LFMUST_TRIP = 'LFMustTrip'
    LVMUST_TRIP = 'LVMustTrip'
    LVMOM_CESS = 'LVMomCess'
    LVMAY_TRIP = 'LVMayTrip'
    POWER_MONITORING_MUST_TRIP = 'PowerMonitoringMustTrip'
    VOLT_VAR = 'VoltVar'
    VOLT_WATT = 'VoltWatt'
    WATT_PF = 'WattPF'
    WATT_VAR = 'WattVar'


@final
class ClearDERControlRequest(TypedDict):
    isDefault: bool
    controlType: NotRequired[DERControlEnumType]
    controlId: NotRequired[str]
    customData: NotRequired[CustomDataType]


class DERControlStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    REJECTED = 'Rejected'
    NOT_SUPPORTED = 'NotSupported'
    NOT_FOUND = 'NotFound'


@final
class ClearDERControlResponse(TypedDict):
    status: DERControlStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


class ClearMessageStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    UNKNOWN = 'Unknown'
    REJECTED = 'Rejected'


@final
class ClearDisplayMessageResponse(TypedDict):
    status: ClearMessageStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


@final
class ClearTariffsRequest(TypedDict):
    tariffIds: NotRequired[list[str]]
    evseId: NotRequired[int]
    customData: NotRequired[CustomDataType]


class TariffClearStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    REJECTED = 'Rejected'
    NO_TARIFF = 'NoTariff'


@final
class ClearTariffsResultType(TypedDict):
    statusInfo: NotRequired[StatusInfoType]
    tariffId: NotRequired[str]
    status: TariffClearStatusEnumType
    customData: NotRequired[CustomDataType]


@final
class ClearTariffsResponse(TypedDict):
    clearTariffsResult: list[ClearTariffsResultType]
    customData: NotRequired[CustomDataType]


@final
class ClearMonitoringResultType(TypedDict):
    status: ClearMonitoringStatusEnumType
    id: int
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


@final
class ClearVariableMonitoringResponse(TypedDict):
    clearMonitoringResult: list[ClearMonitoringResultType]
    customData: NotRequired[CustomDataType]


@final
class ClearedChargingLimitRequest(TypedDict):
    chargingLimitSource: str
    evseId: NotRequired[int]
    customData: NotRequired[CustomDataType]


@final
class ClosePeriodicEventStreamRequest(TypedDict):
    id: int
    customData: NotRequired[CustomDataType]


@final
class ClosePeriodicEventStreamResponse(TypedDict):
    customData: NotRequired[CustomDataType]


@final
class CustomerInformationRequest(TypedDict):
    customerCertificate: NotRequired[CertificateHashDataType]
    idToken: NotRequired[IdTokenType]
    requestId: int
    report: bool
    clear: bool
    customerIdentifier: NotRequired[str]
    customData: NotRequired[CustomDataType]


@final
class CustomerInformationResponse(TypedDict):
    status: CustomerInformationStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


@final
class DataTransferResponse(TypedDict):
    status: DataTransferStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    data: NotRequired[object]
    customData: NotRequired[CustomDataType]


@final
class DeleteCertificateResponse(TypedDict):
    status: DeleteCertificateStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


@final
class FirmwareStatusNotificationRequest(TypedDict):
    status: FirmwareStatusEnumType
    requestId: NotRequired[int]
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


@final
class Get15118EVCertificateRequest(TypedDict):
    iso15118SchemaVersion: str
    action: CertificateActionEnumType
    exiRequest: str
    maximumContractCertificateChains: NotRequired[int]
    prioritizedEMAIDs: NotRequired[list[str]]
    customData: NotRequired[CustomDataType]


@final
class Get15118EVCertificateResponse(TypedDict):
    status: Iso15118EVCertificateStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    exiResponse: str
    remainingContracts: NotRequired[int]
    customData: NotRequired[CustomDataType]


@final
class GetBaseReportResponse(TypedDict):
    status: GenericDeviceModelStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


class CertificateStatusSourceEnumType(StrEnum):
    CRL = 'CRL'
    OCSP = 'OCSP'


@final
class CertificateStatusRequestInfoType(TypedDict):
    certificateHashData: CertificateHashDataType
    source: CertificateStatusSourceEnumType
    urls: list[str]
    customData: NotRequired[CustomDataType]


@final
class GetCertificateChainStatusRequest(TypedDict):
    certificateStatusRequests: list[CertificateStatusRequestInfoType]
    customData: NotRequired[CustomDataType]


class CertificateStatusEnumType(StrEnum):
    GOOD = 'Good'
    REVOKED = 'Revoked'
    UNKNOWN = 'Unknown'
    FAILED = 'Failed'


@final
class CertificateStatusType(TypedDict):
    certificateHashData: CertificateHashDataType
    source: CertificateStatusSourceEnumType
    status: CertificateStatusEnumType
    nextUpdate: str
    customData: NotRequired[CustomDataType]


@final
class GetCertificateChainStatusResponse(TypedDict):
    certificateStatus: list[CertificateStatusType]
    customData: NotRequired[CustomDataType]


@final
class GetCertificateStatusRequest(TypedDict):
    ocspRequestData: OCSPRequestDataType
    customData: NotRequired[CustomDataType]


@final
class GetCertificateStatusResponse(TypedDict):
    status: GetCertificateStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    ocspResult: NotRequired[str]
    customData: NotRequired[CustomDataType]


@final
class ChargingProfileCriterionType(TypedDict):
    chargingProfilePurpose: NotRequired[ChargingProfilePurposeEnumType]
    stackLevel: NotRequired[int]
    chargingProfileId: NotRequired[list[int]]
    chargingLimitSource: NotRequired[list[str]]
    customData: NotRequired[CustomDataType]


@final
class GetChargingProfilesRequest(TypedDict):
    requestId: int
    evseId: NotRequired[int]
    chargingProfile: ChargingProfileCriterionType
    customData: NotRequired[CustomDataType]


@final
class GetChargingProfilesResponse(TypedDict):
    status: GetChargingProfileStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


@final
class GetCompositeScheduleRequest(TypedDict):
    duration: int
    chargingRateUnit: NotRequired[ChargingRateUnitEnumType]
    evseId: int
    customData: NotRequired[CustomDataType]


class OperationModeEnumType(StrEnum):
    IDLE = 'Idle'
    CHARGING_ONLY = 'ChargingOnly'
    CENTRAL_SETPOINT = 'CentralSetpoint'
    EXTERNAL_SETPOINT = 'ExternalSetpoint'
    EXTERNAL_LIMITS = 'ExternalLimits'
    CENTRAL_FREQUENCY = 'CentralFrequency'
    LOCAL_FREQUENCY = 'LocalFrequency'
    LOCAL_LOAD_BALANCING = 'LocalLoadBalancing'


@final
class V2XFreqWattPointType(TypedDict):
    frequency: float
    power: float
    customData: NotRequired[CustomDataType]


@final
class V2XSignalWattPointType(TypedDict):
    signal: int
    power: float
    customData: NotRequired[CustomDataType]


@final
class ChargingSchedulePeriodType(TypedDict):
    startPeriod: int
    limit: NotRequired[float]
    limit_L2: NotRequired[float]
    limit_L3: NotRequired[float]
    numberPhases: NotRequired[int]
    phaseToUse: NotRequired[int]
    dischargeLimit: NotRequired[float]
    dischargeLimit_L2: NotRequired[float]
    dischargeLimit_L3: NotRequired[float]
    setpoint: NotRequired[float]
    setpoint_L2: NotRequired[float]
    setpoint_L3: NotRequired[float]
    setpointReactive: NotRequired[float]
    setpointReactive_L2: NotRequired[float]
    setpointReactive_L3: NotRequired[float]
    preconditioningRequest: NotRequired[bool]
    evseSleep: NotRequired[bool]
    v2xBaseline: NotRequired[float]
    operationMode: NotRequired[OperationModeEnumType]
    v2xFreqWattCurve: NotRequired[list[V2XFreqWattPointType]]
    v2xSignalWattCurve: NotRequired[list[V2XSignalWattPointType]]
    customData: NotRequired[CustomDataType]


@final
class CompositeScheduleType(TypedDict):
    evseId: int
    duration: int
    scheduleStart: str
    chargingRateUnit: ChargingRateUnitEnumType
    chargingSchedulePeriod: list[ChargingSchedulePeriodType]
    customData: NotRequired[CustomDataType]


@final
class GetCompositeScheduleResponse(TypedDict):
    status: GenericStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    schedule: NotRequired[CompositeScheduleType]
    customData: NotRequired[CustomDataType]


@final
class GetDERControlRequest(TypedDict):
    requestId: int
    isDefault: NotRequired[bool]
    controlType: NotRequired[DERControlEnumType]
    controlId: NotRequired[str]
    customData: NotRequired[CustomDataType]


@final
class GetDERControlResponse(TypedDict):
    status: DERControlStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


class MessageStateEnumType(StrEnum):
    CHARGING = 'Charging'
    FAULTED = 'Faulted'
    IDLE = 'Idle'
    UNAVAILABLE = 'Unavailable'
    SUSPENDED = 'Suspended'
    DISCHARGING = 'Discharging'


@final
class GetDisplayMessagesRequest(TypedDict):
    id: NotRequired[list[int]]
    requestId: int
    priority: NotRequired[MessagePriorityEnumType]
    state: NotRequired[MessageStateEnumType]
    customData: NotRequired[CustomDataType]


@final
class GetDisplayMessagesResponse(TypedDict):
    status: GetDisplayMessagesStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


class GetCertificateIdUseEnumType(StrEnum):
    V2_GROOT_CERTIFICATE = 'V2GRootCertificate'
    MOROOT_CERTIFICATE = 'MORootCertificate'
    CSMSROOT_CERTIFICATE = 'CSMSRootCertificate'
    V2_GCERTIFICATE_CHAIN = 'V2GCertificateChain'
    MANUFACTURER_ROOT_CERTIFICATE = 'ManufacturerRootCertificate'
    OEMROOT_CERTIFICATE = 'OEMRootCertificate'


@final
class GetInstalledCertificateIdsRequest(TypedDict):
    certificateType: NotRequired[list[GetCertificateIdUseEnumType]]
    customData: NotRequired[CustomDataType]


@final
class CertificateHashDataChainType(TypedDict):
    certificateHashData: CertificateHashDataType
    certificateType: GetCertificateIdUseEnumType
    childCertificateHashData: NotRequired[list[CertificateHashDataType]]
    customData: NotRequired[CustomDataType]


@final
class GetInstalledCertificateIdsResponse(TypedDict):
    status: GetInstalledCertificateStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    certificateHashDataChain: NotRequired[list[CertificateHashDataChainType]]
    customData: NotRequired[CustomDataType]


@final
class LogParametersType(TypedDict):
    remoteLocation: str
    oldestTimestamp: NotRequired[str]
    latestTimestamp: NotRequired[str]
    customData: NotRequired[CustomDataType]


class LogEnumType(StrEnum):
    DIAGNOSTICS_LOG = 'DiagnosticsLog'
    SECURITY_LOG = 'SecurityLog'
    DATA_COLLECTOR_LOG = 'DataCollectorLog'


@final
class GetLogRequest(TypedDict):
    log: LogParametersType
    logType: LogEnumType
    requestId: int
    retries: NotRequired[int]
    retryInterval: NotRequired[int]
    customData: NotRequired[CustomDataType]


@final
class GetLogResponse(TypedDict):
    status: LogStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    filename: NotRequired[str]
    customData: NotRequired[CustomDataType]


@final
class ComponentType(TypedDict):
    evse: NotRequired[EVSEType]
    name: str
    instance: NotRequired[str]
    customData: NotRequired[CustomDataType]


@final
class ComponentVariableType(TypedDict):
    component: ComponentType
    variable: NotRequired[VariableType]
    customData: NotRequired[CustomDataType]


@final
class GetMonitoringReportRequest(TypedDict):
    componentVariable: NotRequired[list[ComponentVariableType]]
    requestId: int
    monitoringCriteria: NotRequired[list[MonitoringCriterionEnumType]]
    customData: NotRequired[CustomDataType]


@final
class GetMonitoringReportResponse(TypedDict):
    status: GenericDeviceModelStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


@final
class GetPeriodicEventStreamRequest(TypedDict):
    customData: NotRequired[CustomDataType]


@final
class ConstantStreamDataType(TypedDict):
    id: int
    params: PeriodicEventStreamParamsType
    variableMonitoringId: int
    customData: NotRequired[CustomDataType]


@final
class GetPeriodicEventStreamResponse(TypedDict):
    constantStreamData: NotRequired[list[ConstantStreamDataType]]
    customData: NotRequired[CustomDataType]


@final
class GetReportRequest(TypedDict):
    componentVariable: NotRequired[list[ComponentVariableType]]
    requestId: int
    componentCriteria: NotRequired[list[ComponentCriterionEnumType]]
    customData: NotRequired[CustomDataType]


@final
class GetReportResponse(TypedDict):
    status: GenericDeviceModelStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


@final
class GetTariffsRequest(TypedDict):
    evseId: int
    customData: NotRequired[CustomDataType]


class TariffGetStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    REJECTED = 'Rejected'
    NO_TARIFF = 'NoTariff'


class TariffKindEnumType(StrEnum):
    DEFAULT_TARIFF = 'DefaultTariff'
    DRIVER_TARIFF = 'DriverTariff'


@final
class TariffAssignmentType(TypedDict):
    tariffId: str
    tariffKind: TariffKindEnumType
    validFrom: NotRequired[str]
    evseIds: NotRequired[list[int]]
    idTokens: NotRequired[list[str]]
    customData: NotRequired[CustomDataType]


@final
class GetTariffsResponse(TypedDict):
    status: TariffGetStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    tariffAssignments: NotRequired[list[TariffAssignmentType]]
    customData: NotRequired[CustomDataType]


@final
class GetVariableDataType(TypedDict):
    attributeType: NotRequired[AttributeEnumType]
    component: ComponentType
    variable: VariableType
    customData: NotRequired[CustomDataType]


@final
class GetVariablesRequest(TypedDict):
    getVariableData: list[GetVariableDataType]
    customData: NotRequired[CustomDataType]


@final
class GetVariableResultType(TypedDict):
    attributeStatus: GetVariableStatusEnumType
    attributeStatusInfo: NotRequired[StatusInfoType]
    attributeType: NotRequired[AttributeEnumType]
    attributeValue: NotRequired[str]
    component: ComponentType
    variable: VariableType
    customData: NotRequired[CustomDataType]


@final
class GetVariablesResponse(TypedDict):
    getVariableResult: list[GetVariableResultType]
    customData: NotRequired[CustomDataType]


class InstallCertificateUseEnumType(StrEnum):
    V2_GROOT_CERTIFICATE = 'V2GRootCertificate'
    MOROOT_CERTIFICATE = 'MORootCertificate'
    MANUFACTURER_ROOT_CERTIFICATE = 'ManufacturerRootCertificate'
    CSMSROOT_CERTIFICATE = 'CSMSRootCertificate'
    OEMROOT_CERTIFICATE = 'OEMRootCertificate'


@final
class InstallCertificateRequest(TypedDict):
    certificateType: InstallCertificateUseEnumType
    certificate: str
    customData: NotRequired[CustomDataType]


@final
class InstallCertificateResponse(TypedDict):
    status: InstallCertificateStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


@final
class LogStatusNotificationRequest(TypedDict):
    status: UploadLogStatusEnumType
    requestId: NotRequired[int]
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


class MeasurandEnumType(StrEnum):
    CURRENT_EXPORT = 'Current.Export'
    CURRENT_EXPORT_OFFERED = 'Current.Export.Offered'
    CURRENT_EXPORT_MINIMUM = 'Current.Export.Minimum'
    CURRENT_IMPORT = 'Current.Import'
    CURRENT_IMPORT_OFFERED = 'Current.Import.Offered'
    CURRENT_IMPORT_MINIMUM = 'Current.Import.Minimum'
    CURRENT_OFFERED = 'Current.Offered'
    DISPLAY_PRESENT_SOC = 'Display.PresentSOC'
    DISPLAY_MINIMUM_SOC = 'Display.MinimumSOC'
    DISPLAY_TARGET_SOC = 'Display.TargetSOC'
    DISPLAY_MAXIMUM_SOC = 'Display.MaximumSOC'
    DISPLAY_REMAINING_TIME_TO_MINIMUM_SOC = 'Display.RemainingTimeToMinimumSOC'
    DISPLAY_REMAINING_TIME_TO_TARGET_SOC = 'Display.RemainingTimeToTargetSOC'
    DISPLAY_REMAINING_TIME_TO_MAXIMUM_SOC = 'Display.RemainingTimeToMaximumSOC'
    DISPLAY_CHARGING_COMPLETE = 'Display.ChargingComplete'
    DISPLAY_BATTERY_ENERGY_CAPACITY = 'Display.BatteryEnergyCapacity'
    DISPLAY_INLET_HOT = 'Display.InletHot'
    ENERGY_ACTIVE_EXPORT_INTERVAL = 'Energy.Active.Export.Interval'
    ENERGY_ACTIVE_EXPORT_REGISTER = 'Energy.Active.Export.Register'
    ENERGY_ACTIVE_IMPORT_INTERVAL = 'Energy.Active.Import.Interval'
    ENERGY_ACTIVE_IMPORT_REGISTER = 'Energy.Active.Import.Register'
    ENERGY_ACTIVE_IMPORT_CABLE_LOSS = 'Energy.Active.Import.CableLoss'
    ENERGY_ACTIVE_IMPORT_LOCAL_GENERATION_REGISTER = 'Energy.Active.Import.LocalGeneration.Register'
    ENERGY_ACTIVE_NET = 'Energy.Active.Net'
    ENERGY_ACTIVE_SETPOINT_INTERVAL = 'Energy.Active.Setpoint.Interval'
    ENERGY_APPARENT_EXPORT = 'Energy.Apparent.Export'
    ENERGY_APPARENT_IMPORT = 'Energy.Apparent.Import'
    ENERGY_APPARENT_NET = 'Energy.Apparent.Net'
    ENERGY_REACTIVE_EXPORT_INTERVAL = 'Energy.Reactive.Export.Interval'
    ENERGY_REACTIVE_EXPORT_REGISTER = 'Energy.Reactive.Export.Register'
    ENERGY_REACTIVE_IMPORT_INTERVAL = 'Energy.Reactive.Import.Interval'
    ENERGY_REACTIVE_IMPORT_REGISTER = 'Energy.Reactive.Import.Register'
    ENERGY_REACTIVE_NET = 'Energy.Reactive.Net'
    ENERGY_REQUEST_TARGET = 'EnergyRequest.Target'
    ENERGY_REQUEST_MINIMUM = 'EnergyRequest.Minimum'
    ENERGY_REQUEST_MAXIMUM = 'EnergyRequest.Maximum'
    ENERGY_REQUEST_MINIMUM_V2_X = 'EnergyRequest.Minimum.V2X'
    ENERGY_REQUEST_MAXIMUM_V2_X = 'EnergyRequest.Maximum.V2X'
    ENERGY_REQUEST_BULK = 'EnergyRequest.Bulk'
    FREQUENCY = 'Frequency'
    POWER_ACTIVE_EXPORT = 'Power.Active.Export'
    POWER_ACTIVE_IMPORT = 'Power.Active.Import'
    POWER_ACTIVE_SETPOINT = 'Power.Active.Setpoint'
    POWER_ACTIVE_RESIDUAL = 'Power.Active.Residual'
    POWER_EXPORT_MINIMUM = 'Power.Export.Minimum'
    POWER_EXPORT_OFFERED = 'Power.Export.Offered'
    POWER_FACTOR = 'Power.Factor'
    POWER_IMPORT_OFFERED = 'Power.Import.Offered'
    POWER_IMPORT_MINIMUM = 'Power.Import.Minimum'
    POWER_OFFERED = 'Power.Offered'
    POWER_REACTIVE_EXPORT = 'Power.Reactive.Export'
    POWER_REACTIVE_IMPORT = 'Power.Reactive.Import'
    SO_C = 'SoC'
    VOLTAGE = 'Voltage'
    VOLTAGE_MINIMUM = 'Voltage.Minimum'
    VOLTAGE_MAXIMUM = 'Voltage.Maximum'


class LocationEnumType(StrEnum):
    BODY = 'Body'
    CABLE = 'Cable'
    EV = 'EV'
    INLET = 'Inlet'
    OUTLET = 'Outlet'
    UPSTREAM = 'Upstream'


@final
class SignedMeterValueType(TypedDict):
    signedMeterData: str
    signingMethod: NotRequired[str]
    encodingMethod: str
    publicKey: NotRequired[str]
    customData: NotRequired[CustomDataType]


@final
class SampledValueType(TypedDict):
    value: float
    measurand: NotRequired[MeasurandEnumType]
    context: NotRequired[ReadingContextEnumType]
    phase: NotRequired[PhaseEnumType]
    location: NotRequired[LocationEnumType]
    signedMeterValue: NotRequired[SignedMeterValueType]
    unitOfMeasure: NotRequired[UnitOfMeasureType]
    customData: NotRequired[CustomDataType]


@final
class MeterValueType(TypedDict):
    sampledValue: list[SampledValueType]
    timestamp: str
    customData: NotRequired[CustomDataType]


@final
class MeterValuesRequest(TypedDict):
    evseId: int
    meterValue: list[MeterValueType]
    customData: NotRequired[CustomDataType]


@final
class NotifyAllowedEnergyTransferRequest(TypedDict):
    transactionId: str
    allowedEnergyTransfer: list[EnergyTransferModeEnumType]
    customData: NotRequired[CustomDataType]


class NotifyAllowedEnergyTransferStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    REJECTED = 'Rejected'


@final
class NotifyAllowedEnergyTransferResponse(TypedDict):
    status: NotifyAllowedEnergyTransferStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


@final
class LimitAtSoCType(TypedDict):
    soc: int
    limit: float
    customData: NotRequired[CustomDataType]


@final
class SalesTariffType(TypedDict):
    id: int
    salesTariffDescription: NotRequired[str]
    numEPriceLevels: NotRequired[int]
    salesTariffEntry: list[SalesTariffEntryType]
    customData: NotRequired[CustomDataType]


@final
class RationalNumberType(TypedDict):
    exponent: int
    value: int
    customData: NotRequired[CustomDataType]


@final
class PriceRuleType(TypedDict):
    parkingFeePeriod: NotRequired[int]
    carbonDioxideEmission: NotRequired[int]
    renewableGenerationPercentage: NotRequired[int]
    energyFee: RationalNumberType
    parkingFee: NotRequired[RationalNumberType]
    powerRangeStart: RationalNumberType
    customData: NotRequired[CustomDataType]


@final
class PriceRuleStackType(TypedDict):
    duration: int
    priceRule: list[PriceRuleType]
    customData: NotRequired[CustomDataType]


@final
class TaxRuleType(TypedDict):
    taxRuleID: int
    taxRuleName: NotRequired[str]
    taxIncludedInPrice: NotRequired[bool]
    appliesToEnergyFee: bool
    appliesToParkingFee: bool
    appliesToOverstayFee: bool
    appliesToMinimumMaximumCost: bool
    taxRate: RationalNumberType
    customData: NotRequired[CustomDataType]


@final
class OverstayRuleType(TypedDict):
    overstayFee: RationalNumberType
    overstayRuleDescription: NotRequired[str]
    startTime: int
    overstayFeePeriod: int
    customData: NotRequired[CustomDataType]


@final
class OverstayRuleListType(TypedDict):
    overstayPowerThreshold: NotRequired[RationalNumberType]
    overstayRule: list[OverstayRuleType]
    overstayTimeThreshold: NotRequired[int]
    customData: NotRequired[CustomDataType]


@final
class AdditionalSelectedServicesType(TypedDict):
    serviceFee: RationalNumberType
    serviceName: str
    customData: NotRequired[CustomDataType]


@final
class AbsolutePriceScheduleType(TypedDict):
    timeAnchor: str
    priceScheduleID: int
    priceScheduleDescription: NotRequired[str]
    currency: str
    language: str
    priceAlgorithm: str
    minimumCost: NotRequired[RationalNumberType]
    maximumCost: NotRequired[RationalNumberType]
    priceRuleStacks: list[PriceRuleStackType]
    taxRules: NotRequired[list[TaxRuleType]]
    overstayRuleList: NotRequired[OverstayRuleListType]
    additionalSelectedServices: NotRequired[list[AdditionalSelectedServicesType]]
    customData: NotRequired[CustomDataType]


@final
class PriceLevelScheduleEntryType(TypedDict):
    duration: int
    priceLevel: int
    customData: NotRequired[CustomDataType]


@final
class PriceLevelScheduleType(TypedDict):
    priceLevelScheduleEntries: list[PriceLevelScheduleEntryType]
    timeAnchor: str
    priceScheduleId: int
    priceScheduleDescription: NotRequired[str]
    numberOfPriceLevels: int
    customData: NotRequired[CustomDataType]


@final
class ChargingScheduleType(TypedDict):
    id: int
    limitAtSoC: NotRequired[LimitAtSoCType]
    startSchedule: NotRequired[str]
    duration: NotRequired[int]
    chargingRateUnit: ChargingRateUnitEnumType
    minChargingRate: NotRequired[float]
    powerTolerance: NotRequired[float]
    signatureId: NotRequired[int]
    digestValue: NotRequired[str]
    useLocalTime: NotRequired[bool]
    chargingSchedulePeriod: list[ChargingSchedulePeriodType]
    randomizedDelay: NotRequired[int]
    salesTariff: NotRequired[SalesTariffType]
    absolutePriceSchedule: NotRequired[AbsolutePriceScheduleType]
    priceLevelSchedule: NotRequired[PriceLevelScheduleType]
    customData: NotRequired[CustomDataType]


@final
class ChargingLimitType(TypedDict):
    chargingLimitSource: str
    isLocalGeneration: NotRequired[bool]
    isGridCritical: NotRequired[bool]
    customData: NotRequired[CustomDataType]


@final
class NotifyChargingLimitRequest(TypedDict):
    chargingSchedule: NotRequired[list[ChargingScheduleType]]
    evseId: NotRequired[int]
    chargingLimit: ChargingLimitType
    customData: NotRequired[CustomDataType]


@final
class NotifyCustomerInformationRequest(TypedDict):
    data: str
    tbc: NotRequired[bool]
    seqNo: int
    generatedAt: str
    requestId: int
    customData: NotRequired[CustomDataType]


class GridEventFaultEnumType(StrEnum):
    CURRENT_IMBALANCE = 'CurrentImbalance'
    LOCAL_EMERGENCY = 'LocalEmergency'
    LOW_INPUT_POWER = 'LowInputPower'
    OVER_CURRENT = 'OverCurrent'
    OVER_FREQUENCY = 'OverFrequency'
    OVER_VOLTAGE = 'OverVoltage'
    PHASE_ROTATION = 'PhaseRotation'
    REMOTE_EMERGENCY = 'RemoteEmergency'
    UNDER_FREQUENCY = 'UnderFrequency'
    UNDER_VOLTAGE = 'UnderVoltage'
    VOLTAGE_IMBALANCE = 'VoltageImbalance'


@final
class NotifyDERAlarmRequest(TypedDict):
    controlType: DERControlEnumType
    gridEventFault: NotRequired[GridEventFaultEnumType]
    alarmEnded: NotRequired[bool]
    timestamp: str
    extraInfo: NotRequired[str]
    customData: NotRequired[CustomDataType]


@final
class NotifyDERAlarmResponse(TypedDict):
    customData: NotRequired[CustomDataType]


@final
class NotifyDERStartStopRequest(TypedDict):
    controlId: str
    started: bool
    timestamp: str
    supersededIds: NotRequired[list[str]]
    customData: NotRequired[CustomDataType]


@final
class NotifyDERStartStopResponse(TypedDict):
    customData: NotRequired[CustomDataType]


@final
class MessageInfoType(TypedDict):
    display: NotRequired[ComponentType]
    id: int
    priority: MessagePriorityEnumType
    state: NotRequired[MessageStateEnumType]
    startDateTime: NotRequired[str]
    endDateTime: NotRequired[str]
    transactionId: NotRequired[str]
    message: MessageContentType
    messageExtra: NotRequired[list[MessageContentType]]
    customData: NotRequired[CustomDataType]


@final
class NotifyDisplayMessagesRequest(TypedDict):
    messageInfo: NotRequired[list[MessageInfoType]]
    requestId: int
    tbc: NotRequired[bool]
    customData: NotRequired[CustomDataType]


@final
class ACChargingParametersType(TypedDict):
    energyAmount: float
    evMinCurrent: float
    evMaxCurrent: float
    evMaxVoltage: float
    customData: NotRequired[CustomDataType]


class IslandingDetectionEnumType(StrEnum):
    NO_ANTI_ISLANDING_SUPPORT = 'NoAntiIslandingSupport'
    RO_CO_F = 'RoCoF'
    UVP_OVP = 'UVP_OVP'
    UFP_OFP = 'UFP_OFP'
    VOLTAGE_VECTOR_SHIFT = 'VoltageVectorShift'
    ZERO_CROSSING_DETECTION = 'ZeroCrossingDetection'
    OTHER_PASSIVE = 'OtherPassive'
    IMPEDANCE_MEASUREMENT = 'ImpedanceMeasurement'
    IMPEDANCE_AT_FREQUENCY = 'ImpedanceAtFrequency'
    SLIP_MODE_FREQUENCY_SHIFT = 'SlipModeFrequencyShift'
    SANDIA_FREQUENCY_SHIFT = 'SandiaFrequencyShift'
    SANDIA_VOLTAGE_SHIFT = 'SandiaVoltageShift'
    FREQUENCY_JUMP = 'FrequencyJump'
    RCLQFACTOR = 'RCLQFactor'
    OTHER_ACTIVE = 'OtherActive'


@final
class DERChargingParametersType(TypedDict):
    evSupportedDERControl: NotRequired[list[DERControlEnumType]]
    evOverExcitedMaxDischargePower: NotRequired[float]
    evOverExcitedPowerFactor: NotRequired[float]
    evUnderExcitedMaxDischargePower: NotRequired[float]
    evUnderExcitedPowerFactor: NotRequired[float]
    maxApparentPower: NotRequired[float]
    maxChargeApparentPower: NotRequired[float]
    maxChargeApparentPower_L2: NotRequired[float]
    maxChargeApparentPower_L3: NotRequired[float]
    maxDischargeApparentPower: NotRequired[float]
    maxDischargeApparentPower_L2: NotRequired[float]
    maxDischargeApparentPower_L3: NotRequired[float]
    maxChargeReactivePower: NotRequired[float]
    maxChargeReactivePower_L2: NotRequired[float]
    maxChargeReactivePower_L3: NotRequired[float]
    minChargeReactivePower: NotRequired[float]
    minChargeReactivePower_L2: NotRequired[float]
    minChargeReactivePower_L3: NotRequired[float]
    maxDischargeReactivePower: NotRequired[float]
    maxDischargeReactivePower_L2: NotRequired[float]
    maxDischargeReactivePower_L3: NotRequired[float]
    minDischargeReactivePower: NotRequired[float]
    minDischargeReactivePower_L2: NotRequired[float]
    minDischargeReactivePower_L3: NotRequired[float]
    nominalVoltage: NotRequired[float]
    nominalVoltageOffset: NotRequired[float]
    maxNominalVoltage: NotRequired[float]
    minNominalVoltage: NotRequired[float]
    evInverterManufacturer: NotRequired[str]
    evInverterModel: NotRequired[str]
    evInverterSerialNumber: NotRequired[str]
    evInverterSwVersion: NotRequired[str]
    evInverterHwVersion: NotRequired[str]
    evIslandingDetectionMethod: NotRequired[list[IslandingDetectionEnumType]]
    evIslandingTripTime: NotRequired[float]
    evMaximumLevel1DCInjection: NotRequired[float]
    evDurationLevel1DCInjection: NotRequired[float]
    evMaximumLevel2DCInjection: NotRequired[float]
    evDurationLevel2DCInjection: NotRequired[float]
    evReactiveSusceptance: NotRequired[float]
    evSessionTotalDischargeEnergyAvailable: NotRequired[float]
    customData: NotRequired[CustomDataType]


@final
class EVPriceRuleType(TypedDict):
    energyFee: float
    powerRangeStart: float
    customData: NotRequired[CustomDataType]


@final
class EVAbsolutePriceScheduleEntryType(TypedDict):
    duration: int
    evPriceRule: list[EVPriceRuleType]
    customData: NotRequired[CustomDataType]


@final
class EVAbsolutePriceScheduleType(TypedDict):
    timeAnchor: str
    currency: str
    evAbsolutePriceScheduleEntries: list[EVAbsolutePriceScheduleEntryType]
    priceAlgorithm: str
    customData: NotRequired[CustomDataType]


@final
class EVPowerScheduleEntryType(TypedDict):
    duration: int
    power: float
    customData: NotRequired[CustomDataType]


@final
class EVPowerScheduleType(TypedDict):
    evPowerScheduleEntries: list[EVPowerScheduleEntryType]
    timeAnchor: str
    customData: NotRequired[CustomDataType]


@final
class EVEnergyOfferType(TypedDict):
    evAbsolutePriceSchedule: NotRequired[EVAbsolutePriceScheduleType]
    evPowerSchedule: EVPowerScheduleType
    customData: NotRequired[CustomDataType]


@final
class DCChargingParametersType(TypedDict):
    evMaxCurrent: float
    evMaxVoltage: float
    evMaxPower: NotRequired[float]
    evEnergyCapacity: NotRequired[float]
    energyAmount: NotRequired[float]
    stateOfCharge: NotRequired[int]
    fullSoC: NotRequired[int]
    bulkSoC: NotRequired[int]
    customData: NotRequired[CustomDataType]


@final
class V2XChargingParametersType(TypedDict):
    minChargePower: NotRequired[float]
    minChargePower_L2: NotRequired[float]
    minChargePower_L3: NotRequired[float]
    maxChargePower: NotRequired[float]
    maxChargePower_L2: NotRequired[float]
    maxChargePower_L3: NotRequired[float]
    minDischargePower: NotRequired[float]
    minDischargePower_L2: NotRequired[float]
    minDischargePower_L3: NotRequired[float]
    maxDischargePower: NotRequired[float]
    maxDischargePower_L2: NotRequired[float]
    maxDischargePower_L3: NotRequired[float]
    minChargeCurrent: NotRequired[float]
    maxChargeCurrent: NotRequired[float]
    minDischargeCurrent: NotRequired[float]
    maxDischargeCurrent: NotRequired[float]
    minVoltage: NotRequired[float]
    maxVoltage: NotRequired[float]
    evTargetEnergyRequest: NotRequired[float]
    evMinEnergyRequest: NotRequired[float]
    evMaxEnergyRequest: NotRequired[float]
    evMinV2XEnergyRequest: NotRequired[float]
    evMaxV2XEnergyRequest: NotRequired[float]
    targetSoC: NotRequired[int]
    customData: NotRequired[CustomDataType]


class ControlModeEnumType(StrEnum):
    SCHEDULED_CONTROL = 'ScheduledControl'
    DYNAMIC_CONTROL = 'DynamicControl'


class MobilityNeedsModeEnumType(StrEnum):
    EVCC = 'EVCC'
    EVCC_SECC = 'EVCC_SECC'


@final
class ChargingNeedsType(TypedDict):
    acChargingParameters: NotRequired[ACChargingParametersType]
    derChargingParameters: NotRequired[DERChargingParametersType]
    evEnergyOffer: NotRequired[EVEnergyOfferType]
    requestedEnergyTransfer: EnergyTransferModeEnumType
    dcChargingParameters: NotRequired[DCChargingParametersType]
    v2xChargingParameters: NotRequired[V2XChargingParametersType]
    availableEnergyTransfer: NotRequired[list[EnergyTransferModeEnumType]]
    controlMode: NotRequired[ControlModeEnumType]
    mobilityNeedsMode: NotRequired[MobilityNeedsModeEnumType]
    departureTime: NotRequired[str]
    customData: NotRequired[CustomDataType]


@final
class NotifyEVChargingNeedsRequest(TypedDict):
    evseId: int
    maxScheduleTuples: NotRequired[int]
    chargingNeeds: ChargingNeedsType
    timestamp: NotRequired[str]
    customData: NotRequired[CustomDataType]


class NotifyEVChargingNeedsStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    REJECTED = 'Rejected'
    PROCESSING = 'Processing'
    NO_CHARGING_PROFILE = 'NoChargingProfile'


@final
class NotifyEVChargingNeedsResponse(TypedDict):
    status: NotifyEVChargingNeedsStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


@final
class NotifyEVChargingScheduleRequest(TypedDict):
    timeBase: str
    chargingSchedule: ChargingScheduleType
    evseId: int
    selectedChargingScheduleId: NotRequired[int]
    powerToleranceAcceptance: NotRequired[bool]
    customData: NotRequired[CustomDataType]


@final
class NotifyEVChargingScheduleResponse(TypedDict):
    status: GenericStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


@final
class EventDataType(TypedDict):
    eventId: int
    timestamp: str
    trigger: EventTriggerEnumType
    cause: NotRequired[int]
    actualValue: str
    techCode: NotRequired[str]
    techInfo: NotRequired[str]
    cleared: NotRequired[bool]
    transactionId: NotRequired[str]
    component: ComponentType
    variableMonitoringId: NotRequired[int]
    eventNotificationType: EventNotificationEnumType
    variable: VariableType
    severity: NotRequired[int]
    customData: NotRequired[CustomDataType]


@final
class NotifyEventRequest(TypedDict):
    generatedAt: str
    tbc: NotRequired[bool]
    seqNo: int
    eventData: list[EventDataType]
    customData: NotRequired[CustomDataType]


class MonitorEnumType(StrEnum):
    UPPER_THRESHOLD = 'UpperThreshold'
    LOWER_THRESHOLD = 'LowerThreshold'
    DELTA = 'Delta'
    PERIODIC = 'Periodic'
    PERIODIC_CLOCK_ALIGNED = 'PeriodicClockAligned'
    TARGET_DELTA = 'TargetDelta'
    TARGET_DELTA_RELATIVE = 'TargetDeltaRelative'


@final
class VariableMonitoringType(TypedDict):
    id: int
    transaction: bool
    value: float
    type: MonitorEnumType
    severity: int
    eventNotificationType: EventNotificationEnumType
    customData: NotRequired[CustomDataType]


@final
class MonitoringDataType(TypedDict):
    component: ComponentType
    variable: VariableType
    variableMonitoring: list[VariableMonitoringType]
    customData: NotRequired[CustomDataType]


@final
class NotifyMonitoringReportRequest(TypedDict):
    monitor: NotRequired[list[MonitoringDataType]]
    requestId: int
    tbc: NotRequired[bool]
    seqNo: int
    generatedAt: str
    customData: NotRequired[CustomDataType]


@final
class StreamDataElementType(TypedDict):
    t: float
    v: str
    customData: NotRequired[CustomDataType]


@final
class NotifyPeriodicEventStreamSend(TypedDict):
    data: list[StreamDataElementType]
    id: int
    pending: int
    basetime: str
    customData: NotRequired[CustomDataType]


@final
class NotifyPriorityChargingRequest(TypedDict):
    transactionId: str
    activated: bool
    customData: NotRequired[CustomDataType]


@final
class NotifyPriorityChargingResponse(TypedDict):
    customData: NotRequired[CustomDataType]


@final
class VariableCharacteristicsType(TypedDict):
    unit: NotRequired[str]
    dataType: DataEnumType
    minLimit: NotRequired[float]
    maxLimit: NotRequired[float]
    maxElements: NotRequired[int]
    valuesList: NotRequired[str]
    supportsMonitoring: bool
    customData: NotRequired[CustomDataType]


@final
class ReportDataType(TypedDict):
    component: ComponentType
    variable: VariableType
    variableAttribute: list[VariableAttributeType]
    variableCharacteristics: NotRequired[VariableCharacteristicsType]
    customData: NotRequired[CustomDataType]


@final
class NotifyReportRequest(TypedDict):
    requestId: int
    generatedAt: str
    reportData: NotRequired[list[ReportDataType]]
    tbc: NotRequired[bool]
    seqNo: int
    customData: NotRequired[CustomDataType]


class PaymentStatusEnumType(StrEnum):
    SETTLED = 'Settled'
    CANCELED = 'Canceled'
    REJECTED = 'Rejected'
    FAILED = 'Failed'


@final
class AddressType(TypedDict):
    name: str
    address1: str
    address2: NotRequired[str]
    city: str
    postalCode: NotRequired[str]
    country: str
    customData: NotRequired[CustomDataType]


@final
class NotifySettlementRequest(TypedDict):
    transactionId: NotRequired[str]
    pspRef: str
    status: PaymentStatusEnumType
    statusInfo: NotRequired[str]
    settlementAmount: float
    settlementTime: str
    receiptId: NotRequired[str]
    receiptUrl: NotRequired[str]
    vatCompany: NotRequired[AddressType]
    vatNumber: NotRequired[str]
    customData: NotRequired[CustomDataType]


@final
class NotifySettlementResponse(TypedDict):
    receiptUrl: NotRequired[str]
    receiptId: NotRequired[str]
    customData: NotRequired[CustomDataType]


@final
class NotifyWebPaymentStartedRequest(TypedDict):
    evseId: int
    timeout: int
    customData: NotRequired[CustomDataType]


@final
class NotifyWebPaymentStartedResponse(TypedDict):
    customData: NotRequired[CustomDataType]


@final
class OpenPeriodicEventStreamRequest(TypedDict):
    constantStreamData: ConstantStreamDataType
    customData: NotRequired[CustomDataType]


@final
class OpenPeriodicEventStreamResponse(TypedDict):
    status: GenericStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


@final
class PublishFirmwareRequest(TypedDict):
    location: str
    retries: NotRequired[int]
    checksum: str
    requestId: int
    retryInterval: NotRequired[int]
    customData: NotRequired[CustomDataType]


@final
class PublishFirmwareResponse(TypedDict):
    status: GenericStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


@final
class PublishFirmwareStatusNotificationRequest(TypedDict):
    status: PublishFirmwareStatusEnumType
    location: NotRequired[list[str]]
    requestId: NotRequired[int]
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


@final
class PullDynamicScheduleUpdateRequest(TypedDict):
    chargingProfileId: int
    customData: NotRequired[CustomDataType]


@final
class ChargingScheduleUpdateType(TypedDict):
    limit: NotRequired[float]
    limit_L2: NotRequired[float]
    limit_L3: NotRequired[float]
    dischargeLimit: NotRequired[float]
    dischargeLimit_L2: NotRequired[float]
    dischargeLimit_L3: NotRequired[float]
    setpoint: NotRequired[float]
    setpoint_L2: NotRequired[float]
    setpoint_L3: NotRequired[float]
    setpointReactive: NotRequired[float]
    setpointReactive_L2: NotRequired[float]
    setpointReactive_L3: NotRequired[float]
    customData: NotRequired[CustomDataType]


class ChargingProfileStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    REJECTED = 'Rejected'


@final
class PullDynamicScheduleUpdateResponse(TypedDict):
    scheduleUpdate: NotRequired[ChargingScheduleUpdateType]
    status: ChargingProfileStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


class ChargingProfileKindEnumType(StrEnum):
    ABSOLUTE = 'Absolute'
    RECURRING = 'Recurring'
    RELATIVE = 'Relative'
    DYNAMIC = 'Dynamic'


@final
class ChargingProfileType(TypedDict):
    id: int
    stackLevel: int
    chargingProfilePurpose: ChargingProfilePurposeEnumType
    chargingProfileKind: ChargingProfileKindEnumType
    recurrencyKind: NotRequired[RecurrencyKindEnumType]
    validFrom: NotRequired[str]
    validTo: NotRequired[str]
    transactionId: NotRequired[str]
    maxOfflineDuration: NotRequired[int]
    chargingSchedule: list[ChargingScheduleType]
    invalidAfterOfflineDuration: NotRequired[bool]
    dynUpdateInterval: NotRequired[int]
    dynUpdateTime: NotRequired[str]
    priceScheduleSignature: NotRequired[str]
    customData: NotRequired[CustomDataType]


@final
class ReportChargingProfilesRequest(TypedDict):
    requestId: int
    chargingLimitSource: str
    chargingProfile: list[ChargingProfileType]
    tbc: NotRequired[bool]
    evseId: int
    customData: NotRequired[CustomDataType]


@final
class DERCurvePointsType(TypedDict):
    x: float
    y: float
    customData: NotRequired[CustomDataType]


@final
class HysteresisType(TypedDict):
    hysteresisHigh: NotRequired[float]
    hysteresisLow: NotRequired[float]
    hysteresisDelay: NotRequired[float]
    hysteresisGradient: NotRequired[float]
    customData: NotRequired[CustomDataType]


@final
class ReactivePowerParamsType(TypedDict):
    vRef: NotRequired[float]
    autonomousVRefEnable: NotRequired[bool]
    autonomousVRefTimeConstant: NotRequired[float]
    customData: NotRequired[CustomDataType]


class PowerDuringCessationEnumType(StrEnum):
    ACTIVE = 'Active'
    REACTIVE = 'Reactive'


@final
class VoltageParamsType(TypedDict):
    hv10MinMeanValue: NotRequired[float]
    hv10MinMeanTripDelay: NotRequired[float]
    powerDuringCessation: NotRequired[PowerDuringCessationEnumType]
    customData: NotRequired[CustomDataType]


class DERUnitEnumType(StrEnum):
    NOT_APPLICABLE = 'Not_Applicable'
    PCT_MAX_W = 'PctMaxW'
    PCT_MAX_VAR = 'PctMaxVar'
    PCT_WAVAIL = 'PctWAvail'
    PCT_VAR_AVAIL = 'PctVarAvail'
    PCT_EFFECTIVE_V = 'PctEffectiveV'


@final
class DERCurveType(TypedDict):
    curveData: list[DERCurvePointsType]
    hysteresis: NotRequired[HysteresisType]
    priority: int
    reactivePowerParams: NotRequired[ReactivePowerParamsType]
    voltageParams: NotRequired[VoltageParamsType]
    yUnit: DERUnitEnumType
    responseTime: NotRequired[float]
    startTime: NotRequired[str]
    duration: NotRequired[float]
    customData: NotRequired[CustomDataType]


@final
class DERCurveGetType(TypedDict):
    curve: DERCurveType
    id: str
    curveType: DERControlEnumType
    isDefault: bool
    isSuperseded: bool
    customData: NotRequired[CustomDataType]


@final
class EnterServiceType(TypedDict):
    priority: int
    highVoltage: float
    lowVoltage: float
    highFreq: float
    lowFreq: float
    delay: NotRequired[float]
    randomDelay: NotRequired[float]
    rampRate: NotRequired[float]
    customData: NotRequired[CustomDataType]


@final
class EnterServiceGetType(TypedDict):
    enterService: EnterServiceType
    id: str
    customData: NotRequired[CustomDataType]


@final
class FixedPFType(TypedDict):
    priority: int
    displacement: float
    excitation: bool
    startTime: NotRequired[str]
    duration: NotRequired[float]
    customData: NotRequired[CustomDataType]


@final
class FixedPFGetType(TypedDict):
    fixedPF: FixedPFType
    id: str
    isDefault: bool
    isSuperseded: bool
    customData: NotRequired[CustomDataType]


@final
class FixedVarType(TypedDict):
    priority: int
    setpoint: float
    unit: DERUnitEnumType
    startTime: NotRequired[str]
    duration: NotRequired[float]
    customData: NotRequired[CustomDataType]


@final
class FixedVarGetType(TypedDict):
    fixedVar: FixedVarType
    id: str
    isDefault: bool
    isSuperseded: bool
    customData: NotRequired[CustomDataType]


@final
class FreqDroopType(TypedDict):
    priority: int
    overFreq: float
    underFreq: float
    overDroop: float
    underDroop: float
    responseTime: float
    startTime: NotRequired[str]
    duration: NotRequired[float]
    customData: NotRequired[CustomDataType]


@final
class FreqDroopGetType(TypedDict):
    freqDroop: FreqDroopType
    id: str
    isDefault: bool
    isSuperseded: bool
    customData: NotRequired[CustomDataType]


@final
class GradientType(TypedDict):
    priority: int
    gradient: float
    softGradient: float
    customData: NotRequired[CustomDataType]


@final
class GradientGetType(TypedDict):
    gradient: GradientType
    id: str
    customData: NotRequired[CustomDataType]


@final
class LimitMaxDischargeType(TypedDict):
    priority: int
    pctMaxDischargePower: NotRequired[float]
    powerMonitoringMustTrip: NotRequired[DERCurveType]
    startTime: NotRequired[str]
    duration: NotRequired[float]
    customData: NotRequired[CustomDataType]


@final
class LimitMaxDischargeGetType(TypedDict):
    id: str
    isDefault: bool
    isSuperseded: bool
    limitMaxDischarge: LimitMaxDischargeType
    customData: NotRequired[CustomDataType]


@final
class ReportDERControlRequest(TypedDict):
    curve: NotRequired[list[DERCurveGetType]]
    enterService: NotRequired[list[EnterServiceGetType]]
    fixedPFAbsorb: NotRequired[list[FixedPFGetType]]
    fixedPFInject: NotRequired[list[FixedPFGetType]]
    fixedVar: NotRequired[list[FixedVarGetType]]
    freqDroop: NotRequired[list[FreqDroopGetType]]
    gradient: NotRequired[list[GradientGetType]]
    limitMaxDischarge: NotRequired[list[LimitMaxDischargeGetType]]
    requestId: int
    tbc: NotRequired[bool]
    customData: NotRequired[CustomDataType]


@final
class ReportDERControlResponse(TypedDict):
    customData: NotRequired[CustomDataType]


@final
class RequestBatterySwapRequest(TypedDict):
    idToken: IdTokenType
    requestId: int
    customData: NotRequired[CustomDataType]


@final
class RequestBatterySwapResponse(TypedDict):
    status: GenericStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


@final
class RequestStartTransactionRequest(TypedDict):
    evseId: NotRequired[int]
    groupIdToken: NotRequired[IdTokenType]
    idToken: IdTokenType
    remoteStartId: int
    chargingProfile: NotRequired[ChargingProfileType]
    customData: NotRequired[CustomDataType]


@final
class RequestStartTransactionResponse(TypedDict):
    status: RequestStartStopStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    transactionId: NotRequired[str]
    customData: NotRequired[CustomDataType]


@final
class RequestStopTransactionResponse(TypedDict):
    status: RequestStartStopStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


class ReservationUpdateStatusEnumType(StrEnum):
    EXPIRED = 'Expired'
    REMOVED = 'Removed'
    NO_TRANSACTION = 'NoTransaction'


@final
class ReservationStatusUpdateRequest(TypedDict):
    reservationId: int
    reservationUpdateStatus: ReservationUpdateStatusEnumType
    customData: NotRequired[CustomDataType]


@final
class ReserveNowRequest(TypedDict):
    id: int
    expiryDateTime: str
    connectorType: NotRequired[str]
    idToken: IdTokenType
    evseId: NotRequired[int]
    groupIdToken: NotRequired[IdTokenType]
    customData: NotRequired[CustomDataType]


@final
class ReserveNowResponse(TypedDict):
    status: ReserveNowStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


class ResetEnumType(StrEnum):
    IMMEDIATE = 'Immediate'
    ON_IDLE = 'OnIdle'
    IMMEDIATE_AND_RESUME = 'ImmediateAndResume'


@final
class ResetRequest(TypedDict):
    type: ResetEnumType
    evseId: NotRequired[int]
    customData: NotRequired[CustomDataType]


@final
class ResetResponse(TypedDict):
    status: ResetStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


@final
class AuthorizationData(TypedDict):
    idToken: IdTokenType
    idTokenInfo: NotRequired[IdTokenInfoType]
    customData: NotRequired[CustomDataType]


@final
class SendLocalListRequest(TypedDict):
    localAuthorizationList: NotRequired[list[AuthorizationData]]
    versionNumber: int
    updateType: UpdateEnumType
    customData: NotRequired[CustomDataType]


@final
class SendLocalListResponse(TypedDict):
    status: SendLocalListStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


@final
class SetChargingProfileRequest(TypedDict):
    evseId: int
    chargingProfile: ChargingProfileType
    customData: NotRequired[CustomDataType]


@final
class SetChargingProfileResponse(TypedDict):
    status: ChargingProfileStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


@final
class SetDERControlRequest(TypedDict):
    isDefault: bool
    controlId: str
    controlType: DERControlEnumType
    curve: NotRequired[DERCurveType]
    enterService: NotRequired[EnterServiceType]
    fixedPFAbsorb: NotRequired[FixedPFType]
    fixedPFInject: NotRequired[FixedPFType]
    fixedVar: NotRequired[FixedVarType]
    freqDroop: NotRequired[FreqDroopType]
    gradient: NotRequired[GradientType]
    limitMaxDischarge: NotRequired[LimitMaxDischargeType]
    customData: NotRequired[CustomDataType]


@final
class SetDERControlResponse(TypedDict):
    status: DERControlStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    supersededIds: NotRequired[list[str]]
    customData: NotRequired[CustomDataType]


@final
class SetDefaultTariffRequest(TypedDict):
    evseId: int
    tariff: TariffType
    customData: NotRequired[CustomDataType]


class TariffSetStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    REJECTED = 'Rejected'
    TOO_MANY_ELEMENTS = 'TooManyElements'
    CONDITION_NOT_SUPPORTED = 'ConditionNotSupported'
    DUPLICATE_TARIFF_ID = 'DuplicateTariffId'


@final
class SetDefaultTariffResponse(TypedDict):
    status: TariffSetStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


@final
class SetDisplayMessageRequest(TypedDict):
    message: MessageInfoType
    customData: NotRequired[CustomDataType]


class DisplayMessageStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    NOT_SUPPORTED_MESSAGE_FORMAT = 'NotSupportedMessageFormat'
    REJECTED = 'Rejected'
    NOT_SUPPORTED_PRIORITY = 'NotSupportedPriority'
    NOT_SUPPORTED_STATE = 'NotSupportedState'
    UNKNOWN_TRANSACTION = 'UnknownTransaction'
    LANGUAGE_NOT_SUPPORTED = 'LanguageNotSupported'


@final
class SetDisplayMessageResponse(TypedDict):
    status: DisplayMessageStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


@final
class SetMonitoringBaseResponse(TypedDict):
    status: GenericDeviceModelStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


@final
class SetMonitoringLevelRequest(TypedDict):
    severity: int
    customData: NotRequired[CustomDataType]


@final
class SetMonitoringLevelResponse(TypedDict):
    status: GenericStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


class APNAuthenticationEnumType(StrEnum):
    PAP = 'PAP'
    CHAP = 'CHAP'
    NONE = 'NONE'
    AUTO = 'AUTO'


@final
class APNType(TypedDict):
    apn: str
    apnUserName: NotRequired[str]
    apnPassword: NotRequired[str]
    simPin: NotRequired[int]
    preferredNetwork: NotRequired[str]
    useOnlyPreferredNetwork: NotRequired[bool]
    apnAuthentication: APNAuthenticationEnumType
    customData: NotRequired[CustomDataType]


class OCPPVersionEnumType(StrEnum):
    OCPP12 = 'OCPP12'
    OCPP15 = 'OCPP15'
    OCPP16 = 'OCPP16'
    OCPP20 = 'OCPP20'
    OCPP201 = 'OCPP201'
    OCPP21 = 'OCPP21'


class OCPPInterfaceEnumType(StrEnum):
    WIRED0 = 'Wired0'
    WIRED1 = 'Wired1'
    WIRED2 = 'Wired2'
    WIRED3 = 'Wired3'
    WIRELESS0 = 'Wireless0'
    WIRELESS1 = 'Wireless1'
    WIRELESS2 = 'Wireless2'
    WIRELESS3 = 'Wireless3'
    ANY = 'Any'


class OCPPTransportEnumType(StrEnum):
    SOAP = 'SOAP'
    JSON = 'JSON'


@final
class VPNType(TypedDict):
    server: str
    user: str
    group: NotRequired[str]
    password: str
    key: str
    type: VPNEnumType
    customData: NotRequired[CustomDataType]


@final
class NetworkConnectionProfileType(TypedDict):
    apn: NotRequired[APNType]
    ocppVersion: NotRequired[OCPPVersionEnumType]
    ocppInterface: OCPPInterfaceEnumType
    ocppTransport: OCPPTransportEnumType
    messageTimeout: int
    ocppCsmsUrl: str
    securityProfile: int
    identity: NotRequired[str]
    basicAuthPassword: NotRequired[str]
    vpn: NotRequired[VPNType]
    customData: NotRequired[CustomDataType]


@final
class SetNetworkProfileRequest(TypedDict):
    configurationSlot: int
    connectionData: NetworkConnectionProfileType
    customData: NotRequired[CustomDataType]


@final
class SetNetworkProfileResponse(TypedDict):
    status: SetNetworkProfileStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


@final
class SetMonitoringDataType(TypedDict):
    id: NotRequired[int]
    periodicEventStream: NotRequired[PeriodicEventStreamParamsType]
    transaction: NotRequired[bool]
    value: float
    type: MonitorEnumType
    severity: int
    component: ComponentType
    variable: VariableType
    customData: NotRequired[CustomDataType]


@final
class SetVariableMonitoringRequest(TypedDict):
    setMonitoringData: list[SetMonitoringDataType]
    customData: NotRequired[CustomDataType]


@final
class SetMonitoringResultType(TypedDict):
    id: NotRequired[int]
    statusInfo: NotRequired[StatusInfoType]
    status: SetMonitoringStatusEnumType
    type: MonitorEnumType
    component: ComponentType
    variable: VariableType
    severity: int
    customData: NotRequired[CustomDataType]


@final
class SetVariableMonitoringResponse(TypedDict):
    setMonitoringResult: list[SetMonitoringResultType]
    customData: NotRequired[CustomDataType]


@final
class SetVariableDataType(TypedDict):
    attributeType: NotRequired[AttributeEnumType]
    attributeValue: str
    component: ComponentType
    variable: VariableType
    customData: NotRequired[CustomDataType]


@final
class SetVariablesRequest(TypedDict):
    setVariableData: list[SetVariableDataType]
    customData: NotRequired[CustomDataType]


@final
class SetVariableResultType(TypedDict):
    attributeType: NotRequired[AttributeEnumType]
    attributeStatus: SetVariableStatusEnumType
    attributeStatusInfo: NotRequired[StatusInfoType]
    component: ComponentType
    variable: VariableType
    customData: NotRequired[CustomDataType]


@final
class SetVariablesResponse(TypedDict):
    setVariableResult: list[SetVariableResultType]
    customData: NotRequired[CustomDataType]


@final
class SignCertificateRequest(TypedDict):
    csr: str
    certificateType: NotRequired[CertificateSigningUseEnumType]
    hashRootCertificate: NotRequired[CertificateHashDataType]
    requestId: NotRequired[int]
    customData: NotRequired[CustomDataType]


@final
class SignCertificateResponse(TypedDict):
    status: GenericStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


@final
class StatusNotificationRequest(TypedDict):
    timestamp: str
    connectorStatus: ConnectorStatusEnumType
    evseId: int
    connectorId: int
    customData: NotRequired[CustomDataType]


class CostDimensionEnumType(StrEnum):
    ENERGY = 'Energy'
    MAX_CURRENT = 'MaxCurrent'
    MIN_CURRENT = 'MinCurrent'
    MAX_POWER = 'MaxPower'
    MIN_POWER = 'MinPower'
    IDLE_TIME = 'IdleTIme'
    CHARGING_TIME = 'ChargingTime'


@final
class CostDimensionType(TypedDict):
    type: CostDimensionEnumType
    volume: float
    customData: NotRequired[CustomDataType]


@final
class ChargingPeriodType(TypedDict):
    dimensions: NotRequired[list[CostDimensionType]]
    tariffId: NotRequired[str]
    startPeriod: str
    customData: NotRequired[CustomDataType]


class TariffCostEnumType(StrEnum):
    NORMAL_COST = 'NormalCost'
    MIN_COST = 'MinCost'
    MAX_COST = 'MaxCost'


@final
class TotalPriceType(TypedDict):
    exclTax: NotRequired[float]
    inclTax: NotRequired[float]
    customData: NotRequired[CustomDataType]


@final
class TotalCostType(TypedDict):
    currency: str
    typeOfCost: TariffCostEnumType
    fixed: NotRequired[PriceType]
    energy: NotRequired[PriceType]
    chargingTime: NotRequired[PriceType]
    idleTime: NotRequired[PriceType]
    reservationTime: NotRequired[PriceType]
    reservationFixed: NotRequired[PriceType]
    total: TotalPriceType
    customData: NotRequired[CustomDataType]


@final
class TotalUsageType(TypedDict):
    energy: float
    chargingTime: int
    idleTime: int
    reservationTime: NotRequired[int]
    customData: NotRequired[CustomDataType]


@final
class CostDetailsType(TypedDict):
    chargingPeriods: NotRequired[list[ChargingPeriodType]]
    totalCost: TotalCostType
    totalUsage: TotalUsageType
    failureToCalculate: NotRequired[bool]
    failureReason: NotRequired[str]
    customData: NotRequired[CustomDataType]


class TriggerReasonEnumType(StrEnum):
    ABNORMAL_CONDITION = 'AbnormalCondition'
    AUTHORIZED = 'Authorized'
    CABLE_PLUGGED_IN = 'CablePluggedIn'
    CHARGING_RATE_CHANGED = 'ChargingRateChanged'
    CHARGING_STATE_CHANGED = 'ChargingStateChanged'
    COST_LIMIT_REACHED = 'CostLimitReached'
    DEAUTHORIZED = 'Deauthorized'
    ENERGY_LIMIT_REACHED = 'EnergyLimitReached'
    EVCOMMUNICATION_LOST = 'EVCommunicationLost'
    EVCONNECT_TIMEOUT = 'EVConnectTimeout'
    EVDEPARTED = 'EVDeparted'
    EVDETECTED = 'EVDetected'
    LIMIT_SET = 'LimitSet'
    METER_VALUE_CLOCK = 'MeterValueClock'
    METER_VALUE_PERIODIC = 'MeterValuePeriodic'
    OPERATION_MODE_CHANGED = 'OperationModeChanged'
    REMOTE_START = 'RemoteStart'
    REMOTE_STOP = 'RemoteStop'
    RESET_COMMAND = 'ResetCommand'
    RUNNING_COST = 'RunningCost'
    SIGNED_DATA_RECEIVED = 'SignedDataReceived'
    SO_CLIMIT_REACHED = 'SoCLimitReached'
    STOP_AUTHORIZED = 'StopAuthorized'
    TARIFF_CHANGED = 'TariffChanged'
    TARIFF_NOT_ACCEPTED = 'TariffNotAccepted'
    TIME_LIMIT_REACHED = 'TimeLimitReached'
    TRIGGER = 'Trigger'
    TX_RESUMED = 'TxResumed'
    UNLOCK_COMMAND = 'UnlockCommand'


class PreconditioningStatusEnumType(StrEnum):
    UNKNOWN = 'Unknown'
    READY = 'Ready'
    NOT_READY = 'NotReady'
    PRECONDITIONING = 'Preconditioning'


class ChargingStateEnumType(StrEnum):
    EVCONNECTED = 'EVConnected'
    CHARGING = 'Charging'
    SUSPENDED_EV = 'SuspendedEV'
    SUSPENDED_EVSE = 'SuspendedEVSE'
    IDLE = 'Idle'


class ReasonEnumType(StrEnum):
    DE_AUTHORIZED = 'DeAuthorized'
    EMERGENCY_STOP = 'EmergencyStop'
    ENERGY_LIMIT_REACHED = 'EnergyLimitReached'
    EVDISCONNECTED = 'EVDisconnected'
    GROUND_FAULT = 'GroundFault'
    IMMEDIATE_RESET = 'ImmediateReset'
    MASTER_PASS = 'MasterPass'
    LOCAL = 'Local'
    LOCAL_OUT_OF_CREDIT = 'LocalOutOfCredit'
    OTHER = 'Other'
    OVERCURRENT_FAULT = 'OvercurrentFault'
    POWER_LOSS = 'PowerLoss'
    POWER_QUALITY = 'PowerQuality'
    REBOOT = 'Reboot'
    REMOTE = 'Remote'
    SOCLIMIT_REACHED = 'SOCLimitReached'
    STOPPED_BY_EV = 'StoppedByEV'
    TIME_LIMIT_REACHED = 'TimeLimitReached'
    TIMEOUT = 'Timeout'
    REQ_ENERGY_TRANSFER_REJECTED = 'ReqEnergyTransferRejected'


@final
class TransactionLimitType(TypedDict):
    maxCost: NotRequired[float]
    maxEnergy: NotRequired[float]
    maxTime: NotRequired[int]
    maxSoC: NotRequired[int]
    customData: NotRequired[CustomDataType]


@final
class TransactionType(TypedDict):
    transactionId: str
    chargingState: NotRequired[ChargingStateEnumType]
    timeSpentCharging: NotRequired[int]
    stoppedReason: NotRequired[ReasonEnumType]
    remoteStartId: NotRequired[int]
    operationMode: NotRequired[OperationModeEnumType]
    tariffId: NotRequired[str]
    transactionLimit: NotRequired[TransactionLimitType]
    customData: NotRequired[CustomDataType]


@final
class TransactionEventRequest(TypedDict):
    costDetails: NotRequired[CostDetailsType]
    eventType: TransactionEventEnumType
    meterValue: NotRequired[list[MeterValueType]]
    timestamp: str
    triggerReason: TriggerReasonEnumType
    seqNo: int
    offline: NotRequired[bool]
    numberOfPhasesUsed: NotRequired[int]
    cableMaxCurrent: NotRequired[int]
    reservationId: NotRequired[int]
    preconditioningStatus: NotRequired[PreconditioningStatusEnumType]
    evseSleep: NotRequired[bool]
    transactionInfo: TransactionType
    evse: NotRequired[EVSEType]
    idToken: NotRequired[IdTokenType]
    customData: NotRequired[CustomDataType]


@final
class TransactionEventResponse(TypedDict):
    totalCost: NotRequired[float]
    chargingPriority: NotRequired[int]
    idTokenInfo: NotRequired[IdTokenInfoType]
    transactionLimit: NotRequired[TransactionLimitType]
    updatedPersonalMessage: NotRequired[MessageContentType]
    updatedPersonalMessageExtra: NotRequired[list[MessageContentType]]
    customData: NotRequired[CustomDataType]


class MessageTriggerEnumType(StrEnum):
    BOOT_NOTIFICATION = 'BootNotification'
    LOG_STATUS_NOTIFICATION = 'LogStatusNotification'
    FIRMWARE_STATUS_NOTIFICATION = 'FirmwareStatusNotification'
    HEARTBEAT = 'Heartbeat'
    METER_VALUES = 'MeterValues'
    SIGN_CHARGING_STATION_CERTIFICATE = 'SignChargingStationCertificate'
    SIGN_V2_GCERTIFICATE = 'SignV2GCertificate'
    SIGN_V2_G20_CERTIFICATE = 'SignV2G20Certificate'
    STATUS_NOTIFICATION = 'StatusNotification'
    TRANSACTION_EVENT = 'TransactionEvent'
    SIGN_COMBINED_CERTIFICATE = 'SignCombinedCertificate'
    PUBLISH_FIRMWARE_STATUS_NOTIFICATION = 'PublishFirmwareStatusNotification'
    CUSTOM_TRIGGER = 'CustomTrigger'


@final
class TriggerMessageRequest(TypedDict):
    evse: NotRequired[EVSEType]
    requestedMessage: MessageTriggerEnumType
    customTrigger: NotRequired[str]
    customData: NotRequired[CustomDataType]


@final
class TriggerMessageResponse(TypedDict):
    status: TriggerMessageStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


@final
class UnlockConnectorRequest(TypedDict):
    evseId: int
    connectorId: int
    customData: NotRequired[CustomDataType]


@final
class UnlockConnectorResponse(TypedDict):
    status: UnlockStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


@final
class UpdateDynamicScheduleRequest(TypedDict):
    chargingProfileId: int
    scheduleUpdate: ChargingScheduleUpdateType
    customData: NotRequired[CustomDataType]


@final
class UpdateDynamicScheduleResponse(TypedDict):
    status: ChargingProfileStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


@final
class FirmwareType(TypedDict):
    location: str
    retrieveDateTime: str
    installDateTime: NotRequired[str]
    signingCertificate: NotRequired[str]
    signature: NotRequired[str]
    customData: NotRequired[CustomDataType]


@final
class UpdateFirmwareRequest(TypedDict):
    retries: NotRequired[int]
    retryInterval: NotRequired[int]
    requestId: int
    firmware: FirmwareType
    customData: NotRequired[CustomDataType]


@final
class UpdateFirmwareResponse(TypedDict):
    status: UpdateFirmwareStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


@final
class UsePriorityChargingRequest(TypedDict):
    transactionId: str
    activate: bool
    customData: NotRequired[CustomDataType]


class PriorityChargingStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    REJECTED = 'Rejected'
    NO_PROFILE = 'NoProfile'


@final
class UsePriorityChargingResponse(TypedDict):
    status: PriorityChargingStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    customData: NotRequired[CustomDataType]


@final
class VatNumberValidationRequest(TypedDict):
    vatNumber: str
    evseId: NotRequired[int]
    customData: NotRequired[CustomDataType]


@final
class VatNumberValidationResponse(TypedDict):
    company: NotRequired[AddressType]
    statusInfo: NotRequired[StatusInfoType]
    vatNumber: str
    evseId: NotRequired[int]
    status: GenericStatusEnumType
    customData: NotRequired[CustomDataType]
