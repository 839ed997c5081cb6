"""OCPP 1.6 idTags: the token store's answer as an IdTagInfo.

A 1.6 idTag has no type: it is looked up by value alone. Statuses map onto 1.6's AuthorizationStatus
(Accepted, Blocked, Expired, Invalid, ConcurrentTx): a token the store does not know is Invalid, or Accepted when
the CSMS accepts unknown tokens. An expired token is Expired; `expiryDate` and `parentIdTag` (the stored group)
are returned when known.
"""

from __future__ import annotations

from typing import Any

from csms.domain.clock import to_ocpp_time
from csms.domain.records import TokenStatus
from csms.handlers.deps import HandlerDeps

_V16_STATUS = {TokenStatus.ACCEPTED: "Accepted", TokenStatus.BLOCKED: "Blocked", TokenStatus.EXPIRED: "Expired",
               TokenStatus.INVALID: "Invalid", TokenStatus.UNKNOWN: "Invalid"}


async def id_tag_info(deps: HandlerDeps, id_tag: str) -> dict[str, Any]:
    """The IdTagInfo for `id_tag`."""
    record = await deps.store.get_token(id_tag)
    if record is None:
        return {"status": "Accepted" if deps.accept_unknown_tokens else "Invalid"}
    status = record.status
    if status is TokenStatus.ACCEPTED and record.expires_at is not None and record.expires_at <= deps.clock.now():
        status = TokenStatus.EXPIRED
    info: dict[str, Any] = {"status": _V16_STATUS[status]}
    if record.expires_at is not None:
        info["expiryDate"] = to_ocpp_time(record.expires_at)
    if record.group_id:
        info["parentIdTag"] = record.group_id[:20]
    return info
