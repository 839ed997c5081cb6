"""Block H (reservation): reservations the operator makes (ReserveNow) and cancels (CancelReservation), kept as
reservation documents (csms/services/station_records.py; the answers are kept by `CallEffects`, the station's
ReservationStatusUpdate by the handler). A Reserved reservation past its expiry is reported Expired even before
the station says so."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from ocpp.v201.enums import ReservationUpdateStatusEnumType

from csms.domain.clock import Clock, parse_ocpp_time, to_ocpp_time
from csms.domain.ids import StationId
from csms.ocpp import calls
from csms.ocpp.wire import v2x, v201
from csms.services import station_records as sr
from csms.services.commands import CommandService
from csms.store.base import StateStore


class ReservationService:
    def __init__(self, store: StateStore, commands: CommandService, clock: Clock) -> None:
        self._store = store
        self._commands = commands
        self._clock = clock

    async def list(self, station_id: StationId) -> list[dict[str, Any]]:
        now = self._clock.now()
        out = []
        for doc in await self._store.list_station_docs(station_id, sr.RESERVATION):
            if doc.get("status") == "Reserved" and "expiryDateTime" in doc and \
                    parse_ocpp_time(doc["expiryDateTime"]) <= now:
                doc = {**doc, "status": ReservationUpdateStatusEnumType.expired}
            out.append(doc)
        return sorted(out, key=lambda d: int(d.get("id", 0)))

    async def reserve(self, station_id: StationId, *, id_token: v201.IdTokenType, expires_at: datetime,
                      evse_id: int | None = None, connector_type: str | None = None,
                      group_id_token: v201.IdTokenType | None = None) -> tuple[int, v2x.ReserveNowResponse]:
        """ReserveNow with the next free reservation id; returns (id, the station's answer)."""
        existing = await self._store.list_station_docs(station_id, sr.RESERVATION)
        reservation_id = max((int(d.get("id", 0)) for d in existing), default=0) + 1
        payload: v201.ReserveNowRequest = {"id": reservation_id, "expiryDateTime": to_ocpp_time(expires_at),
                                   "idToken": id_token}
        if evse_id is not None:
            payload["evseId"] = evse_id
        if connector_type is not None:
            # 2.0.1 names an enum, 2.1 takes any string: the session checks it against the station's version
            payload["connectorType"] = cast(v201.ConnectorEnumType, connector_type)
        if group_id_token is not None:
            payload["groupIdToken"] = group_id_token
        return reservation_id, await self._commands.call_for(station_id, calls.RESERVE_NOW, payload)

    async def cancel(self, station_id: StationId, reservation_id: int) -> v2x.CancelReservationResponse:
        payload: v201.CancelReservationRequest = {"reservationId": reservation_id}
        return await self._commands.call_for(station_id, calls.CANCEL_RESERVATION, payload)
