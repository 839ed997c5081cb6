"""This connection's copy of its station's transaction records, so TransactionEvent and MeterValues do not read
them back from the store on every message.

Safe because a station's transaction records are written only by its own TransactionEvent and MeterValues
handlers, and a session handles its inbound CALLs one at a time: while the connection lives, the copy here is
what the store holds (every change is still written through). A new connection starts empty, so a station that
reconnected (to this node or another) is read from the store again. Ended transactions are not kept.
With Redis, the read was ~30 % of the server's CPU per TransactionEvent (docs/benchmarks.md).
"""

from __future__ import annotations

from csms.domain.ids import StationId, TransactionId
from csms.domain.records import TransactionRecord
from csms.ocpp.session import HandlerContext
from csms.store.base import StateStore

_STATE_KEY = "transactions"


class ConnectionTransactions:
    """The open transactions of one connection's station, as last written."""

    def __init__(self, store: StateStore, station_id: StationId) -> None:
        self._store = store
        self._station_id = station_id
        self._open: dict[TransactionId, TransactionRecord] = {}
        self._all_open_loaded = False

    @staticmethod
    def of(ctx: HandlerContext, store: StateStore) -> ConnectionTransactions:
        """The cache of the connection `ctx` belongs to (made on first use)."""
        cache = ctx.session.state.get(_STATE_KEY)
        if not isinstance(cache, ConnectionTransactions):
            cache = ctx.session.state[_STATE_KEY] = ConnectionTransactions(store, ctx.station_id)
        return cache

    async def get(self, transaction_id: TransactionId) -> TransactionRecord | None:
        tx = self._open.get(transaction_id)
        if tx is None:
            tx = await self._store.get_transaction(self._station_id, transaction_id)
            if tx is not None and tx.is_open:
                self._open[transaction_id] = tx
        return tx

    async def list_open(self) -> list[TransactionRecord]:
        if not self._all_open_loaded:
            for tx in await self._store.list_transactions(self._station_id, open_only=True):
                self._open.setdefault(tx.transaction_id, tx)
            self._all_open_loaded = True
        return sorted(self._open.values(), key=lambda tx: tx.transaction_id)

    async def put(self, tx: TransactionRecord) -> None:
        """Write `tx` to the store, then keep it (or drop it, once ended)."""
        await self._store.put_transaction(tx)
        if tx.is_open:
            self._open[tx.transaction_id] = tx
        else:
            self._open.pop(tx.transaction_id, None)
