"""OCPP 1.6 transactions: StartTransaction, MeterValues and StopTransaction onto the 2.0.1 `TransactionRecord`.

The CSMS issues the integer transactionId, unique per station (a counter in the station's documents); the
record's id is its decimal string, so the API and the charging service use it like any other. Energy is the
same register spread as for 2.0.1 (`csms.handlers.transactions.apply_samples`): meterStart and meterStop are
import register samples at the start and stop times, MeterValues and StopTransaction's transactionData add their
Energy.Active.Import/Export.Register samples. A register seen twice (a MeterValues replayed from an offline queue,
the same values again in transactionData) only widens the spread it already has: nothing is counted twice.

Offline behaviour (1.6 has no seqNo):
- a StartTransaction identical to one of the latest on that connector (same idTag, timestamp, meterStart: the
  classic double start after a reconnect) is answered with the transactionId it got the first time and creates
  nothing (counted in `duplicate_events`);
- a StopTransaction for a transactionId this CSMS does not know, or for one already stopped, is accepted (the
  station must be able to empty its queue) and logged (station log `dropped_tx_event`), changing nothing;
- MeterValues naming a transaction count for it when the sample lies in its time window; MeterValues without
  a transactionId are attributed like 2.0.1 MeterValues (the connector's open transaction covering the sample).
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime
from typing import Final

from csms.domain.clock import parse_ocpp_time
from csms.domain.ids import StationId, TransactionId
from csms.domain.records import MeterSample, TransactionRecord
from csms.errors import PropertyConstraintViolation
from csms.handlers import meter_values as meter_values_201
from csms.handlers.deps import HandlerDeps
from csms.handlers.transactions import apply_samples, transaction_covers
from csms.handlers.tx_cache import ConnectionTransactions
from csms.handlers.v16.id_tags import id_tag_info, remote_start_of
from csms.handlers.v16.metering import parse_meter_values_v16, register_sample, to_201_meter_values
from csms.ocpp.session import HandlerContext
from csms.ocpp.wire import v16
from csms.services import station_records as sr
from csms.services.events import MeterValuesReceived, TransactionChanged, TransactionEnded, TransactionStarted

log = logging.getLogger("csms.handlers.v16.transactions")

TX_COUNTER: Final = "ocpp16_tx_counter"  # station document: the last transactionId issued
RECENT_STARTS: Final = "ocpp16_recent_starts"  # station document per connector: the latest starts' fingerprints
KEEP_STARTS = 8
MAX_TRANSACTION_ID = 2**31 - 1


async def _next_transaction_id(deps: HandlerDeps, station_id: StationId) -> int:
    """The next integer transactionId of the station (1, 2, ...; wraps before 2^31), skipping ids the station's
    transaction records already use (a counter lost or wrapped must not overwrite a transaction). A station's
    CALLs are handled one at a time on the one node it is connected to, so read-then-write cannot race."""
    doc = await deps.store.get_station_doc(station_id, TX_COUNTER, "last") or {"last": 0}
    issued = int(doc["last"]) % MAX_TRANSACTION_ID + 1
    while await deps.store.get_transaction(station_id, TransactionId(str(issued))) is not None:
        issued = issued % MAX_TRANSACTION_ID + 1
    await deps.store.put_station_doc(station_id, TX_COUNTER, "last", {"last": issued})
    return issued


def _fingerprint(payload: v16.StartTransactionRequest) -> str:
    return f"{payload['idTag']}|{parse_ocpp_time(payload['timestamp']).isoformat()}|{payload['meterStart']}"


def _event(kind: type[TransactionChanged], tx: TransactionRecord, at: datetime) -> TransactionChanged:
    return kind(station_id=tx.station_id, at=at, transaction_id=tx.transaction_id, evse_id=tx.evse_id,
                power_w=tx.last_power_w, soc=tx.last_soc, soc_at=tx.last_soc_at,
                energy_import_wh=tx.energy_import_wh, energy_export_wh=tx.energy_export_wh)


async def start_transaction(deps: HandlerDeps, ctx: HandlerContext,
                            payload: v16.StartTransactionRequest) -> v16.StartTransactionResponse:
    station_id = ctx.station_id
    connector = payload["connectorId"]
    if connector < 1:
        raise PropertyConstraintViolation("StartTransaction: connectorId must be > 0", {"field": "connectorId"})
    info = await id_tag_info(deps, payload["idTag"], ctx.station_id)
    cache = ConnectionTransactions.of(ctx, deps.store)
    fingerprint = _fingerprint(payload)
    recent = await deps.store.get_station_doc(station_id, RECENT_STARTS, str(connector)) or {"starts": []}
    for known, issued in recent["starts"]:
        if known == fingerprint:
            tx = await cache.get(TransactionId(str(issued)))
            if tx is not None:
                await cache.put(dataclasses.replace(tx, duplicate_events=tx.duplicate_events + 1))
            log.warning("%s: repeated StartTransaction on connector %s answered with transactionId %s",
                        ctx.station_id, connector, issued, extra={"station_id": ctx.station_id})
            return {"transactionId": issued, "idTagInfo": info}
    issued = await _next_transaction_id(deps, station_id)
    starts = [*recent["starts"], [fingerprint, issued]][-KEEP_STARTS:]
    await deps.store.put_station_doc(station_id, RECENT_STARTS, str(connector), {"starts": starts})
    started_at = parse_ocpp_time(payload["timestamp"])
    sample = register_sample(payload["timestamp"], payload["meterStart"])
    tx = apply_samples(TransactionRecord(
        station_id=station_id, transaction_id=TransactionId(str(issued)), evse_id=connector, connector_id=1,
        id_token=payload["idTag"], started_at=started_at, updated_at=started_at, charging_state="Charging",
        last_trigger_reason="Authorized"), [sample])
    if "parentIdTag" in info:
        tx = dataclasses.replace(tx, group_id_token=info["parentIdTag"])
    if await deps.store.get_token(payload["idTag"]) is None:  # a Central token of a remote start, if any
        remote_start_id = await remote_start_of(deps, ctx.station_id, payload["idTag"])
        if remote_start_id is not None:
            tx = dataclasses.replace(tx, remote_start_id=remote_start_id, id_token_type="Central")
    await deps.store.append_meter_samples(station_id, tx.transaction_id, [sample])
    await cache.put(tx)
    deps.events.publish(_event(TransactionStarted, tx, started_at))
    return {"transactionId": issued, "idTagInfo": info}


async def meter_values(deps: HandlerDeps, ctx: HandlerContext,
                       payload: v16.MeterValuesRequest) -> v16.MeterValuesResponse:
    if "transactionId" not in payload:
        await meter_values_201.meter_values(deps, ctx, {
            "evseId": payload["connectorId"], "meterValue": to_201_meter_values(payload["meterValue"])})
        return {}
    station_id = ctx.station_id
    samples = parse_meter_values_v16(payload["meterValue"])
    cache = ConnectionTransactions.of(ctx, deps.store)
    tx = await cache.get(TransactionId(str(payload["transactionId"])))
    latest = max(samples, key=lambda s: s.measured_at)
    evse_id: int | None = payload["connectorId"]
    transaction_id: str | None = None
    power_w, soc, soc_at = latest.power_w, latest.soc, latest.measured_at if latest.soc is not None else None
    covered = [] if tx is None or not tx.is_open else [s for s in samples if transaction_covers(tx, s.measured_at)]
    if tx is not None and covered:
        await deps.store.append_meter_samples(station_id, tx.transaction_id, covered)
        tx = apply_samples(tx, covered)
        await cache.put(tx)
        evse_id, transaction_id, power_w, soc, soc_at = (tx.evse_id, tx.transaction_id, tx.last_power_w, tx.last_soc,
                                                         tx.last_soc_at)
    elif tx is None or not tx.is_open:
        log.info("%s: MeterValues for transaction %s, which is %s", ctx.station_id, payload["transactionId"],
                 "unknown" if tx is None else "stopped")
    deps.events.publish(MeterValuesReceived(station_id=station_id, at=latest.measured_at, evse_id=evse_id,
                                            transaction_id=transaction_id, power_w=power_w, soc=soc, soc_at=soc_at))
    return {}


async def stop_transaction(deps: HandlerDeps, ctx: HandlerContext,
                           payload: v16.StopTransactionRequest) -> v16.StopTransactionResponse:
    station_id = ctx.station_id
    response: v16.StopTransactionResponse = {}
    if "idTag" in payload:
        response["idTagInfo"] = await id_tag_info(deps, payload["idTag"])
    cache = ConnectionTransactions.of(ctx, deps.store)
    transaction_id = TransactionId(str(payload["transactionId"]))
    tx = await cache.get(transaction_id)
    if tx is None or not tx.is_open:
        reason = "unknown transaction" if tx is None else "already stopped"
        if tx is not None:
            await cache.put(dataclasses.replace(tx, events_after_end=tx.events_after_end + 1))
        log.warning("%s: StopTransaction for transaction %s accepted, not applied: %s", ctx.station_id,
                    transaction_id, reason, extra={"station_id": ctx.station_id, "transaction_id": transaction_id})
        await sr.log_entries(deps.store, deps.clock, ctx.station_id, sr.DROPPED_TX_EVENT, [{
            "transactionId": transaction_id, "eventType": "StopTransaction", "timestamp": payload["timestamp"],
            "meterStop": payload["meterStop"], "reason": reason}])
        return response
    stopped_at = parse_ocpp_time(payload["timestamp"])
    data_samples = parse_meter_values_v16(payload.get("transactionData", []), "transactionData")
    stop = dataclasses.replace(register_sample(payload["timestamp"], payload["meterStop"]), context="Transaction.End")
    samples: list[MeterSample] = [s for s in data_samples if transaction_covers(tx, s.measured_at)
                                  and s.measured_at <= stopped_at]
    samples.append(stop)
    tx = dataclasses.replace(apply_samples(tx, samples), ended_at=stopped_at,
                             updated_at=max(stopped_at, tx.updated_at or stopped_at),
                             stopped_reason=payload.get("reason", "Local"), charging_state="Idle",
                             last_trigger_reason="StopAuthorized" if "idTag" in payload else "EVDeparted")
    await deps.store.append_meter_samples(station_id, transaction_id, samples)
    await cache.put(tx)
    deps.events.publish(_event(TransactionEnded, tx, stopped_at))
    return response
