"""Functional block E (transactions): TransactionEvent, with energy accounting from meter registers.

A transaction's energy is its highest cumulative meter register minus its first one (by the station's time;
import and export alike), so a duplicate event or events that arrive out of order (offline queues) can never
double count, and a register that goes down is never counted as energy.

A duplicate is an event with a seqNo already seen AND the same content as one of the transaction's latest
events (`RECENT_DIGESTS`): it is acknowledged, counted, logged and not applied. An event that reuses a seqNo with
other content (a station that sends seqNo 0 every time) is applied. Once the Ended event has arrived, the
transaction is closed: later events are acknowledged and counted, and change nothing else (no energy). When an
Ended event leaves a gap in the seqNos, the CSMS asks GetTransactionStatus (E14) and logs what is lost.
The idToken of a remote start (kept by remoteStartId when the operator sent RequestStartTransaction) is the
transaction's when the station's events do not carry one. With a station tariff (csms/services/tariffs.py) the
Ended answer carries totalCost and a growing transaction gets CostUpdated (block I).

Only samples inside the transaction's time window count (`transaction_covers`): a TransactionEvent's own
samples always do; samples from MeterValues are attributed by their timestamp (see `meter_values`), so a late
sample stamped before the start cannot lower the spread's floor and inflate the energy. Until the Started event
itself has arrived, the window starts at the earliest event seen; a MeterValues sample between the true start
and that provisional one is then left out, which loses no energy (the Started event brings its register).
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import zlib
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypedDict

import orjson

from csms.domain.clock import parse_ocpp_time
from csms.domain.ids import StationId, TransactionId
from csms.domain.records import MeterSample, TransactionRecord
from csms.errors import CsmsError
from csms.handlers.authorization import id_token_info
from csms.handlers.deps import HandlerDeps
from csms.handlers.metering import parse_meter_values
from csms.handlers.tariff_cache import station_tariff
from csms.handlers.tx_cache import ConnectionTransactions
from csms.ocpp.session import HandlerContext
from csms.ocpp.wire import v2x, v201
from csms.services import station_records as sr
from csms.services.events import TransactionChanged, TransactionEnded, TransactionStarted, TransactionUpdated

log = logging.getLogger("csms.handlers.transactions")

RECENT_DIGESTS = 16  # how many of a transaction's latest events a redelivery is compared with


def _record_replacer(cls: type[TransactionRecord]) -> Callable[[TransactionRecord, Mapping[str, object]],
                                                                TransactionRecord]:
    """`dataclasses.replace` for `cls`, generated once: one positional `cls(...)` call that takes each field from
    the changes or else from the record. `dataclasses.replace` walks `dataclasses.fields` and builds a keyword
    dict on every call; this is ~2x faster on the 32-field TransactionRecord, which each TransactionEvent copies.
    The result is the same record (`__init__` and its checks run as before)."""
    names = [f.name for f in dataclasses.fields(cls) if f.init]
    args = ", ".join(f"changes.get({name!r}, record.{name})" for name in names)
    namespace: dict[str, Any] = {"cls": cls}
    exec(f"def replace(record, changes):\n    return cls({args})\n", namespace)
    replace: Callable[[TransactionRecord, Mapping[str, object]], TransactionRecord] = namespace["replace"]
    return replace


_replace_tx = _record_replacer(TransactionRecord)


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
    return _replace_tx(tx, _sample_changes(tx, samples))


class _SampleChanges(TypedDict):
    """The TransactionRecord fields meter samples change."""

    import_register_min_wh: float | None
    import_register_max_wh: float | None
    export_register_min_wh: float | None
    export_register_max_wh: float | None
    import_register_first_wh: float | None
    import_register_first_at: datetime | None
    export_register_first_wh: float | None
    export_register_first_at: datetime | None
    last_power_w: float | None
    last_soc: float | None
    last_soc_at: datetime | None


class EventExtras(TypedDict, total=False):
    """TransactionRecord fields a TransactionEvent sets beside what `apply_event` reads from it."""

    recent_event_digests: str
    id_token_type: str
    group_id_token: str
    remote_start_id: int
    id_token: str


def _sample_changes(tx: TransactionRecord, samples: list[MeterSample]) -> _SampleChanges:
    """The fields `apply_samples` changes (one `dataclasses.replace` per message: it is ~10 us)."""
    imp_lo, imp_hi = tx.import_register_min_wh, tx.import_register_max_wh
    exp_lo, exp_hi = tx.export_register_min_wh, tx.export_register_max_wh
    imp_first = (tx.import_register_first_wh, tx.import_register_first_at)
    exp_first = (tx.export_register_first_wh, tx.export_register_first_at)
    # a record stored before first registers were kept: energy stays the spread (the first is unknown)
    imp_legacy = tx.import_register_min_wh is not None and tx.import_register_first_at is None
    exp_legacy = tx.export_register_min_wh is not None and tx.export_register_first_at is None
    power_w, soc, soc_at = tx.last_power_w, tx.last_soc, tx.last_soc_at
    for sample in samples if len(samples) < 2 else sorted(samples, key=lambda s: s.measured_at):
        imp_lo, imp_hi = _spread(imp_lo, imp_hi, sample.import_register_wh)
        exp_lo, exp_hi = _spread(exp_lo, exp_hi, sample.export_register_wh)
        imp_first = _earliest(imp_first, imp_legacy, sample.import_register_wh, sample.measured_at)
        exp_first = _earliest(exp_first, exp_legacy, sample.export_register_wh, sample.measured_at)
        if sample.power_w is not None and (tx.updated_at is None or sample.measured_at >= tx.updated_at):
            power_w = sample.power_w
        if sample.soc is not None and (tx.updated_at is None or sample.measured_at >= tx.updated_at):
            soc, soc_at = sample.soc, sample.measured_at
    return {
        "import_register_min_wh": imp_lo, "import_register_max_wh": imp_hi,
        "export_register_min_wh": exp_lo, "export_register_max_wh": exp_hi,
        "import_register_first_wh": imp_first[0], "import_register_first_at": imp_first[1],
        "export_register_first_wh": exp_first[0], "export_register_first_at": exp_first[1],
        "last_power_w": power_w, "last_soc": soc, "last_soc_at": soc_at,
    }


def _earliest(first: tuple[float | None, datetime | None], legacy: bool, value: float | None,
              at: datetime) -> tuple[float | None, datetime | None]:
    """The (register, time) of the earlier of `first` and a sample."""
    if value is None or legacy:
        return first
    first_at = first[1]
    return (value, at) if first_at is None or at < first_at else first


_STARTED, _ENDED = v201.TransactionEventEnumType.STARTED, v201.TransactionEventEnumType.ENDED
_EVENTS: dict[str, type[TransactionChanged]] = {_STARTED: TransactionStarted, _ENDED: TransactionEnded}


def apply_event(tx: TransactionRecord, payload: v2x.TransactionEventRequest, samples: list[MeterSample],
                extra: EventExtras | None = None) -> TransactionRecord:
    """Return `tx` updated by one TransactionEvent (not yet seen: the caller checks seqNo) and `extra` fields."""
    at = parse_ocpp_time(payload["timestamp"])
    info = payload["transactionInfo"]
    event_type = payload["eventType"]
    evse = payload.get("evse", {})
    changes: dict[str, Any] = {
        **_sample_changes(tx, samples),
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
    if event_type == _STARTED or tx.started_at is None:
        changes["started_at"] = at if tx.started_at is None else min(tx.started_at, at)
    if event_type == _ENDED:
        changes["ended_at"] = at
        changes["stopped_reason"] = info.get("stoppedReason", "Local")
    if extra:
        changes.update(extra)
    return _replace_tx(tx, changes)


def event_digest(payload: v2x.TransactionEventRequest) -> str:
    """A short digest of a TransactionEvent's whole content (key order does not matter). CRC-32: it is only
    compared with the digests of the transaction's latest events that had the same seqNo."""
    return f"{zlib.crc32(orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)):08x}"


def _remember(tx: TransactionRecord, digest: str) -> str:
    return " ".join([*tx.recent_event_digests.split(), digest][-RECENT_DIGESTS:])


async def _drop(deps: HandlerDeps, ctx: HandlerContext, cache: ConnectionTransactions, tx: TransactionRecord,
                payload: v2x.TransactionEventRequest, reason: str) -> None:
    """Acknowledge without applying: count it on the transaction and log it."""
    if reason == "duplicate":
        tx = dataclasses.replace(tx, duplicate_events=tx.duplicate_events + 1)
    else:
        tx = dataclasses.replace(tx, events_after_end=tx.events_after_end + 1, seq_nos=tx.seq_nos.add(payload["seqNo"]))
    await cache.put(tx)
    log.warning("%s: TransactionEvent %s seqNo %s of %s not applied: %s", ctx.station_id, payload["eventType"],
                payload["seqNo"], tx.transaction_id, reason,
                extra={"station_id": ctx.station_id, "transaction_id": tx.transaction_id, "reason": reason})
    await sr.log_entries(deps.store, deps.clock, ctx.station_id, sr.DROPPED_TX_EVENT, [{
        "transactionId": tx.transaction_id, "seqNo": payload["seqNo"], "eventType": payload["eventType"],
        "timestamp": payload["timestamp"], "reason": reason}])


async def _remote_start_token(deps: HandlerDeps, station_id: StationId,
                              remote_start_id: int) -> v201.IdTokenType | None:
    """The idToken the operator's RequestStartTransaction named (the command path stores its request)."""
    doc = await deps.store.get_station_doc(station_id, sr.REMOTE_START, str(remote_start_id))
    token: v201.IdTokenType | None = None if doc is None else doc.get("idToken")
    return token


async def transaction_event(deps: HandlerDeps, ctx: HandlerContext,
                            payload: v2x.TransactionEventRequest) -> v2x.TransactionEventResponse:
    station_id = ctx.station_id
    info = payload["transactionInfo"]
    transaction_id = TransactionId(info["transactionId"])
    response: v201.TransactionEventResponse = {}
    token_info = None
    if "idToken" in payload:
        token_info = response["idTokenInfo"] = await id_token_info(deps, payload["idToken"])
    cache = ConnectionTransactions.of(ctx, deps.store)
    tx = await cache.get(transaction_id)
    if tx is None:
        tx = TransactionRecord(station_id=station_id, transaction_id=transaction_id)
    digest = event_digest(payload)
    if payload["seqNo"] in tx.seq_nos and digest in tx.recent_event_digests.split():
        await _drop(deps, ctx, cache, tx, payload, "duplicate")
        return response
    if not tx.is_open:
        await _drop(deps, ctx, cache, tx, payload, "after the Ended event")
        return response
    samples = parse_meter_values(payload.get("meterValue", []))
    extra: EventExtras = {"recent_event_digests": _remember(tx, digest)}
    if "idToken" in payload and token_info is not None:
        extra["id_token_type"] = payload["idToken"]["type"]
        group = token_info.get("groupIdToken")
        if group is not None:
            extra["group_id_token"] = group["idToken"]
    if "remoteStartId" in info:
        extra["remote_start_id"] = info["remoteStartId"]
        if "idToken" not in payload and not tx.id_token:
            token = await _remote_start_token(deps, station_id, info["remoteStartId"])
            if token is not None:
                extra["id_token"], extra["id_token_type"] = token["idToken"], token.get("type", "")
    updated = apply_event(tx, payload, samples, extra)
    if samples:
        await deps.store.append_meter_samples(station_id, transaction_id, samples)
    await cache.put(updated)
    if payload["eventType"] == _ENDED and _has_gap(updated):
        ctx.after_response(lambda: _ask_transaction_status(deps, ctx, updated))
    await _cost(deps, ctx, tx, updated, payload["eventType"], response)
    event = _EVENTS.get(payload["eventType"], TransactionUpdated)
    deps.events.publish(event(
        station_id=station_id, at=updated.updated_at or deps.clock.now(), transaction_id=transaction_id,
        evse_id=updated.evse_id, power_w=updated.last_power_w, soc=updated.last_soc, soc_at=updated.last_soc_at,
        energy_import_wh=updated.energy_import_wh, energy_export_wh=updated.energy_export_wh))
    return response


async def _cost(deps: HandlerDeps, ctx: HandlerContext, before: TransactionRecord, tx: TransactionRecord,
                event_type: str, response: v201.TransactionEventResponse) -> None:
    """I02/I03 with the station's tariff: totalCost in the Ended answer; CostUpdated when the energy grew."""
    tariff = await station_tariff(deps, ctx)
    if tariff is None:
        return
    if event_type == _ENDED:
        response["totalCost"] = tariff.cost(tx)
    elif tx.energy_import_wh > before.energy_import_wh:
        cost = tariff.cost(tx, tx.updated_at)

        async def send() -> None:
            try:
                await ctx.session.call("CostUpdated", {"totalCost": cost, "transactionId": tx.transaction_id})
            except CsmsError as exc:
                log.info("%s: CostUpdated for %s failed: %s", ctx.station_id, tx.transaction_id, exc)
        ctx.after_response(send)


def _has_gap(tx: TransactionRecord) -> bool:
    """Whether seqNos are missing between the lowest and highest seen (where a station starts counting is not
    checked: some count per station, not per transaction)."""
    return len(tx.seq_nos.ranges) > 1


async def _ask_transaction_status(deps: HandlerDeps, ctx: HandlerContext, tx: TransactionRecord) -> None:
    """E14: a gap remains after the Ended event: are messages of it still queued at the station?"""
    try:
        answer = await ctx.session.call_for("GetTransactionStatus", {"transactionId": tx.transaction_id},
                                            v201.GetTransactionStatusResponse)
    except CsmsError as exc:
        log.info("%s: GetTransactionStatus for %s failed: %s", ctx.station_id, tx.transaction_id, exc)
        return
    missing = _missing(tx)
    if not answer["messagesInQueue"]:
        log.warning("%s: transaction %s ended with seqNos %s missing and none queued: those events are lost",
                    ctx.station_id, tx.transaction_id, missing, extra={"station_id": ctx.station_id})
    await sr.log_entries(deps.store, deps.clock, ctx.station_id, sr.DROPPED_TX_EVENT, [{
        "transactionId": tx.transaction_id, "reason": "gap after the Ended event", "missingSeqNos": missing,
        "messagesInQueue": answer["messagesInQueue"], "ongoingIndicator": answer.get("ongoingIndicator")}])


def _missing(tx: TransactionRecord) -> list[int]:
    return [n for (_, hi), (lo, _) in itertools.pairwise(tx.seq_nos.ranges) for n in range(hi + 1, lo)][:100]
