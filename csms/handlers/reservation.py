"""Functional block H (reservation): ReservationStatusUpdate ends a reservation the CSMS made with ReserveNow
(Expired or Removed); the reservation document (csms/services/reservations.py) keeps the final status."""

from __future__ import annotations

from typing import Any

from csms.handlers.deps import HandlerDeps
from csms.ocpp.session import HandlerContext
from csms.services import station_records as sr
from csms.services.events import DomainEvent


async def reservation_status_update(deps: HandlerDeps, ctx: HandlerContext,
                                    payload: dict[str, Any]) -> dict[str, Any]:
    reservation_id, status = payload["reservationId"], payload["reservationUpdateStatus"]
    await sr.update_status_doc(deps.store, deps.clock, ctx.station_id, sr.RESERVATION, str(reservation_id), status,
                               {"id": reservation_id})
    deps.events.publish(DomainEvent("reservation.status", ctx.station_id, deps.clock.now(),
                                    {"reservation_id": reservation_id, "status": status}))
    return {}
