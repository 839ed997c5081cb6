"""TransactionEvent and MeterValues handlers: energy from the import/export registers, never double counted by
duplicates, reordering or late samples; offline flag; seqNo bookkeeping; what they publish."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta

import orjson
import pytest

from csms.domain.ids import StationId, TransactionId
from csms.domain.records import TransactionRecord
from csms.domain.seqnos import SeqNos
from csms.handlers.transactions import _replace_tx
from csms.services import station_records as sr
from csms.services.tariffs import Tariff, put_tariff
from tests.unit.handlers.harness import STATION, T0, Station, at, registers, sampled, tx_event


async def transaction(station: Station, tx_id: str = "TX1") -> TransactionRecord:
    tx = await station.store.get_transaction(STATION, TransactionId(tx_id))
    assert tx is not None
    return tx


async def test_started_event_opens_the_transaction_with_its_start_register() -> None:
    station = Station()
    await station.call("TransactionEvent", tx_event("Started", 0, 0, registers(0, 1000, 0, context="Transaction.Begin"),
                                                    trigger="Authorized", chargingState="Charging"))
    tx = await transaction(station)
    assert tx.is_open and tx.started_at == T0 and tx.evse_id == 1 and tx.connector_id == 1
    assert tx.charging_state == "Charging" and tx.last_trigger_reason == "Authorized"
    assert tx.energy_import_wh == 0 and tx.import_register_min_wh == 1000
    assert station.kinds() == ["transaction.started"]


async def test_duplicate_seq_no_is_acknowledged_and_applied_once() -> None:
    station = Station()
    await station.call("TransactionEvent", tx_event("Started", 0, 0, registers(0, 1000)))
    await station.call("TransactionEvent", tx_event("Updated", 1, 15, registers(15, 2500)))
    # a redelivery of seqNo 1: same seqNo, same content
    assert await station.call("TransactionEvent", tx_event("Updated", 1, 15, registers(15, 2500))) == {}

    tx = await transaction(station)
    assert tx.energy_import_wh == 1500 and tx.duplicate_events == 1
    assert tx.seq_nos == SeqNos.of({0, 1})
    assert len(await station.store.list_meter_samples(STATION, TransactionId("TX1"))) == 2
    assert station.kinds() == ["transaction.started", "transaction.updated"]  # nothing published for the duplicate
    [dropped] = await station.store.list_station_log(STATION, sr.DROPPED_TX_EVENT)
    assert (dropped["seqNo"], dropped["reason"]) == (1, "duplicate")


async def test_a_station_that_always_sends_seq_no_zero_loses_no_data() -> None:
    station = Station()
    await station.call("TransactionEvent", tx_event("Started", 0, 0, registers(0, 1000)))
    for minutes, import_wh in [(15, 2500), (30, 4000)]:
        await station.call("TransactionEvent", tx_event("Updated", 0, minutes, registers(minutes, import_wh)))
    await station.call("TransactionEvent", tx_event("Ended", 0, 45, registers(45, 5000), trigger="StopAuthorized",
                                                    stoppedReason="Local"))
    tx = await transaction(station)
    assert tx.energy_import_wh == 4000 and not tx.is_open and tx.stopped_reason == "Local"
    assert tx.duplicate_events == 0
    assert len(await station.store.list_meter_samples(STATION, TransactionId("TX1"))) == 4


async def test_an_event_after_the_ended_one_changes_no_energy() -> None:
    station = Station()
    await station.call("TransactionEvent", tx_event("Started", 0, 0, registers(0, 1000)))
    await station.call("TransactionEvent", tx_event("Ended", 1, 30, registers(30, 3000), stoppedReason="Local"))
    # one simulator sent an Updated 2-3 ms after the Ended event
    await station.call("TransactionEvent", tx_event("Updated", 2, 30.00005, registers(30.00005, 3958, power_w=7000)))
    tx = await transaction(station)
    assert tx.energy_import_wh == 2000 and tx.events_after_end == 1 and tx.last_power_w is None
    assert tx.seq_nos == SeqNos(((0, 2),))
    assert station.kinds() == ["transaction.started", "transaction.ended"]


async def test_a_meter_register_that_goes_down_is_not_energy() -> None:
    station = Station()
    await station.call("TransactionEvent", tx_event("Started", 0, 0, registers(0, 1000)))
    await station.call("TransactionEvent", tx_event("Ended", 1, 30, registers(30, 0), stoppedReason="Local"))
    assert (await transaction(station)).energy_import_wh == 0


async def test_energy_counts_up_from_the_first_register_even_when_it_arrives_last() -> None:
    station = Station()
    await station.call("TransactionEvent", tx_event("Updated", 1, 15, registers(15, 1200)))
    await station.call("TransactionEvent", tx_event("Updated", 2, 30, registers(30, 900)))  # a register dip
    await station.call("TransactionEvent", tx_event("Started", 0, 0, registers(0, 1000)))
    tx = await transaction(station)
    assert (tx.import_register_first_wh, tx.import_register_first_at) == (1000, T0)
    assert tx.energy_import_wh == 200


async def test_a_record_stored_before_first_registers_were_kept_stays_on_the_spread() -> None:
    station = Station()
    legacy = TransactionRecord(STATION, TransactionId("TX1"), started_at=T0, seq_nos=SeqNos.of({0}),
                               import_register_min_wh=1000, import_register_max_wh=1500)
    await station.store.put_transaction(legacy)
    await station.call("TransactionEvent", tx_event("Updated", 1, 15, registers(15, 2000)))
    assert (await transaction(station)).energy_import_wh == 1000


async def test_updated_events_in_reverse_order_give_the_same_energy_and_keep_the_newest_power() -> None:
    station = Station()
    await station.call("TransactionEvent", tx_event("Started", 0, 0, registers(0, 1000, power_w=7000)))
    for seq_no, minutes, import_wh, power_w in [(3, 45, 4000, 4000), (2, 30, 3000, 5000), (1, 15, 2000, 6000)]:
        await station.call("TransactionEvent", tx_event("Updated", seq_no, minutes,
                                                        registers(minutes, import_wh, power_w=power_w)))
    tx = await transaction(station)
    assert tx.energy_import_wh == 3000
    assert tx.last_power_w == 4000  # from the 01:45 sample, not the 01:15 one that arrived last
    assert tx.updated_at == T0 + timedelta(minutes=45)

    await station.call("TransactionEvent", tx_event("Ended", 4, 60, registers(60, 5000, context="Transaction.End"),
                                                    trigger="EVCommunicationLost", stoppedReason="EVDisconnected"))
    tx = await transaction(station)
    assert not tx.is_open and tx.ended_at == T0 + timedelta(minutes=60)
    assert tx.energy_import_wh == 4000 and tx.stopped_reason == "EVDisconnected"
    assert tx.seq_nos == SeqNos(((0, 4),))


async def test_updated_before_started_keeps_the_earliest_start_and_the_full_energy() -> None:
    station = Station()
    await station.call("TransactionEvent", tx_event("Updated", 1, 30, registers(30, 2000)))
    await station.call("TransactionEvent", tx_event("Started", 0, 0, registers(0, 1000)))
    tx = await transaction(station)
    assert tx.started_at == T0 and tx.energy_import_wh == 1000


async def test_offline_events_are_counted_and_online_ones_are_not() -> None:
    station = Station()
    await station.call("TransactionEvent", tx_event("Started", 0, 0, registers(0, 1000)))
    await station.call("TransactionEvent", tx_event("Updated", 1, 15, registers(15, 1500), offline=True))
    await station.call("TransactionEvent", tx_event("Updated", 2, 30, registers(30, 2000), offline=True))
    await station.call("TransactionEvent", tx_event("Updated", 3, 45, registers(45, 2500)))
    tx = await transaction(station)
    assert tx.offline_events == 2 and tx.energy_import_wh == 1500


async def test_import_and_export_totals_come_from_their_own_registers() -> None:
    station = Station()
    await station.call("TransactionEvent", tx_event("Started", 0, 0, registers(0, 1000, 200)))
    await station.call("TransactionEvent", tx_event("Updated", 1, 15, registers(15, 3000, 200, power_w=8000)))
    await station.call("TransactionEvent", tx_event("Updated", 2, 30, registers(30, 3000, 1700, power_w=-6000)))
    await station.call("TransactionEvent", tx_event("Ended", 3, 45, registers(45, 3500, 1700),
                                                    stoppedReason="Local", trigger="StopAuthorized"))
    tx = await transaction(station)
    assert tx.energy_import_wh == 2500 and tx.energy_export_wh == 1500
    ended = station.events[-1]
    assert ended.kind == "transaction.ended"
    assert ended.data["energy_import_wh"] == 2500 and ended.data["energy_export_wh"] == 1500
    assert ended.data["transaction_id"] == "TX1" and ended.data["evse_id"] == 1


async def test_id_token_in_a_transaction_event_is_answered_with_its_status() -> None:
    station = Station()
    payload = {**tx_event("Started", 0, 0, registers(0, 0)), "idToken": {"idToken": "NOPE", "type": "ISO14443"}}
    assert await station.call("TransactionEvent", payload) == {"idTokenInfo": {"status": "Unknown"}}
    assert (await transaction(station)).id_token == "NOPE"


async def with_out_of_order_session(station: Station) -> None:
    """Started 01:00 at 1000 Wh; Updated events out of order, one delivered twice; ends open at 3000 / 400 Wh."""
    await station.call("TransactionEvent", tx_event("Started", 0, 0, registers(0, 1000, 100)))
    await station.call("TransactionEvent", tx_event("Updated", 2, 30, registers(30, 3000, 400)))
    await station.call("TransactionEvent", tx_event("Updated", 1, 15, registers(15, 2000, 100)))
    await station.call("TransactionEvent", tx_event("Updated", 1, 15, registers(15, 2000, 100)))
    tx = await transaction(station)
    assert (tx.energy_import_wh, tx.energy_export_wh) == (2000, 300)


async def test_late_meter_values_stamped_before_the_start_do_not_change_the_transaction_energy() -> None:
    station = Station()
    await with_out_of_order_session(station)
    await station.call("MeterValues", {"evseId": 1, "meterValue": [registers(-30, 500, 10, power_w=3000)]})

    tx = await transaction(station)
    assert (tx.energy_import_wh, tx.energy_export_wh) == (2000, 300)
    history = await station.store.list_meter_samples(STATION, TransactionId("TX1"))
    assert all(sample.measured_at >= T0 for sample in history)
    published = station.events[-1]
    assert published.kind == "meter.values" and published.at == T0 - timedelta(minutes=30)
    # reported, but not as the live power of the session now open on that EVSE
    assert published.data == {"evse_id": 1, "transaction_id": None, "power_w": None, "soc": None, "soc_at": None}


async def test_meter_values_mixing_a_pre_start_and_an_in_session_sample_count_only_the_in_session_one() -> None:
    station = Station()
    await with_out_of_order_session(station)
    await station.call("MeterValues", {"evseId": 1, "meterValue": [registers(-5, 900, 50),
                                                                   registers(40, 3600, 400, power_w=7000)]})
    tx = await transaction(station)
    assert (tx.energy_import_wh, tx.energy_export_wh) == (2600, 300)
    assert tx.last_power_w == 7000
    assert station.events[-1].data == {"evse_id": 1, "transaction_id": "TX1", "power_w": 7000, "soc": None,
                                       "soc_at": None}


async def test_meter_values_after_the_transaction_ended_do_not_change_it() -> None:
    station = Station()
    await with_out_of_order_session(station)
    await station.call("TransactionEvent", tx_event("Ended", 3, 45, registers(45, 3500, 400),
                                                    stoppedReason="EVDisconnected", trigger="EVCommunicationLost"))
    await station.call("MeterValues", {"evseId": 1, "meterValue": [registers(50, 9000, 900, power_w=2000)]})
    tx = await transaction(station)
    assert (tx.energy_import_wh, tx.energy_export_wh) == (2500, 300)
    assert station.events[-1].data == {"evse_id": 1, "transaction_id": None, "power_w": 2000, "soc": None,
                                       "soc_at": None}


async def test_meter_values_go_to_the_session_open_at_their_time_when_an_older_one_was_never_ended() -> None:
    station = Station()
    await station.call("TransactionEvent", tx_event("Started", 0, 0, registers(0, 1000), tx_id="OLD"))
    await station.call("TransactionEvent", tx_event("Started", 0, 60, registers(60, 5000), tx_id="NEW"))
    await station.call("MeterValues", {"evseId": 1, "meterValue": [registers(30, 3000), registers(90, 6000)]})
    assert (await transaction(station, "OLD")).energy_import_wh == 2000
    assert (await transaction(station, "NEW")).energy_import_wh == 1000


async def test_meter_values_on_evse_zero_never_touch_a_transaction() -> None:
    station = Station()
    await with_out_of_order_session(station)
    await station.call("MeterValues", {"evseId": 0, "meterValue": [registers(40, 50_000)]})
    assert (await transaction(station)).energy_import_wh == 2000


@pytest.mark.parametrize(
    ("energy", "power", "expected_wh", "expected_w"),
    [
        (sampled("Energy.Active.Import.Register", 3.5, "kWh"), sampled("Power.Active.Import", 7.4, "kW"), 3500, 7400),
        (sampled("Energy.Active.Import.Register", 35, "Wh", 2), sampled("Power.Active.Import", 74, "W", 2),
         3500, 7400),
        (sampled("Energy.Active.Import.Register", 35, "kWh", -1), sampled("Power.Active.Export", 0.5, "kW", 1),
         3500, -5000),
        (sampled("Energy.Active.Import.Register", 3500), sampled("Power.Active.Export", 2000), 3500, -2000),
    ],
    ids=["kWh-kW", "Wh-W-multiplier-2", "kWh-multiplier-minus-1-and-export-kW-multiplier-1", "defaults-Wh-W"],
)
async def test_meter_values_scale_units_and_multipliers_and_read_soc(
    energy: dict[str, object], power: dict[str, object], expected_wh: float, expected_w: float
) -> None:
    station = Station()
    await station.call("TransactionEvent", tx_event("Started", 0, 0, registers(0, 1000)))
    soc = sampled("SoC", 62.5, "Percent")
    per_phase = {**sampled("Power.Active.Import", 99_000, "W"), "phase": "L1"}  # a phase value is not a total
    await station.call("MeterValues", {"evseId": 1, "meterValue": [
        {"timestamp": at(10), "sampledValue": [energy, power, soc, per_phase]}]})

    tx = await transaction(station)
    assert tx.import_register_max_wh == pytest.approx(expected_wh)
    assert tx.energy_import_wh == pytest.approx(expected_wh - 1000)
    assert tx.last_power_w == pytest.approx(expected_w) and tx.last_soc == pytest.approx(0.625)
    [history_sample] = [s for s in await station.store.list_meter_samples(STATION, TransactionId("TX1"))
                        if s.measured_at == T0 + timedelta(minutes=10)]
    assert history_sample.import_register_wh == pytest.approx(expected_wh)
    published = station.events[-1]
    assert published.kind == "meter.values"
    assert published.data["power_w"] == pytest.approx(expected_w) and published.data["soc"] == pytest.approx(0.625)


async def test_meter_values_without_a_transaction_are_published_as_live_values() -> None:
    station = Station()
    assert await station.call("MeterValues", {"evseId": 2, "meterValue": [
        {"timestamp": at(5), "sampledValue": [sampled("SoC", 40, "Percent"),
                                              sampled("Power.Active.Import", 11, "kW")]}]}) == {}
    assert await station.store.list_transactions(STATION) == []
    published = station.events[-1]
    assert published.kind == "meter.values" and published.station_id == STATION
    assert published.data == {"evse_id": 2, "transaction_id": None, "power_w": 11000, "soc": 0.4,
                              "soc_at": published.at}


async def test_the_soc_keeps_the_time_it_was_measured_when_later_events_carry_none() -> None:
    station = Station()
    with_soc = registers(10, 2000)
    with_soc["sampledValue"].append(sampled("SoC", 55, "Percent"))
    await station.call("TransactionEvent", tx_event("Started", 0, 0, registers(0, 1000)))
    await station.call("TransactionEvent", tx_event("Updated", 1, 10, with_soc))
    await station.call("TransactionEvent", tx_event("Updated", 2, 40, registers(40, 3000)))

    tx = await transaction(station)
    assert (tx.last_soc, tx.last_soc_at, tx.updated_at) == (0.55, T0 + timedelta(minutes=10),
                                                           T0 + timedelta(minutes=40))
    published = station.events[-1]
    assert (published.data["soc"], published.data["soc_at"]) == (0.55, T0 + timedelta(minutes=10))


async def _answer_next_call(station: Station, action: str, result: dict[str, object]) -> dict[str, object]:
    """Wait (without wall-clock sleeps) for the CSMS's next CALL, check its action, answer it; return its payload."""
    for _ in range(100):
        if station.sent:
            break
        await asyncio.sleep(0)
    message = station.sent.pop(0)
    assert message[0] == 2 and message[2] == action, message
    await station.session.feed(orjson.dumps([3, message[1], result]).decode())
    for _ in range(10):
        await asyncio.sleep(0)
    payload: dict[str, object] = message[3]
    return payload


async def test_an_offline_ended_event_with_a_gap_asks_get_transaction_status_and_logs_the_loss() -> None:
    station = Station()
    await station.call("TransactionEvent", tx_event("Started", 0, 0, registers(0, 1000)))
    await station.call("TransactionEvent", tx_event("Updated", 1, 15, registers(15, 2000)))
    await station.call("TransactionEvent", tx_event("Ended", 4, 60, registers(60, 5000), offline=True,
                                                    stoppedReason="Local"))
    asked = await _answer_next_call(station, "GetTransactionStatus", {"messagesInQueue": False})
    assert asked == {"transactionId": "TX1"}
    [entry] = await station.store.list_station_log(STATION, sr.DROPPED_TX_EVENT)
    assert entry["missingSeqNos"] == [2, 3] and entry["messagesInQueue"] is False
    assert (await transaction(station)).energy_import_wh == 4000


async def test_an_ended_event_without_a_gap_asks_nothing() -> None:
    station = Station()
    await station.call("TransactionEvent", tx_event("Started", 0, 0, registers(0, 1000)))
    await station.call("TransactionEvent", tx_event("Ended", 1, 60, registers(60, 5000), stoppedReason="Local"))
    for _ in range(10):
        await asyncio.sleep(0)
    assert station.sent == []


async def test_the_remote_start_token_is_kept_when_the_station_omits_it() -> None:
    station = Station()
    await station.store.put_station_doc(STATION, sr.REMOTE_START, "77",
                                        {"idToken": {"idToken": "DRIVER-7", "type": "Central"}})
    await station.call("TransactionEvent", tx_event("Started", 0, 0, registers(0, 1000), trigger="RemoteStart",
                                                    remoteStartId=77))
    tx = await transaction(station)
    assert (tx.id_token, tx.id_token_type, tx.remote_start_id) == ("DRIVER-7", "Central", 77)


async def test_with_a_tariff_the_ended_answer_has_the_total_cost_and_growth_sends_cost_updated() -> None:
    station = Station()
    await put_tariff(station.store, STATION, Tariff("EUR", price_per_kwh=0.30, price_per_hour=1.0,
                                                               session_fee=0.5))
    await station.call("TransactionEvent", tx_event("Started", 0, 0, registers(0, 1000)))
    await station.call("TransactionEvent", tx_event("Updated", 1, 30, registers(30, 3000)))
    sent = await _answer_next_call(station, "CostUpdated", {})
    assert sent == {"totalCost": 0.5 + 2 * 0.30 + 0.5 * 1.0, "transactionId": "TX1"}
    reply = await station.call("TransactionEvent", tx_event("Ended", 2, 60, registers(60, 5000),
                                                            stoppedReason="Local"))
    assert reply == {"totalCost": 0.5 + 4 * 0.30 + 1.0}


async def test_without_a_tariff_no_cost_is_sent() -> None:
    station = Station()
    await station.call("TransactionEvent", tx_event("Started", 0, 0, registers(0, 1000)))
    await station.call("TransactionEvent", tx_event("Updated", 1, 30, registers(30, 3000)))
    assert await station.call("TransactionEvent", tx_event("Ended", 2, 60, registers(60, 5000))) == {}
    for _ in range(10):
        await asyncio.sleep(0)
    assert station.sent == []


async def test_a_station_counting_seq_nos_per_station_is_not_asked_for_its_transaction_status() -> None:
    station = Station()
    await station.call("TransactionEvent", tx_event("Started", 40, 0, registers(0, 1000)))
    await station.call("TransactionEvent", tx_event("Ended", 41, 60, registers(60, 5000), stoppedReason="Local"))
    for _ in range(10):
        await asyncio.sleep(0)
    assert station.sent == []


def test_the_generated_record_copy_is_dataclasses_replace() -> None:
    """`_replace_tx` (the TransactionEvent hot path's copy) gives what `dataclasses.replace` gives, for every field
    changed at once and for none."""
    tx = TransactionRecord(station_id=StationId("S-1"), transaction_id=TransactionId("T-1"), evse_id=1,
                           started_at=T0, seq_nos=SeqNos.of([0, 1]), import_register_min_wh=10.0)
    every = {f.name: getattr(TransactionRecord(station_id=StationId("S-2"), transaction_id=TransactionId("T-2"),
                                               evse_id=2, connector_id=1, id_token="tok", started_at=T0,
                                               ended_at=T0 + timedelta(hours=1), updated_at=T0,
                                               seq_nos=SeqNos.of([5]), offline_events=3, last_power_w=-7.5,
                                               recent_event_digests="ab cd", duplicate_events=2), f.name)
             for f in dataclasses.fields(TransactionRecord)}
    assert _replace_tx(tx, every) == dataclasses.replace(tx, **every)
    assert _replace_tx(tx, {}) == tx
    assert _replace_tx(tx, {"last_soc": 0.5}) == dataclasses.replace(tx, last_soc=0.5)
