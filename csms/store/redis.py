"""`RedisStore`: the production `StateStore` on redis-py asyncio. Keys come from `keys.KeySchema`, values from
`codec`.

State written by one process is visible to every process using the same URL and prefix, so a restarted CSMS
finds its stations and open transactions where it left them. Writes that touch several keys run in one
MULTI/EXEC (record and index change together); reads that need several keys use one pipeline. Connections come
from a `BlockingConnectionPool`: past `max_connections` a call waits up to `pool_timeout_s` instead of failing.
Redis failures surface as `StoreUnavailable` (connection refused, timeout, pool exhausted, read-only replica,
out of memory) or `StoreError` (anything else); undecodable values as `CorruptRecord`.

Lists come back in the same order as from `MemoryStore`: stations, tokens and transactions by id
(transactions by station id, then transaction id), connectors by (evse, connector), variables by key.
"""

from __future__ import annotations

from collections.abc import Awaitable, Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar, cast

from redis import exceptions as redis_errors
from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff

from csms.domain.ids import StationId, TransactionId
from csms.domain.records import (
    ChargingNeedsRecord,
    ConnectorStatusRecord,
    CredentialRecord,
    MeterSample,
    StationRecord,
    TokenRecord,
    TransactionRecord,
    VariableRecord,
)
from csms.store.codec import decode, decoder, encode
from csms.store.errors import StoreError, StoreUnavailable
from csms.store.keys import DEFAULT_PREFIX, KeySchema
from csms.store.memory import DEFAULT_MAX_SAMPLES

T = TypeVar("T")

_UNAVAILABLE = (
    redis_errors.ConnectionError,
    redis_errors.TimeoutError,
    redis_errors.ReadOnlyError,
    redis_errors.OutOfMemoryError,
)

_decode_station = decoder(StationRecord)
_decode_connector = decoder(ConnectorStatusRecord)
_decode_variable = decoder(VariableRecord)
_decode_token = decoder(TokenRecord)
_decode_transaction = decoder(TransactionRecord)
_decode_sample = decoder(MeterSample)


async def _result(call: Awaitable[T] | T) -> T:
    """Await a redis-py command (its stubs type async commands as `Awaitable[T] | T`)."""
    return await cast(Awaitable[T], call)


@contextmanager
def _redis_errors(operation: str) -> Iterator[None]:
    try:
        yield
    except _UNAVAILABLE as exc:
        raise StoreUnavailable(f"redis unavailable during {operation}: {exc}") from exc
    except redis_errors.RedisError as exc:
        raise StoreError(f"redis error during {operation}: {exc}") from exc


class RedisStore:
    """`StateStore` on one Redis (or a Sentinel-managed primary). Build it with `from_url`.

    `prefix` namespaces every key (several deployments or test runs can share a Redis); `max_samples` bounds
    each transaction's meter series (oldest dropped). The store owns `client` and closes it in `close()`.
    """

    def __init__(self, client: Redis, *, prefix: str = DEFAULT_PREFIX, max_samples: int = DEFAULT_MAX_SAMPLES) -> None:
        if max_samples < 1:
            raise ValueError("max_samples must be >= 1")
        self.keys = KeySchema(prefix)
        self.max_samples = max_samples
        self._redis = client

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        prefix: str = DEFAULT_PREFIX,
        max_samples: int = DEFAULT_MAX_SAMPLES,
        max_connections: int = 64,
        pool_timeout_s: float = 5.0,
        socket_timeout_s: float = 5.0,
        connect_timeout_s: float = 2.0,
        retries: int = 1,
    ) -> RedisStore:
        """A store on `url` (``redis://[:password@]host:port/db``, ``rediss://``, ``unix://``).

        `max_connections` caps the pool; a call beyond it waits up to `pool_timeout_s` for a free connection.
        `retries` re-runs a command after a connection error (with a short backoff), which also heals pooled
        connections that died with a Redis restart.
        """
        if max_connections < 1:
            raise ValueError("max_connections must be >= 1")
        pool = BlockingConnectionPool.from_url(
            url,
            max_connections=max_connections,
            timeout=pool_timeout_s,
            socket_timeout=socket_timeout_s,
            socket_connect_timeout=connect_timeout_s,
            retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), retries),
        )
        return cls(Redis.from_pool(pool), prefix=prefix, max_samples=max_samples)

    # stations
    async def put_station(self, station: StationRecord) -> None:
        data = encode(station)
        with _redis_errors("put_station"):
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.set(self.keys.station(station.station_id), data)
                pipe.sadd(self.keys.stations_index, station.station_id)
                await pipe.execute()

    async def get_station(self, station_id: StationId) -> StationRecord | None:
        with _redis_errors("get_station"):
            data = await self._redis.get(self.keys.station(station_id))
        return None if data is None else _decode_station(data)

    async def list_stations(self) -> list[StationRecord]:
        with _redis_errors("list_stations"):
            members = await _result(self._redis.smembers(self.keys.stations_index))
            if not members:
                return []
            async with self._redis.pipeline(transaction=False) as pipe:
                for station_id in members:
                    pipe.get(self.keys.station(StationId(station_id.decode())))
                values: list[bytes | None] = await pipe.execute()
        stations = [_decode_station(v) for v in values if v is not None]
        stations.sort(key=lambda s: s.station_id)
        return stations

    async def delete_station(self, station_id: StationId) -> None:
        """Forget the station and its connectors, variables, credential and charging needs (not transactions)."""
        with _redis_errors("delete_station"):
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.delete(*self.keys.station_owned(station_id))
                pipe.srem(self.keys.stations_index, station_id)
                await pipe.execute()

    # connectors
    async def put_connector_status(self, status: ConnectorStatusRecord) -> None:
        data = encode(status)
        field = self.keys.connector_field(status.evse_id, status.connector_id)
        with _redis_errors("put_connector_status"):
            await _result(self._redis.hset(self.keys.connectors(status.station_id), mapping={field: data}))

    async def list_connector_statuses(self, station_id: StationId) -> list[ConnectorStatusRecord]:
        with _redis_errors("list_connector_statuses"):
            values = await _result(self._redis.hvals(self.keys.connectors(station_id)))
        statuses = [_decode_connector(v) for v in values]
        statuses.sort(key=lambda c: (c.evse_id, c.connector_id))
        return statuses

    # device model
    async def put_variables(self, station_id: StationId, variables: Sequence[VariableRecord]) -> None:
        """Insert or replace the given attributes (by `VariableRecord.key()`); others are kept."""
        mapping = {v.key(): encode(v) for v in variables}
        if not mapping:
            return
        with _redis_errors("put_variables"):
            await _result(self._redis.hset(self.keys.variables(station_id), mapping=mapping))

    async def list_variables(self, station_id: StationId) -> list[VariableRecord]:
        with _redis_errors("list_variables"):
            values = await _result(self._redis.hvals(self.keys.variables(station_id)))
        variables = [_decode_variable(v) for v in values]
        variables.sort(key=VariableRecord.key)
        return variables

    # tokens
    async def put_token(self, token: TokenRecord) -> None:
        data = encode(token)
        with _redis_errors("put_token"):
            await _result(self._redis.hset(self.keys.tokens, mapping={token.id_token: data}))

    async def get_token(self, id_token: str) -> TokenRecord | None:
        with _redis_errors("get_token"):
            data = await _result(self._redis.hget(self.keys.tokens, id_token))
        return None if data is None else _decode_token(data)

    async def list_tokens(self) -> list[TokenRecord]:
        with _redis_errors("list_tokens"):
            values = await _result(self._redis.hvals(self.keys.tokens))
        tokens = [_decode_token(v) for v in values]
        tokens.sort(key=lambda t: t.id_token)
        return tokens

    async def delete_token(self, id_token: str) -> bool:
        with _redis_errors("delete_token"):
            return bool(await _result(self._redis.hdel(self.keys.tokens, id_token)))

    # credentials
    async def put_credential(self, credential: CredentialRecord) -> None:
        data = encode(credential)
        with _redis_errors("put_credential"):
            await self._redis.set(self.keys.credential(credential.station_id), data)

    async def get_credential(self, station_id: StationId) -> CredentialRecord | None:
        with _redis_errors("get_credential"):
            data = await self._redis.get(self.keys.credential(station_id))
        return None if data is None else decode(CredentialRecord, data)

    async def delete_credential(self, station_id: StationId) -> bool:
        with _redis_errors("delete_credential"):
            return bool(await self._redis.delete(self.keys.credential(station_id)))

    # transactions
    async def put_transaction(self, tx: TransactionRecord) -> None:
        """Insert or replace; an open transaction is listed by `list_transactions(open_only=True)`.

        Record, per-station open set and global open index change in one MULTI.
        """
        data = encode(tx)
        sid, tid = tx.station_id, tx.transaction_id
        member = self.keys.open_transaction_member(sid, tid)
        with _redis_errors("put_transaction"):
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.hset(self.keys.transactions(sid), mapping={tid: data})
                pipe.sadd(self.keys.transaction_stations_index, sid)
                if tx.is_open:
                    pipe.sadd(self.keys.open_transactions(sid), tid)
                    pipe.sadd(self.keys.open_transactions_index, member)
                else:
                    pipe.srem(self.keys.open_transactions(sid), tid)
                    pipe.srem(self.keys.open_transactions_index, member)
                await pipe.execute()

    async def get_transaction(self, station_id: StationId, transaction_id: TransactionId) -> TransactionRecord | None:
        with _redis_errors("get_transaction"):
            data = await _result(self._redis.hget(self.keys.transactions(station_id), transaction_id))
        return None if data is None else _decode_transaction(data)

    async def list_transactions(
        self, station_id: StationId | None = None, open_only: bool = False
    ) -> list[TransactionRecord]:
        """Open-only listings read the open indexes, never a station's whole transaction history."""
        with _redis_errors("list_transactions"):
            if station_id is not None and not open_only:
                values: list[bytes | None] = await _result(self._redis.hvals(self.keys.transactions(station_id)))
            elif station_id is not None:
                open_ids = await _result(self._redis.smembers(self.keys.open_transactions(station_id)))
                values = await self._hmget_transactions({station_id: [i.decode() for i in open_ids]})
            elif open_only:
                members = await _result(self._redis.smembers(self.keys.open_transactions_index))
                by_station: dict[StationId, list[str]] = {}
                for member in members:
                    sid, tid = self.keys.parse_open_transaction_member(member)
                    by_station.setdefault(sid, []).append(tid)
                values = await self._hmget_transactions(by_station)
            else:
                values = await self._all_transactions()
        txs = [_decode_transaction(v) for v in values if v is not None]
        if open_only:
            txs = [tx for tx in txs if tx.is_open]
        txs.sort(key=lambda t: (t.station_id, t.transaction_id))
        return txs

    async def _hmget_transactions(self, ids_by_station: dict[StationId, list[str]]) -> list[bytes | None]:
        ids_by_station = {sid: ids for sid, ids in ids_by_station.items() if ids}
        if not ids_by_station:
            return []
        async with self._redis.pipeline(transaction=False) as pipe:
            for sid, ids in ids_by_station.items():
                pipe.hmget(self.keys.transactions(sid), ids)
            replies: list[list[bytes | None]] = await pipe.execute()
        return [v for reply in replies for v in reply]

    async def _all_transactions(self) -> list[bytes | None]:
        station_ids = await _result(self._redis.smembers(self.keys.transaction_stations_index))
        if not station_ids:
            return []
        async with self._redis.pipeline(transaction=False) as pipe:
            for sid in station_ids:
                pipe.hvals(self.keys.transactions(StationId(sid.decode())))
            replies: list[list[bytes]] = await pipe.execute()
        return [v for reply in replies for v in reply]

    async def append_meter_samples(
        self, station_id: StationId, transaction_id: TransactionId, samples: Sequence[MeterSample]
    ) -> None:
        """RPUSH then LTRIM to `max_samples` in one MULTI. If the connection drops after Redis applied it, the
        retry may append the batch twice (registers are cumulative, so energies are unaffected)."""
        encoded = [encode(s) for s in samples]
        if not encoded:
            return
        key = self.keys.meter_samples(station_id, transaction_id)
        with _redis_errors("append_meter_samples"):
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.rpush(key, *encoded)
                pipe.ltrim(key, -self.max_samples, -1)
                await pipe.execute()

    async def list_meter_samples(self, station_id: StationId, transaction_id: TransactionId) -> list[MeterSample]:
        with _redis_errors("list_meter_samples"):
            values = await _result(self._redis.lrange(self.keys.meter_samples(station_id, transaction_id), 0, -1))
        return [_decode_sample(v) for v in values]

    # EV charging needs
    async def put_charging_needs(self, needs: ChargingNeedsRecord) -> None:
        data = encode(needs)
        field = self.keys.charging_needs_field(needs.evse_id)
        with _redis_errors("put_charging_needs"):
            await _result(self._redis.hset(self.keys.charging_needs(needs.station_id), mapping={field: data}))

    async def get_charging_needs(self, station_id: StationId, evse_id: int) -> ChargingNeedsRecord | None:
        field = self.keys.charging_needs_field(evse_id)
        with _redis_errors("get_charging_needs"):
            data = await _result(self._redis.hget(self.keys.charging_needs(station_id), field))
        return None if data is None else decode(ChargingNeedsRecord, data)

    async def delete_charging_needs(self, station_id: StationId, evse_id: int) -> None:
        field = self.keys.charging_needs_field(evse_id)
        with _redis_errors("delete_charging_needs"):
            await _result(self._redis.hdel(self.keys.charging_needs(station_id), field))

    # lifecycle
    async def ping(self) -> bool:
        """True when Redis answers PING; False on any Redis error (never raises for an unreachable server)."""
        try:
            return bool(await _result(self._redis.ping()))
        except redis_errors.RedisError:
            return False

    async def close(self) -> None:
        """Close the client and its connection pool."""
        await self._redis.aclose()

