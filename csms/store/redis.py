"""`RedisStore`: the production `StateStore` on redis-py asyncio. Keys come from `keys.KeySchema`, values from
`codec`.

State written by one process is visible to every process using the same URL and prefix, so a restarted CSMS
finds its stations and open transactions where it left them.

Writes are group-committed: every write queues its commands, and one writer task sends everything queued in the
meantime (up to `max_batch_writes` calls) as one MULTI/EXEC. So the commands of one call (record and index)
always apply together, a call returns only once Redis has applied it, and many concurrent calls (thousands of
stations) cost one round trip instead of one each. Reads that need several keys use one pipeline; the
single-key reads made on every station's messages (station, credential, token, transaction, charging needs) are
pipelined with the other such reads of the same event-loop turn (`_GroupRead`). Connections come from a
`BlockingConnectionPool`: past `max_connections` a call waits up to `pool_timeout_s`.
Redis failures surface as `StoreUnavailable` (connection refused, timeout, pool exhausted, read-only replica,
out of memory) or `StoreError` (anything else); undecodable values as `CorruptRecord`.

Lists come back in the same order as from `MemoryStore`: stations, tokens and transactions by id
(transactions by station id, then transaction id), connectors by (evse, connector), variables by key.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar, cast

from redis import exceptions as redis_errors
from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.client import Pipeline
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
from csms.store.base import EvseFacts
from csms.store.codec import decode, decode_doc, decoder, encode, encode_doc
from csms.store.errors import CorruptRecord, StoreError, StoreUnavailable
from csms.store.keys import DEFAULT_PREFIX, KeySchema
from csms.store.memory import DEFAULT_MAX_SAMPLES

T = TypeVar("T")

DEFAULT_MAX_BATCH_WRITES = 512

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


def _fail_all(futures: list[asyncio.Future[Any]], exc: BaseException) -> None:
    """Hand a batch's failure to each caller still waiting (cancellation as cancellation)."""
    for future in futures:
        if future.done():
            continue
        if isinstance(exc, asyncio.CancelledError):
            future.cancel()
        else:
            future.set_exception(exc)


QueueCommands = Callable[[Pipeline], object]
"""Queues one write call's commands on the batch's pipeline."""


class _GroupCommit:
    """Sends the write calls queued while the previous batch was in flight as one MULTI/EXEC.

    Each call's future gets the replies of its own commands, or the error of its own commands, or (connection
    lost) the batch's error. One batch is in flight at a time, so writes reach Redis in the order they were made.
    """

    def __init__(self, client: Redis, max_calls: int) -> None:
        self._client = client
        self._max_calls = max_calls
        self._queue: list[tuple[QueueCommands, asyncio.Future[list[Any]]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def submit(self, queue_commands: QueueCommands) -> list[Any]:
        """Queue one call's commands; return their replies once Redis has applied them."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[list[Any]] = loop.create_future()
        self._queue.append((queue_commands, future))
        if self._writer is None or self._writer.done():
            self._writer = loop.create_task(self._run())
        return await future

    async def drain(self) -> None:
        """Wait until every queued write has been sent and answered."""
        while self._writer is not None and not self._writer.done():
            await asyncio.wait({self._writer})

    async def _run(self) -> None:
        while self._queue:
            batch, self._queue = self._queue[: self._max_calls], self._queue[self._max_calls :]
            counts: list[int] = []
            try:
                async with self._client.pipeline(transaction=True) as pipe:
                    for queue_commands, _ in batch:
                        before = len(pipe.command_stack)
                        queue_commands(pipe)
                        counts.append(len(pipe.command_stack) - before)
                    replies: list[Any] = await pipe.execute(raise_on_error=False)
            except BaseException as exc:  # task boundary: every waiting caller gets the failure
                _fail_all([future for _, future in batch], exc)
                if not isinstance(exc, Exception):
                    raise
                continue
            offset = 0
            for (_, future), n_commands in zip(batch, counts, strict=True):
                mine = replies[offset : offset + n_commands]
                offset += n_commands
                if future.done():  # the caller was cancelled; its write was applied all the same
                    continue
                error = next((r for r in mine if isinstance(r, Exception)), None)
                if error is None:
                    future.set_result(mine)
                else:
                    future.set_exception(error)


QueueCommand = Callable[[Pipeline], object]
"""Queues one read command on the batch's pipeline."""


class _GroupRead:
    """Sends the single-command reads asked for within one event-loop turn as pipelines (no MULTI) of up to
    `max_calls`, several in flight at once.

    A burst of thousands of concurrent reads (every station's first message after a reconnect storm) then takes a
    few round trips and pool connections instead of one connection each: at 5,000 stations the one-by-one reads
    waited past the pool timeout and failed (StoreUnavailable). Each caller gets its own command's reply or error.
    """

    def __init__(self, client: Redis, max_calls: int) -> None:
        self._client = client
        self._max_calls = max_calls
        self._queue: list[tuple[QueueCommand, asyncio.Future[Any]]] = []
        self._tasks: set[asyncio.Task[None]] = set()

    async def submit(self, queue_command: QueueCommand) -> Any:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        if not self._queue:
            loop.call_soon(self._flush)  # after this turn's other ready callbacks have queued theirs
        self._queue.append((queue_command, future))
        return await future

    def _flush(self) -> None:
        queue, self._queue = self._queue, []
        for start in range(0, len(queue), self._max_calls):
            task = asyncio.get_running_loop().create_task(self._run(queue[start:start + self._max_calls]))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        """Wait until every read in flight has been answered."""
        while self._tasks:
            await asyncio.wait(set(self._tasks))

    async def _run(self, batch: list[tuple[QueueCommand, asyncio.Future[Any]]]) -> None:
        try:
            async with self._client.pipeline(transaction=False) as pipe:
                for queue_command, _ in batch:
                    queue_command(pipe)
                replies: list[Any] = await pipe.execute(raise_on_error=False)
        except BaseException as exc:  # task boundary: every waiting caller gets the failure
            _fail_all([future for _, future in batch], exc)
            if not isinstance(exc, Exception):
                raise
            return
        for (_, future), reply in zip(batch, replies, strict=True):
            if future.done():
                continue
            if isinstance(reply, Exception):
                future.set_exception(reply)
            else:
                future.set_result(reply)


class RedisStore:
    """`StateStore` on one Redis (or a Sentinel-managed primary). Build it with `from_url`.

    `prefix` namespaces every key (several deployments or test runs can share a Redis); `max_samples` bounds
    each transaction's meter series (oldest dropped). The store owns `client` and closes it in `close()`.
    """

    def __init__(
        self,
        client: Redis,
        *,
        prefix: str = DEFAULT_PREFIX,
        max_samples: int = DEFAULT_MAX_SAMPLES,
        max_batch_writes: int = DEFAULT_MAX_BATCH_WRITES,
    ) -> None:
        if max_samples < 1:
            raise ValueError("max_samples must be >= 1")
        if max_batch_writes < 1:
            raise ValueError("max_batch_writes must be >= 1")
        self.keys = KeySchema(prefix)
        self.max_samples = max_samples
        self._redis = client
        self._commit = _GroupCommit(client, max_batch_writes)
        self._reads = _GroupRead(client, max_batch_writes)

    async def _write(self, operation: str, queue_commands: QueueCommands) -> list[Any]:
        with _redis_errors(operation):
            return await self._commit.submit(queue_commands)

    async def _read(self, operation: str, queue_command: QueueCommand) -> Any:
        """One read command, pipelined with the other reads of this event-loop turn (`_GroupRead`)."""
        with _redis_errors(operation):
            return await self._reads.submit(queue_command)

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
        max_batch_writes: int = DEFAULT_MAX_BATCH_WRITES,
    ) -> RedisStore:
        """A store on `url` (``redis://[:password@]host:port/db``, ``rediss://``, ``unix://``).

        `max_connections` caps the pool; a call beyond it waits up to `pool_timeout_s` for a free connection.
        `retries` re-runs a command after a connection error (with a short backoff), which also heals pooled
        connections that died with a Redis restart. `max_batch_writes` caps the write calls per MULTI/EXEC.
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
        return cls(Redis.from_pool(pool), prefix=prefix, max_samples=max_samples, max_batch_writes=max_batch_writes)

    # stations
    async def put_station(self, station: StationRecord) -> None:
        key, data, index = self.keys.station(station.station_id), encode(station), self.keys.stations_index

        def queue(pipe: Pipeline) -> None:
            pipe.set(key, data)
            pipe.sadd(index, station.station_id)

        await self._write("put_station", queue)

    async def get_station(self, station_id: StationId) -> StationRecord | None:
        key = self.keys.station(station_id)
        data = await self._read("get_station", lambda pipe: pipe.get(key))
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
        keys, index = self.keys.station_owned(station_id), self.keys.stations_index

        def queue(pipe: Pipeline) -> None:
            pipe.delete(*keys)
            pipe.srem(index, station_id)

        await self._write("delete_station", queue)

    # connectors
    async def put_connector_status(self, status: ConnectorStatusRecord) -> None:
        key = self.keys.connectors(status.station_id)
        mapping = {self.keys.connector_field(status.evse_id, status.connector_id): encode(status)}
        await self._write("put_connector_status", lambda pipe: pipe.hset(key, mapping=mapping))

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
        key = self.keys.variables(station_id)
        await self._write("put_variables", lambda pipe: pipe.hset(key, mapping=mapping))

    async def list_variables(self, station_id: StationId) -> list[VariableRecord]:
        with _redis_errors("list_variables"):
            values = await _result(self._redis.hvals(self.keys.variables(station_id)))
        variables = [_decode_variable(v) for v in values]
        variables.sort(key=VariableRecord.key)
        return variables

    # tokens
    async def put_token(self, token: TokenRecord) -> None:
        key, mapping = self.keys.tokens, {token.id_token: encode(token)}
        await self._write("put_token", lambda pipe: pipe.hset(key, mapping=mapping))

    async def get_token(self, id_token: str) -> TokenRecord | None:
        key = self.keys.tokens
        data = await self._read("get_token", lambda pipe: pipe.hget(key, id_token))
        return None if data is None else _decode_token(data)

    async def list_tokens(self) -> list[TokenRecord]:
        with _redis_errors("list_tokens"):
            values = await _result(self._redis.hvals(self.keys.tokens))
        tokens = [_decode_token(v) for v in values]
        tokens.sort(key=lambda t: t.id_token)
        return tokens

    async def delete_token(self, id_token: str) -> bool:
        key = self.keys.tokens
        (deleted,) = await self._write("delete_token", lambda pipe: pipe.hdel(key, id_token))
        return bool(deleted)

    # credentials
    async def put_credential(self, credential: CredentialRecord) -> None:
        key, data = self.keys.credential(credential.station_id), encode(credential)
        await self._write("put_credential", lambda pipe: pipe.set(key, data))

    async def get_credential(self, station_id: StationId) -> CredentialRecord | None:
        key = self.keys.credential(station_id)
        data = await self._read("get_credential", lambda pipe: pipe.get(key))
        return None if data is None else decode(CredentialRecord, data)

    async def delete_credential(self, station_id: StationId) -> bool:
        key = self.keys.credential(station_id)
        (deleted,) = await self._write("delete_credential", lambda pipe: pipe.delete(key))
        return bool(deleted)

    # transactions
    async def put_transaction(self, tx: TransactionRecord) -> None:
        """Insert or replace; an open transaction is listed by `list_transactions(open_only=True)`.

        Record, per-station open set and global open index change in one MULTI.
        """
        sid, tid, keys = tx.station_id, tx.transaction_id, self.keys
        mapping = {tid: encode(tx)}
        member = keys.open_transaction_member(sid, tid)

        def queue(pipe: Pipeline) -> None:
            pipe.hset(keys.transactions(sid), mapping=mapping)
            pipe.sadd(keys.transaction_stations_index, sid)
            if tx.is_open:
                pipe.sadd(keys.open_transactions(sid), tid)
                pipe.sadd(keys.open_transactions_index, member)
            else:
                pipe.srem(keys.open_transactions(sid), tid)
                pipe.srem(keys.open_transactions_index, member)

        await self._write("put_transaction", queue)

    async def get_transaction(self, station_id: StationId, transaction_id: TransactionId) -> TransactionRecord | None:
        key = self.keys.transactions(station_id)
        data = await self._read("get_transaction", lambda pipe: pipe.hget(key, transaction_id))
        return None if data is None else _decode_transaction(data)

    async def list_transactions(
        self, station_id: StationId | None = None, open_only: bool = False
    ) -> list[TransactionRecord]:
        """Open-only listings read the open indexes, never a station's whole transaction history."""
        with _redis_errors("list_transactions"):
            if station_id is not None and not open_only:
                values: list[bytes | None] = await _result(self._redis.hvals(self.keys.transactions(station_id)))
            elif station_id is not None:  # a station's first message on a connection: pipelined with others
                open_key, key = self.keys.open_transactions(station_id), self.keys.transactions(station_id)
                open_ids = [i.decode() for i in await self._read("list_transactions", lambda p: p.smembers(open_key))]
                values = await self._read("list_transactions", lambda p: p.hmget(key, open_ids)) if open_ids else []
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
        """RPUSH then LTRIM to `max_samples`, applied together. If the connection drops after Redis applied them,
        the retry may append the samples twice (registers are cumulative, so energies are unaffected)."""
        encoded = [encode(s) for s in samples]
        if not encoded:
            return
        key, bound = self.keys.meter_samples(station_id, transaction_id), self.max_samples

        def queue(pipe: Pipeline) -> None:
            pipe.rpush(key, *encoded)
            pipe.ltrim(key, -bound, -1)

        await self._write("append_meter_samples", queue)

    async def list_meter_samples(self, station_id: StationId, transaction_id: TransactionId) -> list[MeterSample]:
        with _redis_errors("list_meter_samples"):
            values = await _result(self._redis.lrange(self.keys.meter_samples(station_id, transaction_id), 0, -1))
        return [_decode_sample(v) for v in values]

    # EV charging needs
    async def put_charging_needs(self, needs: ChargingNeedsRecord) -> None:
        key = self.keys.charging_needs(needs.station_id)
        mapping = {self.keys.charging_needs_field(needs.evse_id): encode(needs)}
        await self._write("put_charging_needs", lambda pipe: pipe.hset(key, mapping=mapping))

    async def get_charging_needs(self, station_id: StationId, evse_id: int) -> ChargingNeedsRecord | None:
        key, field = self.keys.charging_needs(station_id), self.keys.charging_needs_field(evse_id)
        data = await self._read("get_charging_needs", lambda pipe: pipe.hget(key, field))
        return None if data is None else decode(ChargingNeedsRecord, data)

    async def delete_charging_needs(self, station_id: StationId, evse_id: int) -> None:
        key, field = self.keys.charging_needs(station_id), self.keys.charging_needs_field(evse_id)
        await self._write("delete_charging_needs", lambda pipe: pipe.hdel(key, field))

    # bulk reads for fan-outs
    # station documents and logs
    async def put_station_doc(self, station_id: StationId, kind: str, key: str, doc: dict[str, Any]) -> None:
        hkey, data = self.keys.station_docs(station_id, kind), encode_doc(kind, doc)
        await self._write("put_station_doc", lambda pipe: pipe.hset(hkey, mapping={key: data}))

    async def get_station_doc(self, station_id: StationId, kind: str, key: str) -> dict[str, Any] | None:
        hkey = self.keys.station_docs(station_id, kind)
        data = await self._read("get_station_doc", lambda pipe: pipe.hget(hkey, key))
        return None if data is None else decode_doc(data)

    async def list_station_docs(self, station_id: StationId, kind: str) -> list[dict[str, Any]]:
        with _redis_errors("list_station_docs"):
            by_key = await _result(self._redis.hgetall(self.keys.station_docs(station_id, kind)))
        return [decode_doc(by_key[k]) for k in sorted(by_key)]

    async def delete_station_doc(self, station_id: StationId, kind: str, key: str) -> bool:
        hkey = self.keys.station_docs(station_id, kind)
        (deleted,) = await self._write("delete_station_doc", lambda pipe: pipe.hdel(hkey, key))
        return bool(deleted)

    async def append_station_log(self, station_id: StationId, kind: str, entries: Sequence[dict[str, Any]],
                                 max_entries: int = 1000) -> None:
        encoded = [encode_doc(kind, e) for e in entries]
        if not encoded:
            return
        key = self.keys.station_log(station_id, kind)

        def queue(pipe: Pipeline) -> None:
            pipe.rpush(key, *encoded)
            pipe.ltrim(key, -max_entries, -1)

        await self._write("append_station_log", queue)

    async def list_station_log(self, station_id: StationId, kind: str) -> list[dict[str, Any]]:
        with _redis_errors("list_station_log"):
            values = await _result(self._redis.lrange(self.keys.station_log(station_id, kind), 0, -1))
        return [decode_doc(v) for v in values]

    async def get_evse_facts(self, keys: Sequence[tuple[StationId, int]], *,
                             device_model: bool) -> list[EvseFacts]:
        """Two pipelined round trips for any number of keys: (with the device model: station and variables), open
        ids and needs, then the open transactions themselves."""
        keys = list(keys)
        stations = list(dict.fromkeys(station_id for station_id, _ in keys))
        per_station = 3 if device_model else 1
        with _redis_errors("get_evse_facts"):
            async with self._redis.pipeline(transaction=False) as pipe:
                for station_id in stations:
                    if device_model:
                        pipe.get(self.keys.station(station_id))
                        pipe.hvals(self.keys.variables(station_id))
                    pipe.smembers(self.keys.open_transactions(station_id))
                for station_id, evse_id in keys:
                    pipe.hget(self.keys.charging_needs(station_id), self.keys.charging_needs_field(evse_id))
                replies: list[Any] = await pipe.execute()
            by_station: dict[StationId, tuple[StationRecord | None, list[VariableRecord] | None]] = {}
            open_ids: dict[StationId, list[str]] = {}
            for i, station_id in enumerate(stations):
                reply = replies[i * per_station:(i + 1) * per_station]
                if device_model:
                    by_station[station_id] = (None if reply[0] is None else _decode_station(reply[0]),
                                              sorted((_decode_variable(v) for v in reply[1]), key=VariableRecord.key))
                else:
                    by_station[station_id] = (None, None)
                open_ids[station_id] = [m.decode() for m in reply[-1]]
            open_txs: dict[tuple[StationId, int | None], list[TransactionRecord]] = {}
            for value in await self._hmget_transactions(open_ids):
                tx = None if value is None else _decode_transaction(value)
                if tx is not None and tx.is_open:
                    open_txs.setdefault((tx.station_id, tx.evse_id), []).append(tx)
        needs = replies[len(stations) * per_station:]
        facts = []
        for (station_id, evse_id), raw_needs in zip(keys, needs, strict=True):
            station, variables = by_station[station_id]
            facts.append(EvseFacts(
                station_id, evse_id, station, variables,
                None if raw_needs is None else decode(ChargingNeedsRecord, raw_needs),
                open_txs.get((station_id, evse_id), [])))
        return facts

    # lifecycle
    async def claim_schema_version(self, version: int) -> int:
        """SET NX the schema version key, then read it: nodes starting together agree on one value."""
        key = self.keys.schema_version
        with _redis_errors("claim_schema_version"):
            await _result(self._redis.set(key, str(version), nx=True))
            raw = await _result(self._redis.get(key))
        try:
            return int(raw)
        except (TypeError, ValueError):
            raise CorruptRecord(f"{key} holds {raw!r}, not a schema version number") from None

    async def set_schema_version(self, version: int) -> None:
        """Overwrite the schema version key."""
        with _redis_errors("set_schema_version"):
            await _result(self._redis.set(self.keys.schema_version, str(version)))

    async def ping(self) -> bool:
        """True when Redis answers PING; False on any Redis error (never raises for an unreachable server)."""
        try:
            return bool(await _result(self._redis.ping()))
        except redis_errors.RedisError:
            return False

    async def persists(self) -> bool | None:
        """Whether this Redis writes its data to disk (RDB `save` points or AOF); None if CONFIG is not allowed."""
        try:
            save = await _result(self._redis.config_get("save"))
            aof = await _result(self._redis.config_get("appendonly"))
        except redis_errors.RedisError:
            return None
        return bool(str(save.get("save", "")).strip()) or str(aof.get("appendonly", "no")).lower() == "yes"

    async def close(self) -> None:
        """Wait for queued writes to be answered, then close the client and its connection pool."""
        try:
            await self._commit.drain()
            await self._reads.drain()
        finally:
            await self._redis.aclose()

