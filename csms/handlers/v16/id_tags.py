"""OCPP 1.6 idTags: the token store's answer as an IdTagInfo.

A 1.6 idTag has no type: it is looked up by value alone. Statuses map onto 1.6's AuthorizationStatus
(Accepted, Blocked, Expired, Invalid, ConcurrentTx): a token the store does not know is Invalid, or Accepted when
the CSMS accepts unknown tokens, or when the operator's remote start to this station (kept by the command path as
a `remote_start` document, `csms/services/call_effects.py`) named it as a Central token, as 2.0.1 accepts a
Central token it does not know. An expired token is Expired; `expiryDate` and `parentIdTag` (the stored group)
are returned when known.
"""

from __future__ import annotations

from csms.domain.clock import to_ocpp_time
from csms.domain.ids import StationId
from csms.domain.records import TokenStatus
from csms.handlers.deps import HandlerDeps
from csms.ocpp.wire import v16, v201
from csms.services import station_records as sr

_Status = v16.AuthorizationStatus
_V16_STATUS = {TokenStatus.ACCEPTED: _Status.ACCEPTED, TokenStatus.BLOCKED: _Status.BLOCKED,
               TokenStatus.EXPIRED: _Status.EXPIRED, TokenStatus.INVALID: _Status.INVALID,
               TokenStatus.UNKNOWN: _Status.INVALID}


async def remote_start_of(deps: HandlerDeps, station_id: StationId, id_tag: str) -> int | None:
    """The remoteStartId of a remote start to `station_id` that named `id_tag` as a Central token and was not
    rejected, or None."""
    for doc in await deps.store.list_station_docs(station_id, sr.REMOTE_START):
        token = doc.get("idToken") or {}
        if token.get("idToken") == id_tag and token.get("type") == v201.IdTokenEnumType.CENTRAL and \
                doc.get("status") in ("Requested", v201.RequestStartStopStatusEnumType.ACCEPTED):
            return int(doc["remoteStartId"])
    return None


async def id_tag_info(deps: HandlerDeps, id_tag: str, station_id: StationId | None = None) -> v16.IdTagInfo:
    """The IdTagInfo for `id_tag` (presented at `station_id`, if given: a remote start there may vouch for it)."""
    record = await deps.store.get_token(id_tag)
    if record is None:
        known = deps.accept_unknown_tokens or (
            station_id is not None and await remote_start_of(deps, station_id, id_tag) is not None)
        return {"status": _Status.ACCEPTED if known else _Status.INVALID}
    status = record.status
    if status is TokenStatus.ACCEPTED and record.expires_at is not None and record.expires_at <= deps.clock.now():
        status = TokenStatus.EXPIRED
    info: v16.IdTagInfo = {"status": _V16_STATUS[status]}
    if record.expires_at is not None:
        info["expiryDate"] = to_ocpp_time(record.expires_at)
    if record.group_id:
        info["parentIdTag"] = record.group_id[:20]
    return info
