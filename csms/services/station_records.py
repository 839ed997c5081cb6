"""What the CSMS keeps of a station's reports, as station documents and logs in the store (`StateStore`'s
`*_station_doc` / `*_station_log`): one kind per use case, written by the handlers, read by the API.

Documents (latest state, by key): reservations (H, by reservation id), display messages (O, by message id),
variable monitors (N, by monitor id), firmware and log-upload status (L/N, by request id), remote starts
(F, by remoteStartId: the idToken the operator sent), local list versions (D), the charging profiles the
station reported (K, by profile id: the station's truth), installed certificates (M, as last reported), the
monitoring base and level (N), network profiles (B09, by slot). Logs (append-only, newest kept): events (N), customer
information (N), charging-limit notices (K), data transfers (P), 2.1 notifications, certificate installs (M),
and TransactionEvents not applied (E: duplicates, events after the Ended one, seqNo gaps).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from csms.domain.clock import Clock, to_ocpp_time
from csms.domain.ids import StationId
from csms.ocpp.wire import v2x
from csms.store.base import StateStore

# documents of the CSMS itself (firmware campaigns): a scope no station id can be ("~" is not in OCPP's
# identifierString)
CSMS_SCOPE: Final = StationId("~csms")

# documents
RESERVATION: Final = "reservation"
DISPLAY_MESSAGE: Final = "display_message"
MONITOR: Final = "monitor"
FIRMWARE: Final = "firmware"
PUBLISH_FIRMWARE: Final = "publish_firmware"
LOG_UPLOAD: Final = "log_upload"
REMOTE_START: Final = "remote_start"
LOCAL_LIST: Final = "local_list"
CHARGING_PROFILE: Final = "charging_profile"
PROFILE_REQUEST: Final = "profile_request"
CERTIFICATE: Final = "certificate"
MONITORING_SETTING: Final = "monitoring_setting"
NETWORK_PROFILE: Final = "network_profile"

# logs
EVENT: Final = "event"
CUSTOMER_INFORMATION: Final = "customer_information"
CHARGING_LIMIT: Final = "charging_limit"
CERTIFICATE_INSTALL: Final = "certificate_install"
DATA_TRANSFER: Final = "data_transfer"
NOTIFICATION: Final = "notification"
DROPPED_TX_EVENT: Final = "dropped_tx_event"

DOC_KINDS: Final = (RESERVATION, DISPLAY_MESSAGE, MONITOR, FIRMWARE, PUBLISH_FIRMWARE, LOG_UPLOAD, REMOTE_START,
                    LOCAL_LIST, CHARGING_PROFILE, PROFILE_REQUEST, CERTIFICATE, MONITORING_SETTING, NETWORK_PROFILE)
LOG_KINDS: Final = (EVENT, CUSTOMER_INFORMATION, CHARGING_LIMIT, DATA_TRANSFER, NOTIFICATION, DROPPED_TX_EVENT,
                    CERTIFICATE_INSTALL)
MAX_LOG_ENTRIES: Final = 1000


def request_key(request_id: int | None) -> str:
    """The document key of a status that may come without a requestId (then: the station's current one)."""
    return "current" if request_id is None else str(request_id)


async def log_entries(store: StateStore, clock: Clock, station_id: StationId, kind: str,
                      entries: Sequence[Mapping[str, object]]) -> None:
    """Append `entries` to the station's `kind` log, each stamped with `receivedAt` (the CSMS clock)."""
    received = to_ocpp_time(clock.now())
    await store.append_station_log(station_id, kind, [{"receivedAt": received, **e} for e in entries],
                                   MAX_LOG_ENTRIES)


async def update_status_doc(store: StateStore, clock: Clock, station_id: StationId, kind: str, key: str,
                            status: str, extra: Mapping[str, object] | None = None) -> dict[str, Any]:
    """Set the document's `status` (keeping its earlier fields, adding `extra`'s) and append it to its
    `history`; returns it (a stored document: a JSON object of any shape)."""
    doc = await store.get_station_doc(station_id, kind, key) or {}
    now = to_ocpp_time(clock.now())
    history = [*doc.get("history", []), {"status": status, "at": now}][-50:]
    doc = {**doc, **(extra or {}), "status": status, "updatedAt": now, "history": history}
    await store.put_station_doc(station_id, kind, key, doc)
    return doc


def certificate_key(hash_data: v2x.CertificateHashDataType) -> str:
    """The document key of an installed certificate: its serial number and the start of its issuer key hash."""
    return f"{hash_data['serialNumber']}-{hash_data['issuerKeyHash'][:16]}"
