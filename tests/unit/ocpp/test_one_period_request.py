"""`profiles.one_period_request` (the outbox's encoding of a one-period setpoint) gives exactly what the general
`set_charging_profile_request` gives, or refuses with the same error, for any one-period schedule and station."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csms.domain.capabilities import StationCapabilities
from csms.domain.schedule import FreqWattPoint, OperationMode, PowerSchedule, ProfilePurpose, SchedulePeriod
from csms.ocpp.profiles import EncodeError, one_period_request, set_charging_profile_request

T0 = datetime(2026, 6, 1, 16, 0, tzinfo=UTC)

powers_w = st.one_of(st.floats(-50_000, 50_000, allow_nan=False), st.sampled_from([0.0, -0.0, 0.05, -0.05, 7_400.0]))
optional_w = st.none() | st.floats(0, 50_000, allow_nan=False)
curves = st.lists(st.builds(FreqWattPoint, st.floats(49.0, 51.0), st.floats(-11_000, 11_000)), max_size=21)
periods = st.builds(SchedulePeriod, st.just(0), powers_w, st.sampled_from(list(OperationMode)), optional_w, optional_w,
                    st.none() | st.floats(-11_000, 11_000), curves.map(tuple))
starts = st.datetimes(datetime(2025, 1, 1), datetime(2030, 1, 1)).map(lambda t: t.replace(tzinfo=UTC)) | st.just(
    T0.astimezone(timezone(timedelta(hours=2))))
schedules = st.builds(PowerSchedule, st.integers(0, 12), starts, st.integers(1, 86_400), st.tuples(periods),
                      st.sampled_from(list(ProfilePurpose)), st.none() | st.sampled_from(["tx-1", "0"]))
capabilities = st.builds(
    StationCapabilities, st.sampled_from(["ocpp2.0.1", "ocpp2.1", "ocpp1.6"]), st.booleans(),
    st.sampled_from([frozenset({"W"}), frozenset({"A"}), frozenset({"W", "A"})]),
    st.sampled_from([frozenset(), frozenset({"CentralSetpoint", "ChargingOnly"}),
                     frozenset(mode.value for mode in OperationMode)]),
    st.booleans(), st.booleans(), st.integers(1, 3), st.sampled_from([120.0, 230.0, 277.0]))


def outcome(encode: Callable[..., dict[str, Any]], *args: object, **options: object) -> object:
    """The payload as JSON text (so 0.0 and -0.0, int and float, and key order count), or the error raised."""
    try:
        return json.dumps(encode(*args, **options))
    except (EncodeError, ValueError) as exc:
        return type(exc), str(exc)


@settings(max_examples=1500, deadline=None)
@given(schedule=schedules, caps=capabilities, max_offline_duration_s=st.none() | st.integers(0, 900),
       dynamic=st.booleans())
def test_one_period_request_is_set_charging_profile_request(schedule: PowerSchedule, caps: StationCapabilities,
                                                            max_offline_duration_s: int | None,
                                                            dynamic: bool) -> None:
    options = {"max_offline_duration_s": max_offline_duration_s, "dynamic": dynamic}
    assert outcome(one_period_request, schedule, caps, **options) == \
        outcome(set_charging_profile_request, schedule, caps, **options)


def test_a_setpoint_of_each_common_kind_encodes_alike() -> None:
    """The cases a fleet sends, named: 2.0.1 in W and in A, a 2.1 Dynamic discharge with maxOfflineDuration."""
    v21 = StationCapabilities("ocpp2.1", True, frozenset({"W"}), frozenset({"CentralSetpoint"}), True, True)
    cases = [
        (PowerSchedule(1, T0, 3600, (SchedulePeriod(0, 6_000.0),), ProfilePurpose.TX_DEFAULT), StationCapabilities()),
        (PowerSchedule(2, T0, 900, (SchedulePeriod(0, 6_900.0),), transaction_id="tx"),
         StationCapabilities(rate_units=frozenset({"A"}))),
        (PowerSchedule(1, T0, 900, (SchedulePeriod(0, -3_000.0),), transaction_id="tx"), v21),
    ]
    for schedule, caps in cases:
        payload = one_period_request(schedule, caps, max_offline_duration_s=300, dynamic=True)
        assert payload == set_charging_profile_request(schedule, caps, max_offline_duration_s=300, dynamic=True)
    assert payload["chargingProfile"]["chargingProfileKind"] == "Dynamic"
    assert payload["chargingProfile"]["maxOfflineDuration"] == 300


def test_a_schedule_of_two_periods_is_not_taken() -> None:
    schedule = PowerSchedule(1, T0, 600, (SchedulePeriod(0, 1_000.0), SchedulePeriod(300, 2_000.0)),
                             transaction_id="tx")
    with pytest.raises(ValueError):
        one_period_request(schedule, StationCapabilities())
