"""Functional block P (DataTransfer): answered by the vendor-extension registry (csms/services/data_transfer.py):
UnknownVendorId / UnknownMessageId for what nobody registered, never a CALLERROR. Every transfer is logged.
OCPP 1.6 DataTransfer has the same payloads and shares this handler."""

from __future__ import annotations

from csms.handlers.deps import HandlerDeps
from csms.ocpp.session import HandlerContext
from csms.ocpp.wire import v2x, v16
from csms.services import station_records as sr

Request = v2x.DataTransferRequest | v16.DataTransferRequest
Response = v2x.DataTransferResponse | v16.DataTransferResponse


async def data_transfer(deps: HandlerDeps, ctx: HandlerContext, payload: Request) -> Response:
    response = await deps.vendor_extensions.handle(ctx.station_id, payload)
    await sr.log_entries(deps.store, deps.clock, ctx.station_id, sr.DATA_TRANSFER, [{
        "vendorId": payload["vendorId"], "messageId": payload.get("messageId"), "status": response["status"]}])
    return response  # the session validates it against the station's version's schema
