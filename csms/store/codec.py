"""Record <-> bytes for the Redis store: one orjson object per record, field names as keys.

Datetimes are written as ISO 8601 in UTC (``...Z``), enums by value, frozensets as sorted lists, `SeqNos` as
`{"ranges": [[lo, hi], ...]}` (a flat list of ints, the format before ranges, is read too). Decoding is
exact: `decode(type(r), encode(r)) == r`, with every field of its declared type (float fields come back as
float, enums as the enum). Missing fields take their dataclass default and unknown fields are ignored, so
adding a field with a default to a record stays compatible with data already stored.

`check` refuses what could not round-trip (naive datetimes, NaN/inf, ints beyond 64 bits) with
`RecordRejected`; the memory store calls it too, so both stores accept exactly the same records.
"""

from __future__ import annotations

import dataclasses
import enum
import math
import types
import typing
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import orjson

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
from csms.domain.seqnos import SeqNos
from csms.store.errors import CorruptRecord, RecordRejected

R = TypeVar("R")

RECORD_TYPES: tuple[type[Any], ...] = (
    StationRecord,
    ConnectorStatusRecord,
    VariableRecord,
    TokenRecord,
    CredentialRecord,
    MeterSample,
    TransactionRecord,
    ChargingNeedsRecord,
)

_ZERO = timedelta(0)
_INT64_MIN, _INT64_MAX = -(2**63), 2**64 - 1  # orjson writes signed 64-bit and unsigned 64-bit ints


@dataclasses.dataclass(frozen=True, slots=True)
class _Spec:
    """What the codec needs to know about one record type, derived from its type hints."""

    fields: frozenset[str]
    datetimes: tuple[str, ...]
    floats: tuple[str, ...]
    ints: tuple[str, ...]
    int_sets: tuple[str, ...]
    seq_nos: tuple[str, ...]
    enums: tuple[tuple[str, type[enum.Enum]], ...]


def _unwrap(hint: Any) -> Any:
    """`X | None` -> X and NewType -> its base type."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1:
            hint = args[0]
    while isinstance(hint, typing.NewType):
        hint = hint.__supertype__
    return hint


def _spec_for(cls: type[Any]) -> _Spec:
    hints = typing.get_type_hints(cls)
    datetimes: list[str] = []
    floats: list[str] = []
    ints: list[str] = []
    int_sets: list[str] = []
    seq_nos: list[str] = []
    enums: list[tuple[str, type[enum.Enum]]] = []
    names = [f.name for f in dataclasses.fields(cls)]
    for name in names:
        hint = _unwrap(hints[name])
        base = typing.get_origin(hint) or hint
        if hint is datetime:
            datetimes.append(name)
        elif hint is float:
            floats.append(name)
        elif hint is int:
            ints.append(name)
        elif base is frozenset and typing.get_args(hint) == (int,):
            int_sets.append(name)
        elif hint is SeqNos:
            seq_nos.append(name)
        elif isinstance(hint, type) and issubclass(hint, enum.Enum):
            enums.append((name, hint))
        elif hint not in (str, bool):
            raise TypeError(f"codec cannot encode {cls.__name__}.{name}: {hints[name]!r}")
    return _Spec(frozenset(names), tuple(datetimes), tuple(floats), tuple(ints), tuple(int_sets), tuple(seq_nos),
                 tuple(enums))


_SPECS: dict[type[Any], _Spec] = {cls: _spec_for(cls) for cls in RECORD_TYPES}


def _spec(cls: type[Any]) -> _Spec:
    try:
        return _SPECS[cls]
    except KeyError:
        raise TypeError(f"{cls.__name__} is not a stored record type") from None


def _check_int(cls: type[Any], name: str, value: int) -> None:
    if not _INT64_MIN <= value <= _INT64_MAX:
        raise RecordRejected(f"{cls.__name__}.{name}: int {value} does not fit in 64 bits")


def check(record: object) -> None:
    """Raise `RecordRejected` unless `record` can be stored and read back exactly."""
    cls = type(record)
    spec = _spec(cls)
    for name in spec.datetimes:
        at = getattr(record, name)
        if at is not None and at.utcoffset() is None:
            raise RecordRejected(f"{cls.__name__}.{name}: naive datetime {at!r} (times must be UTC-aware)")
    for name in spec.floats:
        value = getattr(record, name)
        if value is not None and not math.isfinite(value):
            raise RecordRejected(f"{cls.__name__}.{name}: non-finite float {value!r}")
    for name in spec.ints:
        value = getattr(record, name)
        if value is not None:
            _check_int(cls, name, value)
    for name in spec.int_sets:
        for value in getattr(record, name):
            _check_int(cls, name, value)
    for name in spec.seq_nos:
        ranges = getattr(record, name).ranges
        if ranges:  # sorted: the first and the last bound are the extremes
            _check_int(cls, name, ranges[0][0])
            _check_int(cls, name, ranges[-1][1])


def _default(obj: object) -> Any:
    if isinstance(obj, frozenset):
        return sorted(obj)
    raise TypeError(f"cannot encode {type(obj).__name__}")


def encode(record: object) -> bytes:
    """Encode one record (a `csms.domain.records` dataclass) as a JSON object."""
    check(record)
    spec = _SPECS[type(record)]
    non_utc = {
        name: at.astimezone(UTC)
        for name in spec.datetimes
        if (at := getattr(record, name)) is not None and at.utcoffset() != _ZERO
    }
    if non_utc:
        record = dataclasses.replace(record, **non_utc)  # type: ignore[type-var]
    try:
        # A zero-offset datetime prints as +00:00 whatever its tzinfo object; OPT_UTC_Z writes that as "Z".
        return orjson.dumps(record, default=_default, option=orjson.OPT_UTC_Z)
    except orjson.JSONEncodeError as exc:  # e.g. a str with lone surrogates
        raise RecordRejected(f"cannot encode {type(record).__name__}: {exc}") from exc


def _decode_seq_nos(raw: Any) -> SeqNos:
    if isinstance(raw, list):  # written before ranges: every seqNo
        if not all(type(v) is int for v in raw):
            raise TypeError("seqNos must be ints")
        return SeqNos.of(raw)
    pairs = raw["ranges"]
    if not all(isinstance(p, list) and len(p) == 2 and type(p[0]) is int and type(p[1]) is int for p in pairs):
        raise TypeError("seqNo ranges must be [lo, hi] pairs of ints")
    return SeqNos(tuple((lo, hi) for lo, hi in pairs))


def _parse_datetime(raw: str) -> datetime:
    return datetime.fromisoformat(raw)


def decode(cls: type[R], data: bytes | bytearray | memoryview | str) -> R:
    """Decode bytes written by `encode` into a `cls` record; raise `CorruptRecord` if they are not one."""
    spec = _spec(cls)
    try:
        raw = orjson.loads(data)
        if not isinstance(raw, dict):
            raise TypeError(f"expected a JSON object, got {type(raw).__name__}")
        values = {k: v for k, v in raw.items() if k in spec.fields}
        for name in spec.datetimes:
            if (v := values.get(name)) is not None:
                values[name] = _parse_datetime(v)
        for name in spec.floats:
            if type(v := values.get(name)) is int:
                values[name] = float(v)
        for name in spec.int_sets:
            if name in values:
                values[name] = frozenset(values[name])
        for name in spec.seq_nos:
            if name in values:
                values[name] = _decode_seq_nos(values[name])
        for name, enum_cls in spec.enums:
            if (v := values.get(name)) is not None:
                values[name] = enum_cls(v)
        return cls(**values)
    except (orjson.JSONDecodeError, TypeError, ValueError, AttributeError, KeyError) as exc:
        raise CorruptRecord(f"cannot decode {cls.__name__}: {exc}") from exc


def decoder(cls: type[R]) -> Callable[[bytes | str], R]:
    """`decode` bound to one record type, for mapping over many stored values."""
    _spec(cls)

    def _decode(data: bytes | str) -> R:
        return decode(cls, data)

    return _decode


_KIND_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")


def encode_doc(kind: str, doc: dict[str, Any]) -> bytes:
    """A station document or log entry as JSON bytes; `RecordRejected` for a bad kind or a non-JSON object."""
    if not kind or not set(kind) <= _KIND_CHARS:
        raise RecordRejected(f"document kind {kind!r}: must be [a-z0-9_]+")
    if not isinstance(doc, dict):
        raise RecordRejected(f"{kind}: a document must be a JSON object, not {type(doc).__name__}")
    try:
        return orjson.dumps(doc)
    except (TypeError, orjson.JSONEncodeError) as exc:
        raise RecordRejected(f"{kind}: not JSON-serialisable: {exc}") from None


def decode_doc(data: bytes) -> dict[str, Any]:
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise CorruptRecord(f"station document is not JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise CorruptRecord("station document is not a JSON object")
    return doc
