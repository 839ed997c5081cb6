"""Schema-valid hostile values get a result or the OCPP error naming the field, never InternalError."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from csms.domain.clock import parse_ocpp_time
from tests.unit.handlers.harness import Station, at, sampled


@pytest.mark.parametrize(("raw", "expected"), [
    ("2026-06-01T01:00:00z", datetime(2026, 6, 1, 1, tzinfo=UTC)),
    ("2026-06-01t01:00:00+02:00", datetime(2026, 5, 31, 23, tzinfo=UTC)),
    ("2016-12-31T23:59:60Z", datetime(2016, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)),
    ("2016-12-31T23:59:60.25Z", datetime(2016, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)),
    ("0001-01-01T00:00:00-01:00", datetime(1, 1, 1, 1, tzinfo=UTC)),
    ("2026-06-01T01:00:00", datetime(2026, 6, 1, 1, tzinfo=UTC)),
])
def test_rfc3339_forms_parse_to_utc(raw: str, expected: datetime) -> None:
    assert parse_ocpp_time(raw) == expected and parse_ocpp_time(raw).tzinfo is UTC


@pytest.mark.parametrize("raw", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "soon",
                                 "2026-02-30T00:00:00Z"])
def test_times_outside_utc_or_the_calendar_raise_value_error(raw: str) -> None:
    with pytest.raises(ValueError):
        parse_ocpp_time(raw)


def status(timestamp: str, evse_id: int = 1) -> dict[str, Any]:
    return {"timestamp": timestamp, "connectorStatus": "Available", "evseId": evse_id, "connectorId": 1}


def meter(value: float, multiplier: int | None = None, timestamp: str | None = None, evse_id: int = 1
          ) -> dict[str, Any]:
    return {"evseId": evse_id, "meterValue": [{"timestamp": timestamp or at(0), "sampledValue": [
        sampled("Energy.Active.Import.Register", value, "Wh", multiplier=multiplier)]}]}


async def reply_to(action: str, payload: dict[str, Any]) -> list[Any]:
    station = Station()
    await station.session.feed(json.dumps([2, "m1", action, payload]))
    return station.sent[-1]


@pytest.mark.parametrize("timestamp", ["2026-06-01T01:00:00z", "2026-06-01t01:00:00Z", "2016-12-31T23:59:60Z",
                                       "2026-06-01T01:00:00.5-00:00"])
async def test_valid_rfc3339_variants_are_handled(timestamp: str) -> None:
    assert (await reply_to("StatusNotification", status(timestamp)))[0] == 3
    assert (await reply_to("MeterValues", meter(10.0, timestamp=timestamp)))[0] == 3


@pytest.mark.parametrize(("action", "payload", "field"), [
    ("StatusNotification", status("0001-01-01T00:00:00+01:00"), "timestamp"),
    ("StatusNotification", status("9999-12-31T23:59:59-01:00"), "timestamp"),
    ("StatusNotification", status("9999-12-31T23:59:59Z"), "timestamp"),
    ("MeterValues", meter(10.0, timestamp="0001-01-01T00:00:00Z"), "meterValue[0].timestamp"),
    ("MeterValues", meter(10.0, multiplier=400), "meterValue[0].sampledValue[0].unitOfMeasure.multiplier"),
    ("MeterValues", meter(1e308), "meterValue[0].sampledValue[0].value"),
    ("MeterValues", meter(-1e308, multiplier=3), "meterValue[0].sampledValue[0].value"),
    ("MeterValues", meter(1.0, evse_id=2**64), "evseId"),
    ("StatusNotification", status(at(0), evse_id=2**63), "evseId"),
])
async def test_out_of_range_values_get_property_constraint_violation_naming_the_field(
        action: str, payload: dict[str, Any], field: str) -> None:
    reply = await reply_to(action, payload)
    assert reply[0] == 4 and reply[2] == "PropertyConstraintViolation", reply
    assert reply[4]["field"] == field


async def test_in_range_extremes_are_accepted() -> None:
    assert (await reply_to("MeterValues", meter(1e15, multiplier=-24)))[0] == 3
    assert (await reply_to("StatusNotification", status(at(0), evse_id=2**31 - 1)))[0] == 3


STATUS = '"timestamp":"2026-06-01T01:00:00Z","connectorStatus":"Available"'


@pytest.mark.parametrize(("raw", "expected"), [
    ('[2,"a","Heartbeat",' + "[" * 2000 + "]" * 2000 + "]", "RpcFrameworkError"),  # nesting beyond orjson's limit
    ('[2,"b","StatusNotification",{' + STATUS + ',"evseId":1e400,"connectorId":1}]', "RpcFrameworkError"),
    ('[2,"c","StatusNotification",{' + STATUS + ',"evseId":1,"evseId":2,"connectorId":1}]', None),  # last wins
    ('[2,"d","DataTransfer",{"vendorId":"\\ud800"}]', "RpcFrameworkError"),  # lone surrogate
    ('[2,"e","StatusNotification",{' + STATUS + ',"evseId":-0,"connectorId":1}]', None),
    ('[2,"' + "x" * 37 + '","Heartbeat",{}]', "RpcFrameworkError"),
    ('[2,"g","Heartbeat",{},5]', "RpcFrameworkError"),
    ('[2,"h","Heart\\u0000beat",{}]', "NotImplemented"),
])
async def test_hostile_raw_frames_are_answered_with_the_framework_error(raw: str, expected: str | None) -> None:
    station = Station()
    await station.session.feed(raw)
    [reply] = station.sent
    assert (reply[2] if reply[0] == 4 else None) == expected, reply
