"""`MemoryStore`: the embedded `StateStore` (the default of `make run`), plain dicts in this process.

Nothing survives the process. Records are immutable, so they are kept by reference; every method runs without
awaiting, so each is atomic with respect to other tasks. Like the Redis store it refuses records that could not
be stored faithfully (`codec.check`), and lists come back in the same order: stations, tokens and
transactions by id (transactions by station id, then transaction id), connectors by (evse, connector),
variables by `VariableRecord.key()`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from typing import Any

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
from csms.store.codec import check, decode_doc, encode_doc

DEFAULT_MAX_SAMPLES = 10_000


class MemoryStore:
    """In-process `StateStore`; `max_samples` bounds each transaction's meter series (oldest dropped)."""

    def __init__(self, *, max_samples: int = DEFAULT_MAX_SAMPLES) -> None:
        if max_samples < 1:
            raise ValueError("max_samples must be >= 1")
        self.max_samples = max_samples
        self._stations: dict[StationId, StationRecord] = {}
        self._connectors: dict[StationId, dict[tuple[int, int], ConnectorStatusRecord]] = {}
        self._variables: dict[StationId, dict[str, VariableRecord]] = {}
        self._tokens: dict[str, TokenRecord] = {}
        self._credentials: dict[StationId, CredentialRecord] = {}
        self._transactions: dict[StationId, dict[TransactionId, TransactionRecord]] = {}
        self._open: dict[StationId, set[TransactionId]] = {}
        self._samples: dict[tuple[StationId, TransactionId], deque[MeterSample]] = {}
        self._needs: dict[StationId, dict[int, ChargingNeedsRecord]] = {}
        self._docs: dict[tuple[StationId, str], dict[str, bytes]] = {}
        self._logs: dict[tuple[StationId, str], deque[bytes]] = {}
        self._schema_version: int | None = None

    # stations
    async def put_station(self, station: StationRecord) -> None:
        check(station)
        self._stations[station.station_id] = station

    async def get_station(self, station_id: StationId) -> StationRecord | None:
        return self._stations.get(station_id)

    async def list_stations(self) -> list[StationRecord]:
        return [self._stations[k] for k in sorted(self._stations)]

    async def delete_station(self, station_id: StationId) -> None:
        """Forget the station and its connectors, variables, credential and charging needs (not transactions)."""
        self._stations.pop(station_id, None)
        self._connectors.pop(station_id, None)
        self._variables.pop(station_id, None)
        self._credentials.pop(station_id, None)
        self._needs.pop(station_id, None)

    # connectors
    async def put_connector_status(self, status: ConnectorStatusRecord) -> None:
        check(status)
        self._connectors.setdefault(status.station_id, {})[(status.evse_id, status.connector_id)] = status

    async def list_connector_statuses(self, station_id: StationId) -> list[ConnectorStatusRecord]:
        by_id = self._connectors.get(station_id, {})
        return [by_id[k] for k in sorted(by_id)]

    # device model
    async def put_variables(self, station_id: StationId, variables: Sequence[VariableRecord]) -> None:
        """Insert or replace the given attributes (by `VariableRecord.key()`); others are kept."""
        for variable in variables:
            check(variable)
        if variables:
            self._variables.setdefault(station_id, {}).update((v.key(), v) for v in variables)

    async def list_variables(self, station_id: StationId) -> list[VariableRecord]:
        by_key = self._variables.get(station_id, {})
        return [by_key[k] for k in sorted(by_key)]

    # tokens
    async def put_token(self, token: TokenRecord) -> None:
        check(token)
        self._tokens[token.id_token] = token

    async def get_token(self, id_token: str) -> TokenRecord | None:
        return self._tokens.get(id_token)

    async def list_tokens(self) -> list[TokenRecord]:
        return [self._tokens[k] for k in sorted(self._tokens)]

    async def delete_token(self, id_token: str) -> bool:
        return self._tokens.pop(id_token, None) is not None

    # credentials
    async def put_credential(self, credential: CredentialRecord) -> None:
        check(credential)
        self._credentials[credential.station_id] = credential

    async def get_credential(self, station_id: StationId) -> CredentialRecord | None:
        return self._credentials.get(station_id)

    async def delete_credential(self, station_id: StationId) -> bool:
        return self._credentials.pop(station_id, None) is not None

    # transactions
    async def put_transaction(self, tx: TransactionRecord) -> None:
        """Insert or replace; an open transaction is listed by `list_transactions(open_only=True)`."""
        check(tx)
        self._transactions.setdefault(tx.station_id, {})[tx.transaction_id] = tx
        open_ids = self._open.setdefault(tx.station_id, set())
        if tx.is_open:
            open_ids.add(tx.transaction_id)
        else:
            open_ids.discard(tx.transaction_id)

    async def get_transaction(self, station_id: StationId, transaction_id: TransactionId) -> TransactionRecord | None:
        return self._transactions.get(station_id, {}).get(transaction_id)

    async def list_transactions(
        self, station_id: StationId | None = None, open_only: bool = False
    ) -> list[TransactionRecord]:
        station_ids = sorted(self._transactions) if station_id is None else [station_id]
        result: list[TransactionRecord] = []
        for sid in station_ids:
            by_id = self._transactions.get(sid, {})
            ids = self._open.get(sid, set()) if open_only else by_id
            result.extend(by_id[tid] for tid in sorted(ids))
        return result

    async def append_meter_samples(
        self, station_id: StationId, transaction_id: TransactionId, samples: Sequence[MeterSample]
    ) -> None:
        for sample in samples:
            check(sample)
        if not samples:
            return
        key = (station_id, transaction_id)
        series = self._samples.get(key)
        if series is None:
            series = self._samples[key] = deque(maxlen=self.max_samples)
        series.extend(samples)

    async def list_meter_samples(self, station_id: StationId, transaction_id: TransactionId) -> list[MeterSample]:
        return list(self._samples.get((station_id, transaction_id), ()))

    # EV charging needs
    async def put_charging_needs(self, needs: ChargingNeedsRecord) -> None:
        check(needs)
        self._needs.setdefault(needs.station_id, {})[needs.evse_id] = needs

    async def get_charging_needs(self, station_id: StationId, evse_id: int) -> ChargingNeedsRecord | None:
        return self._needs.get(station_id, {}).get(evse_id)

    async def delete_charging_needs(self, station_id: StationId, evse_id: int) -> None:
        self._needs.get(station_id, {}).pop(evse_id, None)

    # station documents and logs (kept encoded, so a caller's later mutation cannot change them)
    async def put_station_doc(self, station_id: StationId, kind: str, key: str, doc: dict[str, Any]) -> None:
        self._docs.setdefault((station_id, kind), {})[key] = encode_doc(kind, doc)

    async def get_station_doc(self, station_id: StationId, kind: str, key: str) -> dict[str, Any] | None:
        data = self._docs.get((station_id, kind), {}).get(key)
        return None if data is None else decode_doc(data)

    async def list_station_docs(self, station_id: StationId, kind: str) -> list[dict[str, Any]]:
        by_key = self._docs.get((station_id, kind), {})
        return [decode_doc(by_key[k]) for k in sorted(by_key)]

    async def delete_station_doc(self, station_id: StationId, kind: str, key: str) -> bool:
        return self._docs.get((station_id, kind), {}).pop(key, None) is not None

    async def append_station_log(self, station_id: StationId, kind: str, entries: Sequence[dict[str, Any]],
                                 max_entries: int = 1000) -> None:
        encoded = [encode_doc(kind, e) for e in entries]
        log = self._logs.get((station_id, kind))
        if log is None or log.maxlen != max_entries:
            log = self._logs[(station_id, kind)] = deque(log or (), maxlen=max_entries)
        log.extend(encoded)

    async def list_station_log(self, station_id: StationId, kind: str) -> list[dict[str, Any]]:
        return [decode_doc(e) for e in self._logs.get((station_id, kind), ())]

    async def get_evse_facts(self, keys: Sequence[tuple[StationId, int]], *,
                             device_model: bool) -> list[EvseFacts]:
        facts = []
        for station_id, evse_id in keys:
            by_id = self._transactions.get(station_id, {})
            txs = [by_id[t] for t in sorted(self._open.get(station_id, set())) if by_id[t].evse_id == evse_id]
            facts.append(EvseFacts(station_id, evse_id, self._stations.get(station_id) if device_model else None,
                                   await self.list_variables(station_id) if device_model else None,
                                   self._needs.get(station_id, {}).get(evse_id), txs))
        return facts

    # lifecycle
    async def claim_schema_version(self, version: int) -> int:
        """Store `version` if no schema version is stored yet; return the stored one."""
        if self._schema_version is None:
            self._schema_version = version
        return self._schema_version

    async def set_schema_version(self, version: int) -> None:
        """Overwrite the stored schema version."""
        self._schema_version = version

    async def ping(self) -> bool:
        """True when the backing store answers."""
        return True

    async def close(self) -> None:
        """Nothing to release; the data stays readable."""
