"""Property tests for csms.store.codec: every storable record round-trips exactly, with its declared types."""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from csms.domain.records import MeterSample, StationRecord, TransactionRecord
from csms.domain.seqnos import SeqNos
from csms.store import codec
from csms.store.errors import CorruptRecord, RecordRejected

INT32 = st.integers(min_value=-(2**31), max_value=2**31 - 1)
FLOATS = st.floats(allow_nan=False, allow_infinity=False)
OFFSETS = st.sampled_from([UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5, minutes=-30))])
DATETIMES = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2200, 1, 1), timezones=OFFSETS
)


def _strategy_for(hint: Any) -> st.SearchStrategy[Any]:
    """Values of one record field type, within what the codec promises to store exactly."""
    args = typing.get_args(hint)
    if type(None) in args:
        (inner,) = [a for a in args if a is not type(None)]
        return st.none() | _strategy_for(inner)
    while isinstance(hint, typing.NewType):
        hint = hint.__supertype__
    if hint is datetime:
        return DATETIMES
    if hint is float:
        return FLOATS | INT32  # an int in a float field must come back as the equal float
    if hint is int:
        return INT32
    if hint is bool:
        return st.booleans()
    if hint is str:
        return st.text(max_size=40)
    if typing.get_origin(hint) is frozenset:
        return st.frozensets(st.integers(min_value=0, max_value=2**63 - 1), max_size=30)
    if hint is SeqNos:
        return st.builds(SeqNos.of, st.frozensets(st.integers(min_value=0, max_value=2**63 - 1), max_size=30))
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return st.sampled_from(list(hint))
    raise TypeError(f"no strategy for {hint!r}")


def _records(cls: type[Any]) -> st.SearchStrategy[Any]:
    hints = typing.get_type_hints(cls)
    return st.builds(cls, **{f.name: _strategy_for(hints[f.name]) for f in dataclasses.fields(cls)})


def _runtime_types(hint: Any) -> tuple[type, ...]:
    """`float | None` -> (float,); `frozenset[int]` -> (frozenset,); NewType -> its base type."""
    if isinstance(hint, types.UnionType):
        return tuple(t for arg in typing.get_args(hint) if arg is not type(None) for t in _runtime_types(arg))
    while isinstance(hint, typing.NewType):
        hint = hint.__supertype__
    return (typing.get_origin(hint) or hint,)


ANY_RECORD = st.one_of(*(_records(cls) for cls in codec.RECORD_TYPES))


@given(ANY_RECORD)
def test_every_record_type_round_trips_to_an_equal_record_with_declared_field_types(record: Any) -> None:
    decoded = codec.decode(type(record), codec.encode(record))
    assert decoded == record
    hints = typing.get_type_hints(type(record))
    for f in dataclasses.fields(record):
        value = getattr(decoded, f.name)
        if value is None:
            continue
        assert isinstance(value, _runtime_types(hints[f.name])), (f.name, value)


@given(ANY_RECORD)
def test_encoding_is_a_json_object_with_datetimes_in_utc_and_sets_sorted(record: Any) -> None:
    raw = orjson.loads(codec.encode(record))
    assert set(raw) == {f.name for f in dataclasses.fields(record)}
    for f in dataclasses.fields(record):
        value = getattr(record, f.name)
        if isinstance(value, datetime):
            assert raw[f.name].endswith("Z")
            assert datetime.fromisoformat(raw[f.name]) == value
        elif isinstance(value, frozenset):
            assert raw[f.name] == sorted(value)


@given(ANY_RECORD)
def test_a_decoded_record_encodes_to_a_fixed_point(record: Any) -> None:
    """The first decode canonicalises (an int in a float field becomes a float); after that bytes are stable."""
    canonical = codec.encode(codec.decode(type(record), codec.encode(record)))
    assert codec.encode(codec.decode(type(record), canonical)) == canonical


def test_missing_fields_take_their_defaults_and_unknown_fields_are_ignored() -> None:
    data = b'{"station_id": "CP1", "vendor": "Acme", "added_in_a_later_version": 1}'
    assert codec.decode(StationRecord, data) == StationRecord(station_id=typing.cast(Any, "CP1"), vendor="Acme")


@pytest.mark.parametrize(
    "record, reason",
    [
        (MeterSample(datetime(2025, 1, 1)), "naive"),
        (MeterSample(datetime(2025, 1, 1, tzinfo=UTC), power_w=float("inf")), "non-finite"),
        (MeterSample(datetime(2025, 1, 1, tzinfo=UTC), soc=float("nan")), "non-finite"),
        (MeterSample(datetime(2025, 1, 1, tzinfo=UTC), context="\ud800"), "cannot encode"),
    ],
)
def test_records_that_cannot_round_trip_are_rejected(record: MeterSample, reason: str) -> None:
    with pytest.raises(RecordRejected, match=reason):
        codec.encode(record)


@pytest.mark.parametrize("data", [b"not json", b"[1, 2]", b'{"measured_at": "yesterday"}', b"{}"])
def test_bytes_that_are_not_a_record_raise_corrupt_record(data: bytes) -> None:
    with pytest.raises(CorruptRecord, match="MeterSample"):
        codec.decode(MeterSample, data)


def test_seq_nos_stored_as_ranges_and_read_from_the_older_flat_list() -> None:
    record = TransactionRecord(station_id=typing.cast(Any, "CP1"), transaction_id=typing.cast(Any, "T1"),
                               seq_nos=SeqNos.of([0, 1, 2, 3, 9]))
    assert orjson.loads(codec.encode(record))["seq_nos"] == {"ranges": [[0, 3], [9, 9]]}
    old = b'{"station_id": "CP1", "transaction_id": "T1", "seq_nos": [9, 0, 1, 2, 3]}'
    assert codec.decode(TransactionRecord, old) == record


@pytest.mark.parametrize("seq_nos", [b'{"ranges": [[3, 1]]}', b'{"ranges": [[0, 2], [2, 4]]}', b'{"ranges": [[0]]}',
                                     b'{"ranges": [["0", 1]]}', b'{"range": []}', b'[1.5]', b'7'])
def test_malformed_seq_nos_raise_corrupt_record(seq_nos: bytes) -> None:
    with pytest.raises(CorruptRecord, match="TransactionRecord"):
        codec.decode(TransactionRecord, b'{"station_id": "CP1", "transaction_id": "T1", "seq_nos": ' + seq_nos + b"}")


def test_a_type_that_is_not_a_stored_record_is_refused() -> None:
    with pytest.raises(TypeError, match="not a stored record type"):
        codec.encode(object())
