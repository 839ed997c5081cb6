"""The domain event classes: one per kind, frozen, and `data` in the live feed's historical shape."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from csms.domain.ids import StationId
from csms.services import events as ev

T0 = datetime(2026, 1, 1, tzinfo=UTC)
S1 = StationId("S1")

# the kinds the live feed and the metrics have always used
KINDS = {
    "station.connected", "station.disconnected", "station.booted", "station.report_complete",
    "station.monitoring_report_complete", "station.event", "station.log_status", "station.firmware_status",
    "station.publish_firmware_status", "station.display_messages", "station.notification", "reservation.status",
    "connector.status", "station.security_event", "csms.security_event", "transaction.started",
    "transaction.updated", "transaction.ended", "meter.values", "ev.needs", "ev.schedule", "station.charging_limit",
    "station.charging_limit_cleared", "station.charging_profiles", "station.composite_mismatch", "setpoint.applied",
    "fleet.planned", "fleet.plan_rejected",
}


def test_one_class_per_kind_each_frozen_and_slotted() -> None:
    classes = [c for c in vars(ev).values() if isinstance(c, type) and issubclass(c, ev.DomainEvent)
               and "kind" in vars(c) and c is not ev.DomainEvent]
    assert sorted(c.kind for c in classes) == sorted(KINDS)
    for cls in classes:
        assert "__slots__" in vars(cls) and cls.__dataclass_params__.frozen, cls  # type: ignore[attr-defined]


def test_data_is_the_fields_but_station_and_time() -> None:
    event = ev.ReservationStatusChanged(station_id=S1, at=T0, reservation_id=7, status="Expired")
    assert (event.kind, event.data) == ("reservation.status", {"reservation_id": 7, "status": "Expired"})
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.status = "Removed"  # type: ignore[misc]


def test_keys_the_feed_showed_only_when_set_stay_out_by_default() -> None:
    assert ev.StationDisconnected(station_id=S1, at=T0).data == {}
    assert ev.StationDisconnected(station_id=S1, at=T0, replaced=True).data == {"replaced": True}
    status_201 = ev.ConnectorStatusChanged(station_id=S1, at=T0, evse_id=1, connector_id=1, status="Occupied")
    assert status_201.data == {"evse_id": 1, "connector_id": 1, "status": "Occupied"}
    status_16 = dataclasses.replace(status_201, ocpp16_status="Charging", error_code="NoError")
    assert status_16.data["ocpp16_status"] == "Charging" and status_16.data["error_code"] == "NoError"


def test_transaction_events_share_a_base_and_keep_their_key_order() -> None:
    ended = ev.TransactionEnded(station_id=S1, at=T0, transaction_id="TX", evse_id=1, energy_import_wh=2.0,
                                energy_export_wh=0.0)
    assert isinstance(ended, ev.TransactionChanged) and not isinstance(ended, ev.TransactionStarted)
    assert list(ended.data) == ["transaction_id", "evse_id", "power_w", "soc", "soc_at", "energy_import_wh",
                                "energy_export_wh"]
