"""OCPP 1.6J payload types, GENERATED from the `ocpp` package's JSON schemas: do not edit.

Regenerate with `python scripts/generate_wire_types.py` (its docstring says how names are made).
"""

from enum import StrEnum
from typing import NotRequired, TypedDict, final


@final
class AuthorizeRequest(TypedDict):
    idTag: str


class AuthorizationStatus(StrEnum):
    ACCEPTED = 'Accepted'
    BLOCKED = 'Blocked'
    EXPIRED = 'Expired'
    INVALID = 'Invalid'
    CONCURRENT_TX = 'ConcurrentTx'


@final
class IdTagInfo(TypedDict):
    expiryDate: NotRequired[str]
    parentIdTag: NotRequired[str]
    status: AuthorizationStatus


@final
class AuthorizeResponse(TypedDict):
    idTagInfo: IdTagInfo


@final
class BootNotificationRequest(TypedDict):
    chargePointVendor: str
    chargePointModel: str
    chargePointSerialNumber: NotRequired[str]
    chargeBoxSerialNumber: NotRequired[str]
    firmwareVersion: NotRequired[str]
    iccid: NotRequired[str]
    imsi: NotRequired[str]
    meterType: NotRequired[str]
    meterSerialNumber: NotRequired[str]


class RegistrationStatus(StrEnum):
    ACCEPTED = 'Accepted'
    PENDING = 'Pending'
    REJECTED = 'Rejected'


@final
class BootNotificationResponse(TypedDict):
    status: RegistrationStatus
    currentTime: str
    interval: int


@final
class CancelReservationRequest(TypedDict):
    reservationId: int


class CancelReservationStatus(StrEnum):
    ACCEPTED = 'Accepted'
    REJECTED = 'Rejected'


@final
class CancelReservationResponse(TypedDict):
    status: CancelReservationStatus


@final
class CertificateSignedRequest(TypedDict):
    certificateChain: str


class CertificateSignedStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    REJECTED = 'Rejected'


@final
class CertificateSignedResponse(TypedDict):
    status: CertificateSignedStatusEnumType


class AvailabilityType(StrEnum):
    INOPERATIVE = 'Inoperative'
    OPERATIVE = 'Operative'


@final
class ChangeAvailabilityRequest(TypedDict):
    connectorId: int
    type: AvailabilityType


class AvailabilityStatus(StrEnum):
    ACCEPTED = 'Accepted'
    REJECTED = 'Rejected'
    SCHEDULED = 'Scheduled'


@final
class ChangeAvailabilityResponse(TypedDict):
    status: AvailabilityStatus


@final
class ChangeConfigurationRequest(TypedDict):
    key: str
    value: str


class ConfigurationStatus(StrEnum):
    ACCEPTED = 'Accepted'
    REJECTED = 'Rejected'
    REBOOT_REQUIRED = 'RebootRequired'
    NOT_SUPPORTED = 'NotSupported'


@final
class ChangeConfigurationResponse(TypedDict):
    status: ConfigurationStatus


@final
class ClearCacheRequest(TypedDict):
    pass


@final
class ClearCacheResponse(TypedDict):
    status: CancelReservationStatus


class ChargingProfilePurposeType(StrEnum):
    CHARGE_POINT_MAX_PROFILE = 'ChargePointMaxProfile'
    TX_DEFAULT_PROFILE = 'TxDefaultProfile'
    TX_PROFILE = 'TxProfile'


@final
class ClearChargingProfileRequest(TypedDict):
    id: NotRequired[int]
    connectorId: NotRequired[int]
    chargingProfilePurpose: NotRequired[ChargingProfilePurposeType]
    stackLevel: NotRequired[int]


class ClearChargingProfileStatus(StrEnum):
    ACCEPTED = 'Accepted'
    UNKNOWN = 'Unknown'


@final
class ClearChargingProfileResponse(TypedDict):
    status: ClearChargingProfileStatus


@final
class DataTransferRequest(TypedDict):
    vendorId: str
    messageId: NotRequired[str]
    data: NotRequired[str]


class DataTransferStatus(StrEnum):
    ACCEPTED = 'Accepted'
    REJECTED = 'Rejected'
    UNKNOWN_MESSAGE_ID = 'UnknownMessageId'
    UNKNOWN_VENDOR_ID = 'UnknownVendorId'


@final
class DataTransferResponse(TypedDict):
    status: DataTransferStatus
    data: NotRequired[str]


class HashAlgorithmEnumType(StrEnum):
    SHA256 = 'SHA256'
    SHA384 = 'SHA384'
    SHA512 = 'SHA512'


@final
class CertificateHashDataType(TypedDict):
    hashAlgorithm: HashAlgorithmEnumType
    issuerNameHash: str
    issuerKeyHash: str
    serialNumber: str


@final
class DeleteCertificateRequest(TypedDict):
    certificateHashData: CertificateHashDataType


class DeleteCertificateStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    FAILED = 'Failed'
    NOT_FOUND = 'NotFound'


@final
class DeleteCertificateResponse(TypedDict):
    status: DeleteCertificateStatusEnumType


class DiagnosticsStatus(StrEnum):
    IDLE = 'Idle'
    UPLOADED = 'Uploaded'
    UPLOAD_FAILED = 'UploadFailed'
    UPLOADING = 'Uploading'


@final
class DiagnosticsStatusNotificationRequest(TypedDict):
    status: DiagnosticsStatus


@final
class DiagnosticsStatusNotificationResponse(TypedDict):
    pass


class MessageTriggerEnumType(StrEnum):
    BOOT_NOTIFICATION = 'BootNotification'
    LOG_STATUS_NOTIFICATION = 'LogStatusNotification'
    FIRMWARE_STATUS_NOTIFICATION = 'FirmwareStatusNotification'
    HEARTBEAT = 'Heartbeat'
    METER_VALUES = 'MeterValues'
    SIGN_CHARGE_POINT_CERTIFICATE = 'SignChargePointCertificate'
    STATUS_NOTIFICATION = 'StatusNotification'


@final
class ExtendedTriggerMessageRequest(TypedDict):
    requestedMessage: MessageTriggerEnumType
    connectorId: NotRequired[int]


class TriggerMessageStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    REJECTED = 'Rejected'
    NOT_IMPLEMENTED = 'NotImplemented'


@final
class ExtendedTriggerMessageResponse(TypedDict):
    status: TriggerMessageStatusEnumType


class FirmwareStatusNotificationRequestStatus(StrEnum):
    DOWNLOADED = 'Downloaded'
    DOWNLOAD_FAILED = 'DownloadFailed'
    DOWNLOADING = 'Downloading'
    IDLE = 'Idle'
    INSTALLATION_FAILED = 'InstallationFailed'
    INSTALLING = 'Installing'
    INSTALLED = 'Installed'


@final
class FirmwareStatusNotificationRequest(TypedDict):
    status: FirmwareStatusNotificationRequestStatus


@final
class FirmwareStatusNotificationResponse(TypedDict):
    pass


class ChargingRateUnitType(StrEnum):
    A = 'A'
    W = 'W'


@final
class GetCompositeScheduleRequest(TypedDict):
    connectorId: int
    duration: int
    chargingRateUnit: NotRequired[ChargingRateUnitType]


@final
class ChargingSchedulePeriod(TypedDict):
    startPeriod: int
    limit: float
    numberPhases: NotRequired[int]


@final
class ChargingSchedule(TypedDict):
    duration: NotRequired[int]
    startSchedule: NotRequired[str]
    chargingRateUnit: ChargingRateUnitType
    chargingSchedulePeriod: list[ChargingSchedulePeriod]
    minChargingRate: NotRequired[float]


@final
class GetCompositeScheduleResponse(TypedDict):
    status: CancelReservationStatus
    connectorId: NotRequired[int]
    scheduleStart: NotRequired[str]
    chargingSchedule: NotRequired[ChargingSchedule]


@final
class GetConfigurationRequest(TypedDict):
    key: NotRequired[list[str]]


@final
class GetConfigurationResponseConfigurationKey(TypedDict):
    key: str
    readonly: bool
    value: NotRequired[str]


@final
class GetConfigurationResponse(TypedDict):
    configurationKey: NotRequired[list[GetConfigurationResponseConfigurationKey]]
    unknownKey: NotRequired[list[str]]


@final
class GetDiagnosticsRequest(TypedDict):
    location: str
    retries: NotRequired[int]
    retryInterval: NotRequired[int]
    startTime: NotRequired[str]
    stopTime: NotRequired[str]


@final
class GetDiagnosticsResponse(TypedDict):
    fileName: NotRequired[str]


class CertificateUseEnumType(StrEnum):
    CENTRAL_SYSTEM_ROOT_CERTIFICATE = 'CentralSystemRootCertificate'
    MANUFACTURER_ROOT_CERTIFICATE = 'ManufacturerRootCertificate'


@final
class GetInstalledCertificateIdsRequest(TypedDict):
    certificateType: CertificateUseEnumType


class GetInstalledCertificateStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    NOT_FOUND = 'NotFound'


@final
class GetInstalledCertificateIdsResponse(TypedDict):
    certificateHashData: NotRequired[list[CertificateHashDataType]]
    status: GetInstalledCertificateStatusEnumType


@final
class GetLocalListVersionRequest(TypedDict):
    pass


@final
class GetLocalListVersionResponse(TypedDict):
    listVersion: int


@final
class LogParametersType(TypedDict):
    remoteLocation: str
    oldestTimestamp: NotRequired[str]
    latestTimestamp: NotRequired[str]


class LogEnumType(StrEnum):
    DIAGNOSTICS_LOG = 'DiagnosticsLog'
    SECURITY_LOG = 'SecurityLog'


@final
class GetLogRequest(TypedDict):
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
    status: LogStatusEnumType
    filename: NotRequired[str]


@final
class HeartbeatRequest(TypedDict):
    pass


@final
class HeartbeatResponse(TypedDict):
    currentTime: str


@final
class InstallCertificateRequest(TypedDict):
    certificateType: CertificateUseEnumType
    certificate: str


class InstallCertificateStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    FAILED = 'Failed'
    REJECTED = 'Rejected'


@final
class InstallCertificateResponse(TypedDict):
    status: InstallCertificateStatusEnumType


class UploadLogStatusEnumType(StrEnum):
    BAD_MESSAGE = 'BadMessage'
    IDLE = 'Idle'
    NOT_SUPPORTED_OPERATION = 'NotSupportedOperation'
    PERMISSION_DENIED = 'PermissionDenied'
    UPLOADED = 'Uploaded'
    UPLOAD_FAILURE = 'UploadFailure'
    UPLOADING = 'Uploading'


@final
class LogStatusNotificationRequest(TypedDict):
    status: UploadLogStatusEnumType
    requestId: NotRequired[int]


@final
class LogStatusNotificationResponse(TypedDict):
    pass


class ReadingContext(StrEnum):
    INTERRUPTION_BEGIN = 'Interruption.Begin'
    INTERRUPTION_END = 'Interruption.End'
    SAMPLE_CLOCK = 'Sample.Clock'
    SAMPLE_PERIODIC = 'Sample.Periodic'
    TRANSACTION_BEGIN = 'Transaction.Begin'
    TRANSACTION_END = 'Transaction.End'
    TRIGGER = 'Trigger'
    OTHER = 'Other'


class ValueFormat(StrEnum):
    RAW = 'Raw'
    SIGNED_DATA = 'SignedData'


class Measurand(StrEnum):
    ENERGY_ACTIVE_EXPORT_REGISTER = 'Energy.Active.Export.Register'
    ENERGY_ACTIVE_IMPORT_REGISTER = 'Energy.Active.Import.Register'
    ENERGY_REACTIVE_EXPORT_REGISTER = 'Energy.Reactive.Export.Register'
    ENERGY_REACTIVE_IMPORT_REGISTER = 'Energy.Reactive.Import.Register'
    ENERGY_ACTIVE_EXPORT_INTERVAL = 'Energy.Active.Export.Interval'
    ENERGY_ACTIVE_IMPORT_INTERVAL = 'Energy.Active.Import.Interval'
    ENERGY_REACTIVE_EXPORT_INTERVAL = 'Energy.Reactive.Export.Interval'
    ENERGY_REACTIVE_IMPORT_INTERVAL = 'Energy.Reactive.Import.Interval'
    POWER_ACTIVE_EXPORT = 'Power.Active.Export'
    POWER_ACTIVE_IMPORT = 'Power.Active.Import'
    POWER_OFFERED = 'Power.Offered'
    POWER_REACTIVE_EXPORT = 'Power.Reactive.Export'
    POWER_REACTIVE_IMPORT = 'Power.Reactive.Import'
    POWER_FACTOR = 'Power.Factor'
    CURRENT_IMPORT = 'Current.Import'
    CURRENT_EXPORT = 'Current.Export'
    CURRENT_OFFERED = 'Current.Offered'
    VOLTAGE = 'Voltage'
    FREQUENCY = 'Frequency'
    TEMPERATURE = 'Temperature'
    SO_C = 'SoC'
    RPM = 'RPM'


class Phase(StrEnum):
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


class Location(StrEnum):
    CABLE = 'Cable'
    EV = 'EV'
    INLET = 'Inlet'
    OUTLET = 'Outlet'
    BODY = 'Body'


class SampledValueUnit(StrEnum):
    WH = 'Wh'
    K_WH = 'kWh'
    VARH = 'varh'
    KVARH = 'kvarh'
    W = 'W'
    K_W = 'kW'
    VA = 'VA'
    K_VA = 'kVA'
    VAR = 'var'
    KVAR = 'kvar'
    A = 'A'
    V = 'V'
    K = 'K'
    CELCIUS = 'Celcius'
    CELSIUS = 'Celsius'
    FAHRENHEIT = 'Fahrenheit'
    PERCENT = 'Percent'
    HERTZ = 'Hertz'


@final
class SampledValue(TypedDict):
    value: str
    context: NotRequired[ReadingContext]
    format: NotRequired[ValueFormat]
    measurand: NotRequired[Measurand]
    phase: NotRequired[Phase]
    location: NotRequired[Location]
    unit: NotRequired[SampledValueUnit]


@final
class MeterValue(TypedDict):
    timestamp: str
    sampledValue: list[SampledValue]


@final
class MeterValuesRequest(TypedDict):
    connectorId: int
    transactionId: NotRequired[int]
    meterValue: list[MeterValue]


@final
class MeterValuesResponse(TypedDict):
    pass


class ChargingProfileKindType(StrEnum):
    ABSOLUTE = 'Absolute'
    RECURRING = 'Recurring'
    RELATIVE = 'Relative'


class RecurrencyKind(StrEnum):
    DAILY = 'Daily'
    WEEKLY = 'Weekly'


@final
class ChargingProfile(TypedDict):
    chargingProfileId: int
    transactionId: NotRequired[int]
    stackLevel: int
    chargingProfilePurpose: ChargingProfilePurposeType
    chargingProfileKind: ChargingProfileKindType
    recurrencyKind: NotRequired[RecurrencyKind]
    validFrom: NotRequired[str]
    validTo: NotRequired[str]
    chargingSchedule: ChargingSchedule


@final
class RemoteStartTransactionRequest(TypedDict):
    connectorId: NotRequired[int]
    idTag: str
    chargingProfile: NotRequired[ChargingProfile]


@final
class RemoteStartTransactionResponse(TypedDict):
    status: CancelReservationStatus


@final
class RemoteStopTransactionRequest(TypedDict):
    transactionId: int


@final
class RemoteStopTransactionResponse(TypedDict):
    status: CancelReservationStatus


@final
class ReserveNowRequest(TypedDict):
    connectorId: int
    expiryDate: str
    idTag: str
    parentIdTag: NotRequired[str]
    reservationId: int


class ReservationStatus(StrEnum):
    ACCEPTED = 'Accepted'
    FAULTED = 'Faulted'
    OCCUPIED = 'Occupied'
    REJECTED = 'Rejected'
    UNAVAILABLE = 'Unavailable'


@final
class ReserveNowResponse(TypedDict):
    status: ReservationStatus


class ResetType(StrEnum):
    HARD = 'Hard'
    SOFT = 'Soft'


@final
class ResetRequest(TypedDict):
    type: ResetType


@final
class ResetResponse(TypedDict):
    status: CancelReservationStatus


@final
class SecurityEventNotificationRequest(TypedDict):
    type: str
    timestamp: str
    techInfo: NotRequired[str]


@final
class SecurityEventNotificationResponse(TypedDict):
    pass


@final
class SendLocalListRequestLocalAuthorizationList(TypedDict):
    idTag: str
    idTagInfo: NotRequired[IdTagInfo]


class UpdateType(StrEnum):
    DIFFERENTIAL = 'Differential'
    FULL = 'Full'


@final
class SendLocalListRequest(TypedDict):
    listVersion: int
    localAuthorizationList: NotRequired[list[SendLocalListRequestLocalAuthorizationList]]
    updateType: UpdateType


class UpdateStatus(StrEnum):
    ACCEPTED = 'Accepted'
    FAILED = 'Failed'
    NOT_SUPPORTED = 'NotSupported'
    VERSION_MISMATCH = 'VersionMismatch'


@final
class SendLocalListResponse(TypedDict):
    status: UpdateStatus


@final
class SetChargingProfileRequest(TypedDict):
    connectorId: int
    csChargingProfiles: ChargingProfile


class ChargingProfileStatus(StrEnum):
    ACCEPTED = 'Accepted'
    REJECTED = 'Rejected'
    NOT_SUPPORTED = 'NotSupported'


@final
class SetChargingProfileResponse(TypedDict):
    status: ChargingProfileStatus


@final
class SignCertificateRequest(TypedDict):
    csr: str


class GenericStatusEnumType(StrEnum):
    ACCEPTED = 'Accepted'
    REJECTED = 'Rejected'


@final
class SignCertificateResponse(TypedDict):
    status: GenericStatusEnumType


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
class SignedFirmwareStatusNotificationRequest(TypedDict):
    status: FirmwareStatusEnumType
    requestId: NotRequired[int]


@final
class SignedFirmwareStatusNotificationResponse(TypedDict):
    pass


@final
class FirmwareType(TypedDict):
    location: str
    retrieveDateTime: str
    installDateTime: NotRequired[str]
    signingCertificate: str
    signature: str


@final
class SignedUpdateFirmwareRequest(TypedDict):
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
class SignedUpdateFirmwareResponse(TypedDict):
    status: UpdateFirmwareStatusEnumType


@final
class StartTransactionRequest(TypedDict):
    connectorId: int
    idTag: str
    meterStart: int
    reservationId: NotRequired[int]
    timestamp: str


@final
class StartTransactionResponse(TypedDict):
    idTagInfo: IdTagInfo
    transactionId: int


class ChargePointErrorCode(StrEnum):
    CONNECTOR_LOCK_FAILURE = 'ConnectorLockFailure'
    EVCOMMUNICATION_ERROR = 'EVCommunicationError'
    GROUND_FAILURE = 'GroundFailure'
    HIGH_TEMPERATURE = 'HighTemperature'
    INTERNAL_ERROR = 'InternalError'
    LOCAL_LIST_CONFLICT = 'LocalListConflict'
    NO_ERROR = 'NoError'
    OTHER_ERROR = 'OtherError'
    OVER_CURRENT_FAILURE = 'OverCurrentFailure'
    POWER_METER_FAILURE = 'PowerMeterFailure'
    POWER_SWITCH_FAILURE = 'PowerSwitchFailure'
    READER_FAILURE = 'ReaderFailure'
    RESET_FAILURE = 'ResetFailure'
    UNDER_VOLTAGE = 'UnderVoltage'
    OVER_VOLTAGE = 'OverVoltage'
    WEAK_SIGNAL = 'WeakSignal'


class ChargePointStatus(StrEnum):
    AVAILABLE = 'Available'
    PREPARING = 'Preparing'
    CHARGING = 'Charging'
    SUSPENDED_EVSE = 'SuspendedEVSE'
    SUSPENDED_EV = 'SuspendedEV'
    FINISHING = 'Finishing'
    RESERVED = 'Reserved'
    UNAVAILABLE = 'Unavailable'
    FAULTED = 'Faulted'


@final
class StatusNotificationRequest(TypedDict):
    connectorId: int
    errorCode: ChargePointErrorCode
    info: NotRequired[str]
    status: ChargePointStatus
    timestamp: NotRequired[str]
    vendorId: NotRequired[str]
    vendorErrorCode: NotRequired[str]


@final
class StatusNotificationResponse(TypedDict):
    pass


class Reason(StrEnum):
    EMERGENCY_STOP = 'EmergencyStop'
    EVDISCONNECTED = 'EVDisconnected'
    HARD_RESET = 'HardReset'
    LOCAL = 'Local'
    OTHER = 'Other'
    POWER_LOSS = 'PowerLoss'
    REBOOT = 'Reboot'
    REMOTE = 'Remote'
    SOFT_RESET = 'SoftReset'
    UNLOCK_COMMAND = 'UnlockCommand'
    DE_AUTHORIZED = 'DeAuthorized'


class StopTransactionRequestTransactionDataSampledValueUnit(StrEnum):
    WH = 'Wh'
    K_WH = 'kWh'
    VARH = 'varh'
    KVARH = 'kvarh'
    W = 'W'
    K_W = 'kW'
    VA = 'VA'
    K_VA = 'kVA'
    VAR = 'var'
    KVAR = 'kvar'
    A = 'A'
    V = 'V'
    K = 'K'
    CELCIUS = 'Celcius'
    CELSIUS = 'Celsius'
    FAHRENHEIT = 'Fahrenheit'
    PERCENT = 'Percent'


@final
class StopTransactionRequestTransactionDataSampledValue(TypedDict):
    value: str
    context: NotRequired[ReadingContext]
    format: NotRequired[ValueFormat]
    measurand: NotRequired[Measurand]
    phase: NotRequired[Phase]
    location: NotRequired[Location]
    unit: NotRequired[StopTransactionRequestTransactionDataSampledValueUnit]


@final
class StopTransactionRequestTransactionData(TypedDict):
    timestamp: str
    sampledValue: list[StopTransactionRequestTransactionDataSampledValue]


@final
class StopTransactionRequest(TypedDict):
    idTag: NotRequired[str]
    meterStop: int
    timestamp: str
    transactionId: int
    reason: NotRequired[Reason]
    transactionData: NotRequired[list[StopTransactionRequestTransactionData]]


@final
class StopTransactionResponse(TypedDict):
    idTagInfo: NotRequired[IdTagInfo]


class TriggerMessageRequestRequestedMessage(StrEnum):
    BOOT_NOTIFICATION = 'BootNotification'
    DIAGNOSTICS_STATUS_NOTIFICATION = 'DiagnosticsStatusNotification'
    FIRMWARE_STATUS_NOTIFICATION = 'FirmwareStatusNotification'
    HEARTBEAT = 'Heartbeat'
    METER_VALUES = 'MeterValues'
    STATUS_NOTIFICATION = 'StatusNotification'


@final
class TriggerMessageRequest(TypedDict):
    requestedMessage: TriggerMessageRequestRequestedMessage
    connectorId: NotRequired[int]


class TriggerMessageStatus(StrEnum):
    ACCEPTED = 'Accepted'
    REJECTED = 'Rejected'
    NOT_IMPLEMENTED = 'NotImplemented'


@final
class TriggerMessageResponse(TypedDict):
    status: TriggerMessageStatus


@final
class UnlockConnectorRequest(TypedDict):
    connectorId: int


class UnlockStatus(StrEnum):
    UNLOCKED = 'Unlocked'
    UNLOCK_FAILED = 'UnlockFailed'
    NOT_SUPPORTED = 'NotSupported'


@final
class UnlockConnectorResponse(TypedDict):
    status: UnlockStatus


@final
class UpdateFirmwareRequest(TypedDict):
    location: str
    retries: NotRequired[int]
    retrieveDate: str
    retryInterval: NotRequired[int]


@final
class UpdateFirmwareResponse(TypedDict):
    pass
