"""Functional block H (reservation): ReservationStatusUpdate ends a reservation the CSMS made with ReserveNow
(Expired or Removed); the reservation document (csms/services/reservations.py) keeps the final status."""

from __future__ import annotations

from csms.handlers.deps import HandlerDeps
from csms.ocpp.session import HandlerContext
from csms.ocpp.wire import v2x
from csms.services import station_records as sr
from csms.services.events import ReservationStatusChanged


async def reservation_status_update(deps: HandlerDeps, ctx: HandlerContext,
                                    payload: v2x.ReservationStatusUpdateRequest) -> v2x.ReservationStatusUpdateResponse:
    reservation_id, status = payload["reservationId"], payload["reservationUpdateStatus"]
    await sr.update_status_doc(deps.store, deps.clock, ctx.station_id, sr.RESERVATION, str(reservation_id), status,
                               {"id": reservation_id})
    deps.events.publish(ReservationStatusChanged(station_id=ctx.station_id, at=deps.clock.now(),
                                                 reservation_id=reservation_id, status=status))
    return {}
