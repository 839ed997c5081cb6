"""Functional block C (authorization): Authorize, and the token check TransactionEvent shares."""

from __future__ import annotations

from typing import Any

from csms.domain.clock import to_ocpp_time
from csms.domain.records import TokenStatus
from csms.handlers.deps import HandlerDeps
from csms.ocpp.session import HandlerContext

# Token types that carry no identity to check (OCPP IdTokenEnumType).
_UNCHECKED_TYPES = frozenset({"NoAuthorization", "Central"})


async def id_token_info(deps: HandlerDeps, id_token: dict[str, Any]) -> dict[str, Any]:
    """The IdTokenInfoType answer for an idToken: status from the token store, expiry from the clock."""
    if id_token.get("type") in _UNCHECKED_TYPES:
        return {"status": TokenStatus.ACCEPTED.value}
    record = await deps.store.get_token(id_token["idToken"])
    if record is None:
        status = TokenStatus.ACCEPTED if deps.accept_unknown_tokens else TokenStatus.UNKNOWN
        return {"status": status.value}
    status = record.status
    if status is TokenStatus.ACCEPTED and record.expires_at is not None and record.expires_at <= deps.clock.now():
        status = TokenStatus.EXPIRED
    info: dict[str, Any] = {"status": status.value}
    if record.expires_at is not None:
        info["cacheExpiryDateTime"] = to_ocpp_time(record.expires_at)
    if record.group_id:
        info["groupIdToken"] = {"idToken": record.group_id, "type": "Central"}
    return info


async def authorize(deps: HandlerDeps, ctx: HandlerContext, payload: dict[str, Any]) -> dict[str, Any]:
    return {"idTokenInfo": await id_token_info(deps, payload["idToken"])}
