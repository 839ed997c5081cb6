"""OpenADR event translation: the generated oadrDistributeEvent fixture through openleadr's parser into our
types, hand-built events for the other signal kinds, and malformed input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from csms.grid.errors import GridDataError
from csms.grid.openadr import convert_event, parse_distribute_event_xml
from csms.grid.signals import DrEventStatus, DrSignalKind, OptState, PriceMarket

from .helpers import OADR_XML, assert_fails_at

NOTIFIED = datetime(2024, 7, 15, 0, 57, tzinfo=UTC)
START = datetime(2024, 7, 15, 1, 0, tzinfo=UTC)


def test_fixture_events_become_a_level_event_a_capacity_event_and_24_prices() -> None:
    simple, loadcap, price = parse_distribute_event_xml(OADR_XML, notified_at=NOTIFIED)

    assert simple.dr_event is not None and not simple.prices
    assert (simple.dr_event.event_id, simple.dr_event.level) == ("ev-simple-level", 2)
    assert (simple.dr_event.start_at, simple.dr_event.end_at) == (START, START + timedelta(hours=1))
    assert simple.dr_event.status is DrEventStatus.COMPLETED and simple.dr_event.opt is OptState.PENDING
    assert simple.dr_event.created_at == datetime(2024, 7, 15, 0, 56, tzinfo=UTC)
    assert simple.dr_event.notified_at == NOTIFIED and simple.dr_event.source == "openadr:test_vtn"
    assert simple.dr_event.market_context == "oadr://example/dr"

    event = loadcap.dr_event
    assert event is not None and event.end_at == START + timedelta(minutes=45)
    assert [i.kind for i in event.intervals] == [DrSignalKind.CAPACITY_FRACTION] * 3
    assert [i.value for i in event.intervals] == [0.5, 0.25, 0.75]
    assert [i.start_at for i in event.intervals] == [START + timedelta(minutes=15 * k) for k in range(3)]
    assert event.intervals_at(START + timedelta(minutes=20))[0].value == 0.25
    assert event.reduction_w is None and event.level is None

    assert price.dr_event is None and len(price.prices) == 24 and not price.unsupported
    assert all(a.end_at == b.start_at for a, b in zip(price.prices, price.prices[1:], strict=False))
    assert price.prices[0].price_per_mwh == pytest.approx(120.0)  # 0.12 per kWh
    assert price.prices[16].start_at == START + timedelta(hours=16)
    assert price.prices[16].price_per_mwh == pytest.approx(450.0)
    assert {(p.market, p.currency, p.published_at) for p in price.prices} == {
        (PriceMarket.ENERGY_RETAIL_DYNAMIC, "USD", NOTIFIED)}


def _event(signals: list[dict[str, Any]], *, duration: timedelta = timedelta(hours=1), **descriptor: Any,
           ) -> dict[str, Any]:
    return {"event_descriptor": {"event_id": "ev-1", "modification_number": 1, "event_status": "far", **descriptor},
            "active_period": {"dtstart": START, "duration": duration},
            "event_signals": signals, "response_required": "always"}


def _signal(name: str, kind: str, payloads: list[float], measurement: dict[str, Any] | None = None,
            ) -> dict[str, Any]:
    intervals = [{"duration": timedelta(minutes=30), "signal_payload": p, "uid": i} for i, p in enumerate(payloads)]
    signal: dict[str, Any] = {"signal_name": name, "signal_type": kind, "signal_id": "s", "intervals": intervals}
    if measurement is not None:
        signal["measurement"] = measurement
    return signal


def test_load_dispatch_delta_is_a_reduction_in_w_with_the_item_base_scale_applied() -> None:
    converted = convert_event(_event([_signal("LOAD_DISPATCH", "delta", [-50.0, -20.0],
                                              {"name": "powerReal", "unit": "W", "scale": "k"})]),
                              source="openadr:VTN", notified_at=NOTIFIED)
    event = converted.dr_event
    assert event is not None and event.reduction_w == 50_000.0
    assert [(i.start_at, i.value) for i in event.intervals] == [(START, 50_000.0),
                                                                (START + timedelta(minutes=30), 20_000.0)]
    assert event.modification_number == 1 and event.status is DrEventStatus.FAR


def test_open_ended_events_end_with_their_intervals_and_unsupported_signals_are_listed() -> None:
    converted = convert_event(_event([_signal("LOAD_DISPATCH", "setpoint", [30_000.0]),
                                      _signal("ELECTRICITY_PRICE", "priceRelative", [0.1]),
                                      _signal("SIMPLE", "level", [1.0])], duration=timedelta(0)),
                              source="openadr:VTN", notified_at=NOTIFIED)
    assert converted.dr_event is not None and converted.dr_event.end_at == START + timedelta(minutes=30)
    assert converted.unsupported == ("ELECTRICITY_PRICE/priceRelative",)
    assert {i.kind for i in converted.dr_event.intervals} == {DrSignalKind.SETPOINT_W, DrSignalKind.LEVEL}


@pytest.mark.parametrize(("event", "fragment"), [
    (_event([_signal("SIMPLE", "level", [7.0])]), "SIMPLE level must be 0..3"),
    (_event([_signal("LOAD_CONTROL", "x-loadControlCapacity", [1.5])]), "must be 0..1"),
    (_event([_signal("LOAD_DISPATCH", "delta", [-1.0], {"scale": "Z"})]), "unknown SI scale"),
    (_event([_signal("SIMPLE", "level", ["high"])]), "expected a number"),  # type: ignore[list-item]
    (_event([]), "no signals"),
    (_event([_signal("SIMPLE", "level", [1.0])], event_status="maybe"), "unknown event status"),
    ({"event_descriptor": {"event_id": "ev-1"}, "event_signals": []}, "missing active_period"),
    ({**_event([_signal("SIMPLE", "level", [1.0])]),
      "active_period": {"dtstart": datetime(2024, 7, 15, 1), "duration": timedelta(hours=1)}}, "UTC-aware"),
])
def test_malformed_events_are_refused_with_a_grid_data_error(event: dict[str, Any], fragment: str) -> None:
    with pytest.raises(GridDataError, match=fragment) as info:
        convert_event(event, source="openadr:VTN", notified_at=NOTIFIED)
    assert info.value.source.startswith("openadr:VTN")


def test_corrupted_xml_fails_naming_the_file_and_line(tmp_path: Path) -> None:
    truncated = tmp_path / "truncated.xml"
    truncated.write_bytes(OADR_XML.read_bytes()[:3000])
    err = assert_fails_at(lambda: parse_distribute_event_xml(truncated, notified_at=NOTIFIED), truncated, 3,
                          "not a valid OpenADR 2.0b document")
    assert err.line == 3
    other = tmp_path / "other.xml"
    other.write_text("<?xml version='1.0'?>\n<root><child/></root>\n")
    with pytest.raises(GridDataError, match=r"other\.xml"):
        parse_distribute_event_xml(other, notified_at=NOTIFIED)
