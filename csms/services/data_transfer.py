"""Block P (DataTransfer): a registry of vendor extensions the CSMS understands.

A station's DataTransfer with a vendorId nobody registered is answered `UnknownVendorId` (P02.FR.06); a known
vendor with a messageId it did not register is answered `UnknownMessageId` (P02.FR.07). A registered handler gets
the station id and the request's `data` and returns the response payload (status Accepted/Rejected, data).
Our own vendor id ships with `Echo` (answers Accepted with the data it got), useful to check a station's path.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from ocpp.v201.enums import DataTransferStatusEnumType

from csms.domain.ids import StationId

VENDOR_ID = "org.v2g-csms"

VendorHandler = Callable[[StationId, Any], Awaitable[dict[str, Any]]]


async def _echo(station_id: StationId, data: Any) -> dict[str, Any]:
    accepted = DataTransferStatusEnumType.accepted
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

    async def handle(self, station_id: StationId, payload: dict[str, Any]) -> dict[str, Any]:
        """The DataTransferResponse payload for a DataTransferRequest payload."""
        messages = self._vendors.get(payload["vendorId"])
        if messages is None:
            return {"status": DataTransferStatusEnumType.unknown_vendor_id}
        handler = messages.get(payload.get("messageId"))
        if handler is None:
            return {"status": DataTransferStatusEnumType.unknown_message_id}
        return await handler(station_id, payload.get("data"))
