"""The per-connection transaction cache (csms/handlers/tx_cache.py): one store read per transaction and
connection, every change still written through, ended transactions not kept, a new connection reads afresh."""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import Any

from csms.domain.ids import TransactionId
from csms.domain.records import TransactionRecord
from csms.handlers import build_handlers
from csms.ocpp.session import RpcSession
from tests.unit.handlers.harness import STATION, Station, registers, tx_event

TX1 = TransactionId("TX1")


def count_reads(station: Station) -> Counter[str]:
    """Count the store's transaction reads (the handlers hold the same store object)."""
    reads: Counter[str] = Counter()
    for name in ("get_transaction", "list_transactions"):
        original = getattr(station.store, name)

        async def counted(*args: Any, _original: Any = original, _name: str = name, **kwargs: Any) -> Any:
            reads[_name] += 1
            return await _original(*args, **kwargs)

        setattr(station.store, name, counted)
    return reads


async def stored(station: Station) -> TransactionRecord:
    tx = await station.store.get_transaction(STATION, TX1)
    assert tx is not None
    return tx


def meter_values(minutes: float, import_wh: float) -> dict[str, Any]:
    return {"evseId": 1, "meterValue": [registers(minutes, import_wh)]}


async def test_a_connection_reads_its_transaction_once_and_writes_every_change_through() -> None:
    station = Station()
    reads = count_reads(station)
    await station.call("TransactionEvent", tx_event("Started", 0, 0, registers(0, 1000)))
    for seq_no in range(1, 6):
        await station.call("TransactionEvent",
                           tx_event("Updated", seq_no, seq_no, registers(seq_no, 1000 + 100 * seq_no)))
        await station.call("MeterValues", meter_values(seq_no + 0.5, 1050 + 100 * seq_no))
    assert reads == Counter(get_transaction=1, list_transactions=1)  # the Started lookup, the first MeterValues
    tx = await stored(station)  # the store has every change
    assert tx.energy_import_wh == 550 and tx.import_register_max_wh == 1550 and len(tx.seq_nos) == 6


async def test_an_ended_transaction_is_not_kept_and_a_redelivered_end_is_applied_once() -> None:
    station = Station()
    await station.call("TransactionEvent", tx_event("Started", 0, 0, registers(0, 1000)))
    await station.call("TransactionEvent", tx_event("Ended", 1, 30, registers(30, 4000), stoppedReason="Local"))
    reads = count_reads(station)
    await station.call("TransactionEvent", tx_event("Ended", 1, 30, registers(30, 9000), stoppedReason="Local"))
    assert reads["get_transaction"] == 1  # not served from the cache: read from the store, seen as a duplicate
    tx = await stored(station)
    assert not tx.is_open and tx.energy_import_wh == 3000
    await station.call("MeterValues", meter_values(40, 5000))  # after the end: no open transaction to update
    assert (await stored(station)).energy_import_wh == 3000


async def test_a_new_connection_reads_the_store_again() -> None:
    station = Station()
    await station.call("TransactionEvent", tx_event("Started", 0, 0, registers(0, 1000)))
    # meanwhile the store changed (say, the station was on another node for a while)
    await station.store.put_transaction(dataclasses.replace(await stored(station), import_register_max_wh=7000.0))
    station.session = RpcSession(station_id=STATION, version=station.session.version, send=station._send,
                                 handlers=build_handlers(station.deps))  # the station reconnects
    await station.call("TransactionEvent", tx_event("Updated", 1, 10, registers(10, 2000)))
    assert (await stored(station)).import_register_max_wh == 7000.0  # built on the store's record, not a stale one
