"""Functional block P (DataTransfer): answered by the vendor-extension registry (csms/services/data_transfer.py):
UnknownVendorId / UnknownMessageId for what nobody registered, never a CALLERROR. Every transfer is logged."""

from __future__ import annotations

from typing import Any

from csms.handlers.deps import HandlerDeps
from csms.ocpp.session import HandlerContext
from csms.services import station_records as sr


async def data_transfer(deps: HandlerDeps, ctx: HandlerContext, payload: dict[str, Any]) -> dict[str, Any]:
    response = await deps.vendor_extensions.handle(ctx.station_id, payload)
    await sr.log_entries(deps.store, deps.clock, ctx.station_id, sr.DATA_TRANSFER, [{
        "vendorId": payload["vendorId"], "messageId": payload.get("messageId"), "status": response["status"]}])
    return response
