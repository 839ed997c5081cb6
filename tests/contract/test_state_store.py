"""The StateStore contract (csms/store/base.py), run against every implementation: MemoryStore and RedisStore
on a real redis-server. Tests at the end are Redis-only (persistence across instances, key schema, errors)."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, TypeVar, cast

import pytest
from redis.asyncio import Redis

from csms.domain.ids import IdTokenValue, StationId, TransactionId
from csms.domain.records import (
    BootPolicy,
    ChargingNeedsRecord,
    ConnectorStatusRecord,
    CredentialRecord,
    MeterSample,
    StationRecord,
    TokenRecord,
    TokenStatus,
    TransactionRecord,
    VariableRecord,
)
from csms.domain.seqnos import SeqNos
from csms.store.base import StateStore
from csms.store.errors import RecordRejected, StoreError, StoreUnavailable
from csms.store.memory import MemoryStore
from csms.store.redis import RedisStore
from tests.fixtures.redis_server import StoreFactory, delete_prefix

R = TypeVar("R")
T0 = datetime(2025, 6, 1, 8, 0, tzinfo=UTC)
S1, S2 = StationId("CP-001"), StationId("CP-002")
TX1, TX2, TX3 = TransactionId("tx-1"), TransactionId("tx-2"), TransactionId("tx-3")


def _typecheck_protocol(memory: MemoryStore, redis: RedisStore) -> tuple[StateStore, StateStore]:
    return memory, redis  # mypy: both implementations satisfy the protocol


@pytest.fixture(params=["memory", "redis"])
def store_factory(request: pytest.FixtureRequest) -> StoreFactory:
    return cast(StoreFactory, request.getfixturevalue(f"{request.param}_store_factory"))


@pytest.fixture
def store(store_factory: StoreFactory) -> StateStore:
    return store_factory()


def station(station_id: StationId = S1, **changes: object) -> StationRecord:
    record = StationRecord(
        station_id=station_id, vendor="Acme", model="V2G-22", serial_number="SN1", firmware_version="1.2.3",
        ocpp_version="ocpp2.0.1", boot_policy=BootPolicy.PENDING, registration_status="Pending",
        last_boot_at=T0, last_seen_at=T0 + timedelta(seconds=1.5), connected=True, node_id="node-a",
    )
    return _replace(record, changes)


def tx(
    station_id: StationId = S1, transaction_id: TransactionId = TX1, *, ended: bool = False, **changes: object
) -> TransactionRecord:
    record = TransactionRecord(
        station_id=station_id, transaction_id=transaction_id, evse_id=1, connector_id=1, id_token="TOKEN1",
        started_at=T0, ended_at=T0 + timedelta(hours=2) if ended else None, updated_at=T0 + timedelta(minutes=5),
        charging_state="Charging", stopped_reason="EVDisconnected" if ended else "",
        last_trigger_reason="MeterValuePeriodic",
        seq_nos=SeqNos.of({0, 1, 2, 7}), offline_events=1, import_register_min_wh=1000.0,
        import_register_max_wh=5500.25, export_register_min_wh=200.0, export_register_max_wh=950.5,
        last_power_w=-7400.0, last_soc=0.625,
    )
    return _replace(record, changes)


def sample(i: int) -> MeterSample:
    return MeterSample(
        measured_at=T0 + timedelta(seconds=10 * i), import_register_wh=1000.0 + i, export_register_wh=float(i),
        power_w=-3000.0 + i, soc=0.5, context="Sample.Periodic",
    )


def needs(station_id: StationId = S1, evse_id: int = 1, **changes: object) -> ChargingNeedsRecord:
    record = ChargingNeedsRecord(
        station_id=station_id, evse_id=evse_id, received_at=T0, departure_at=T0 + timedelta(hours=8),
        energy_request_wh=30_000.0, target_soc=0.8, min_soc=0.3, ev_capacity_wh=60_000.0,
        max_charge_power_w=11_000.0, max_discharge_power_w=7_400.0, discharge_allowed=True, control_mode="Dynamic",
        min_charge_power_w=1_400.0, min_discharge_power_w=1_000.0, energy_min_request_wh=-6_000.0,
        energy_max_request_wh=36_000.0, v2x_min_energy_request_wh=-12_500.5, v2x_max_energy_request_wh=18_000.0,
        soc_at_received=0.4,
    )
    return _replace(record, changes)


def variable(
    variable_name: str, value: str, *, evse_id: int | None = None, attribute_type: str = "Actual"
) -> VariableRecord:
    return VariableRecord(
        component="EVSE" if evse_id is not None else "OCPPCommCtrlr", variable=variable_name, value=value,
        attribute_type=attribute_type, evse_id=evse_id, mutability="ReadWrite", data_type="integer",
    )


def connector(station_id: StationId, evse_id: int, connector_id: int, status: str) -> ConnectorStatusRecord:
    return ConnectorStatusRecord(station_id, evse_id, connector_id, status, T0 + timedelta(seconds=evse_id))


def _replace(record: R, changes: dict[str, object]) -> R:
    return dataclasses.replace(record, **changes)  # type: ignore[type-var]


# stations


async def test_put_then_get_station_returns_an_equal_record(store: StateStore) -> None:
    await store.put_station(station())
    assert await store.get_station(S1) == station()


async def test_put_station_replaces_the_previous_record(store: StateStore) -> None:
    await store.put_station(station())
    await store.put_station(station(connected=False, boot_policy=None))
    assert await store.get_station(S1) == station(connected=False, boot_policy=None)
    assert await store.list_stations() == [station(connected=False, boot_policy=None)]


async def test_list_stations_returns_every_station_sorted_by_id(store: StateStore) -> None:
    for sid in ("CP-b", "CP-a", "CP-c"):
        await store.put_station(station(StationId(sid)))
    assert [s.station_id for s in await store.list_stations()] == ["CP-a", "CP-b", "CP-c"]


async def test_delete_station_forgets_station_connectors_variables_credential_and_needs(store: StateStore) -> None:
    await store.put_station(station())
    await store.put_connector_status(connector(S1, 1, 1, "Occupied"))
    await store.put_variables(S1, [variable("HeartbeatInterval", "60")])
    await store.put_credential(CredentialRecord(S1, "hash", T0))
    await store.put_charging_needs(needs())

    await store.delete_station(S1)

    assert await store.get_station(S1) is None
    assert await store.list_stations() == []
    assert await store.list_connector_statuses(S1) == []
    assert await store.list_variables(S1) == []
    assert await store.get_credential(S1) is None
    assert await store.get_charging_needs(S1, 1) is None


async def test_delete_station_keeps_its_transactions_and_meter_samples(store: StateStore) -> None:
    await store.put_station(station())
    await store.put_transaction(tx(S1, TX1))
    await store.append_meter_samples(S1, TX1, [sample(0)])

    await store.delete_station(S1)

    assert await store.get_transaction(S1, TX1) == tx(S1, TX1)
    assert await store.list_transactions(open_only=True) == [tx(S1, TX1)]
    assert await store.list_meter_samples(S1, TX1) == [sample(0)]


async def test_delete_station_leaves_other_stations_and_tokens_untouched(store: StateStore) -> None:
    for sid in (S1, S2):
        await store.put_station(station(sid))
        await store.put_connector_status(connector(sid, 1, 1, "Available"))
        await store.put_credential(CredentialRecord(sid, "hash-" + sid, T0))
    await store.put_token(TokenRecord(IdTokenValue("TOK")))

    await store.delete_station(S1)

    assert await store.list_stations() == [station(S2)]
    assert await store.list_connector_statuses(S2) == [connector(S2, 1, 1, "Available")]
    assert await store.get_credential(S2) == CredentialRecord(S2, "hash-" + S2, T0)
    assert await store.get_token("TOK") == TokenRecord(IdTokenValue("TOK"))


async def test_delete_of_an_unknown_station_is_a_no_op(store: StateStore) -> None:
    await store.delete_station(StationId("nobody"))
    assert await store.list_stations() == []


# connectors


async def test_connector_status_is_replaced_per_evse_and_connector_and_listed_in_order(store: StateStore) -> None:
    await store.put_connector_status(connector(S1, 2, 1, "Available"))
    await store.put_connector_status(connector(S1, 1, 2, "Available"))
    await store.put_connector_status(connector(S1, 1, 1, "Available"))
    await store.put_connector_status(connector(S1, 1, 1, "Occupied"))
    await store.put_connector_status(connector(S2, 1, 1, "Faulted"))

    assert await store.list_connector_statuses(S1) == [
        connector(S1, 1, 1, "Occupied"), connector(S1, 1, 2, "Available"), connector(S1, 2, 1, "Available"),
    ]
    assert await store.list_connector_statuses(S2) == [connector(S2, 1, 1, "Faulted")]


# device model


async def test_put_variables_upserts_by_key_and_keeps_the_others(store: StateStore) -> None:
    await store.put_variables(S1, [variable("HeartbeatInterval", "60"), variable("OfflineThreshold", "30")])
    await store.put_variables(
        S1,
        [
            variable("HeartbeatInterval", "300"),  # same key: replaced
            variable("HeartbeatInterval", "600", attribute_type="Target"),  # other attribute: new key
            variable("Power", "22000", evse_id=1),  # other evse: new key
        ],
    )
    expected = {
        v.key(): v
        for v in (
            variable("HeartbeatInterval", "300"), variable("OfflineThreshold", "30"),
            variable("HeartbeatInterval", "600", attribute_type="Target"), variable("Power", "22000", evse_id=1),
        )
    }
    assert await store.list_variables(S1) == [expected[k] for k in sorted(expected)]


async def test_put_variables_with_no_variables_changes_nothing(store: StateStore) -> None:
    await store.put_variables(S1, [variable("HeartbeatInterval", "60")])
    await store.put_variables(S1, [])
    assert await store.list_variables(S1) == [variable("HeartbeatInterval", "60")]


async def test_variables_are_kept_per_station(store: StateStore) -> None:
    await store.put_variables(S1, [variable("HeartbeatInterval", "60")])
    await store.put_variables(S2, [variable("HeartbeatInterval", "90")])
    assert await store.list_variables(S1) == [variable("HeartbeatInterval", "60")]
    assert await store.list_variables(S2) == [variable("HeartbeatInterval", "90")]


# tokens


async def test_tokens_are_put_replaced_listed_by_id_and_deleted(store: StateStore) -> None:
    blocked = TokenRecord(IdTokenValue("B"), "eMAID", TokenStatus.BLOCKED, T0 + timedelta(days=30), "fleet-1")
    await store.put_token(TokenRecord(IdTokenValue("B")))
    await store.put_token(blocked)
    await store.put_token(TokenRecord(IdTokenValue("A")))

    assert await store.get_token("B") == blocked
    assert await store.list_tokens() == [TokenRecord(IdTokenValue("A")), blocked]
    assert await store.delete_token("B") is True
    assert await store.delete_token("B") is False
    assert await store.get_token("B") is None
    assert await store.list_tokens() == [TokenRecord(IdTokenValue("A"))]


# credentials


async def test_credential_is_put_replaced_and_deleted_once(store: StateStore) -> None:
    await store.put_credential(CredentialRecord(S1, "old-hash", T0))
    await store.put_credential(CredentialRecord(S1, "new-hash", T0 + timedelta(days=1)))

    assert await store.get_credential(S1) == CredentialRecord(S1, "new-hash", T0 + timedelta(days=1))
    assert await store.delete_credential(S1) is True
    assert await store.delete_credential(S1) is False
    assert await store.get_credential(S1) is None


# transactions


async def test_put_then_get_transaction_returns_an_equal_record(store: StateStore) -> None:
    await store.put_transaction(tx())
    got = await store.get_transaction(S1, TX1)
    assert got == tx()
    assert got is not None and got.energy_import_wh == 4500.25 and got.energy_export_wh == 750.5


async def test_put_transaction_replaces_the_previous_record(store: StateStore) -> None:
    await store.put_transaction(tx())
    await store.put_transaction(tx(import_register_max_wh=9000.0, seq_nos=SeqNos.of({0, 1, 2, 3, 7})))
    assert await store.get_transaction(S1, TX1) == tx(import_register_max_wh=9000.0, seq_nos=SeqNos.of({0, 1, 2, 3, 7}))
    assert await store.list_transactions() == [tx(import_register_max_wh=9000.0, seq_nos=SeqNos.of({0, 1, 2, 3, 7}))]


async def test_the_same_transaction_id_on_two_stations_is_two_transactions(store: StateStore) -> None:
    await store.put_transaction(tx(S1, TX1, id_token="one"))
    await store.put_transaction(tx(S2, TX1, id_token="two"))
    assert await store.get_transaction(S1, TX1) == tx(S1, TX1, id_token="one")
    assert await store.get_transaction(S2, TX1) == tx(S2, TX1, id_token="two")
    assert await store.get_transaction(S2, TX2) is None


async def test_list_transactions_filters_by_station_and_sorts_by_station_then_id(store: StateStore) -> None:
    await store.put_transaction(tx(S2, TX1))
    await store.put_transaction(tx(S1, TX2, ended=True))
    await store.put_transaction(tx(S1, TX1))

    assert await store.list_transactions() == [tx(S1, TX1), tx(S1, TX2, ended=True), tx(S2, TX1)]
    assert await store.list_transactions(S1) == [tx(S1, TX1), tx(S1, TX2, ended=True)]
    assert await store.list_transactions(S2) == [tx(S2, TX1)]
    assert await store.list_transactions(StationId("nobody")) == []


async def test_open_only_lists_open_transactions_filtered_by_station(store: StateStore) -> None:
    await store.put_transaction(tx(S1, TX1))
    await store.put_transaction(tx(S1, TX2, ended=True))
    await store.put_transaction(tx(S1, TX3))
    await store.put_transaction(tx(S2, TX1))
    await store.put_transaction(tx(S2, TX2, ended=True))

    assert await store.list_transactions(open_only=True) == [tx(S1, TX1), tx(S1, TX3), tx(S2, TX1)]
    assert await store.list_transactions(S1, open_only=True) == [tx(S1, TX1), tx(S1, TX3)]
    assert await store.list_transactions(S2, open_only=True) == [tx(S2, TX1)]
    assert await store.list_transactions(StationId("nobody"), open_only=True) == []


async def test_ending_a_transaction_removes_it_from_the_open_listing_only(store: StateStore) -> None:
    await store.put_transaction(tx(S1, TX1))
    await store.put_transaction(tx(S1, TX1, ended=True))

    assert await store.list_transactions(open_only=True) == []
    assert await store.list_transactions(S1, open_only=True) == []
    assert await store.list_transactions(S1) == [tx(S1, TX1, ended=True)]


# meter samples


async def test_meter_samples_come_back_oldest_first_across_appends(store: StateStore) -> None:
    await store.append_meter_samples(S1, TX1, [sample(0), sample(1)])
    await store.append_meter_samples(S1, TX1, [sample(2)])
    await store.append_meter_samples(S1, TX1, [sample(3), sample(4)])
    assert await store.list_meter_samples(S1, TX1) == [sample(i) for i in range(5)]


async def test_meter_samples_keep_only_the_newest_max_samples(store_factory: StoreFactory) -> None:
    store = store_factory(max_samples=3)
    for i in range(5):
        await store.append_meter_samples(S1, TX1, [sample(i)])
    assert await store.list_meter_samples(S1, TX1) == [sample(2), sample(3), sample(4)]


async def test_one_append_larger_than_the_bound_keeps_its_newest_samples(store_factory: StoreFactory) -> None:
    store = store_factory(max_samples=3)
    await store.append_meter_samples(S1, TX1, [sample(i) for i in range(7)])
    assert await store.list_meter_samples(S1, TX1) == [sample(4), sample(5), sample(6)]


async def test_meter_samples_are_kept_per_station_and_transaction(store: StateStore) -> None:
    await store.append_meter_samples(S1, TX1, [sample(1)])
    await store.append_meter_samples(S1, TX2, [sample(2)])
    await store.append_meter_samples(S2, TX1, [sample(3)])
    assert await store.list_meter_samples(S1, TX1) == [sample(1)]
    assert await store.list_meter_samples(S1, TX2) == [sample(2)]
    assert await store.list_meter_samples(S2, TX1) == [sample(3)]


async def test_appending_no_samples_changes_nothing(store: StateStore) -> None:
    await store.append_meter_samples(S1, TX1, [])
    assert await store.list_meter_samples(S1, TX1) == []
    await store.append_meter_samples(S1, TX1, [sample(0)])
    await store.append_meter_samples(S1, TX1, [])
    assert await store.list_meter_samples(S1, TX1) == [sample(0)]


async def test_meter_sample_with_only_a_timestamp_round_trips(store: StateStore) -> None:
    bare = MeterSample(measured_at=T0)
    await store.append_meter_samples(S1, TX1, [bare])
    assert await store.list_meter_samples(S1, TX1) == [bare]


# charging needs


async def test_charging_needs_are_put_replaced_and_deleted_per_evse(store: StateStore) -> None:
    await store.put_charging_needs(needs(S1, 1))
    await store.put_charging_needs(needs(S1, 2, discharge_allowed=False, max_discharge_power_w=None))
    await store.put_charging_needs(needs(S1, 1, energy_request_wh=12_000.0))
    await store.put_charging_needs(needs(S1, 3, energy_min_request_wh=None, soc_at_received=None,
                                         v2x_min_energy_request_wh=2_000.0))

    assert await store.get_charging_needs(S1, 1) == needs(S1, 1, energy_request_wh=12_000.0)
    assert await store.get_charging_needs(S1, 2) == needs(S1, 2, discharge_allowed=False, max_discharge_power_w=None)
    # the 2.1 fields round-trip, negative, positive and None alike
    assert await store.get_charging_needs(S1, 3) == needs(S1, 3, energy_min_request_wh=None, soc_at_received=None,
                                                          v2x_min_energy_request_wh=2_000.0)
    stored = await store.get_charging_needs(S1, 2)
    assert stored is not None and (stored.energy_min_request_wh, stored.v2x_min_energy_request_wh,
                                   stored.min_discharge_power_w, stored.soc_at_received) == (-6_000.0, -12_500.5,
                                                                                             1_000.0, 0.4)
    await store.delete_charging_needs(S1, 1)
    await store.delete_charging_needs(S1, 9)  # unknown: no error
    assert await store.get_charging_needs(S1, 1) is None
    assert await store.get_charging_needs(S1, 2) is not None


# unknowns, validation, concurrency, lifecycle


async def test_every_get_of_something_unknown_returns_none_and_every_list_is_empty(store: StateStore) -> None:
    nobody = StationId("nobody")
    assert await store.get_station(nobody) is None
    assert await store.get_token("nothing") is None
    assert await store.get_credential(nobody) is None
    assert await store.get_transaction(nobody, TX1) is None
    assert await store.get_charging_needs(nobody, 1) is None
    assert await store.list_stations() == []
    assert await store.list_tokens() == []
    assert await store.list_transactions() == []
    assert await store.list_transactions(open_only=True) == []
    assert await store.list_connector_statuses(nobody) == []
    assert await store.list_variables(nobody) == []
    assert await store.list_meter_samples(nobody, TX1) == []


async def test_records_that_cannot_round_trip_are_rejected_and_not_stored(store: StateStore) -> None:
    naive = datetime(2025, 6, 1, 8, 0)
    with pytest.raises(RecordRejected, match="naive"):
        await store.put_station(station(last_seen_at=naive))
    with pytest.raises(RecordRejected, match="non-finite"):
        await store.append_meter_samples(S1, TX1, [sample(0), MeterSample(T0, power_w=float("nan"))])
    with pytest.raises(RecordRejected, match="64 bits"):
        await store.put_transaction(tx(seq_nos=SeqNos.of({2**70})))
    assert await store.get_station(S1) is None
    assert await store.list_meter_samples(S1, TX1) == []
    assert await store.get_transaction(S1, TX1) is None


async def test_non_utc_datetimes_are_stored_as_the_same_instant(store: StateStore) -> None:
    cest = T0.astimezone(timezone(timedelta(hours=2)))
    await store.put_credential(CredentialRecord(S1, "hash", cest))
    got = await store.get_credential(S1)
    assert got is not None and got.created_at == T0


async def test_concurrent_writes_for_different_stations_all_land(store: StateStore) -> None:
    station_ids = [StationId(f"CP-{i:03d}") for i in range(40)]

    async def station_session(sid: StationId) -> None:
        await store.put_station(station(sid))
        await store.put_connector_status(connector(sid, 1, 1, "Occupied"))
        await store.put_variables(sid, [variable("HeartbeatInterval", sid)])
        await store.put_transaction(tx(sid, TX1))
        await store.append_meter_samples(sid, TX1, [sample(0)])
        await store.append_meter_samples(sid, TX1, [sample(1)])
        await store.put_charging_needs(needs(sid))

    await asyncio.gather(*(station_session(sid) for sid in station_ids))

    assert await store.list_stations() == [station(sid) for sid in station_ids]
    assert await store.list_transactions(open_only=True) == [tx(sid, TX1) for sid in station_ids]
    for sid in station_ids:
        assert await store.list_connector_statuses(sid) == [connector(sid, 1, 1, "Occupied")]
        assert await store.list_variables(sid) == [variable("HeartbeatInterval", sid)]
        assert await store.list_meter_samples(sid, TX1) == [sample(0), sample(1)]
        assert await store.get_charging_needs(sid, 1) == needs(sid)


async def test_concurrent_appends_to_one_transaction_all_land(store: StateStore) -> None:
    await asyncio.gather(*(store.append_meter_samples(S1, TX1, [sample(i)]) for i in range(50)))
    got = await store.list_meter_samples(S1, TX1)
    assert sorted(got, key=lambda s: s.measured_at) == [sample(i) for i in range(50)]


async def test_ping_answers_true_while_the_store_is_up(store: StateStore) -> None:
    assert await store.ping() is True


# Redis only


async def test_a_second_redis_store_on_the_same_url_and_prefix_sees_everything_the_first_wrote(
    redis_store_factory: StoreFactory,
) -> None:
    """What makes a CSMS restart lose nothing: a new process on the same Redis finds every record."""
    first = redis_store_factory()
    await first.put_station(station())
    await first.put_connector_status(connector(S1, 1, 1, "Occupied"))
    await first.put_variables(S1, [variable("HeartbeatInterval", "60")])
    await first.put_token(TokenRecord(IdTokenValue("TOK"), status=TokenStatus.EXPIRED))
    await first.put_credential(CredentialRecord(S1, "hash", T0))
    await first.put_transaction(tx(S1, TX1))
    await first.put_transaction(tx(S1, TX2, ended=True))
    await first.append_meter_samples(S1, TX1, [sample(0), sample(1)])
    await first.put_charging_needs(needs())
    await first.close()

    second = redis_store_factory()
    assert await second.list_stations() == [station()]
    assert await second.list_connector_statuses(S1) == [connector(S1, 1, 1, "Occupied")]
    assert await second.list_variables(S1) == [variable("HeartbeatInterval", "60")]
    assert await second.list_tokens() == [TokenRecord(IdTokenValue("TOK"), status=TokenStatus.EXPIRED)]
    assert await second.get_credential(S1) == CredentialRecord(S1, "hash", T0)
    assert await second.list_transactions(open_only=True) == [tx(S1, TX1)]
    assert await second.list_transactions(S1) == [tx(S1, TX1), tx(S1, TX2, ended=True)]
    assert await second.list_meter_samples(S1, TX1) == [sample(0), sample(1)]
    assert await second.get_charging_needs(S1, 1) == needs()


async def test_redis_stores_with_different_prefixes_do_not_see_each_other(redis_url: str) -> None:
    prefix_a, prefix_b = (f"csmstest-{uuid.uuid4().hex[:12]}" for _ in "ab")
    a = RedisStore.from_url(redis_url, prefix=prefix_a)
    b = RedisStore.from_url(redis_url, prefix=prefix_b)
    try:
        await a.put_station(station())
        await a.put_transaction(tx())
        assert await b.list_stations() == []
        assert await b.list_transactions() == []
    finally:
        await delete_prefix(redis_url, prefix_a)
        await a.close()
        await b.close()


async def test_every_redis_key_carries_the_prefix_and_station_keys_carry_the_station_hash_tag(
    redis_url: str, redis_store_factory: StoreFactory
) -> None:
    store = cast(RedisStore, redis_store_factory())
    await store.put_station(station())
    await store.put_connector_status(connector(S1, 1, 1, "Occupied"))
    await store.put_transaction(tx())
    await store.append_meter_samples(S1, TX1, [sample(0)])
    await store.put_token(TokenRecord(IdTokenValue("TOK")))

    keys = await _keys(redis_url, store.keys.match_all())
    prefix = store.keys.prefix + ":"
    assert keys and all(k.startswith(prefix) for k in keys)
    global_keys = {store.keys.tokens, store.keys.stations_index, store.keys.open_transactions_index,
                   store.keys.transaction_stations_index}
    assert global_keys <= keys
    assert all("{st:CP-001}" in k for k in keys - global_keys)


async def test_redis_delete_station_removes_its_keys_but_not_its_transaction_keys(
    redis_url: str, redis_store_factory: StoreFactory
) -> None:
    store = cast(RedisStore, redis_store_factory())
    await store.put_station(station())
    await store.put_connector_status(connector(S1, 1, 1, "Occupied"))
    await store.put_variables(S1, [variable("HeartbeatInterval", "60")])
    await store.put_credential(CredentialRecord(S1, "hash", T0))
    await store.put_charging_needs(needs())
    await store.put_transaction(tx())
    await store.append_meter_samples(S1, TX1, [sample(0)])

    await store.delete_station(S1)

    remaining = await _keys(redis_url, store.keys.match_all())
    assert not remaining & set(store.keys.station_owned(S1))
    assert {store.keys.transactions(S1), store.keys.meter_samples(S1, TX1)} <= remaining


async def test_redis_write_that_fails_does_not_fail_the_writes_committed_with_it(
    redis_url: str, redis_store_factory: StoreFactory
) -> None:
    store = cast(RedisStore, redis_store_factory())
    client = Redis.from_url(redis_url)
    try:
        await client.set(store.keys.connectors(S1), b"not a hash")  # makes HSET on it fail with WRONGTYPE
    finally:
        await client.aclose()

    results = await asyncio.gather(
        store.put_station(station(S2)),
        store.put_connector_status(connector(S1, 1, 1, "Occupied")),
        store.put_transaction(tx(S2, TX1)),
        return_exceptions=True,
    )

    assert results[0] is None and results[2] is None
    assert isinstance(results[1], StoreError) and not isinstance(results[1], StoreUnavailable)
    assert "WRONGTYPE" in str(results[1])
    assert await store.list_stations() == [station(S2)]
    assert await store.list_transactions(open_only=True) == [tx(S2, TX1)]


async def test_redis_writes_beyond_one_batch_all_land_in_call_order(redis_url: str) -> None:
    prefix = f"csmstest-{uuid.uuid4().hex[:12]}"
    store = RedisStore.from_url(redis_url, prefix=prefix, max_batch_writes=3)
    try:
        await asyncio.gather(*(store.append_meter_samples(S1, TX1, [sample(i)]) for i in range(20)))
        await asyncio.gather(*(store.put_station(station(StationId(f"CP-{i:02d}"))) for i in range(10)))
        assert await store.list_meter_samples(S1, TX1) == [sample(i) for i in range(20)]
        assert len(await store.list_stations()) == 10
    finally:
        await store.close()
        await delete_prefix(redis_url, prefix)


async def test_redis_concurrent_reads_share_pipelines_from_a_small_pool_and_keep_their_own_errors(
        redis_url: str) -> None:
    """2,000 concurrent single-key reads go out as a handful of pipelines (`_GroupRead`: at most max_batch_writes
    reads each), all answer correctly through a pool of 2 connections, and a failing read fails alone."""
    prefix = f"csmstest-{uuid.uuid4().hex[:12]}"
    store = RedisStore.from_url(redis_url, prefix=prefix, max_connections=2, pool_timeout_s=5.0, max_batch_writes=300)
    ids = [StationId(f"CP-{i:04d}") for i in range(2000)]
    try:
        await asyncio.gather(*(store.put_station(station(sid)) for sid in ids[::2]))
        await asyncio.gather(*(store.put_transaction(tx(sid, TX1)) for sid in ids[:10]))
        client = Redis.from_url(redis_url)
        try:
            await client.set(store.keys.transactions(ids[10]), b"not a hash")  # HGET on it fails with WRONGTYPE
        finally:
            await client.aclose()

        pipelines = 0
        make_pipeline = store._redis.pipeline

        def counted_pipeline(*args: Any, **kwargs: Any) -> Any:
            nonlocal pipelines
            pipelines += 1
            return make_pipeline(*args, **kwargs)

        store._redis.pipeline = counted_pipeline  # type: ignore[method-assign]
        stations = await asyncio.gather(*(store.get_station(sid) for sid in ids))
        assert pipelines == 7  # ceil(2,000 / 300), not a round trip per read
        txs = await asyncio.gather(*(store.get_transaction(sid, TX1) for sid in ids[:11]), return_exceptions=True)

        assert stations == [station(sid) if i % 2 == 0 else None for i, sid in enumerate(ids)]
        assert txs[:10] == [tx(sid, TX1) for sid in ids[:10]]
        assert isinstance(txs[10], StoreError) and "WRONGTYPE" in str(txs[10])
    finally:
        await store.close()
        await delete_prefix(redis_url, prefix)


async def test_redis_close_returns_only_after_every_queued_write_is_applied(redis_url: str) -> None:
    prefix = f"csmstest-{uuid.uuid4().hex[:12]}"
    first = RedisStore.from_url(redis_url, prefix=prefix, max_batch_writes=1)  # one round trip per write
    second = RedisStore.from_url(redis_url, prefix=prefix)
    try:
        tasks = [asyncio.create_task(first.put_station(station(StationId(f"CP-{i:02d}")))) for i in range(10)]
        await asyncio.sleep(0)  # all ten are queued; at most the first is in flight
        await first.close()
        assert [t.done() and t.exception() is None for t in tasks] == [True] * 10
        assert len(await second.list_stations()) == 10
    finally:
        await second.close()
        await delete_prefix(redis_url, prefix)


async def test_an_unreachable_redis_raises_store_unavailable_and_ping_answers_false(unused_tcp_port: int) -> None:
    store = RedisStore.from_url(f"redis://127.0.0.1:{unused_tcp_port}/0", connect_timeout_s=0.5, retries=0)
    try:
        assert await store.ping() is False
        with pytest.raises(StoreUnavailable, match="put_station"):
            await store.put_station(station())
        with pytest.raises(StoreUnavailable, match="list_transactions"):
            await store.list_transactions(open_only=True)
    finally:
        await store.close()


async def _keys(url: str, pattern: str) -> set[str]:
    client = Redis.from_url(url, decode_responses=True)
    try:
        return {k async for k in client.scan_iter(match=pattern, count=1000)}
    finally:
        await client.aclose()


async def test_get_evse_facts_reads_station_model_needs_and_open_transactions_per_evse_in_key_order(
        store: StateStore) -> None:
    await store.put_station(station(S1))
    await store.put_variables(S1, [variable("MaxPower", "22000", evse_id=1), variable("HeartbeatInterval", "60")])
    await store.put_charging_needs(needs(S1, 1))
    await store.put_transaction(tx(S1, TX1))  # open, EVSE 1
    await store.put_transaction(tx(S1, TX2, evse_id=2))  # open, EVSE 2
    await store.put_transaction(tx(S1, TX3, ended=True))  # ended, EVSE 1

    facts = await store.get_evse_facts([(S2, 1), (S1, 1), (S1, 2)], device_model=True)
    light = await store.get_evse_facts([(S1, 1)], device_model=False)

    unknown, evse1, evse2 = facts
    assert (unknown.station, unknown.variables, unknown.needs, unknown.open_transactions) == (None, [], None, [])
    assert evse1.station == station(S1) and evse1.needs == needs(S1, 1)
    assert evse1.variables == await store.list_variables(S1) and len(evse1.variables) == 2
    assert [t.transaction_id for t in evse1.open_transactions] == [TX1]
    assert [t.transaction_id for t in evse2.open_transactions] == [TX2] and evse2.needs is None
    assert light[0].variables is None and light[0].station is None and light[0].needs == needs(S1, 1)
    assert [t.transaction_id for t in light[0].open_transactions] == [TX1]
