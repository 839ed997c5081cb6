"""SimStation state machine under a ManualClock: transactions, metering arithmetic, CSMS operations."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chargepoint_sim.ev import Ev
from chargepoint_sim.evse import ChargingState, EvseSpec
from chargepoint_sim.station import SimStation, StationSpec
from csms.domain.clock import ManualClock
from csms.ocpp.schemas import validate_payload
from csms.ocpp.versions import OCPP_2X

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


def make_station(clock: ManualClock, *, evses: int = 1, online: bool = True, interval_s: int = 60,
                 discharge_w: float = 11_000.0) -> SimStation:
    spec = StationSpec(station_id="SIM-0001", password="0123456789abcdef0123",
                       evses=tuple(EvseSpec(n, 11_000.0, discharge_w) for n in range(1, evses + 1)),
                       tx_updated_interval_s=interval_s)
    station = SimStation(spec, clock, initial_registers_wh={1: 1_000.0})
    station.set_online(online)
    return station


def ev(**kwargs: Any) -> Ev:
    base: dict[str, Any] = {"capacity_wh": 60_000.0, "soc": 0.5, "max_charge_power_w": 7_200.0,
                            "charge_efficiency": 0.9, "arrival_at": T0 + timedelta(seconds=10),
                            "departure_at": T0 + timedelta(seconds=10 + 3_600), "id_token": "TOKEN-1"}
    return Ev(**{**base, **kwargs})


def drain(station: SimStation) -> list[tuple[str, dict[str, Any]]]:
    """The queued messages (the first version's form); every version's form must be schema-valid."""
    messages = list(station.outbox)
    station.outbox.clear()
    for msg in messages:
        for version in OCPP_2X:
            validate_payload(version, msg.action, copy.deepcopy(msg.payload_for(version)), is_request=True)
    return [(m.action, m.payload) for m in messages]


def sampled(payload: dict[str, Any], measurand: str) -> float:
    values = payload["meterValue"][0]["sampledValue"]
    return float(next(v["value"] for v in values if v["measurand"] == measurand))


def test_plugged_ev_is_authorized_charged_metered_and_ended_at_departure() -> None:
    clock = ManualClock(T0)
    station = make_station(clock)
    station.schedule_ev(1, ev())
    clock.advance(10)
    station.advance_to(clock.now())
    (status, needs) = drain(station)
    assert status == ("StatusNotification", {"timestamp": "2025-03-01T08:00:10.000Z",
                                             "connectorStatus": "Occupied", "evseId": 1, "connectorId": 1})
    assert needs[0] == "NotifyEVChargingNeeds"
    assert station.pending_authorizations() == [(1, "TOKEN-1")]

    tx = station.authorization_result(1, "TOKEN-1", "Accepted")
    assert tx is not None
    [(action, started)] = drain(station)
    assert action == "TransactionEvent"
    assert (started["eventType"], started["seqNo"], started["triggerReason"]) == ("Started", 0, "Authorized")
    assert started["transactionInfo"]["chargingState"] == "Charging"
    assert started["idToken"] == {"idToken": "TOKEN-1", "type": "ISO14443"}
    assert started["meterValue"][0]["sampledValue"][0]["context"] == "Transaction.Begin"
    assert sampled(started, "Energy.Active.Import.Register") == 1_000.0
    assert "offline" not in started

    clock.advance(120)
    station.advance_to(clock.now())
    updates = drain(station)
    assert [p["triggerReason"] for _, p in updates] == ["MeterValuePeriodic"] * 2
    assert [p["seqNo"] for _, p in updates] == [1, 2]
    assert sampled(updates[-1][1], "Energy.Active.Import.Register") == pytest.approx(1_000 + 7_200 * 120 / 3600)
    assert sampled(updates[-1][1], "Power.Active.Import") == 7_200.0
    assert sampled(updates[-1][1], "Power.Active.Export") == 0.0
    assert sampled(updates[-1][1], "SoC") == pytest.approx(100 * (0.5 + 240 * 0.9 / 60_000), abs=0.01)

    clock.advance(3_600)
    station.advance_to(clock.now())
    messages = drain(station)
    ended = next(p for a, p in messages if a == "TransactionEvent" and p["eventType"] == "Ended")
    assert ended["transactionInfo"]["stoppedReason"] == "EVDisconnected"
    assert ended["meterValue"][0]["sampledValue"][0]["context"] == "Transaction.End"
    assert messages[-1] == ("StatusNotification", {"timestamp": "2025-03-01T09:00:10.000Z",
                                                   "connectorStatus": "Available", "evseId": 1, "connectorId": 1})
    assert tx.ended_at == T0 + timedelta(seconds=3_610)
    delivered_wh = sampled(ended, "Energy.Active.Import.Register") - sampled(started, "Energy.Active.Import.Register")
    assert delivered_wh == pytest.approx(tx.import_wh, abs=1e-3)
    assert tx.import_wh == pytest.approx(7_200.0)  # one hour at 7.2 kW
    assert tx.battery_energy_wh == pytest.approx(7_200.0 * 0.9)
    assert tx.soc == pytest.approx(0.5 + 7_200 * 0.9 / 60_000)
    assert tx.export_wh == 0.0
    seq_nos = [p["seqNo"] for a, p in messages if a == "TransactionEvent"]
    assert seq_nos == list(range(3, 3 + len(seq_nos)))


def test_full_ev_reports_suspended_ev_and_stops_drawing_power() -> None:
    clock = ManualClock(T0)
    station = make_station(clock, interval_s=0)
    station.schedule_ev(1, ev(soc=0.95, arrival_at=T0, departure_at=None))
    station.advance_to(T0)
    tx = station.authorization_result(1, "TOKEN-1", "Accepted")
    assert tx is not None
    drain(station)
    clock.advance(3_600)
    station.advance_to(clock.now())
    [(_, changed)] = drain(station)
    assert changed["triggerReason"] == "ChargingStateChanged"
    assert changed["transactionInfo"]["chargingState"] == "SuspendedEV"
    assert tx.soc == 1.0
    assert tx.import_wh == pytest.approx(0.05 * 60_000 / 0.9)
    assert tx.charging_state is ChargingState.SUSPENDED_EV


def test_events_generated_offline_are_kept_in_order_and_flagged_offline() -> None:
    clock = ManualClock(T0)
    station = make_station(clock)
    station.schedule_ev(1, ev(arrival_at=T0))
    station.advance_to(T0)
    assert station.authorization_result(1, "TOKEN-1", "Accepted") is not None
    drain(station)
    station.set_online(False)
    clock.advance(3_700)
    station.advance_to(clock.now())
    queued = [m for m in station.outbox]
    assert all(m.durable and m.action == "TransactionEvent" for m in queued)  # status dropped while offline
    assert [m.payload["seqNo"] for m in queued] == list(range(1, len(queued) + 1))
    assert all(m.payload["offline"] is True for m in queued)
    assert queued[-1].payload["eventType"] == "Ended"
    assert [m.at for m in queued] == sorted(m.at for m in queued)


def test_remote_start_needs_a_plugged_ev_and_remote_stop_ends_with_reason_remote() -> None:
    clock = ManualClock(T0)
    station = make_station(clock, evses=2)
    token = {"idToken": "APP-7", "type": "Central"}
    assert station.remote_start(None, token, 41) is None
    station.schedule_ev(2, ev(arrival_at=T0, id_token=None))
    station.advance_to(T0)
    assert station.pending_authorizations() == []  # no token: waits for the CSMS
    assert station.remote_start(1, token, 42) is None  # nothing plugged on EVSE 1
    tx = station.remote_start(None, token, 43)
    assert tx is not None and tx.evse_id == 2
    started = next(p for a, p in drain(station) if a == "TransactionEvent")
    assert started["triggerReason"] == "RemoteStart"
    assert started["transactionInfo"]["remoteStartId"] == 43
    assert started["idToken"] == token
    assert station.remote_start(2, token, 44) is None  # already running

    clock.advance(600)
    assert station.remote_stop("no-such-tx") is False
    assert station.remote_stop(tx.transaction_id) is True
    ended = [p for a, p in drain(station) if a == "TransactionEvent"][-1]
    assert (ended["eventType"], ended["triggerReason"]) == ("Ended", "RemoteStop")
    assert ended["transactionInfo"]["stoppedReason"] == "Remote"
    assert station.evses[2].connector_status == "Occupied"  # the EV is still plugged
    assert tx.import_wh == pytest.approx(7_200 * 600 / 3600)


def test_inoperative_evse_suspends_charging_answers_scheduled_and_reports_unavailable_after_the_tx() -> None:
    clock = ManualClock(T0)
    station = make_station(clock)
    station.schedule_ev(1, ev(arrival_at=T0, departure_at=T0 + timedelta(seconds=1_200)))
    station.advance_to(T0)
    tx = station.authorization_result(1, "TOKEN-1", "Accepted")
    assert tx is not None
    drain(station)
    clock.advance(600)
    assert station.change_availability(False, 1) == "Scheduled"
    [suspended] = [p for _, p in drain(station) if p.get("triggerReason") == "ChargingStateChanged"]
    assert suspended["transactionInfo"]["chargingState"] == "SuspendedEVSE"
    clock.advance(300)
    station.advance_to(clock.now())
    assert tx.import_wh == pytest.approx(7_200 * 600 / 3600)  # nothing after the command
    clock.advance(300)
    station.advance_to(clock.now())
    statuses = [p["connectorStatus"] for a, p in drain(station) if a == "StatusNotification"]
    assert statuses == ["Unavailable"]
    assert station.change_availability(True, None) == "Accepted"
    assert [p["connectorStatus"] for _, p in drain(station)] == ["Available"]
    assert station.change_availability(False, 9) == "Rejected"


def test_immediate_reset_ends_transactions_and_reauthorizes_plugged_evs_after_boot() -> None:
    clock = ManualClock(T0)
    station = make_station(clock)
    station.schedule_ev(1, ev(arrival_at=T0))
    station.advance_to(T0)
    assert station.authorization_result(1, "TOKEN-1", "Accepted") is not None
    drain(station)
    assert station.request_reset("OnIdle", None) == "Scheduled"
    assert not station.reset_due
    assert station.request_reset("Immediate", 1) == "Rejected"
    assert station.request_reset("Immediate", None) == "Accepted"
    assert station.reset_due
    station.reboot()
    [(_, ended)] = drain(station)
    assert (ended["triggerReason"], ended["transactionInfo"]["stoppedReason"]) == ("ResetCommand", "ImmediateReset")
    assert station.boot_reason == "RemoteReset"
    assert station.pending_authorizations() == [(1, "TOKEN-1")]


def test_trigger_message_queues_the_requested_message_from_real_state() -> None:
    clock = ManualClock(T0)
    station = make_station(clock, evses=2)
    station.boot_status = "Accepted"
    assert station.trigger("BootNotification", None) == "Rejected"
    assert station.trigger("TransactionEvent", None) == "Rejected"
    assert station.trigger("LogStatusNotification", None) == "NotImplemented"
    assert station.trigger("MeterValues", 3) == "Rejected"
    assert station.trigger("StatusNotification", 2) == "Accepted"
    assert station.trigger("MeterValues", None) == "Accepted"
    assert station.trigger("Heartbeat", None) == "Accepted"
    out = drain(station)
    assert [a for a, _ in out] == ["StatusNotification", "MeterValues", "MeterValues", "Heartbeat"]
    assert out[1][1]["meterValue"][0]["sampledValue"][0] == {
        "value": 1_000.0, "measurand": "Energy.Active.Import.Register", "context": "Trigger",
        "unitOfMeasure": {"unit": "Wh"}}
    station.schedule_ev(1, ev(arrival_at=T0))
    station.advance_to(T0)
    station.authorization_result(1, "TOKEN-1", "Accepted")
    drain(station)
    assert station.trigger("TransactionEvent", None) == "Accepted"
    [(_, triggered)] = drain(station)
    assert (triggered["eventType"], triggered["triggerReason"]) == ("Updated", "Trigger")


def test_unlock_connector_refuses_during_a_transaction_and_for_unknown_connectors() -> None:
    clock = ManualClock(T0)
    station = make_station(clock)
    assert station.unlock_connector(1, 1) == "Unlocked"
    assert station.unlock_connector(1, 2) == "UnknownConnector"
    assert station.unlock_connector(5, 1) == "UnknownConnector"
    station.schedule_ev(1, ev(arrival_at=T0))
    station.advance_to(T0)
    station.authorization_result(1, "TOKEN-1", "Accepted")
    assert station.unlock_connector(1, 1) == "OngoingAuthorizedTransaction"


def test_rejected_authorization_leaves_the_ev_plugged_without_a_transaction() -> None:
    clock = ManualClock(T0)
    station = make_station(clock)
    station.schedule_ev(1, ev(arrival_at=T0))
    station.advance_to(T0)
    assert station.authorization_result(1, "TOKEN-1", "Blocked") is None
    assert station.pending_authorizations() == []
    assert station.transactions == {}
    assert station.evses[1].connector_status == "Occupied"


class _Discharge:
    def setpoint_w(self, evse: Any, at: datetime) -> float:
        return -20_000.0

    def next_change_at(self, evse: Any, after: datetime) -> datetime | None:
        return None


def test_power_control_hook_can_discharge_within_evse_and_ev_limits_and_feeds_the_export_register() -> None:
    clock = ManualClock(T0)
    spec = StationSpec(station_id="SIM-0002", password="0123456789abcdef0123",
                       evses=(EvseSpec(1, 11_000.0, 10_000.0),))
    station = SimStation(spec, clock, power_control=_Discharge())
    station.set_online(True)
    station.schedule_ev(1, ev(arrival_at=T0, allow_discharge=True, max_discharge_power_w=15_000.0,
                              discharge_efficiency=0.8))
    station.advance_to(T0)
    tx = station.authorization_result(1, "TOKEN-1", "Accepted")
    assert tx is not None
    clock.advance(1_800)
    station.advance_to(clock.now())
    assert tx.export_wh == pytest.approx(5_000.0)  # clamped to the EVSE's 10 kW
    assert tx.battery_energy_wh == pytest.approx(-5_000.0 / 0.8)
    assert station.evses[1].export_register_wh == pytest.approx(5_000.0)
    updates = [p for a, p in drain(station) if a == "TransactionEvent" and p["eventType"] == "Updated"]
    assert sampled(updates[-1], "Power.Active.Export") == 10_000.0
    assert sampled(updates[-1], "Energy.Active.Export.Register") == pytest.approx(5_000.0)
