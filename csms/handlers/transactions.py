"""Functional block E (transactions): TransactionEvent, with energy accounting from meter registers.

A transaction's energy is the spread of its cumulative meter registers (highest minus lowest import
register, likewise export), so a duplicate event (same seqNo) or events that arrive out of order (offline
queues) can never double count. Duplicates are acknowledged but not applied again.

Only samples inside the transaction's time window count (`transaction_covers`): a TransactionEvent's own
samples always do; samples from MeterValues are attributed by their timestamp (see `meter_values`), so a late
sample stamped before the start cannot lower the spread's floor and inflate the energy. Until the Started event
itself has arrived, the window starts at the earliest event seen; a MeterValues sample between the true start
and that provisional one is then left out, which loses no energy (the Started event brings its register).
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from csms.domain.clock import parse_ocpp_time
from csms.domain.ids import StationId, TransactionId
from csms.domain.records import MeterSample, TransactionRecord
from csms.handlers.authorization import id_token_info
from csms.handlers.deps import HandlerDeps
from csms.handlers.metering import parse_meter_values
from csms.handlers.tx_cache import ConnectionTransactions
from csms.ocpp.session import HandlerContext
from csms.services.events import DomainEvent


def _spread(lo: float | None, hi: float | None, value: float | None) -> tuple[float | None, float | None]:
    if value is None:
        return lo, hi
    return (value if lo is None else min(lo, value)), (value if hi is None else max(hi, value))


def transaction_covers(tx: TransactionRecord, at: datetime) -> bool:
    """Whether a sample measured `at` belongs to `tx`'s time window (from its start, through its end if ended).

    A transaction with no known start yet covers everything before its end."""
    if tx.started_at is not None and at < tx.started_at:
        return False
    return tx.ended_at is None or at <= tx.ended_at


def apply_samples(tx: TransactionRecord, samples: list[MeterSample]) -> TransactionRecord:
    """Fold meter samples into the transaction's register spread and latest power/SoC.

    The caller passes only samples that belong to `tx` (its own events' samples, or ones it covers)."""
    imp_lo, imp_hi = tx.import_register_min_wh, tx.import_register_max_wh
    exp_lo, exp_hi = tx.export_register_min_wh, tx.export_register_max_wh
    power_w, soc, soc_at = tx.last_power_w, tx.last_soc, tx.last_soc_at
    for sample in sorted(samples, key=lambda s: s.measured_at):
        imp_lo, imp_hi = _spread(imp_lo, imp_hi, sample.import_register_wh)
        exp_lo, exp_hi = _spread(exp_lo, exp_hi, sample.export_register_wh)
        if sample.power_w is not None and (tx.updated_at is None or sample.measured_at >= tx.updated_at):
            power_w = sample.power_w
        if sample.soc is not None and (tx.updated_at is None or sample.measured_at >= tx.updated_at):
            soc, soc_at = sample.soc, sample.measured_at
    return dataclasses.replace(
        tx,
        import_register_min_wh=imp_lo, import_register_max_wh=imp_hi,
        export_register_min_wh=exp_lo, export_register_max_wh=exp_hi,
        last_power_w=power_w, last_soc=soc, last_soc_at=soc_at,
    )


def apply_event(tx: TransactionRecord, payload: dict[str, Any], samples: list[MeterSample]) -> TransactionRecord:
    """Return `tx` updated by one TransactionEvent (not yet seen: the caller checks seqNo)."""
    at = parse_ocpp_time(payload["timestamp"])
    info = payload["transactionInfo"]
    event_type = payload["eventType"]
    evse = payload.get("evse", {})
    tx = apply_samples(tx, samples)
    changes: dict[str, Any] = {
        "seq_nos": tx.seq_nos.add(payload["seqNo"]),
        "last_trigger_reason": payload["triggerReason"],
        "offline_events": tx.offline_events + (1 if payload.get("offline") else 0),
        "updated_at": at if tx.updated_at is None else max(tx.updated_at, at),
    }
    if "id" in evse:
        changes["evse_id"] = evse["id"]
        if "connectorId" in evse:
            changes["connector_id"] = evse["connectorId"]
    if "idToken" in payload:
        changes["id_token"] = payload["idToken"]["idToken"]
    if "chargingState" in info:
        changes["charging_state"] = info["chargingState"]
    if event_type == "Started" or tx.started_at is None:
        changes["started_at"] = at if tx.started_at is None else min(tx.started_at, at)
    if event_type == "Ended":
        changes["ended_at"] = at
        changes["stopped_reason"] = info.get("stoppedReason", "Local")
    return dataclasses.replace(tx, **changes)


async def transaction_event(deps: HandlerDeps, ctx: HandlerContext, payload: dict[str, Any]) -> dict[str, Any]:
    station_id = StationId(ctx.station_id)
    transaction_id = TransactionId(payload["transactionInfo"]["transactionId"])
    response: dict[str, Any] = {}
    if "idToken" in payload:
        response["idTokenInfo"] = await id_token_info(deps, payload["idToken"])
    cache = ConnectionTransactions.of(ctx, deps.store)
    tx = await cache.get(transaction_id)
    if tx is None:
        tx = TransactionRecord(station_id=station_id, transaction_id=transaction_id)
    if payload["seqNo"] in tx.seq_nos:
        return response  # duplicate delivery: acknowledge, apply nothing
    samples = parse_meter_values(payload.get("meterValue", []))
    updated = apply_event(tx, payload, samples)
    if samples:
        await deps.store.append_meter_samples(station_id, transaction_id, samples)
    await cache.put(updated)
    kind = {"Started": "transaction.started", "Ended": "transaction.ended"}.get(payload["eventType"],
                                                                               "transaction.updated")
    deps.events.publish(DomainEvent(kind, station_id, updated.updated_at or deps.clock.now(), {
        "transaction_id": transaction_id, "evse_id": updated.evse_id, "power_w": updated.last_power_w,
        "soc": updated.last_soc, "soc_at": updated.last_soc_at, "energy_import_wh": updated.energy_import_wh,
        "energy_export_wh": updated.energy_export_wh,
    }))
    return response
