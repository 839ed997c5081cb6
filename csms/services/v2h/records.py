"""One V2H unit's readings in the store, as an OCPP station's messages would keep them, with the same events.

A unit is station `v2h-<name>` with one EVSE (1) and one connector (1):
- first answer: the station is connected (`station.connected`); the device model says what the EVSE can do
  (`SmartChargingCtrlr.RateUnit` W, `EVSE.Power` / `EVSE.DischargePower` from C8/C9, `V2XChargingCtrlr.Enabled`
  when C9 allows discharge, `EVSE.SupplyPhases` 0 = DC), rewritten (`station.report_complete`) when C8/C9 change;
- a car plugged in (C7 not "not connected"): an open transaction (`transaction.started`), with charging needs
  (`ev.needs`: capacity, powers, the household's consent and reserve); each reading appends a meter sample
  (D8/D6 as import/export registers, D3 power, SoC from E2 over the capacity, else E4) and updates the
  transaction (`transaction.updated`); unplugged: the transaction ends (`EVDisconnected`);
- no answer: the station is disconnected and an open transaction ends (`Other`, trigger `AbnormalCondition`):
  the fleet controller stops planning the car; the next answer starts a new transaction if it is still there.
The capacity is the unit's `capacity_wh` setting, else E2 / E4 at plug-in (E4 of at least 10 %), else unknown
(the fleet's default applies).
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from csms.domain.clock import Clock
from csms.domain.ids import StationId, TransactionId
from csms.domain.records import (
    ChargingNeedsRecord,
    ConnectorStatusRecord,
    MeterSample,
    StationRecord,
    TransactionRecord,
    VariableRecord,
)
from csms.echonet.v2h import ConnectionStatus, V2hState
from csms.services.events import (
    ConnectorStatusChanged,
    EvChargingNeeds,
    EventBus,
    ReportCompleted,
    StationConnected,
    StationDisconnected,
    TransactionChanged,
    TransactionEnded,
    TransactionStarted,
    TransactionUpdated,
)
from csms.settings import EchonetUnitSettings
from csms.store.base import StateStore

EVSE_ID = 1
CONNECTOR_ID = 1
PROTOCOL = "echonet-lite"  # the station record's `ocpp_version`: not OCPP; profiles are read in the 2.0.1 form
_MIN_PERCENT_FOR_CAPACITY = 10


def station_id_of(unit: EchonetUnitSettings) -> StationId:
    return StationId(f"v2h-{unit.name}")


def plugged(state: V2hState) -> bool:
    return state.connection not in (ConnectionStatus.NOT_CONNECTED, ConnectionStatus.UNDETERMINED)


def device_model(state: V2hState) -> list[VariableRecord]:
    """What the EVSE can be commanded to do, as the OCPP device model variables the CSMS reads."""
    discharge = state.max_discharge_power_w > 0
    return [
        VariableRecord("SmartChargingCtrlr", "RateUnit", "W"),
        VariableRecord("V2XChargingCtrlr", "Enabled", "true" if discharge else "false", evse_id=EVSE_ID),
        VariableRecord("EVSE", "Power", str(state.max_charge_power_w), "MaxSet", evse_id=EVSE_ID),
        VariableRecord("EVSE", "DischargePower", str(state.max_discharge_power_w), "MaxSet", evse_id=EVSE_ID),
        VariableRecord("EVSE", "SupplyPhases", "0", evse_id=EVSE_ID),
    ]


class V2hRecords:
    """The store records and events of one unit (see the module docstring)."""

    def __init__(self, unit: EchonetUnitSettings, store: StateStore, clock: Clock, events: EventBus,
                 node_id: str) -> None:
        self.unit = unit
        self.station_id = station_id_of(unit)
        self._store = store
        self._clock = clock
        self._events = events
        self._node_id = node_id
        self.connected = False
        self.transaction: TransactionRecord | None = None
        self._capacity_wh: float | None = None
        self._model: list[VariableRecord] | None = None
        self._connector: str | None = None
        self._adopted = False
        self._last_transaction_id = ""

    async def online(self, state: V2hState) -> None:
        """A reading: connect, keep the device model, connector and transaction up to date."""
        now = self._clock.now()
        if not self._adopted:
            await self._adopt_open_transaction()
        if not self.connected:
            station = await self._store.get_station(self.station_id) or StationRecord(
                self.station_id, vendor="ECHONET Lite", model="EV charger/discharger 0x027E")
            await self._store.put_station(dataclasses.replace(
                station, ocpp_version=PROTOCOL, registration_status="Accepted", connected=True, node_id=self._node_id,
                last_boot_at=now, last_seen_at=now))
            self.connected = True
            self._events.publish(StationConnected(station_id=self.station_id, at=now, ocpp_version=PROTOCOL))
        model = device_model(state)
        if model != self._model:
            await self._store.put_variables(self.station_id, model)
            self._model = model
            self._events.publish(ReportCompleted(station_id=self.station_id, at=now, request_id=None))
        await self._set_connector("Occupied" if plugged(state) else "Available", now)
        if plugged(state):
            await self._meter(state, now)
        elif self.transaction is not None:
            await self._end("EVDisconnected", "EVCommunicationLost", now)

    async def offline(self) -> None:
        """No answer: disconnect the station and end its session."""
        if not self.connected and self.transaction is None:
            return
        now = self._clock.now()
        if self.transaction is not None:
            await self._end("Other", "AbnormalCondition", now)
        await self._set_connector("Unavailable", now)
        station = await self._store.get_station(self.station_id)
        if station is not None:
            await self._store.put_station(dataclasses.replace(station, connected=False, last_seen_at=now))
        self.connected = False
        self._events.publish(StationDisconnected(station_id=self.station_id, at=now))

    async def _adopt_open_transaction(self) -> None:
        """After a restart: carry on with the session the store still has open (the newest one)."""
        self._adopted = True
        open_txs = await self._store.list_transactions(self.station_id, open_only=True)
        if open_txs:
            self.transaction = max(open_txs, key=lambda tx: tx.started_at or self._clock.now())
            needs = await self._store.get_charging_needs(self.station_id, EVSE_ID)
            self._capacity_wh = needs.ev_capacity_wh if needs else None

    async def _set_connector(self, status: str, now: datetime) -> None:
        if status == self._connector:
            return
        await self._store.put_connector_status(ConnectorStatusRecord(self.station_id, EVSE_ID, CONNECTOR_ID,
                                                                      status, now))
        self._connector = status
        self._events.publish(ConnectorStatusChanged(station_id=self.station_id, at=now, evse_id=EVSE_ID,
                                                    connector_id=CONNECTOR_ID, status=status))

    def _soc(self, state: V2hState) -> float:
        if self._capacity_wh:
            return min(max(state.remaining_wh / self._capacity_wh, 0.0), 1.0)
        return state.remaining_percent / 100

    def _sample(self, state: V2hState, now: datetime, context: str) -> MeterSample:
        return MeterSample(now, import_register_wh=float(state.charged_wh),
                           export_register_wh=float(state.discharged_wh), power_w=float(state.measured_power_w),
                           soc=self._soc(state), context=context)

    async def _meter(self, state: V2hState, now: datetime) -> None:
        tx = self.transaction
        if tx is None:
            await self._start(state, now)
            return
        sample = self._sample(state, now, "Sample.Periodic")
        tx = dataclasses.replace(
            tx, updated_at=now, last_power_w=sample.power_w, last_soc=sample.soc, last_soc_at=now,
            import_register_min_wh=_lo(tx.import_register_min_wh, state.charged_wh),
            import_register_max_wh=_hi(tx.import_register_max_wh, state.charged_wh),
            export_register_min_wh=_lo(tx.export_register_min_wh, state.discharged_wh),
            export_register_max_wh=_hi(tx.export_register_max_wh, state.discharged_wh))
        await self._save(tx, sample)
        self._events.publish(_event(TransactionUpdated, tx, now))

    async def _start(self, state: V2hState, now: datetime) -> None:
        self._capacity_wh = self.unit.capacity_wh
        if self._capacity_wh is None and state.remaining_percent >= _MIN_PERCENT_FOR_CAPACITY:
            self._capacity_wh = state.remaining_wh * 100 / state.remaining_percent
        sample = self._sample(state, now, "Transaction.Begin")
        charged, discharged = float(state.charged_wh), float(state.discharged_wh)
        transaction_id = f"{self.station_id}-{now:%Y%m%dT%H%M%S}"
        if transaction_id == self._last_transaction_id:  # replugged within the second
            transaction_id += f"-{now:%f}"
        self._last_transaction_id = transaction_id
        tx = TransactionRecord(
            self.station_id, TransactionId(transaction_id), evse_id=EVSE_ID,
            connector_id=CONNECTOR_ID, id_token=f"echonet:{self.unit.name}", id_token_type="Local",
            started_at=now, updated_at=now, charging_state="EVConnected", last_trigger_reason="CablePluggedIn",
            import_register_min_wh=charged, import_register_max_wh=charged, import_register_first_wh=charged,
            import_register_first_at=now, export_register_min_wh=discharged, export_register_max_wh=discharged,
            export_register_first_wh=discharged, export_register_first_at=now, last_power_w=sample.power_w,
            last_soc=sample.soc, last_soc_at=now)
        needs = ChargingNeedsRecord(
            self.station_id, EVSE_ID, received_at=now, ev_capacity_wh=self._capacity_wh,
            max_charge_power_w=float(state.max_charge_power_w),
            max_discharge_power_w=float(state.max_discharge_power_w),
            discharge_allowed=self.unit.discharge_allowed and state.max_discharge_power_w > 0,
            min_soc=self.unit.min_soc, control_mode="ScheduledControl", soc_at_received=sample.soc)
        await self._save(tx, sample)
        await self._store.put_charging_needs(needs)
        self._events.publish(_event(TransactionStarted, tx, now))
        self._events.publish(EvChargingNeeds(station_id=self.station_id, at=now, evse_id=EVSE_ID,
                                             discharge_allowed=needs.discharge_allowed))

    async def _end(self, reason: str, trigger: str, now: datetime) -> None:
        tx = self.transaction
        assert tx is not None
        tx = dataclasses.replace(tx, ended_at=now, updated_at=now, stopped_reason=reason, last_trigger_reason=trigger,
                                 charging_state="Idle")
        await self._store.put_transaction(tx)
        await self._store.delete_charging_needs(self.station_id, EVSE_ID)
        self.transaction = None
        self._capacity_wh = None
        self._events.publish(_event(TransactionEnded, tx, now))

    async def _save(self, tx: TransactionRecord, sample: MeterSample) -> None:
        await self._store.put_transaction(tx)
        await self._store.append_meter_samples(self.station_id, tx.transaction_id, [sample])
        self.transaction = tx


def _lo(register_wh: float | None, value_wh: float) -> float:
    return value_wh if register_wh is None else min(register_wh, value_wh)


def _hi(register_wh: float | None, value_wh: float) -> float:
    return value_wh if register_wh is None else max(register_wh, value_wh)


def _event(kind: type[TransactionChanged], tx: TransactionRecord, at: datetime) -> TransactionChanged:
    """A transaction event with the fields the OCPP transaction handlers publish."""
    return kind(station_id=tx.station_id, at=at, transaction_id=tx.transaction_id, evse_id=tx.evse_id,
                power_w=tx.last_power_w, soc=tx.last_soc, soc_at=tx.last_soc_at,
                energy_import_wh=tx.energy_import_wh, energy_export_wh=tx.energy_export_wh)
