"""The Redis key schema: prefixes, per-station hash tags, and ids that could confuse them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from csms.domain.ids import StationId, TransactionId
from csms.store.keys import KeySchema


def test_station_keys_share_one_hash_tag_and_carry_the_prefix() -> None:
    keys = KeySchema("fleet-a")
    sid = StationId("CP-001")
    station_keys = [*keys.station_owned(sid), keys.transactions(sid), keys.open_transactions(sid),
                    keys.meter_samples(sid, TransactionId("tx-1"))]
    assert all(k.startswith("fleet-a:{st:CP-001}:") for k in station_keys)
    assert len(set(station_keys)) == len(station_keys)


def test_global_keys_carry_the_prefix_and_no_hash_tag() -> None:
    keys = KeySchema()
    global_keys = [keys.tokens, keys.stations_index, keys.open_transactions_index, keys.transaction_stations_index]
    assert all(k.startswith("csms:") and "{" not in k for k in global_keys)
    assert len(set(global_keys)) == len(global_keys)


def test_braces_and_percent_in_a_station_id_are_escaped_so_the_hash_tag_is_the_whole_id() -> None:
    keys = KeySchema()
    assert keys.station(StationId("a}:meter:b")) == "csms:{st:a%7D:meter:b}:station"
    assert keys.station(StationId("%7D")) == "csms:{st:%257D}:station"


@given(st.text(max_size=20), st.text(max_size=20), st.text(max_size=20), st.text(max_size=20))
def test_keys_of_different_stations_never_collide(s1: str, t1: str, s2: str, t2: str) -> None:
    keys = KeySchema()
    if s1 == s2:
        return
    a, b = StationId(s1), StationId(s2)
    keys_a = {*keys.station_owned(a), keys.transactions(a), keys.meter_samples(a, TransactionId(t1))}
    keys_b = {*keys.station_owned(b), keys.transactions(b), keys.meter_samples(b, TransactionId(t2))}
    assert not keys_a & keys_b


@given(st.text(), st.text())
def test_open_transaction_members_parse_back_to_the_same_pair(station_id: str, transaction_id: str) -> None:
    member = KeySchema.open_transaction_member(StationId(station_id), TransactionId(transaction_id))
    assert KeySchema.parse_open_transaction_member(member) == (station_id, transaction_id)


@pytest.mark.parametrize("prefix", ["", "a{b}", "csms*", "has space", "x" * 65])
def test_a_prefix_with_hash_tag_or_glob_characters_is_refused(prefix: str) -> None:
    with pytest.raises(ValueError, match="invalid key prefix"):
        KeySchema(prefix)
