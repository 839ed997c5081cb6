"""Functional block J (meter values): MeterValues outside TransactionEvent.

Samples are attributed to the open transaction on that EVSE, if any (safe for energy: registers only widen the
spread the transaction already has); otherwise they are reported as an event only.
"""

from __future__ import annotations

from typing import Any

from csms.domain.ids import StationId
from csms.handlers.deps import HandlerDeps
from csms.handlers.metering import parse_meter_values
from csms.handlers.transactions import apply_samples
from csms.ocpp.session import HandlerContext
from csms.services.events import DomainEvent


async def meter_values(deps: HandlerDeps, ctx: HandlerContext, payload: dict[str, Any]) -> dict[str, Any]:
    station_id = StationId(ctx.station_id)
    evse_id = payload["evseId"]
    samples = parse_meter_values(payload["meterValue"])
    open_txs = [tx for tx in await deps.store.list_transactions(station_id, open_only=True) if tx.evse_id == evse_id]
    if open_txs and evse_id != 0:
        tx = open_txs[0]
        await deps.store.append_meter_samples(station_id, tx.transaction_id, samples)
        await deps.store.put_transaction(apply_samples(tx, samples))
    latest = max(samples, key=lambda s: s.measured_at)
    deps.events.publish(DomainEvent("meter.values", station_id, latest.measured_at,
                                    {"evse_id": evse_id, "power_w": latest.power_w, "soc": latest.soc}))
    return {}
