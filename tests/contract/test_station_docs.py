"""The StateStore contract for station documents and logs (the JSON objects feature services own), run against
MemoryStore and RedisStore on a real redis-server."""

from __future__ import annotations

from typing import cast

import pytest

from csms.domain.ids import StationId
from csms.store.base import StateStore
from csms.store.errors import RecordRejected
from tests.fixtures.redis_server import StoreFactory

S1, S2 = StationId("CP-001"), StationId("CP-002")


@pytest.fixture(params=["memory", "redis"])
def store(request: pytest.FixtureRequest) -> StateStore:
    factory = cast(StoreFactory, request.getfixturevalue(f"{request.param}_store_factory"))
    return factory()


async def test_documents_are_kept_per_station_and_kind_listed_by_key_and_deleted(store: StateStore) -> None:
    await store.put_station_doc(S1, "reservation", "2", {"id": 2, "evse": {"id": 1}})
    await store.put_station_doc(S1, "reservation", "10", {"id": 10})
    await store.put_station_doc(S1, "display_message", "2", {"id": 2, "text": "hi"})
    await store.put_station_doc(S2, "reservation", "2", {"id": 99})
    assert await store.get_station_doc(S1, "reservation", "2") == {"id": 2, "evse": {"id": 1}}
    assert await store.get_station_doc(S1, "reservation", "3") is None
    assert [d["id"] for d in await store.list_station_docs(S1, "reservation")] == [10, 2]  # by key: "10" < "2"
    await store.put_station_doc(S1, "reservation", "2", {"id": 2, "status": "Expired"})
    assert await store.get_station_doc(S1, "reservation", "2") == {"id": 2, "status": "Expired"}
    assert await store.delete_station_doc(S1, "reservation", "2") is True
    assert await store.delete_station_doc(S1, "reservation", "2") is False
    assert [d["id"] for d in await store.list_station_docs(S1, "reservation")] == [10]
    assert await store.get_station_doc(S2, "reservation", "2") == {"id": 99}


async def test_logs_append_in_order_and_keep_only_the_newest(store: StateStore) -> None:
    await store.append_station_log(S1, "event", [{"n": 1}, {"n": 2}], max_entries=3)
    await store.append_station_log(S1, "event", [{"n": 3}, {"n": 4}], max_entries=3)
    await store.append_station_log(S1, "event", [], max_entries=3)
    assert await store.list_station_log(S1, "event") == [{"n": 2}, {"n": 3}, {"n": 4}]
    assert await store.list_station_log(S2, "event") == []


@pytest.mark.parametrize("kind", ["", "Bad-Kind", "a:b"])
async def test_a_bad_kind_is_refused(store: StateStore, kind: str) -> None:
    with pytest.raises(RecordRejected):
        await store.put_station_doc(S1, kind, "k", {"a": 1})


async def test_a_document_that_is_not_a_json_object_is_refused(store: StateStore) -> None:
    with pytest.raises(RecordRejected):
        await store.put_station_doc(S1, "x", "k", {"a": object()})
    with pytest.raises(RecordRejected):
        await store.append_station_log(S1, "x", [[1, 2]])  # type: ignore[list-item]
