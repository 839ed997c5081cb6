"""OCPP 2.0.1 payload types, GENERATED from the `ocpp` package's JSON schemas: do not edit.

Regenerate with `python scripts/generate_wire_types.py` (its docstring says how names are made).
"""

from enum import StrEnum
from typing import NotRequired, TypedDict, final


@final
class CustomDataType(TypedDict):
    vendorId: str


@final
class AdditionalInfoType(TypedDict):
    customData: NotRequired[CustomDataType]
    additionalIdToken: str
    type: str


class IdTokenEnumType(StrEnum):
    CENTRAL = 'Central'
    E_MAID = 'eMAID'
    ISO14443 = 'ISO14443'
    ISO15693 = 'ISO15693'
    KEY_CODE = 'KeyCode'
    LOCAL = 'Local'
    MAC_ADDRESS = 'MacAddress'
    NO_AUTHORIZATION = 'NoAuthorization'


@final
class IdTokenType(TypedDict):
    customData: NotRequired[CustomDataType]
    additionalInfo: NotRequired[list[AdditionalInfoType]]
    idToken: str
    type: IdTokenEnumType


class HashAlgorithmEnumType(StrEnum):
    SHA256 = 'SHA256'
    SHA384 = 'SHA384'
    SHA512 = 'SHA512'


@final
class OCSPRequestDataType(TypedDict):
    customData: NotRequired[CustomDataType]
    hashAlgorithm: HashAlgorithmEnumType
    issuerNameHash: str
    issuerKeyHash: str
    serialNumber: str
    responderURL: str


@final
class AuthorizeRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    idToken: IdTokenType
    certificate: NotRequired[str]
    iso15118CertificateHashData: NotRequired[list[OCSPRequestDataType]]


class AuthorizationStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    BLOCKED = 'Blocked'
    CONCURRENT_TX = 'ConcurrentTx'
    EXPIRED = 'Expired'
    INVALID = 'Invalid'
    NO_CREDIT = 'NoCredit'
    NOT_ALLOWED_TYPE_EVSE = 'NotAllowedTypeEVSE'
    NOT_AT_THIS_LOCATION = 'NotAtThisLocation'
    NOT_AT_THIS_TIME = 'NotAtThisTime'
    UNKNOWN = 'Unknown'


class MessageFormatEnumType(StrEnum):
    ASCII = 'ASCII'
    HTML = 'HTML'
    URI = 'URI'
    UTF8 = 'UTF8'


@final
class MessageContentType(TypedDict):
    customData: NotRequired[CustomDataType]
    format: MessageFormatEnumType
    language: NotRequired[str]
    content: str


@final
class IdTokenInfoType(TypedDict):
    customData: NotRequired[CustomDataType]
    status: AuthorizationStatusEnumType
    cacheExpiryDateTime: NotRequired[str]
    chargingPriority: NotRequired[int]
    language1: NotRequired[str]
    evseId: NotRequired[list[int]]
    groupIdToken: NotRequired[IdTokenType]
    language2: NotRequired[str]
    personalMessage: NotRequired[MessageContentType]


class AuthorizeCertificateStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    SIGNATURE_ERROR = 'SignatureError'
    CERTIFICATE_EXPIRED = 'CertificateExpired'
    CERTIFICATE_REVOKED = 'CertificateRevoked'
    NO_CERTIFICATE_AVAILABLE = 'NoCertificateAvailable'
    CERT_CHAIN_ERROR = 'CertChainError'
    CONTRACT_CANCELLED = 'ContractCancelled'


@final
class AuthorizeResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    idTokenInfo: IdTokenInfoType
    certificateStatus: NotRequired[AuthorizeCertificateStatusEnumType]


@final
class ModemType(TypedDict):
    customData: NotRequired[CustomDataType]
    iccid: NotRequired[str]
    imsi: NotRequired[str]


@final
class ChargingStationType(TypedDict):
    customData: NotRequired[CustomDataType]
    serialNumber: NotRequired[str]
    model: str
    modem: NotRequired[ModemType]
    vendorName: str
    firmwareVersion: NotRequired[str]


class BootReasonEnumType(StrEnum):
    APPLICATION_RESET = 'ApplicationReset'
    FIRMWARE_UPDATE = 'FirmwareUpdate'
    LOCAL_RESET = 'LocalReset'
    POWER_UP = 'PowerUp'
    REMOTE_RESET = 'RemoteReset'
    SCHEDULED_RESET = 'ScheduledReset'
    TRIGGERED = 'Triggered'
    UNKNOWN = 'Unknown'
    WATCHDOG = 'Watchdog'


@final
class BootNotificationRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    chargingStation: ChargingStationType
    reason: BootReasonEnumType


class RegistrationStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    PENDING = 'Pending'
    REJECTED = 'Rejected'


@final
class StatusInfoType(TypedDict):
    customData: NotRequired[CustomDataType]
    reasonCode: str
    additionalInfo: NotRequired[str]


@final
class BootNotificationResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    currentTime: str
    interval: int
    status: RegistrationStatusEnumType
    statusInfo: NotRequired[StatusInfoType]


@final
class CancelReservationRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    reservationId: int


class CancelReservationStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    REJECTED = 'Rejected'


@final
class CancelReservationResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    status: CancelReservationStatusEnumType
    statusInfo: NotRequired[StatusInfoType]


class CertificateSigningUseEnumType(StrEnum):
    CHARGING_STATION_CERTIFICATE = 'ChargingStationCertificate'
    V2_GCERTIFICATE = 'V2GCertificate'


@final
class CertificateSignedRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    certificateChain: str
    certificateType: NotRequired[CertificateSigningUseEnumType]


class CertificateSignedStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    REJECTED = 'Rejected'


@final
class CertificateSignedResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    status: CertificateSignedStatusEnumType
    statusInfo: NotRequired[StatusInfoType]


@final
class EVSEType(TypedDict):
    customData: NotRequired[CustomDataType]
    id: int
    connectorId: NotRequired[int]


class OperationalStatusEnumType(StrEnum):
    INOPERATIVE = 'Inoperative'
    OPERATIVE = 'Operative'


@final
class ChangeAvailabilityRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    evse: NotRequired[EVSEType]
    operationalStatus: OperationalStatusEnumType


class ChangeAvailabilityStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    REJECTED = 'Rejected'
    SCHEDULED = 'Scheduled'


@final
class ChangeAvailabilityResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    status: ChangeAvailabilityStatusEnumType
    statusInfo: NotRequired[StatusInfoType]


@final
class ClearCacheRequest(TypedDict):
    customData: NotRequired[CustomDataType]


class ClearCacheStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    REJECTED = 'Rejected'


@final
class ClearCacheResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    status: ClearCacheStatusEnumType
    statusInfo: NotRequired[StatusInfoType]


class ChargingProfilePurposeEnumType(StrEnum):
    CHARGING_STATION_EXTERNAL_CONSTRAINTS = 'ChargingStationExternalConstraints'
    CHARGING_STATION_MAX_PROFILE = 'ChargingStationMaxProfile'
    TX_DEFAULT_PROFILE = 'TxDefaultProfile'
    TX_PROFILE = 'TxProfile'


@final
class ClearChargingProfileType(TypedDict):
    customData: NotRequired[CustomDataType]
    evseId: NotRequired[int]
    chargingProfilePurpose: NotRequired[ChargingProfilePurposeEnumType]
    stackLevel: NotRequired[int]


@final
class ClearChargingProfileRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    chargingProfileId: NotRequired[int]
    chargingProfileCriteria: NotRequired[ClearChargingProfileType]


class ClearChargingProfileStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    UNKNOWN = 'Unknown'


@final
class ClearChargingProfileResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    status: ClearChargingProfileStatusEnumType
    statusInfo: NotRequired[StatusInfoType]


@final
class ClearDisplayMessageRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    id: int


class ClearMessageStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    UNKNOWN = 'Unknown'


@final
class ClearDisplayMessageResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    status: ClearMessageStatusEnumType
    statusInfo: NotRequired[StatusInfoType]


@final
class ClearVariableMonitoringRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    id: list[int]


class ClearMonitoringStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    REJECTED = 'Rejected'
    NOT_FOUND = 'NotFound'


@final
class ClearMonitoringResultType(TypedDict):
    customData: NotRequired[CustomDataType]
    status: ClearMonitoringStatusEnumType
    id: int
    statusInfo: NotRequired[StatusInfoType]


@final
class ClearVariableMonitoringResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    clearMonitoringResult: list[ClearMonitoringResultType]


class ChargingLimitSourceEnumType(StrEnum):
    EMS = 'EMS'
    OTHER = 'Other'
    SO = 'SO'
    CSO = 'CSO'


@final
class ClearedChargingLimitRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    chargingLimitSource: ChargingLimitSourceEnumType
    evseId: NotRequired[int]


@final
class ClearedChargingLimitResponse(TypedDict):
    customData: NotRequired[CustomDataType]


@final
class CostUpdatedRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    totalCost: float
    transactionId: str


@final
class CostUpdatedResponse(TypedDict):
    customData: NotRequired[CustomDataType]


@final
class CertificateHashDataType(TypedDict):
    customData: NotRequired[CustomDataType]
    hashAlgorithm: HashAlgorithmEnumType
    issuerNameHash: str
    issuerKeyHash: str
    serialNumber: str


@final
class CustomerInformationRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    customerCertificate: NotRequired[CertificateHashDataType]
    idToken: NotRequired[IdTokenType]
    requestId: int
    report: bool
    clear: bool
    customerIdentifier: NotRequired[str]


class CustomerInformationStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    REJECTED = 'Rejected'
    INVALID = 'Invalid'


@final
class CustomerInformationResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    status: CustomerInformationStatusEnumType
    statusInfo: NotRequired[StatusInfoType]


@final
class DataTransferRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    messageId: NotRequired[str]
    data: NotRequired[object]
    vendorId: str


class DataTransferStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    REJECTED = 'Rejected'
    UNKNOWN_MESSAGE_ID = 'UnknownMessageId'
    UNKNOWN_VENDOR_ID = 'UnknownVendorId'


@final
class DataTransferResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    status: DataTransferStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    data: NotRequired[object]


@final
class DeleteCertificateRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    certificateHashData: CertificateHashDataType


class DeleteCertificateStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    FAILED = 'Failed'
    NOT_FOUND = 'NotFound'


@final
class DeleteCertificateResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    status: DeleteCertificateStatusEnumType
    statusInfo: NotRequired[StatusInfoType]


class FirmwareStatusEnumType(StrEnum):
    DOWNLOADED = 'Downloaded'
    DOWNLOAD_FAILED = 'DownloadFailed'
    DOWNLOADING = 'Downloading'
    DOWNLOAD_SCHEDULED = 'DownloadScheduled'
    DOWNLOAD_PAUSED = 'DownloadPaused'
    IDLE = 'Idle'
    INSTALLATION_FAILED = 'InstallationFailed'
    INSTALLING = 'Installing'
    INSTALLED = 'Installed'
    INSTALL_REBOOTING = 'InstallRebooting'
    INSTALL_SCHEDULED = 'InstallScheduled'
    INSTALL_VERIFICATION_FAILED = 'InstallVerificationFailed'
    INVALID_SIGNATURE = 'InvalidSignature'
    SIGNATURE_VERIFIED = 'SignatureVerified'


@final
class FirmwareStatusNotificationRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    status: FirmwareStatusEnumType
    requestId: NotRequired[int]


@final
class FirmwareStatusNotificationResponse(TypedDict):
    customData: NotRequired[CustomDataType]


class CertificateActionEnumType(StrEnum):
    INSTALL = 'Install'
    UPDATE = 'Update'


@final
class Get15118EVCertificateRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    iso15118SchemaVersion: str
    action: CertificateActionEnumType
    exiRequest: str


class Iso15118EVCertificateStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    FAILED = 'Failed'


@final
class Get15118EVCertificateResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    status: Iso15118EVCertificateStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    exiResponse: str


class ReportBaseEnumType(StrEnum):
    CONFIGURATION_INVENTORY = 'ConfigurationInventory'
    FULL_INVENTORY = 'FullInventory'
    SUMMARY_INVENTORY = 'SummaryInventory'


@final
class GetBaseReportRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    requestId: int
    reportBase: ReportBaseEnumType


class GenericDeviceModelStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    REJECTED = 'Rejected'
    NOT_SUPPORTED = 'NotSupported'
    EMPTY_RESULT_SET = 'EmptyResultSet'


@final
class GetBaseReportResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    status: GenericDeviceModelStatusEnumType
    statusInfo: NotRequired[StatusInfoType]


@final
class GetCertificateStatusRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    ocspRequestData: OCSPRequestDataType


class GetCertificateStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    FAILED = 'Failed'


@final
class GetCertificateStatusResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    status: GetCertificateStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    ocspResult: NotRequired[str]


@final
class ChargingProfileCriterionType(TypedDict):
    customData: NotRequired[CustomDataType]
    chargingProfilePurpose: NotRequired[ChargingProfilePurposeEnumType]
    stackLevel: NotRequired[int]
    chargingProfileId: NotRequired[list[int]]
    chargingLimitSource: NotRequired[list[ChargingLimitSourceEnumType]]


@final
class GetChargingProfilesRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    requestId: int
    evseId: NotRequired[int]
    chargingProfile: ChargingProfileCriterionType


class GetChargingProfileStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    NO_PROFILES = 'NoProfiles'


@final
class GetChargingProfilesResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    status: GetChargingProfileStatusEnumType
    statusInfo: NotRequired[StatusInfoType]


class ChargingRateUnitEnumType(StrEnum):
    W = 'W'
    A = 'A'


@final
class GetCompositeScheduleRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    duration: int
    chargingRateUnit: NotRequired[ChargingRateUnitEnumType]
    evseId: int


class GenericStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    REJECTED = 'Rejected'


@final
class ChargingSchedulePeriodType(TypedDict):
    customData: NotRequired[CustomDataType]
    startPeriod: int
    limit: float
    numberPhases: NotRequired[int]
    phaseToUse: NotRequired[int]


@final
class CompositeScheduleType(TypedDict):
    customData: NotRequired[CustomDataType]
    chargingSchedulePeriod: list[ChargingSchedulePeriodType]
    evseId: int
    duration: int
    scheduleStart: str
    chargingRateUnit: ChargingRateUnitEnumType


@final
class GetCompositeScheduleResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    status: GenericStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    schedule: NotRequired[CompositeScheduleType]


class MessagePriorityEnumType(StrEnum):
    ALWAYS_FRONT = 'AlwaysFront'
    IN_FRONT = 'InFront'
    NORMAL_CYCLE = 'NormalCycle'


class MessageStateEnumType(StrEnum):
    CHARGING = 'Charging'
    FAULTED = 'Faulted'
    IDLE = 'Idle'
    UNAVAILABLE = 'Unavailable'


@final
class GetDisplayMessagesRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    id: NotRequired[list[int]]
    requestId: int
    priority: NotRequired[MessagePriorityEnumType]
    state: NotRequired[MessageStateEnumType]


class GetDisplayMessagesStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    UNKNOWN = 'Unknown'


@final
class GetDisplayMessagesResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    status: GetDisplayMessagesStatusEnumType
    statusInfo: NotRequired[StatusInfoType]


class GetCertificateIdUseEnumType(StrEnum):
    V2_GROOT_CERTIFICATE = 'V2GRootCertificate'
    MOROOT_CERTIFICATE = 'MORootCertificate'
    CSMSROOT_CERTIFICATE = 'CSMSRootCertificate'
    V2_GCERTIFICATE_CHAIN = 'V2GCertificateChain'
    MANUFACTURER_ROOT_CERTIFICATE = 'ManufacturerRootCertificate'


@final
class GetInstalledCertificateIdsRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    certificateType: NotRequired[list[GetCertificateIdUseEnumType]]


class GetInstalledCertificateStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    NOT_FOUND = 'NotFound'


@final
class CertificateHashDataChainType(TypedDict):
    customData: NotRequired[CustomDataType]
    certificateHashData: CertificateHashDataType
    certificateType: GetCertificateIdUseEnumType
    childCertificateHashData: NotRequired[list[CertificateHashDataType]]


@final
class GetInstalledCertificateIdsResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    status: GetInstalledCertificateStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    certificateHashDataChain: NotRequired[list[CertificateHashDataChainType]]


@final
class GetLocalListVersionRequest(TypedDict):
    customData: NotRequired[CustomDataType]


@final
class GetLocalListVersionResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    versionNumber: int


@final
class LogParametersType(TypedDict):
    customData: NotRequired[CustomDataType]
    remoteLocation: str
    oldestTimestamp: NotRequired[str]
    latestTimestamp: NotRequired[str]


class LogEnumType(StrEnum):
    DIAGNOSTICS_LOG = 'DiagnosticsLog'
    SECURITY_LOG = 'SecurityLog'


@final
class GetLogRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    log: LogParametersType
    logType: LogEnumType
    requestId: int
    retries: NotRequired[int]
    retryInterval: NotRequired[int]


class LogStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    REJECTED = 'Rejected'
    ACCEPTED_CANCELED = 'AcceptedCanceled'


@final
class GetLogResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    status: LogStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    filename: NotRequired[str]


@final
class ComponentType(TypedDict):
    customData: NotRequired[CustomDataType]
    evse: NotRequired[EVSEType]
    name: str
    instance: NotRequired[str]


@final
class VariableType(TypedDict):
    customData: NotRequired[CustomDataType]
    name: str
    instance: NotRequired[str]


@final
class ComponentVariableType(TypedDict):
    customData: NotRequired[CustomDataType]
    component: ComponentType
    variable: NotRequired[VariableType]


class MonitoringCriterionEnumType(StrEnum):
    THRESHOLD_MONITORING = 'ThresholdMonitoring'
    DELTA_MONITORING = 'DeltaMonitoring'
    PERIODIC_MONITORING = 'PeriodicMonitoring'


@final
class GetMonitoringReportRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    componentVariable: NotRequired[list[ComponentVariableType]]
    requestId: int
    monitoringCriteria: NotRequired[list[MonitoringCriterionEnumType]]


@final
class GetMonitoringReportResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    status: GenericDeviceModelStatusEnumType
    statusInfo: NotRequired[StatusInfoType]


class ComponentCriterionEnumType(StrEnum):
    ACTIVE = 'Active'
    AVAILABLE = 'Available'
    ENABLED = 'Enabled'
    PROBLEM = 'Problem'


@final
class GetReportRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    componentVariable: NotRequired[list[ComponentVariableType]]
    requestId: int
    componentCriteria: NotRequired[list[ComponentCriterionEnumType]]


@final
class GetReportResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    status: GenericDeviceModelStatusEnumType
    statusInfo: NotRequired[StatusInfoType]


@final
class GetTransactionStatusRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    transactionId: NotRequired[str]


@final
class GetTransactionStatusResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    ongoingIndicator: NotRequired[bool]
    messagesInQueue: bool


class AttributeEnumType(StrEnum):
    ACTUAL = 'Actual'
    TARGET = 'Target'
    MIN_SET = 'MinSet'
    MAX_SET = 'MaxSet'


@final
class GetVariableDataType(TypedDict):
    customData: NotRequired[CustomDataType]
    attributeType: NotRequired[AttributeEnumType]
    component: ComponentType
    variable: VariableType


@final
class GetVariablesRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    getVariableData: list[GetVariableDataType]


class GetVariableStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    REJECTED = 'Rejected'
    UNKNOWN_COMPONENT = 'UnknownComponent'
    UNKNOWN_VARIABLE = 'UnknownVariable'
    NOT_SUPPORTED_ATTRIBUTE_TYPE = 'NotSupportedAttributeType'


@final
class GetVariableResultType(TypedDict):
    customData: NotRequired[CustomDataType]
    attributeStatusInfo: NotRequired[StatusInfoType]
    attributeStatus: GetVariableStatusEnumType
    attributeType: NotRequired[AttributeEnumType]
    attributeValue: NotRequired[str]
    component: ComponentType
    variable: VariableType


@final
class GetVariablesResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    getVariableResult: list[GetVariableResultType]


@final
class HeartbeatRequest(TypedDict):
    customData: NotRequired[CustomDataType]


@final
class HeartbeatResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    currentTime: str


class InstallCertificateUseEnumType(StrEnum):
    V2_GROOT_CERTIFICATE = 'V2GRootCertificate'
    MOROOT_CERTIFICATE = 'MORootCertificate'
    CSMSROOT_CERTIFICATE = 'CSMSRootCertificate'
    MANUFACTURER_ROOT_CERTIFICATE = 'ManufacturerRootCertificate'


@final
class InstallCertificateRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    certificateType: InstallCertificateUseEnumType
    certificate: str


class InstallCertificateStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    REJECTED = 'Rejected'
    FAILED = 'Failed'


@final
class InstallCertificateResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    status: InstallCertificateStatusEnumType
    statusInfo: NotRequired[StatusInfoType]


class UploadLogStatusEnumType(StrEnum):
    BAD_MESSAGE = 'BadMessage'
    IDLE = 'Idle'
    NOT_SUPPORTED_OPERATION = 'NotSupportedOperation'
    PERMISSION_DENIED = 'PermissionDenied'
    UPLOADED = 'Uploaded'
    UPLOAD_FAILURE = 'UploadFailure'
    UPLOADING = 'Uploading'
    ACCEPTED_CANCELED = 'AcceptedCanceled'


@final
class LogStatusNotificationRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    status: UploadLogStatusEnumType
    requestId: NotRequired[int]


@final
class LogStatusNotificationResponse(TypedDict):
    customData: NotRequired[CustomDataType]


class ReadingContextEnumType(StrEnum):
    INTERRUPTION_BEGIN = 'Interruption.Begin'
    INTERRUPTION_END = 'Interruption.End'
    OTHER = 'Other'
    SAMPLE_CLOCK = 'Sample.Clock'
    SAMPLE_PERIODIC = 'Sample.Periodic'
    TRANSACTION_BEGIN = 'Transaction.Begin'
    TRANSACTION_END = 'Transaction.End'
    TRIGGER = 'Trigger'


class MeasurandEnumType(StrEnum):
    CURRENT_EXPORT = 'Current.Export'
    CURRENT_IMPORT = 'Current.Import'
    CURRENT_OFFERED = 'Current.Offered'
    ENERGY_ACTIVE_EXPORT_REGISTER = 'Energy.Active.Export.Register'
    ENERGY_ACTIVE_IMPORT_REGISTER = 'Energy.Active.Import.Register'
    ENERGY_REACTIVE_EXPORT_REGISTER = 'Energy.Reactive.Export.Register'
    ENERGY_REACTIVE_IMPORT_REGISTER = 'Energy.Reactive.Import.Register'
    ENERGY_ACTIVE_EXPORT_INTERVAL = 'Energy.Active.Export.Interval'
    ENERGY_ACTIVE_IMPORT_INTERVAL = 'Energy.Active.Import.Interval'
    ENERGY_ACTIVE_NET = 'Energy.Active.Net'
    ENERGY_REACTIVE_EXPORT_INTERVAL = 'Energy.Reactive.Export.Interval'
    ENERGY_REACTIVE_IMPORT_INTERVAL = 'Energy.Reactive.Import.Interval'
    ENERGY_REACTIVE_NET = 'Energy.Reactive.Net'
    ENERGY_APPARENT_NET = 'Energy.Apparent.Net'
    ENERGY_APPARENT_IMPORT = 'Energy.Apparent.Import'
    ENERGY_APPARENT_EXPORT = 'Energy.Apparent.Export'
    FREQUENCY = 'Frequency'
    POWER_ACTIVE_EXPORT = 'Power.Active.Export'
    POWER_ACTIVE_IMPORT = 'Power.Active.Import'
    POWER_FACTOR = 'Power.Factor'
    POWER_OFFERED = 'Power.Offered'
    POWER_REACTIVE_EXPORT = 'Power.Reactive.Export'
    POWER_REACTIVE_IMPORT = 'Power.Reactive.Import'
    SO_C = 'SoC'
    VOLTAGE = 'Voltage'


class PhaseEnumType(StrEnum):
    L1 = 'L1'
    L2 = 'L2'
    L3 = 'L3'
    N = 'N'
    L1_N = 'L1-N'
    L2_N = 'L2-N'
    L3_N = 'L3-N'
    L1_L2 = 'L1-L2'
    L2_L3 = 'L2-L3'
    L3_L1 = 'L3-L1'


class LocationEnumType(StrEnum):
    BODY = 'Body'
    CABLE = 'Cable'
    EV = 'EV'
    INLET = 'Inlet'
    OUTLET = 'Outlet'


@final
class SignedMeterValueType(TypedDict):
    customData: NotRequired[CustomDataType]
    signedMeterData: str
    signingMethod: str
    encodingMethod: str
    publicKey: str


@final
class UnitOfMeasureType(TypedDict):
    customData: NotRequired[CustomDataType]
    unit: NotRequired[str]
    multiplier: NotRequired[int]


@final
class SampledValueType(TypedDict):
    customData: NotRequired[CustomDataType]
    value: float
    context: NotRequired[ReadingContextEnumType]
    measurand: NotRequired[MeasurandEnumType]
    phase: NotRequired[PhaseEnumType]
    location: NotRequired[LocationEnumType]
    signedMeterValue: NotRequired[SignedMeterValueType]
    unitOfMeasure: NotRequired[UnitOfMeasureType]


@final
class MeterValueType(TypedDict):
    customData: NotRequired[CustomDataType]
    sampledValue: list[SampledValueType]
    timestamp: str


@final
class MeterValuesRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    evseId: int
    meterValue: list[MeterValueType]


@final
class MeterValuesResponse(TypedDict):
    customData: NotRequired[CustomDataType]


@final
class RelativeTimeIntervalType(TypedDict):
    customData: NotRequired[CustomDataType]
    start: int
    duration: NotRequired[int]


class CostKindEnumType(StrEnum):
    CARBON_DIOXIDE_EMISSION = 'CarbonDioxideEmission'
    RELATIVE_PRICE_PERCENTAGE = 'RelativePricePercentage'
    RENEWABLE_GENERATION_PERCENTAGE = 'RenewableGenerationPercentage'


@final
class CostType(TypedDict):
    customData: NotRequired[CustomDataType]
    costKind: CostKindEnumType
    amount: int
    amountMultiplier: NotRequired[int]


@final
class ConsumptionCostType(TypedDict):
    customData: NotRequired[CustomDataType]
    startValue: float
    cost: list[CostType]


@final
class SalesTariffEntryType(TypedDict):
    customData: NotRequired[CustomDataType]
    relativeTimeInterval: RelativeTimeIntervalType
    ePriceLevel: NotRequired[int]
    consumptionCost: NotRequired[list[ConsumptionCostType]]


@final
class SalesTariffType(TypedDict):
    customData: NotRequired[CustomDataType]
    id: int
    salesTariffDescription: NotRequired[str]
    numEPriceLevels: NotRequired[int]
    salesTariffEntry: list[SalesTariffEntryType]


@final
class ChargingScheduleType(TypedDict):
    customData: NotRequired[CustomDataType]
    id: int
    startSchedule: NotRequired[str]
    duration: NotRequired[int]
    chargingRateUnit: ChargingRateUnitEnumType
    chargingSchedulePeriod: list[ChargingSchedulePeriodType]
    minChargingRate: NotRequired[float]
    salesTariff: NotRequired[SalesTariffType]


@final
class ChargingLimitType(TypedDict):
    customData: NotRequired[CustomDataType]
    chargingLimitSource: ChargingLimitSourceEnumType
    isGridCritical: NotRequired[bool]


@final
class NotifyChargingLimitRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    chargingSchedule: NotRequired[list[ChargingScheduleType]]
    evseId: NotRequired[int]
    chargingLimit: ChargingLimitType


@final
class NotifyChargingLimitResponse(TypedDict):
    customData: NotRequired[CustomDataType]


@final
class NotifyCustomerInformationRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    data: str
    tbc: NotRequired[bool]
    seqNo: int
    generatedAt: str
    requestId: int


@final
class NotifyCustomerInformationResponse(TypedDict):
    customData: NotRequired[CustomDataType]


@final
class MessageInfoType(TypedDict):
    customData: NotRequired[CustomDataType]
    display: NotRequired[ComponentType]
    id: int
    priority: MessagePriorityEnumType
    state: NotRequired[MessageStateEnumType]
    startDateTime: NotRequired[str]
    endDateTime: NotRequired[str]
    transactionId: NotRequired[str]
    message: MessageContentType


@final
class NotifyDisplayMessagesRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    messageInfo: NotRequired[list[MessageInfoType]]
    requestId: int
    tbc: NotRequired[bool]


@final
class NotifyDisplayMessagesResponse(TypedDict):
    customData: NotRequired[CustomDataType]


@final
class ACChargingParametersType(TypedDict):
    customData: NotRequired[CustomDataType]
    energyAmount: int
    evMinCurrent: int
    evMaxCurrent: int
    evMaxVoltage: int


@final
class DCChargingParametersType(TypedDict):
    customData: NotRequired[CustomDataType]
    evMaxCurrent: int
    evMaxVoltage: int
    energyAmount: NotRequired[int]
    evMaxPower: NotRequired[int]
    stateOfCharge: NotRequired[int]
    evEnergyCapacity: NotRequired[int]
    fullSoC: NotRequired[int]
    bulkSoC: NotRequired[int]


class EnergyTransferModeEnumType(StrEnum):
    DC = 'DC'
    AC_SINGLE_PHASE = 'AC_single_phase'
    AC_TWO_PHASE = 'AC_two_phase'
    AC_THREE_PHASE = 'AC_three_phase'


@final
class ChargingNeedsType(TypedDict):
    customData: NotRequired[CustomDataType]
    acChargingParameters: NotRequired[ACChargingParametersType]
    dcChargingParameters: NotRequired[DCChargingParametersType]
    requestedEnergyTransfer: EnergyTransferModeEnumType
    departureTime: NotRequired[str]


@final
class NotifyEVChargingNeedsRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    maxScheduleTuples: NotRequired[int]
    chargingNeeds: ChargingNeedsType
    evseId: int


class NotifyEVChargingNeedsStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    REJECTED = 'Rejected'
    PROCESSING = 'Processing'


@final
class NotifyEVChargingNeedsResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    status: NotifyEVChargingNeedsStatusEnumType
    statusInfo: NotRequired[StatusInfoType]


@final
class NotifyEVChargingScheduleRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    timeBase: str
    chargingSchedule: ChargingScheduleType
    evseId: int


@final
class NotifyEVChargingScheduleResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    status: GenericStatusEnumType
    statusInfo: NotRequired[StatusInfoType]


class EventTriggerEnumType(StrEnum):
    ALERTING = 'Alerting'
    DELTA = 'Delta'
    PERIODIC = 'Periodic'


class EventNotificationEnumType(StrEnum):
    HARD_WIRED_NOTIFICATION = 'HardWiredNotification'
    HARD_WIRED_MONITOR = 'HardWiredMonitor'
    PRECONFIGURED_MONITOR = 'PreconfiguredMonitor'
    CUSTOM_MONITOR = 'CustomMonitor'


@final
class EventDataType(TypedDict):
    customData: NotRequired[CustomDataType]
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


@final
class NotifyEventRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    generatedAt: str
    tbc: NotRequired[bool]
    seqNo: int
    eventData: list[EventDataType]


@final
class NotifyEventResponse(TypedDict):
    customData: NotRequired[CustomDataType]


class MonitorEnumType(StrEnum):
    UPPER_THRESHOLD = 'UpperThreshold'
    LOWER_THRESHOLD = 'LowerThreshold'
    DELTA = 'Delta'
    PERIODIC = 'Periodic'
    PERIODIC_CLOCK_ALIGNED = 'PeriodicClockAligned'


@final
class VariableMonitoringType(TypedDict):
    customData: NotRequired[CustomDataType]
    id: int
    transaction: bool
    value: float
    type: MonitorEnumType
    severity: int


@final
class MonitoringDataType(TypedDict):
    customData: NotRequired[CustomDataType]
    component: ComponentType
    variable: VariableType
    variableMonitoring: list[VariableMonitoringType]


@final
class NotifyMonitoringReportRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    monitor: NotRequired[list[MonitoringDataType]]
    requestId: int
    tbc: NotRequired[bool]
    seqNo: int
    generatedAt: str


@final
class NotifyMonitoringReportResponse(TypedDict):
    customData: NotRequired[CustomDataType]


class MutabilityEnumType(StrEnum):
    READ_ONLY = 'ReadOnly'
    WRITE_ONLY = 'WriteOnly'
    READ_WRITE = 'ReadWrite'


@final
class VariableAttributeType(TypedDict):
    customData: NotRequired[CustomDataType]
    type: NotRequired[AttributeEnumType]
    value: NotRequired[str]
    mutability: NotRequired[MutabilityEnumType]
    persistent: NotRequired[bool]
    constant: NotRequired[bool]


class DataEnumType(StrEnum):
    STRING = 'string'
    DECIMAL = 'decimal'
    INTEGER = 'integer'
    DATE_TIME = 'dateTime'
    BOOLEAN = 'boolean'
    OPTION_LIST = 'OptionList'
    SEQUENCE_LIST = 'SequenceList'
    MEMBER_LIST = 'MemberList'


@final
class VariableCharacteristicsType(TypedDict):
    customData: NotRequired[CustomDataType]
    unit: NotRequired[str]
    dataType: DataEnumType
    minLimit: NotRequired[float]
    maxLimit: NotRequired[float]
    valuesList: NotRequired[str]
    supportsMonitoring: bool


@final
class ReportDataType(TypedDict):
    customData: NotRequired[CustomDataType]
    component: ComponentType
    variable: VariableType
    variableAttribute: list[VariableAttributeType]
    variableCharacteristics: NotRequired[VariableCharacteristicsType]


@final
class NotifyReportRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    requestId: int
    generatedAt: str
    reportData: NotRequired[list[ReportDataType]]
    tbc: NotRequired[bool]
    seqNo: int


@final
class NotifyReportResponse(TypedDict):
    customData: NotRequired[CustomDataType]


@final
class PublishFirmwareRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    location: str
    retries: NotRequired[int]
    checksum: str
    requestId: int
    retryInterval: NotRequired[int]


@final
class PublishFirmwareResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    status: GenericStatusEnumType
    statusInfo: NotRequired[StatusInfoType]


class PublishFirmwareStatusEnumType(StrEnum):
    IDLE = 'Idle'
    DOWNLOAD_SCHEDULED = 'DownloadScheduled'
    DOWNLOADING = 'Downloading'
    DOWNLOADED = 'Downloaded'
    PUBLISHED = 'Published'
    DOWNLOAD_FAILED = 'DownloadFailed'
    DOWNLOAD_PAUSED = 'DownloadPaused'
    INVALID_CHECKSUM = 'InvalidChecksum'
    CHECKSUM_VERIFIED = 'ChecksumVerified'
    PUBLISH_FAILED = 'PublishFailed'


@final
class PublishFirmwareStatusNotificationRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    status: PublishFirmwareStatusEnumType
    location: NotRequired[list[str]]
    requestId: NotRequired[int]


@final
class PublishFirmwareStatusNotificationResponse(TypedDict):
    customData: NotRequired[CustomDataType]


class ChargingProfileKindEnumType(StrEnum):
    ABSOLUTE = 'Absolute'
    RECURRING = 'Recurring'
    RELATIVE = 'Relative'


class RecurrencyKindEnumType(StrEnum):
    DAILY = 'Daily'
    WEEKLY = 'Weekly'


@final
class ChargingProfileType(TypedDict):
    customData: NotRequired[CustomDataType]
    id: int
    stackLevel: int
    chargingProfilePurpose: ChargingProfilePurposeEnumType
    chargingProfileKind: ChargingProfileKindEnumType
    recurrencyKind: NotRequired[RecurrencyKindEnumType]
    validFrom: NotRequired[str]
    validTo: NotRequired[str]
    chargingSchedule: list[ChargingScheduleType]
    transactionId: NotRequired[str]


@final
class ReportChargingProfilesRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    requestId: int
    chargingLimitSource: ChargingLimitSourceEnumType
    chargingProfile: list[ChargingProfileType]
    tbc: NotRequired[bool]
    evseId: int


@final
class ReportChargingProfilesResponse(TypedDict):
    customData: NotRequired[CustomDataType]


@final
class RequestStartTransactionRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    evseId: NotRequired[int]
    groupIdToken: NotRequired[IdTokenType]
    idToken: IdTokenType
    remoteStartId: int
    chargingProfile: NotRequired[ChargingProfileType]


class RequestStartStopStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    REJECTED = 'Rejected'


@final
class RequestStartTransactionResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    status: RequestStartStopStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
    transactionId: NotRequired[str]


@final
class RequestStopTransactionRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    transactionId: str


@final
class RequestStopTransactionResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    status: RequestStartStopStatusEnumType
    statusInfo: NotRequired[StatusInfoType]


class ReservationUpdateStatusEnumType(StrEnum):
    EXPIRED = 'Expired'
    REMOVED = 'Removed'


@final
class ReservationStatusUpdateRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    reservationId: int
    reservationUpdateStatus: ReservationUpdateStatusEnumType


@final
class ReservationStatusUpdateResponse(TypedDict):
    customData: NotRequired[CustomDataType]


class ConnectorEnumType(StrEnum):
    C_CCS1 = 'cCCS1'
    C_CCS2 = 'cCCS2'
    C_G105 = 'cG105'
    C_TESLA = 'cTesla'
    C_TYPE1 = 'cType1'
    C_TYPE2 = 'cType2'
    S309_1_P_16_A = 's309-1P-16A'
    S309_1_P_32_A = 's309-1P-32A'
    S309_3_P_16_A = 's309-3P-16A'
    S309_3_P_32_A = 's309-3P-32A'
    S_BS1361 = 'sBS1361'
    S_CEE_7_7 = 'sCEE-7-7'
    S_TYPE2 = 'sType2'
    S_TYPE3 = 'sType3'
    OTHER1_PH_MAX16_A = 'Other1PhMax16A'
    OTHER1_PH_OVER16_A = 'Other1PhOver16A'
    OTHER3_PH = 'Other3Ph'
    PAN = 'Pan'
    W_INDUCTIVE = 'wInductive'
    W_RESONANT = 'wResonant'
    UNDETERMINED = 'Undetermined'
    UNKNOWN = 'Unknown'


@final
class ReserveNowRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    id: int
    expiryDateTime: str
    connectorType: NotRequired[ConnectorEnumType]
    idToken: IdTokenType
    evseId: NotRequired[int]
    groupIdToken: NotRequired[IdTokenType]


class ReserveNowStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    FAULTED = 'Faulted'
    OCCUPIED = 'Occupied'
    REJECTED = 'Rejected'
    UNAVAILABLE = 'Unavailable'


@final
class ReserveNowResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    status: ReserveNowStatusEnumType
    statusInfo: NotRequired[StatusInfoType]


class ResetEnumType(StrEnum):
    IMMEDIATE = 'Immediate'
    ON_IDLE = 'OnIdle'


@final
class ResetRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    type: ResetEnumType
    evseId: NotRequired[int]


class ResetStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    REJECTED = 'Rejected'
    SCHEDULED = 'Scheduled'


@final
class ResetResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    status: ResetStatusEnumType
    statusInfo: NotRequired[StatusInfoType]


@final
class SecurityEventNotificationRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    type: str
    timestamp: str
    techInfo: NotRequired[str]


@final
class SecurityEventNotificationResponse(TypedDict):
    customData: NotRequired[CustomDataType]


@final
class AuthorizationData(TypedDict):
    customData: NotRequired[CustomDataType]
    idToken: IdTokenType
    idTokenInfo: NotRequired[IdTokenInfoType]


class UpdateEnumType(StrEnum):
    DIFFERENTIAL = 'Differential'
    FULL = 'Full'


@final
class SendLocalListRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    localAuthorizationList: NotRequired[list[AuthorizationData]]
    versionNumber: int
    updateType: UpdateEnumType


class SendLocalListStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    FAILED = 'Failed'
    VERSION_MISMATCH = 'VersionMismatch'


@final
class SendLocalListResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    status: SendLocalListStatusEnumType
    statusInfo: NotRequired[StatusInfoType]


@final
class SetChargingProfileRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    evseId: int
    chargingProfile: ChargingProfileType


class ChargingProfileStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    REJECTED = 'Rejected'


@final
class SetChargingProfileResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    status: ChargingProfileStatusEnumType
    statusInfo: NotRequired[StatusInfoType]


@final
class SetDisplayMessageRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    message: MessageInfoType


class DisplayMessageStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    NOT_SUPPORTED_MESSAGE_FORMAT = 'NotSupportedMessageFormat'
    REJECTED = 'Rejected'
    NOT_SUPPORTED_PRIORITY = 'NotSupportedPriority'
    NOT_SUPPORTED_STATE = 'NotSupportedState'
    UNKNOWN_TRANSACTION = 'UnknownTransaction'


@final
class SetDisplayMessageResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    status: DisplayMessageStatusEnumType
    statusInfo: NotRequired[StatusInfoType]


class MonitoringBaseEnumType(StrEnum):
    ALL = 'All'
    FACTORY_DEFAULT = 'FactoryDefault'
    HARD_WIRED_ONLY = 'HardWiredOnly'


@final
class SetMonitoringBaseRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    monitoringBase: MonitoringBaseEnumType


@final
class SetMonitoringBaseResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    status: GenericDeviceModelStatusEnumType
    statusInfo: NotRequired[StatusInfoType]


@final
class SetMonitoringLevelRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    severity: int


@final
class SetMonitoringLevelResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    status: GenericStatusEnumType
    statusInfo: NotRequired[StatusInfoType]


class APNAuthenticationEnumType(StrEnum):
    CHAP = 'CHAP'
    NONE = 'NONE'
    PAP = 'PAP'
    AUTO = 'AUTO'


@final
class APNType(TypedDict):
    customData: NotRequired[CustomDataType]
    apn: str
    apnUserName: NotRequired[str]
    apnPassword: NotRequired[str]
    simPin: NotRequired[int]
    preferredNetwork: NotRequired[str]
    useOnlyPreferredNetwork: NotRequired[bool]
    apnAuthentication: APNAuthenticationEnumType


class OCPPVersionEnumType(StrEnum):
    OCPP12 = 'OCPP12'
    OCPP15 = 'OCPP15'
    OCPP16 = 'OCPP16'
    OCPP20 = 'OCPP20'


class OCPPTransportEnumType(StrEnum):
    JSON = 'JSON'
    SOAP = 'SOAP'


class OCPPInterfaceEnumType(StrEnum):
    WIRED0 = 'Wired0'
    WIRED1 = 'Wired1'
    WIRED2 = 'Wired2'
    WIRED3 = 'Wired3'
    WIRELESS0 = 'Wireless0'
    WIRELESS1 = 'Wireless1'
    WIRELESS2 = 'Wireless2'
    WIRELESS3 = 'Wireless3'


class VPNEnumType(StrEnum):
    IKEV2 = 'IKEv2'
    IPSEC = 'IPSec'
    L2_TP = 'L2TP'
    PPTP = 'PPTP'


@final
class VPNType(TypedDict):
    customData: NotRequired[CustomDataType]
    server: str
    user: str
    group: NotRequired[str]
    password: str
    key: str
    type: VPNEnumType


@final
class NetworkConnectionProfileType(TypedDict):
    customData: NotRequired[CustomDataType]
    apn: NotRequired[APNType]
    ocppVersion: OCPPVersionEnumType
    ocppTransport: OCPPTransportEnumType
    ocppCsmsUrl: str
    messageTimeout: int
    securityProfile: int
    ocppInterface: OCPPInterfaceEnumType
    vpn: NotRequired[VPNType]


@final
class SetNetworkProfileRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    configurationSlot: int
    connectionData: NetworkConnectionProfileType


class SetNetworkProfileStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    REJECTED = 'Rejected'
    FAILED = 'Failed'


@final
class SetNetworkProfileResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    status: SetNetworkProfileStatusEnumType
    statusInfo: NotRequired[StatusInfoType]


@final
class SetMonitoringDataType(TypedDict):
    customData: NotRequired[CustomDataType]
    id: NotRequired[int]
    transaction: NotRequired[bool]
    value: float
    type: MonitorEnumType
    severity: int
    component: ComponentType
    variable: VariableType


@final
class SetVariableMonitoringRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    setMonitoringData: list[SetMonitoringDataType]


class SetMonitoringStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    UNKNOWN_COMPONENT = 'UnknownComponent'
    UNKNOWN_VARIABLE = 'UnknownVariable'
    UNSUPPORTED_MONITOR_TYPE = 'UnsupportedMonitorType'
    REJECTED = 'Rejected'
    DUPLICATE = 'Duplicate'


@final
class SetMonitoringResultType(TypedDict):
    customData: NotRequired[CustomDataType]
    id: NotRequired[int]
    statusInfo: NotRequired[StatusInfoType]
    status: SetMonitoringStatusEnumType
    type: MonitorEnumType
    component: ComponentType
    variable: VariableType
    severity: int


@final
class SetVariableMonitoringResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    setMonitoringResult: list[SetMonitoringResultType]


@final
class SetVariableDataType(TypedDict):
    customData: NotRequired[CustomDataType]
    attributeType: NotRequired[AttributeEnumType]
    attributeValue: str
    component: ComponentType
    variable: VariableType


@final
class SetVariablesRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    setVariableData: list[SetVariableDataType]


class SetVariableStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    REJECTED = 'Rejected'
    UNKNOWN_COMPONENT = 'UnknownComponent'
    UNKNOWN_VARIABLE = 'UnknownVariable'
    NOT_SUPPORTED_ATTRIBUTE_TYPE = 'NotSupportedAttributeType'
    REBOOT_REQUIRED = 'RebootRequired'


@final
class SetVariableResultType(TypedDict):
    customData: NotRequired[CustomDataType]
    attributeType: NotRequired[AttributeEnumType]
    attributeStatus: SetVariableStatusEnumType
    attributeStatusInfo: NotRequired[StatusInfoType]
    component: ComponentType
    variable: VariableType


@final
class SetVariablesResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    setVariableResult: list[SetVariableResultType]


@final
class SignCertificateRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    csr: str
    certificateType: NotRequired[CertificateSigningUseEnumType]


@final
class SignCertificateResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    status: GenericStatusEnumType
    statusInfo: NotRequired[StatusInfoType]


class ConnectorStatusEnumType(StrEnum):
    AVAILABLE = 'Available'
    OCCUPIED = 'Occupied'
    RESERVED = 'Reserved'
    UNAVAILABLE = 'Unavailable'
    FAULTED = 'Faulted'


@final
class StatusNotificationRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    timestamp: str
    connectorStatus: ConnectorStatusEnumType
    evseId: int
    connectorId: int


@final
class StatusNotificationResponse(TypedDict):
    customData: NotRequired[CustomDataType]


class TransactionEventEnumType(StrEnum):
    ENDED = 'Ended'
    STARTED = 'Started'
    UPDATED = 'Updated'


class TriggerReasonEnumType(StrEnum):
    AUTHORIZED = 'Authorized'
    CABLE_PLUGGED_IN = 'CablePluggedIn'
    CHARGING_RATE_CHANGED = 'ChargingRateChanged'
    CHARGING_STATE_CHANGED = 'ChargingStateChanged'
    DEAUTHORIZED = 'Deauthorized'
    ENERGY_LIMIT_REACHED = 'EnergyLimitReached'
    EVCOMMUNICATION_LOST = 'EVCommunicationLost'
    EVCONNECT_TIMEOUT = 'EVConnectTimeout'
    METER_VALUE_CLOCK = 'MeterValueClock'
    METER_VALUE_PERIODIC = 'MeterValuePeriodic'
    TIME_LIMIT_REACHED = 'TimeLimitReached'
    TRIGGER = 'Trigger'
    UNLOCK_COMMAND = 'UnlockCommand'
    STOP_AUTHORIZED = 'StopAuthorized'
    EVDEPARTED = 'EVDeparted'
    EVDETECTED = 'EVDetected'
    REMOTE_STOP = 'RemoteStop'
    REMOTE_START = 'RemoteStart'
    ABNORMAL_CONDITION = 'AbnormalCondition'
    SIGNED_DATA_RECEIVED = 'SignedDataReceived'
    RESET_COMMAND = 'ResetCommand'


class ChargingStateEnumType(StrEnum):
    CHARGING = 'Charging'
    EVCONNECTED = 'EVConnected'
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
    LOCAL = 'Local'
    LOCAL_OUT_OF_CREDIT = 'LocalOutOfCredit'
    MASTER_PASS = 'MasterPass'
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


@final
class TransactionType(TypedDict):
    customData: NotRequired[CustomDataType]
    transactionId: str
    chargingState: NotRequired[ChargingStateEnumType]
    timeSpentCharging: NotRequired[int]
    stoppedReason: NotRequired[ReasonEnumType]
    remoteStartId: NotRequired[int]


@final
class TransactionEventRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    eventType: TransactionEventEnumType
    meterValue: NotRequired[list[MeterValueType]]
    timestamp: str
    triggerReason: TriggerReasonEnumType
    seqNo: int
    offline: NotRequired[bool]
    numberOfPhasesUsed: NotRequired[int]
    cableMaxCurrent: NotRequired[int]
    reservationId: NotRequired[int]
    transactionInfo: TransactionType
    evse: NotRequired[EVSEType]
    idToken: NotRequired[IdTokenType]


@final
class TransactionEventResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    totalCost: NotRequired[float]
    chargingPriority: NotRequired[int]
    idTokenInfo: NotRequired[IdTokenInfoType]
    updatedPersonalMessage: NotRequired[MessageContentType]


class MessageTriggerEnumType(StrEnum):
    BOOT_NOTIFICATION = 'BootNotification'
    LOG_STATUS_NOTIFICATION = 'LogStatusNotification'
    FIRMWARE_STATUS_NOTIFICATION = 'FirmwareStatusNotification'
    HEARTBEAT = 'Heartbeat'
    METER_VALUES = 'MeterValues'
    SIGN_CHARGING_STATION_CERTIFICATE = 'SignChargingStationCertificate'
    SIGN_V2_GCERTIFICATE = 'SignV2GCertificate'
    STATUS_NOTIFICATION = 'StatusNotification'
    TRANSACTION_EVENT = 'TransactionEvent'
    SIGN_COMBINED_CERTIFICATE = 'SignCombinedCertificate'
    PUBLISH_FIRMWARE_STATUS_NOTIFICATION = 'PublishFirmwareStatusNotification'


@final
class TriggerMessageRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    evse: NotRequired[EVSEType]
    requestedMessage: MessageTriggerEnumType


class TriggerMessageStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    REJECTED = 'Rejected'
    NOT_IMPLEMENTED = 'NotImplemented'


@final
class TriggerMessageResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    status: TriggerMessageStatusEnumType
    statusInfo: NotRequired[StatusInfoType]


@final
class UnlockConnectorRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    evseId: int
    connectorId: int


class UnlockStatusEnumType(StrEnum):
    UNLOCKED = 'Unlocked'
    UNLOCK_FAILED = 'UnlockFailed'
    ONGOING_AUTHORIZED_TRANSACTION = 'OngoingAuthorizedTransaction'
    UNKNOWN_CONNECTOR = 'UnknownConnector'


@final
class UnlockConnectorResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    status: UnlockStatusEnumType
    statusInfo: NotRequired[StatusInfoType]


@final
class UnpublishFirmwareRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    checksum: str


class UnpublishFirmwareStatusEnumType(StrEnum):
    DOWNLOAD_ONGOING = 'DownloadOngoing'
    NO_FIRMWARE = 'NoFirmware'
    UNPUBLISHED = 'Unpublished'


@final
class UnpublishFirmwareResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    status: UnpublishFirmwareStatusEnumType


@final
class FirmwareType(TypedDict):
    customData: NotRequired[CustomDataType]
    location: str
    retrieveDateTime: str
    installDateTime: NotRequired[str]
    signingCertificate: NotRequired[str]
    signature: NotRequired[str]


@final
class UpdateFirmwareRequest(TypedDict):
    customData: NotRequired[CustomDataType]
    retries: NotRequired[int]
    retryInterval: NotRequired[int]
    requestId: int
    firmware: FirmwareType


class UpdateFirmwareStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    REJECTED = 'Rejected'
    ACCEPTED_CANCELED = 'AcceptedCanceled'
    INVALID_CERTIFICATE = 'InvalidCertificate'
    REVOKED_CERTIFICATE = 'RevokedCertificate'


@final
class UpdateFirmwareResponse(TypedDict):
    customData: NotRequired[CustomDataType]
    status: UpdateFirmwareStatusEnumType
    statusInfo: NotRequired[StatusInfoType]
