"""Block P (DataTransfer): a registry of vendor extensions the CSMS understands.

A station's DataTransfer with a vendorId nobody registered is answered `UnknownVendorId` (P02.FR.06); a known
vendor with a messageId it did not register is answered `UnknownMessageId` (P02.FR.07). A registered handler gets
the station id and the request's `data` and returns the response payload (status Accepted/Rejected, data).
Our own vendor id ships with `Echo` (answers Accepted with the data it got), useful to check a station's path.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from csms.domain.ids import StationId
from csms.ocpp.wire import v2x, v16, v201

VENDOR_ID = "org.v2g-csms"

Transfer = v2x.DataTransferRequest | v16.DataTransferRequest
# the answer, in its 2.x shape: 1.6 has the same keys and status values (its `data` a string, as it came)
Answer = v201.DataTransferResponse
# (station id, the request's `data`: any JSON value, absent -> None) -> the answer
VendorHandler = Callable[[StationId, object], Awaitable[Answer]]


async def _echo(station_id: StationId, data: object) -> Answer:
    accepted = v201.DataTransferStatusEnumType.ACCEPTED
    return {"status": accepted} if data is None else {"status": accepted, "data": data}


class VendorExtensions:
    """vendorId -> messageId -> handler. A vendor registered with `message_id=None` accepts a DataTransfer
    without messageId."""

    def __init__(self) -> None:
        self._vendors: dict[str, dict[str | None, VendorHandler]] = {}

    @classmethod
    def default(cls) -> VendorExtensions:
        registry = cls()
        registry.register(VENDOR_ID, "Echo", _echo)
        return registry

    def register(self, vendor_id: str, message_id: str | None, handler: VendorHandler) -> None:
        self._vendors.setdefault(vendor_id, {})[message_id] = handler

    def vendors(self) -> dict[str, list[str | None]]:
        return {vendor: list(messages) for vendor, messages in sorted(self._vendors.items())}

    async def handle(self, station_id: StationId, payload: Transfer) -> Answer:
        """The DataTransferResponse payload for a DataTransferRequest payload."""
        messages = self._vendors.get(payload["vendorId"])
        if messages is None:
            return {"status": v201.DataTransferStatusEnumType.UNKNOWN_VENDOR_ID}
        handler = messages.get(payload.get("messageId"))
        if handler is None:
            return {"status": v201.DataTransferStatusEnumType.UNKNOWN_MESSAGE_ID}
        return await handler(station_id, payload.get("data"))
