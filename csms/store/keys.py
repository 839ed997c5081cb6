"""The Redis key schema: the ONLY place Redis keys (and the hash fields/set members that address records) are built.

Every key starts with a configurable prefix (default ``csms``), so several deployments or test runs can share
one Redis. Keys of one station carry the Redis Cluster hash tag ``{st:<station id>}`` so they live in one slot
and one MULTI can touch all of them::

    <prefix>:{st:<id>}:station          string  StationRecord
    <prefix>:{st:<id>}:connectors       hash    "<evse>/<connector>" -> ConnectorStatusRecord
    <prefix>:{st:<id>}:variables        hash    VariableRecord.key() -> VariableRecord
    <prefix>:{st:<id>}:credential       string  CredentialRecord
    <prefix>:{st:<id>}:needs            hash    "<evse>" -> ChargingNeedsRecord
    <prefix>:{st:<id>}:tx               hash    transaction id -> TransactionRecord (open and ended)
    <prefix>:{st:<id>}:tx:open          set     ids of the station's open transactions
    <prefix>:{st:<id>}:meter:<tx id>    list    MeterSample, oldest first, LTRIMmed to max_samples

Cluster coordination (csms/cluster), per station in the station's slot::

    <prefix>:{st:<id>}:owner            string  "<node id>|<epoch>" with a PX lease: which node holds the socket
    <prefix>:{st:<id>}:epoch            counter fencing token, INCRemented by every claim

and per node / per role::

    <prefix>:node:<node id>:rpc         pub/sub channel: commands for stations whose socket is on that node
    <prefix>:node:<node id>:reply       pub/sub channel: answers to the commands that node routed
    <prefix>:leader:<role>              string  "<node id>|<token>" with a PX lease (one leader per role)
    <prefix>:leader:<role>:token        counter fencing token of the role's leadership

Global keys (no hash tag, each in its own slot)::

    <prefix>:tokens                     hash    id token -> TokenRecord
    <prefix>:idx:stations               set     station ids with a StationRecord (for list_stations)
    <prefix>:idx:tx:open                set     open_transaction_member(station, tx) of every open transaction
    <prefix>:idx:tx:stations            set     station ids that have ever had a transaction (for listing all)

In a station id, ``%``, ``{`` and ``}`` are percent-escaped so an id can never end the hash tag early (OCPP
identifierStrings contain none of them, so real ids appear verbatim).

Cluster implications: a write that touches only one station's keys (connector status, variables, meter samples,
charging needs) is one slot and may use MULTI under Cluster too. Writes that also update a global index
(put_station, delete_station, put_transaction) span two or three slots: on a single Redis (or Sentinel) the
RedisStore wraps them in one MULTI; under Cluster that raises CROSSSLOT, so a Cluster adapter must split them
into the station-slot MULTI followed by the index update. Readers already tolerate an index entry whose record
is missing, so that order only ever leaves a harmless dangling member. The indexes hold one member per station
or per open transaction (tens of thousands, about a megabyte), so one slot carries them comfortably; the token
hash likewise lives in one slot.
"""

from __future__ import annotations

import re

import orjson

from csms.domain.ids import StationId, TransactionId

DEFAULT_PREFIX = "csms"

_PREFIX_RE = re.compile(r"^[A-Za-z0-9_.:/\-]{1,64}$")
_ESCAPES = str.maketrans({"%": "%25", "{": "%7B", "}": "%7D"})


def _tag(station_id: StationId) -> str:
    return "{st:" + station_id.translate(_ESCAPES) + "}"


class KeySchema:
    """Builds the keys of one deployment (one prefix). Pure string work, no I/O."""

    __slots__ = ("_global", "prefix")

    def __init__(self, prefix: str = DEFAULT_PREFIX) -> None:
        if not _PREFIX_RE.fullmatch(prefix):
            raise ValueError(f"invalid key prefix {prefix!r}: must be 1-64 chars of [A-Za-z0-9_.:/-]")
        self.prefix = prefix
        self._global = prefix + ":"

    # per-station keys (one cluster slot per station)
    def station(self, station_id: StationId) -> str:
        return f"{self.prefix}:{_tag(station_id)}:station"

    def connectors(self, station_id: StationId) -> str:
        return f"{self.prefix}:{_tag(station_id)}:connectors"

    def variables(self, station_id: StationId) -> str:
        return f"{self.prefix}:{_tag(station_id)}:variables"

    def credential(self, station_id: StationId) -> str:
        return f"{self.prefix}:{_tag(station_id)}:credential"

    def charging_needs(self, station_id: StationId) -> str:
        return f"{self.prefix}:{_tag(station_id)}:needs"

    def transactions(self, station_id: StationId) -> str:
        return f"{self.prefix}:{_tag(station_id)}:tx"

    def open_transactions(self, station_id: StationId) -> str:
        return f"{self.prefix}:{_tag(station_id)}:tx:open"

    def meter_samples(self, station_id: StationId, transaction_id: TransactionId) -> str:
        return f"{self.prefix}:{_tag(station_id)}:meter:{transaction_id}"

    def station_docs(self, station_id: StationId, kind: str) -> str:
        return f"{self.prefix}:{_tag(station_id)}:doc:{kind}"

    def station_log(self, station_id: StationId, kind: str) -> str:
        return f"{self.prefix}:{_tag(station_id)}:log:{kind}"

    def station_owned(self, station_id: StationId) -> tuple[str, ...]:
        """The keys `delete_station` removes: everything of the station except its transactions and meter data."""
        return (
            self.station(station_id),
            self.connectors(station_id),
            self.variables(station_id),
            self.credential(station_id),
            self.charging_needs(station_id),
        )

    # cluster coordination
    def station_owner(self, station_id: StationId) -> str:
        return f"{self.prefix}:{_tag(station_id)}:owner"

    def station_epoch(self, station_id: StationId) -> str:
        return f"{self.prefix}:{_tag(station_id)}:epoch"

    def node_rpc_channel(self, node_id: str) -> str:
        return f"{self._global}node:{node_id}:rpc"

    def node_reply_channel(self, node_id: str) -> str:
        return f"{self._global}node:{node_id}:reply"

    def leader(self, role: str) -> str:
        return f"{self._global}leader:{role}"

    def leader_token(self, role: str) -> str:
        return f"{self._global}leader:{role}:token"

    # global keys
    @property
    def schema_version(self) -> str:
        """The stored records' schema version (csms/store/schema.py): a decimal integer string."""
        return self._global + "meta:schema_version"

    @property
    def tokens(self) -> str:
        return self._global + "tokens"

    @property
    def stations_index(self) -> str:
        return self._global + "idx:stations"

    @property
    def open_transactions_index(self) -> str:
        return self._global + "idx:tx:open"

    @property
    def transaction_stations_index(self) -> str:
        return self._global + "idx:tx:stations"

    def match_all(self) -> str:
        """A SCAN MATCH pattern for every key of this prefix (the prefix has no glob characters)."""
        return self._global + "*"

    # hash fields and set members
    @staticmethod
    def connector_field(evse_id: int, connector_id: int) -> str:
        return f"{evse_id}/{connector_id}"

    @staticmethod
    def charging_needs_field(evse_id: int) -> str:
        return str(evse_id)

    @staticmethod
    def open_transaction_member(station_id: StationId, transaction_id: TransactionId) -> bytes:
        """Member of the global open-transaction set; unambiguous for any pair of strings."""
        return orjson.dumps([station_id, transaction_id])

    @staticmethod
    def parse_open_transaction_member(member: bytes) -> tuple[StationId, TransactionId]:
        station_id, transaction_id = orjson.loads(member)
        return StationId(station_id), TransactionId(transaction_id)
