"""OCPP 1.6 StartTransaction / MeterValues / StopTransaction: integer transactionIds issued by the CSMS, energy
from meterStart, the registers and meterStop (import and export apart, never double counted), and the offline
cases: a repeated StartTransaction after a reconnect, StopTransaction for unknown or stopped transactions,
queued MeterValues and transactionData replayed."""

from __future__ import annotations

from typing import Any

from csms.domain.ids import TransactionId
from csms.handlers.v16.transactions import TX_COUNTER
from csms.services import station_records as sr
from tests.unit.handlers.v16.harness16 import STATION, Station16, at, meter_value


def start(minutes: float = 0, meter_start: int = 1000, connector: int = 1, id_tag: str = "TAG") -> dict[str, Any]:
    return {"connectorId": connector, "idTag": id_tag, "meterStart": meter_start, "timestamp": at(minutes)}


def stop(transaction_id: int, minutes: float, meter_stop: int, **extra: Any) -> dict[str, Any]:
    return {"transactionId": transaction_id, "meterStop": meter_stop, "timestamp": at(minutes), **extra}


async def test_the_csms_issues_integer_transaction_ids_unique_per_station() -> None:
    station = Station16(accept_unknown_tokens=True)
    first = await station.call("StartTransaction", start(0, connector=1))
    second = await station.call("StartTransaction", start(1, connector=2))
    assert (first["transactionId"], second["transactionId"]) == (1, 2)
    assert first["idTagInfo"] == {"status": "Accepted"}
    tx = await station.transaction(2)
    assert tx.transaction_id == "2" and (tx.evse_id, tx.connector_id) == (2, 1) and tx.id_token == "TAG"
    assert tx.started_at is not None and tx.is_open and tx.import_register_first_wh == 1000
    assert station.kinds() == ["transaction.started", "transaction.started"]


async def test_energy_is_meter_stop_minus_meter_start_with_the_samples_between() -> None:
    station = Station16()
    tx_id = (await station.call("StartTransaction", start(0, 1000)))["transactionId"]
    await station.call("MeterValues", {"connectorId": 1, "transactionId": tx_id,
                                       "meterValue": [meter_value(15, 2500, unit="kWh", power_w=7000, soc=55)]})
    tx = await station.transaction(tx_id)
    assert tx.energy_import_wh == 1500 and tx.last_power_w == 7000 and tx.last_soc == 0.55
    answer = await station.call("StopTransaction", stop(tx_id, 30, 4000, reason="EVDisconnected", idTag="TAG"))
    assert answer["idTagInfo"]["status"] == "Invalid"  # TAG is not in the token store
    tx = await station.transaction(tx_id)
    assert not tx.is_open and tx.energy_import_wh == 3000 and tx.energy_export_wh == 0
    assert tx.stopped_reason == "EVDisconnected"
    assert station.kinds() == ["transaction.started", "meter.values", "transaction.ended"]
    assert station.events[-1].data["energy_import_wh"] == 3000


async def test_discharge_is_counted_from_the_export_register_apart_from_import() -> None:
    station = Station16()
    tx_id = (await station.call("StartTransaction", start(0, 1000)))["transactionId"]
    await station.call("MeterValues", {"connectorId": 1, "transactionId": tx_id,
                                       "meterValue": [meter_value(10, 1000, 500, power_w=-6000)]})
    data = [meter_value(10, 1000, 500), meter_value(20, 1000, 2000)]  # the 10-minute sample again
    await station.call("StopTransaction", stop(tx_id, 30, 1000, transactionData=data))
    tx = await station.transaction(tx_id)
    assert tx.energy_import_wh == 0 and tx.energy_export_wh == 1500 and tx.last_power_w == -6000


async def test_a_repeated_start_after_a_reconnect_gets_the_same_id_and_no_second_transaction() -> None:
    station = Station16()
    first = await station.call("StartTransaction", start(0, 1000))
    again = await station.call("StartTransaction", start(0, 1000))
    assert again["transactionId"] == first["transactionId"] == 1
    assert len(await station.store.list_transactions(STATION)) == 1
    assert (await station.transaction(1)).duplicate_events == 1
    other = await station.call("StartTransaction", start(0, 1001))  # another meterStart: another transaction
    assert other["transactionId"] == 2
    assert station.kinds() == ["transaction.started", "transaction.started"]


async def test_stop_for_an_unknown_transaction_is_accepted_and_logged() -> None:
    station = Station16(accept_unknown_tokens=True)
    answer = await station.call("StopTransaction", stop(4711, 30, 5000, idTag="TAG"))
    assert answer == {"idTagInfo": {"status": "Accepted"}}
    [entry] = await station.store.list_station_log(STATION, sr.DROPPED_TX_EVENT)
    assert (entry["transactionId"], entry["reason"]) == ("4711", "unknown transaction")
    assert await station.store.list_transactions(STATION) == []


async def test_a_second_stop_and_late_meter_values_change_nothing() -> None:
    station = Station16()
    tx_id = (await station.call("StartTransaction", start(0, 1000)))["transactionId"]
    await station.call("StopTransaction", stop(tx_id, 30, 4000))
    assert await station.call("StopTransaction", stop(tx_id, 40, 9000)) == {}
    await station.call("MeterValues", {"connectorId": 1, "transactionId": tx_id,
                                       "meterValue": [meter_value(35, 9999)]})
    tx = await station.transaction(tx_id)
    assert tx.energy_import_wh == 3000 and tx.events_after_end == 1 and tx.ended_at is not None
    [entry] = await station.store.list_station_log(STATION, sr.DROPPED_TX_EVENT)
    assert entry["reason"] == "already stopped"


async def test_queued_meter_values_replayed_after_a_reconnect_count_once() -> None:
    station = Station16()
    tx_id = (await station.call("StartTransaction", start(0, 1000)))["transactionId"]
    queued = [meter_value(m, 1000 + 100 * m) for m in (5, 10, 15)]
    for value in queued + queued:  # delivered, then replayed from the station's queue
        await station.call("MeterValues", {"connectorId": 1, "transactionId": tx_id, "meterValue": [value]})
    await station.call("StopTransaction", stop(tx_id, 20, 3000, transactionData=queued))
    tx = await station.transaction(tx_id)
    assert tx.energy_import_wh == 2000
    samples = await station.store.list_meter_samples(STATION, TransactionId(str(tx_id)))
    assert max(s.import_register_wh or 0 for s in samples) == 3000


async def test_a_sample_before_the_start_does_not_count() -> None:
    station = Station16()
    tx_id = (await station.call("StartTransaction", start(10, 5000)))["transactionId"]
    await station.call("MeterValues", {"connectorId": 1, "transactionId": tx_id,
                                       "meterValue": [meter_value(0, 100)]})
    await station.call("StopTransaction", stop(tx_id, 30, 6000))
    assert (await station.transaction(tx_id)).energy_import_wh == 1000


async def test_meter_values_without_a_transaction_id_go_to_the_connectors_open_transaction() -> None:
    station = Station16()
    tx_id = (await station.call("StartTransaction", start(0, 1000, connector=2)))["transactionId"]
    await station.call("MeterValues", {"connectorId": 2, "meterValue": [meter_value(5, 1800)]})
    await station.call("MeterValues", {"connectorId": 1, "meterValue": [meter_value(5, 99_000)]})
    assert (await station.transaction(tx_id)).energy_import_wh == 800
    assert [e.data["transaction_id"] for e in station.events if e.kind == "meter.values"] == [str(tx_id), None]


async def test_a_value_that_is_no_number_is_a_property_constraint_violation() -> None:
    station = Station16()
    tx_id = (await station.call("StartTransaction", start(0, 1000)))["transactionId"]
    bad = {"timestamp": at(5), "sampledValue": [{"value": "12,5"}]}
    code = await station.error_code("MeterValues", {"connectorId": 1, "transactionId": tx_id, "meterValue": [bad]})
    assert code == "PropertyConstraintViolation"
    signed = {"timestamp": at(5), "sampledValue": [{"value": "AbCd==", "format": "SignedData"},
                                                   {"value": "1500"}]}
    await station.call("MeterValues", {"connectorId": 1, "transactionId": tx_id, "meterValue": [signed]})
    assert (await station.transaction(tx_id)).energy_import_wh == 500


async def test_start_on_connector_zero_is_refused() -> None:
    station = Station16()
    assert await station.error_code("StartTransaction", start(connector=0)) == "PropertyConstraintViolation"


async def test_a_lost_counter_never_reuses_the_id_of_a_stored_transaction() -> None:
    station = Station16()
    first = (await station.call("StartTransaction", start(0, 1000)))["transactionId"]
    await station.store.delete_station_doc(STATION, TX_COUNTER, "last")  # e.g. restored from a backup
    second = (await station.call("StartTransaction", start(5, 2000)))["transactionId"]
    assert (first, second) == (1, 2)
    assert (await station.transaction(1)).import_register_first_wh == 1000
