"""Functional block C (authorization): Authorize, and the token check TransactionEvent shares.

A token is looked up by value and must match on type too: a stored ISO14443 token presented as type Local is
not that token (Unknown, or Accepted when unknown tokens are). `Central` tokens are looked up like any other (a
stored Blocked or Expired one is not Accepted, C01.FR.07); one the store does not know was issued centrally (a
remote start) and is Accepted; a Central token is matched on value alone (the CSMS issued it for that
identity, whatever kind of token it is stored as). `NoAuthorization` carries no identity: Accepted, no lookup.
The stored `group_id` is returned as `groupIdToken` (C09); a master pass (C16) is a token whose group is the
station's AuthCtrlr.MasterPassGroupId, which the station compares with the groupIdToken we return.
"""

from __future__ import annotations

from csms.domain.clock import to_ocpp_time
from csms.domain.records import TokenStatus
from csms.handlers.deps import HandlerDeps
from csms.handlers.tariff_cache import station_tariff
from csms.ocpp.session import HandlerContext
from csms.ocpp.wire import v2x, v201
from csms.services.tariffs import tariff_text

# Token types that carry no identity to check (OCPP IdTokenEnumType).
_UNCHECKED_TYPES = frozenset({v201.IdTokenEnumType.NO_AUTHORIZATION})
_CENTRAL = v201.IdTokenEnumType.CENTRAL


def _status(status: TokenStatus) -> v201.AuthorizationStatusEnumType:
    return v201.AuthorizationStatusEnumType(status.value)


async def id_token_info(deps: HandlerDeps, id_token: v2x.IdTokenType) -> v201.IdTokenInfoType:
    """The IdTokenInfoType answer for an idToken: status from the token store, expiry from the clock."""
    token_type = id_token.get("type")
    if token_type in _UNCHECKED_TYPES:
        return {"status": _status(TokenStatus.ACCEPTED)}
    record = await deps.store.get_token(id_token["idToken"])
    if record is not None and token_type != _CENTRAL and record.token_type != token_type:
        record = None  # same value, another kind of token
    if record is None:
        known = token_type == _CENTRAL or deps.accept_unknown_tokens
        return {"status": _status(TokenStatus.ACCEPTED if known else TokenStatus.UNKNOWN)}
    status = record.status
    if status is TokenStatus.ACCEPTED and record.expires_at is not None and record.expires_at <= deps.clock.now():
        status = TokenStatus.EXPIRED
    info: v201.IdTokenInfoType = {"status": _status(status)}
    if record.expires_at is not None:
        info["cacheExpiryDateTime"] = to_ocpp_time(record.expires_at)
    if record.group_id:
        info["groupIdToken"] = {"idToken": record.group_id, "type": _CENTRAL}
    return info


async def authorize(deps: HandlerDeps, ctx: HandlerContext, payload: v2x.AuthorizeRequest) -> v2x.AuthorizeResponse:
    """The token's status; with a station tariff, an Accepted answer shows it to the driver (I01)."""
    info = await id_token_info(deps, payload["idToken"])
    if info["status"] == v201.AuthorizationStatusEnumType.ACCEPTED:
        tariff = await station_tariff(deps, ctx)
        if tariff is not None:
            info["personalMessage"] = {"format": v201.MessageFormatEnumType.UTF8, "content": tariff_text(tariff)}
    return v201.AuthorizeResponse(idTokenInfo=info)
