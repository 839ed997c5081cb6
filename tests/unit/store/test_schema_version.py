"""The store's schema version: written on first start, checked at every start, newer refused, older migrated."""

from __future__ import annotations

import pytest
from redis.asyncio import Redis

from csms.app import build_app
from csms.settings import load_settings
from csms.store.base import StateStore
from csms.store.errors import StoreSchemaError
from csms.store.memory import MemoryStore
from csms.store.redis import RedisStore
from csms.store.schema import SCHEMA_VERSION, ensure_schema_version
from tests.fixtures.redis_server import StoreFactory


async def test_first_start_writes_the_version_and_later_starts_accept_it() -> None:
    store = MemoryStore()
    assert await ensure_schema_version(store) == SCHEMA_VERSION
    assert await store.claim_schema_version(SCHEMA_VERSION + 5) == SCHEMA_VERSION  # stored, not overwritten
    assert await ensure_schema_version(store) == SCHEMA_VERSION


async def test_a_newer_version_is_refused_with_one_line_naming_both_versions() -> None:
    store = MemoryStore()
    await store.set_schema_version(SCHEMA_VERSION + 1)
    with pytest.raises(StoreSchemaError) as info:
        await ensure_schema_version(store)
    message = str(info.value)
    assert "\n" not in message and f"version {SCHEMA_VERSION + 1}" in message and f"({SCHEMA_VERSION})" in message
    assert await store.claim_schema_version(SCHEMA_VERSION) == SCHEMA_VERSION + 1  # left as it was


async def test_an_older_version_is_migrated_step_by_step_and_recorded() -> None:
    store = MemoryStore()
    await store.set_schema_version(1)
    ran: list[int] = []

    def step(n: int):  # type: ignore[no-untyped-def]
        async def migrate(s: StateStore) -> None:
            assert await s.claim_schema_version(99) == n  # each step sees the version before it
            ran.append(n)
        return migrate

    assert await ensure_schema_version(store, current=3, migrations={1: step(1), 2: step(2)}) == 3
    assert ran == [1, 2] and await store.claim_schema_version(99) == 3
    await store.set_schema_version(1)
    with pytest.raises(StoreSchemaError, match="no migration from version 2 to 3"):
        await ensure_schema_version(store, current=3, migrations={1: step(1)})


async def test_a_node_refuses_to_start_on_a_store_from_a_newer_csms() -> None:
    app = build_app(load_settings())
    await app.store.set_schema_version(SCHEMA_VERSION + 1)
    with pytest.raises(StoreSchemaError):
        await app.start()  # raises before anything listens or runs
    assert not app.ocpp_listening()


@pytest.mark.redis
async def test_redis_stores_the_version_under_the_prefix_and_refuses_a_newer_one(
        redis_url: str, redis_store_factory: StoreFactory) -> None:
    first, second = redis_store_factory(), redis_store_factory()  # two nodes on one prefix
    assert isinstance(first, RedisStore)
    assert await ensure_schema_version(first) == SCHEMA_VERSION
    assert await second.claim_schema_version(SCHEMA_VERSION + 3) == SCHEMA_VERSION
    client = Redis.from_url(redis_url)
    try:
        assert await client.get(first.keys.schema_version) == str(SCHEMA_VERSION).encode()
        assert first.keys.schema_version.startswith(first.keys.prefix + ":")
        await client.set(first.keys.schema_version, str(SCHEMA_VERSION + 1))
    finally:
        await client.aclose()
    with pytest.raises(StoreSchemaError, match="newer than this CSMS"):
        await ensure_schema_version(second)
