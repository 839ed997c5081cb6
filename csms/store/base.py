"""The `StateStore` protocol: everything the CSMS persists. Implementations: memory.py, redis.py.

Contract (tested against both implementations by tests/contract):
- every method is a coroutine and safe to call concurrently for different stations;
- writes are visible to the next read in the same process; with Redis, to every process;
- records are the frozen dataclasses of `csms.domain.records`; a `get_*` for something unknown returns None;
- meter samples are appended in arrival order and returned oldest first, bounded per series by `max_samples`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

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


@dataclass(frozen=True, slots=True)
class EvseFacts:
    """What a setpoint for one EVSE needs from the store (`StateStore.get_evse_facts`)."""

    station_id: StationId
    evse_id: int
    station: StationRecord | None  # with the device model only (None when not asked for)
    variables: list[VariableRecord] | None  # the station's device model; None when not asked for
    needs: ChargingNeedsRecord | None
    open_transactions: list[TransactionRecord]  # open transactions on this EVSE


class StateStore(Protocol):
    # stations
    async def put_station(self, station: StationRecord) -> None: ...
    async def get_station(self, station_id: StationId) -> StationRecord | None: ...
    async def list_stations(self) -> list[StationRecord]: ...
    async def delete_station(self, station_id: StationId) -> None:
        """Forget the station and its connectors, variables, credential and charging needs (not transactions)."""
        ...

    # connectors
    async def put_connector_status(self, status: ConnectorStatusRecord) -> None: ...
    async def list_connector_statuses(self, station_id: StationId) -> list[ConnectorStatusRecord]: ...

    # device model
    async def put_variables(self, station_id: StationId, variables: Sequence[VariableRecord]) -> None:
        """Insert or replace the given attributes (by `VariableRecord.key()`); others are kept."""
        ...

    async def list_variables(self, station_id: StationId) -> list[VariableRecord]: ...

    # tokens
    async def put_token(self, token: TokenRecord) -> None: ...
    async def get_token(self, id_token: str) -> TokenRecord | None: ...
    async def list_tokens(self) -> list[TokenRecord]: ...
    async def delete_token(self, id_token: str) -> bool: ...

    # credentials (security profile 1)
    async def put_credential(self, credential: CredentialRecord) -> None: ...
    async def get_credential(self, station_id: StationId) -> CredentialRecord | None: ...
    async def delete_credential(self, station_id: StationId) -> bool: ...

    # transactions
    async def put_transaction(self, tx: TransactionRecord) -> None:
        """Insert or replace; an open transaction is listed by `list_transactions(open_only=True)`."""
        ...

    async def get_transaction(
        self, station_id: StationId, transaction_id: TransactionId
    ) -> TransactionRecord | None: ...
    async def list_transactions(
        self, station_id: StationId | None = None, open_only: bool = False
    ) -> list[TransactionRecord]: ...
    async def append_meter_samples(
        self, station_id: StationId, transaction_id: TransactionId, samples: Sequence[MeterSample]
    ) -> None: ...
    async def list_meter_samples(self, station_id: StationId, transaction_id: TransactionId) -> list[MeterSample]: ...

    # EV charging needs
    async def put_charging_needs(self, needs: ChargingNeedsRecord) -> None: ...
    async def get_charging_needs(self, station_id: StationId, evse_id: int) -> ChargingNeedsRecord | None: ...
    async def delete_charging_needs(self, station_id: StationId, evse_id: int) -> None: ...

    # station documents and logs: JSON objects the feature services own (reservations, local lists, events,
    # firmware/log status, monitoring, display messages ...). `kind` is [a-z0-9_]+; a document must be a JSON
    # object (orjson-serialisable), refused with RecordRejected otherwise.
    async def put_station_doc(self, station_id: StationId, kind: str, key: str, doc: dict[str, Any]) -> None: ...
    async def get_station_doc(self, station_id: StationId, kind: str, key: str) -> dict[str, Any] | None: ...
    async def list_station_docs(self, station_id: StationId, kind: str) -> list[dict[str, Any]]:
        """Every document of `kind`, by key."""
        ...

    async def delete_station_doc(self, station_id: StationId, kind: str, key: str) -> bool: ...
    async def append_station_log(self, station_id: StationId, kind: str, entries: Sequence[dict[str, Any]],
                                 max_entries: int = 1000) -> None:
        """Append to the station's log of `kind`, keeping the newest `max_entries`."""
        ...

    async def list_station_log(self, station_id: StationId, kind: str) -> list[dict[str, Any]]:
        """The log of `kind`, oldest first."""
        ...

    # bulk reads for fan-outs
    async def get_evse_facts(self, keys: Sequence[tuple[StationId, int]], *,
                             device_model: bool) -> list[EvseFacts]:
        """One `EvseFacts` per (station, EVSE) key, in order, read in as few round trips as the backend allows
        (Redis: two pipelines for the whole list). `device_model` adds each station's variables."""
        ...

    # schema version (csms/store/schema.py checks it at startup)
    async def claim_schema_version(self, version: int) -> int:
        """Store `version` as the schema version if none is stored yet (atomically); return the stored one."""
        ...

    async def set_schema_version(self, version: int) -> None:
        """Overwrite the stored schema version (after a migration has run)."""
        ...

    # lifecycle
    async def ping(self) -> bool:
        """True when the backing store answers."""
        ...

    async def close(self) -> None: ...
