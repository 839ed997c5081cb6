"""Functional block J (meter values): MeterValues outside TransactionEvent.

Each sample is attributed to the open transaction on that EVSE whose time window holds it (the one started
most recently at or before the sample; see `transactions.transaction_covers`). Energy is safe that way: registers
only widen the spread the transaction already has. A sample dated before the transaction started (a late one
from an offline queue, or from the previous session) or after it ended changes no transaction: it is reported
as an event only, like samples on an EVSE with no open transaction, and without its power and SoC when a newer
session is open on that EVSE (they describe a car that may have left).
"""

from __future__ import annotations

from csms.domain.ids import TransactionId
from csms.domain.records import MeterSample, TransactionRecord
from csms.handlers.deps import HandlerDeps
from csms.handlers.metering import parse_meter_values
from csms.handlers.transactions import apply_samples, transaction_covers
from csms.handlers.tx_cache import ConnectionTransactions
from csms.ocpp.session import HandlerContext
from csms.ocpp.wire import v2x
from csms.services.events import MeterValuesReceived


def _owner(open_txs: list[TransactionRecord], sample: MeterSample) -> TransactionRecord | None:
    covering = [tx for tx in open_txs if transaction_covers(tx, sample.measured_at)]
    if not covering:
        return None
    return max(covering, key=lambda tx: (tx.started_at is not None, tx.started_at or sample.measured_at))


async def meter_values(deps: HandlerDeps, ctx: HandlerContext,
                       payload: v2x.MeterValuesRequest) -> v2x.MeterValuesResponse:
    station_id = ctx.station_id
    evse_id = payload["evseId"]
    samples = parse_meter_values(payload["meterValue"])
    cache = ConnectionTransactions.of(ctx, deps.store)
    open_txs = [] if evse_id == 0 else [tx for tx in await cache.list_open() if tx.evse_id == evse_id]
    by_tx: dict[TransactionId, list[MeterSample]] = {}
    for sample in samples:
        owner = _owner(open_txs, sample)
        if owner is not None:
            by_tx.setdefault(owner.transaction_id, []).append(sample)
    updated: dict[TransactionId, TransactionRecord] = {}
    for tx in open_txs:
        if tx.transaction_id in by_tx:
            await deps.store.append_meter_samples(station_id, tx.transaction_id, by_tx[tx.transaction_id])
            updated[tx.transaction_id] = apply_samples(tx, by_tx[tx.transaction_id])
            await cache.put(updated[tx.transaction_id])

    latest = max(samples, key=lambda s: s.measured_at)
    owner = _owner(open_txs, latest)
    transaction_id: str | None = None
    power_w, soc, soc_at = latest.power_w, latest.soc, latest.measured_at if latest.soc is not None else None
    if owner is not None:
        tx = updated[owner.transaction_id]
        transaction_id, power_w, soc, soc_at = tx.transaction_id, tx.last_power_w, tx.last_soc, tx.last_soc_at
    elif open_txs:  # older than the session open on this EVSE: not live values
        power_w = soc = soc_at = None
    deps.events.publish(MeterValuesReceived(station_id=station_id, at=latest.measured_at, evse_id=evse_id,
                                            transaction_id=transaction_id, power_w=power_w, soc=soc, soc_at=soc_at))
    return {}
