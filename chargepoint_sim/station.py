"""`SimStation`: one simulated charging station's state machine, independent of any connection.

`advance_to(now)` moves the station through simulated time: EV arrivals and departures, battery and meter
integration (exact for piecewise-constant setpoints: it never steps across an event), periodic meter values
and charging-state changes. Everything the station has to tell the CSMS goes into `outbox` in timestamp
order; TransactionEvents are durable (kept while offline, flagged `offline: true` when generated offline, sent
in order later), other messages are dropped while offline (status is re-sent on every boot). The CSMS-initiated
operations (remote start/stop, availability, reset, unlock, triggers, charging profiles) are methods here;
`handlers.py` maps OCPP calls onto them and `link.py` runs the connection. Ground truth: `transactions` (every
transaction, open or ended, with the energy really delivered).

Smart charging: `profiles` (`smart_charging.ProfileStore`) holds the charging profiles and their stacking rules;
the default `power_control` (`power.ProfilePowerControl`) executes them with the spec's response delay and
ramp rate, LocalFrequency periods following `frequency` (set with `set_frequency`). On plug-in the station
sends NotifyEVChargingNeeds (in the form of the OCPP version the connection speaks when it is sent).

A station rating (`StationSpec.max_power_w`, `max_discharge_power_w`) caps what all EVSEs together draw and
feed in: when their setpoints (after the EVSE ratings, before the EVs' own limits) add up to more, each is
scaled down in proportion, so the station never exceeds its rating. Such a station advances its EVSEs in
lockstep (one EVSE's setpoint depends on the others' at the same instant); without a rating each EVSE is
advanced on its own, as before. The composite schedule (GetCompositeSchedule) does not include the rating.
"""

from __future__ import annotations

import logging
import uuid
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from chargepoint_sim import messages, variables
from chargepoint_sim.device_model import DeviceModel, VarKey
from chargepoint_sim.ev import Ev, delivers
from chargepoint_sim.ev import step as ev_step
from chargepoint_sim.evse import AuthState, ChargingState, Evse, EvseSpec, Transaction
from chargepoint_sim.power import DEFAULT_CONTROL, ControlSpec, FrequencyInput, PowerControl, ProfilePowerControl
from chargepoint_sim.smart_charging import DEFAULT_FEATURES, ChargingFeatures, ProfileStore
from chargepoint_sim.wake import WakeFlag
from csms.domain.clock import Clock, to_ocpp_time
from csms.ocpp.versions import OcppVersion

log = logging.getLogger("chargepoint_sim.station")

_MAX_EVENTS_PER_ADVANCE = 1_000_000

VisitSource = Callable[[int, int, datetime], Ev | None]
"""(evse_id, visit_index, after_at) -> the EV of that EVSE's visit number `visit_index` (0-based), arriving at
or after `after_at`, or None when no more EVs come."""


@dataclass(frozen=True, slots=True)
class StationSpec:
    """Static configuration of one station. Durations in simulated seconds."""

    station_id: str
    password: str
    versions: tuple[OcppVersion, ...] = (OcppVersion.V201,)
    evses: tuple[EvseSpec, ...] = (EvseSpec(1),)
    vendor_name: str = "V2G-Sim"
    model: str = "SimBidi"
    heartbeat_interval_s: int = 300
    tx_updated_interval_s: int = 60
    reboot_s: float = 5.0
    max_queued_events: int = 10_000
    charging: ChargingFeatures = DEFAULT_FEATURES
    control: ControlSpec = DEFAULT_CONTROL
    max_power_w: float | None = None  # the whole station's charge rating (None: the sum of its EVSEs')
    max_discharge_power_w: float | None = None  # its discharge rating; None: max_power_w

    @property
    def station_discharge_w(self) -> float | None:
        """The station's discharge rating (None: none beyond its EVSEs')."""
        return self.max_power_w if self.max_discharge_power_w is None else self.max_discharge_power_w

    @property
    def rated(self) -> bool:
        return self.max_power_w is not None or self.max_discharge_power_w is not None


@dataclass(frozen=True, slots=True)
class OutMsg:
    """A station-initiated message waiting to be sent (`variants`: version-specific payloads)."""

    action: str
    payload: dict[str, Any]
    at: datetime
    durable: bool = False
    variants: tuple[tuple[OcppVersion, dict[str, Any]], ...] = ()

    def payload_for(self, version: OcppVersion) -> dict[str, Any]:
        """The payload to send on a connection speaking `version`."""
        for variant_version, payload in self.variants:
            if variant_version is version:
                return payload
        return self.payload


@dataclass(slots=True)
class _Batch:
    items: list[OutMsg] = field(default_factory=list)

    def add(self, action: str, payload: dict[str, Any], at: datetime, durable: bool = False,
            variants: tuple[tuple[OcppVersion, dict[str, Any]], ...] = ()) -> None:
        self.items.append(OutMsg(action, payload, at, durable, variants))


class SimStation:
    """One simulated station: EVSEs with EVs, meters, transactions and a device model."""

    def __init__(
        self,
        spec: StationSpec,
        clock: Clock,
        *,
        power_control: PowerControl | None = None,
        visit_source: VisitSource | None = None,
        initial_registers_wh: dict[int, float] | None = None,
    ) -> None:
        if not spec.evses or len({e.evse_id for e in spec.evses}) != len(spec.evses):
            raise ValueError("a station needs at least one EVSE, with distinct ids")
        self.spec = spec
        self.clock = clock
        self.visit_source = visit_source
        now = clock.now()
        self.evses: dict[int, Evse] = {}
        for evse_spec in spec.evses:
            evse = Evse(evse_spec, advanced_at=now)
            evse.import_register_wh = (initial_registers_wh or {}).get(evse_spec.evse_id, 0.0)
            self.evses[evse_spec.evse_id] = evse
        self.profiles = ProfileStore({e.evse_id: e for e in spec.evses}, spec.charging, offline_since_at=now)
        self.frequency: FrequencyInput | None = None  # None: nominal frequency
        self.power_control: PowerControl = power_control or ProfilePowerControl(
            self.profiles, spec.control, lambda: self.frequency)
        self.device_model = DeviceModel(variables.station_schema(spec.evses, spec.charging, spec.max_power_w,
                                                                 spec.station_discharge_w), live=self._live_value)
        dm = self.device_model
        dm.set_value(variables.IDENTITY, spec.station_id)
        dm.set_value(variables.BASIC_AUTH_PASSWORD, spec.password)
        dm.set_value(variables.VENDOR_NAME, spec.vendor_name)
        dm.set_value(variables.MODEL, spec.model)
        dm.set_value(variables.HEARTBEAT_INTERVAL, str(spec.heartbeat_interval_s))
        dm.set_value(variables.TX_UPDATED_INTERVAL, str(spec.tx_updated_interval_s))
        self.outbox: deque[OutMsg] = deque()
        self.transactions: dict[str, Transaction] = {}
        self.connected = False  # a websocket session is up
        self.online = False  # connected and BootNotification accepted
        self.boot_status: str | None = None
        self.boot_reason = "PowerUp"
        self.boot_requested = False  # TriggerMessage(BootNotification) while not accepted
        self.reset_pending: str | None = None  # "Immediate" or "OnIdle"
        self.last_sent_at: datetime | None = None
        self.dropped_events = 0
        self.wake = WakeFlag()

    # ---- identity ----------------------------------------------------------------------------------------

    @property
    def station_id(self) -> str:
        return self.spec.station_id

    @property
    def password(self) -> str:
        """Current Basic-auth password (SetVariables on SecurityCtrlr.BasicAuthPassword changes it)."""
        return self.device_model.value(variables.BASIC_AUTH_PASSWORD) or self.spec.password

    @property
    def heartbeat_interval_s(self) -> int:
        return max(1, self.device_model.int_value(variables.HEARTBEAT_INTERVAL, 300))

    @property
    def tx_updated_interval_s(self) -> int:
        return max(0, self.device_model.int_value(variables.TX_UPDATED_INTERVAL, 0))

    @property
    def power_w(self) -> float:
        """Signed total power over all EVSEs (last integration step)."""
        return sum(e.power_w for e in self.evses.values())

    def notify(self) -> None:
        """Wake the connection driver: something needs sending or doing."""
        self.wake.set()

    # ---- EV scheduling (tests and fleet) -----------------------------------------------------------------

    def schedule_ev(self, evse_id: int, ev: Ev) -> None:
        """Queue a visit on `evse_id`; it plugs in at `ev.arrival_at` (or on the next advance if None)."""
        self.evses[evse_id].upcoming.append(ev)
        self.notify()

    def power_setpoint_w(self, evse: Evse, now: datetime) -> float:
        """Signed grid-side power the station applies on `evse` now (before the EV's own limits)."""
        if not self.spec.rated:
            return self._evse_setpoint_w(evse, now)
        return self._station_setpoints_w(now)[evse.evse_id]

    def _evse_setpoint_w(self, evse: Evse, now: datetime) -> float:
        if not evse.operative or evse.ev is None:
            return 0.0
        return evse.spec.clamp_power_w(self.power_control.setpoint_w(evse, now))

    def _station_setpoints_w(self, now: datetime) -> dict[int, float]:
        """Every EVSE's setpoint now, scaled down in proportion where they add up to more than the station's
        charge (or discharge) rating."""
        wanted = {n: self._evse_setpoint_w(e, now) for n, e in self.evses.items()}
        charge_w = sum(p for p in wanted.values() if p > 0)
        discharge_w = -sum(p for p in wanted.values() if p < 0)
        limit_w, limit_discharge_w = self.spec.max_power_w, self.spec.station_discharge_w
        up = limit_w / charge_w if limit_w is not None and charge_w > limit_w else 1.0
        down = limit_discharge_w / discharge_w if limit_discharge_w is not None and discharge_w > limit_discharge_w \
            else 1.0
        return {n: p * (up if p > 0 else down) for n, p in wanted.items()}

    # ---- simulated time ----------------------------------------------------------------------------------

    def advance_to(self, now: datetime) -> None:
        """Simulate every EVSE up to `now` and queue the resulting messages in time order."""
        batch = _Batch()
        if self.spec.rated:
            self._advance_together(now, batch)
        else:
            for evse in self.evses.values():
                self._advance_evse(evse, now, batch)
        self._enqueue(sorted(batch.items, key=lambda m: m.at))

    def next_event_at(self) -> datetime | None:
        """Earliest future simulated event (arrival, departure, meter sample, setpoint change)."""
        times = [t for e in self.evses.values() if (t := self._next_event_at(e, e.advanced_at)) is not None]
        return min(times) if times else None

    def _advance_evse(self, evse: Evse, to: datetime, batch: _Batch) -> None:
        t = evse.advanced_at or to
        for _ in range(_MAX_EVENTS_PER_ADVANCE):  # each pass handles an event or reaches `to`
            self._handle_due(evse, t, batch)
            if t >= to:
                break
            t_next = min(to, self._next_event_at(evse, t) or to)
            self._integrate(evse, t, t_next, batch)
            t = t_next
        evse.advanced_at = t  # if the bound was hit, the next advance carries on from here

    def _advance_together(self, to: datetime, batch: _Batch) -> None:
        """`_advance_evse` for every EVSE at once, stepping from one event of any EVSE to the next: a rated
        station's setpoints are shared out at each step's start, before any EVSE moves on."""
        evses = list(self.evses.values())
        t = min(e.advanced_at or to for e in evses)
        for _ in range(_MAX_EVENTS_PER_ADVANCE):
            for evse in evses:
                self._handle_due(evse, t, batch)
            if t >= to:
                break
            t_next = min([to, *(n for e in evses if (n := self._next_event_at(e, t)) is not None)])
            setpoints_w = self._station_setpoints_w(t)
            for evse in evses:
                self._integrate(evse, t, t_next, batch, setpoints_w[evse.evse_id])
            t = t_next
        for evse in evses:
            evse.advanced_at = t

    def _next_event_at(self, evse: Evse, t: datetime | None) -> datetime | None:
        if t is None:
            return None
        candidates: list[datetime] = []
        ev, tx = evse.ev, evse.transaction
        if ev is not None and ev.departure_at is not None:
            candidates.append(ev.departure_at)
        if ev is None and evse.upcoming and evse.upcoming[0].arrival_at is not None:
            candidates.append(evse.upcoming[0].arrival_at)
        if tx is not None:
            if tx.next_sample_at is not None:
                candidates.append(tx.next_sample_at)
            change = self.power_control.next_change_at(evse, t)
            if change is not None:
                candidates.append(change)
        future = [c for c in candidates if c > t]
        return min(future) if future else None

    def _handle_due(self, evse: Evse, t: datetime, batch: _Batch) -> None:
        ev = evse.ev
        if ev is not None and ev.departure_at is not None and ev.departure_at <= t:
            self._depart(evse, t, batch)
        if evse.ev is None:
            if not evse.upcoming and self.visit_source is not None:
                nxt = self.visit_source(evse.evse_id, evse.visits, t)
                if nxt is not None:
                    evse.upcoming.append(nxt)
            if evse.upcoming and (evse.upcoming[0].arrival_at is None or evse.upcoming[0].arrival_at <= t):
                self._arrive(evse, evse.upcoming.popleft(), t, batch)
        tx = evse.transaction
        if tx is not None and tx.next_sample_at is not None and tx.next_sample_at <= t:
            interval_s = self.tx_updated_interval_s
            tx.next_sample_at = t + timedelta(seconds=interval_s) if interval_s > 0 else None
            meter = messages.meter_value(t, evse, self._measurands(variables.TX_UPDATED_MEASURANDS),
                                         "Sample.Periodic")
            self._tx_event(batch, "Updated", t, "MeterValuePeriodic", tx, meter=meter)

    def _integrate(self, evse: Evse, t0: datetime, t1: datetime, batch: _Batch,
                   setpoint_w: float | None = None) -> None:
        tx, ev = evse.transaction, evse.ev
        if tx is None or ev is None:
            evse.power_w = 0.0
            return
        if setpoint_w is None:
            setpoint_w = self.power_setpoint_w(evse, t0)
        result = ev_step(ev, setpoint_w, (t1 - t0).total_seconds())
        evse.ev = result.ev
        evse.power_w = result.power_w
        if result.grid_energy_wh >= 0:
            evse.import_register_wh += result.grid_energy_wh
            tx.import_wh += result.grid_energy_wh
        else:
            evse.export_register_wh -= result.grid_energy_wh
            tx.export_wh -= result.grid_energy_wh
        tx.battery_energy_wh += result.battery_energy_wh
        tx.soc = result.ev.soc
        self._update_charging_state(evse, t1, batch)

    def _charging_state(self, evse: Evse, at: datetime) -> ChargingState:
        if evse.ev is None:
            return ChargingState.IDLE
        setpoint_w = self.power_setpoint_w(evse, at)
        if setpoint_w == 0:
            return ChargingState.SUSPENDED_EVSE
        if not delivers(evse.ev, setpoint_w):
            return ChargingState.SUSPENDED_EV
        return ChargingState.CHARGING

    def _update_charging_state(self, evse: Evse, at: datetime, batch: _Batch) -> None:
        tx = evse.transaction
        if tx is None:
            return
        state = self._charging_state(evse, at)
        if state != tx.charging_state:
            tx.charging_state = state
            self._tx_event(batch, "Updated", at, "ChargingStateChanged", tx, charging_state=state)

    # ---- EV and transaction lifecycle --------------------------------------------------------------------

    def _arrive(self, evse: Evse, ev: Ev, t: datetime, batch: _Batch) -> None:
        evse.ev = ev
        evse.visits += 1
        evse.auth_state = AuthState.WAITING if ev.id_token else AuthState.WAITING_REMOTE
        self._status_if_changed(evse, t, batch)
        if self.spec.charging.send_charging_needs:
            variants = tuple((v, messages.charging_needs(evse.spec, ev, v)) for v in self.spec.versions)
            batch.add("NotifyEVChargingNeeds", variants[0][1], t, durable=True, variants=variants)

    def _depart(self, evse: Evse, t: datetime, batch: _Batch) -> None:
        if evse.transaction is not None:
            self._end_tx(evse, t, "EVCommunicationLost", "EVDisconnected", batch)
        evse.ev = None
        evse.auth_state = AuthState.DONE
        evse.power_w = 0.0
        self._status_if_changed(evse, t, batch)

    def _start_tx(self, evse: Evse, t: datetime, token: str, token_type: str, trigger: str,
                  batch: _Batch, remote_start_id: int | None = None) -> Transaction:
        assert evse.ev is not None
        tx = Transaction(
            transaction_id=str(uuid.uuid4()), evse_id=evse.evse_id, started_at=t, id_token=token,
            id_token_type=token_type, soc_start=evse.ev.soc, soc=evse.ev.soc,
            import_register_start_wh=evse.import_register_wh, export_register_start_wh=evse.export_register_wh,
            remote_start_id=remote_start_id,
        )
        interval_s = self.tx_updated_interval_s
        tx.next_sample_at = t + timedelta(seconds=interval_s) if interval_s > 0 else None
        evse.transaction = tx
        evse.auth_state = AuthState.DONE
        self.transactions[tx.transaction_id] = tx
        tx.charging_state = self._charging_state(evse, t)
        meter = messages.meter_value(t, evse, self._measurands(variables.TX_STARTED_MEASURANDS),
                                     "Transaction.Begin")
        self._tx_event(batch, "Started", t, trigger, tx, charging_state=tx.charging_state, with_id_token=True,
                       meter=meter)
        return tx

    def _end_tx(self, evse: Evse, t: datetime, trigger: str, reason: str, batch: _Batch) -> None:
        tx = evse.transaction
        assert tx is not None
        evse.power_w = 0.0
        meter = messages.meter_value(t, evse, self._measurands(variables.TX_ENDED_MEASURANDS), "Transaction.End")
        tx.ended_at, tx.stopped_reason = t, reason
        tx.charging_state = ChargingState.EV_CONNECTED if trigger != "EVCommunicationLost" else ChargingState.IDLE
        evse.transaction = None
        self.profiles.transaction_ended(evse.evse_id)
        self._tx_event(batch, "Ended", t, trigger, tx, charging_state=tx.charging_state, stopped_reason=reason,
                       meter=meter)
        self._status_if_changed(evse, t, batch)

    def _tx_event(self, batch: _Batch, event_type: str, at: datetime, trigger: str, tx: Transaction,
                  **kwargs: Any) -> None:
        offline = not self.online
        payload = messages.transaction_event(event_type, at, trigger, tx, offline=offline, **kwargs)
        tx.events_queued_offline += 1 if offline else 0
        batch.add("TransactionEvent", payload, at, durable=True)

    def _status_if_changed(self, evse: Evse, t: datetime, batch: _Batch) -> None:
        status = evse.connector_status
        if status != evse.last_status:
            evse.last_status = status
            batch.add("StatusNotification", messages.status_notification(t, evse.evse_id, status), t)

    def _measurands(self, key: VarKey) -> tuple[str, ...]:
        return self.device_model.list_value(key)

    # ---- outbox and connection state ---------------------------------------------------------------------

    def _enqueue(self, items: Iterable[OutMsg]) -> None:
        added = False
        for item in items:
            if not item.durable and not self.online:
                continue  # status etc. is re-sent on the next boot
            if item.durable and len(self.outbox) >= self.spec.max_queued_events:
                self.dropped_events += 1
                log.warning("%s: offline queue full, dropping %s", self.station_id, item.action)
                continue
            self.outbox.append(item)
            added = True
        if added:
            self.notify()

    def set_online(self, online: bool) -> None:
        """Called by the connection: boot accepted (True) or connection lost (False: drop non-durable items).

        Charging profiles with a maxOfflineDuration count the offline time from the first False."""
        now = self.clock.now()
        if online and not self.online:
            self.advance_to(now)  # simulate the offline stretch with the offline rules
        self.online = online
        self.profiles.set_offline(not online, now)
        if not online:
            self.outbox = deque(m for m in self.outbox if m.durable)

    def boot_status_payloads(self, now: datetime) -> list[dict[str, Any]]:
        """StatusNotification for every connector, sent after each accepted boot."""
        payloads = []
        for evse in self.evses.values():
            evse.last_status = evse.connector_status
            payloads.append(messages.status_notification(now, evse.evse_id, evse.last_status))
        return payloads

    def pending_authorizations(self) -> list[tuple[int, str]]:
        """(evse_id, id_token) of plugged EVs that still need an Authorize round trip."""
        return [(e.evse_id, e.ev.id_token) for e in self.evses.values()
                if e.auth_state is AuthState.WAITING and e.operative and e.ev is not None and e.ev.id_token]

    def authorization_result(self, evse_id: int, token: str, status: str) -> Transaction | None:
        """Apply the CSMS's Authorize answer: Accepted starts the transaction (triggerReason Authorized)."""
        now = self.clock.now()
        self.advance_to(now)
        evse = self.evses[evse_id]
        if evse.ev is None or evse.ev.id_token != token or evse.auth_state is not AuthState.WAITING:
            return None  # the EV left meanwhile
        if status != "Accepted":
            evse.auth_state = AuthState.DONE
            return None
        if not evse.operative or evse.transaction is not None:
            return None  # retried once the EVSE is operative again
        batch = _Batch()
        tx = self._start_tx(evse, now, token, "ISO14443", "Authorized", batch)
        self._enqueue(batch.items)
        return tx

    # ---- CSMS-initiated operations -----------------------------------------------------------------------

    def _now_advanced(self) -> datetime:
        now = self.clock.now()
        self.advance_to(now)
        return now

    def remote_start(self, evse_id: int | None, id_token: dict[str, Any], remote_start_id: int) -> Transaction | None:
        """RequestStartTransaction: start on an operative EVSE with a plugged EV and no transaction."""
        now = self._now_advanced()
        if evse_id is None:
            candidates = list(self.evses.values())
        else:
            candidates = [self.evses[evse_id]] if evse_id in self.evses else []
        for evse in candidates:
            if evse.ev is not None and evse.transaction is None and evse.operative:
                batch = _Batch()
                tx = self._start_tx(evse, now, str(id_token["idToken"]), str(id_token["type"]), "RemoteStart",
                                    batch, remote_start_id=remote_start_id)
                self._enqueue(batch.items)
                return tx
        return None

    def remote_stop(self, transaction_id: str) -> bool:
        """RequestStopTransaction: end the open transaction (triggerReason RemoteStop, stoppedReason Remote)."""
        now = self._now_advanced()
        for evse in self.evses.values():
            if evse.transaction is not None and evse.transaction.transaction_id == transaction_id:
                batch = _Batch()
                self._end_tx(evse, now, "RemoteStop", "Remote", batch)
                self._enqueue(batch.items)
                return True
        return False

    def change_availability(self, operative: bool, evse_id: int | None) -> str:
        """ChangeAvailability. Inoperative suspends charging at once; with a running transaction the answer
        is Scheduled (G03) and the connector reports Unavailable when the transaction ends."""
        now = self._now_advanced()
        if evse_id is not None and evse_id not in self.evses:
            return "Rejected"
        targets = [self.evses[evse_id]] if evse_id is not None else list(self.evses.values())
        batch = _Batch()
        for evse in targets:
            evse.operative = operative
            self._update_charging_state(evse, now, batch)
            self._status_if_changed(evse, now, batch)
        self._enqueue(batch.items)
        busy = not operative and any(e.transaction is not None for e in targets)
        return "Scheduled" if busy else "Accepted"

    def unlock_connector(self, evse_id: int, connector_id: int) -> str:
        if evse_id not in self.evses or connector_id != 1:
            return "UnknownConnector"
        self._now_advanced()
        return "OngoingAuthorizedTransaction" if self.evses[evse_id].transaction is not None else "Unlocked"

    def request_reset(self, reset_type: str, evse_id: int | None) -> str:
        """Reset: Immediate now; OnIdle once no transaction runs (Scheduled meanwhile). EVSE resets: Rejected."""
        if evse_id is not None:
            return "Rejected"
        busy = any(e.transaction is not None for e in self.evses.values())
        self.reset_pending = "OnIdle" if reset_type == "OnIdle" else "Immediate"
        self.notify()
        return "Scheduled" if reset_type == "OnIdle" and busy else "Accepted"

    @property
    def reset_due(self) -> bool:
        if self.reset_pending == "Immediate":
            return True
        return self.reset_pending == "OnIdle" and all(e.transaction is None for e in self.evses.values())

    def reboot(self) -> None:
        """Execute a pending reset: end transactions (ImmediateReset); plugged EVs re-authorize after boot."""
        now = self._now_advanced()
        batch = _Batch()
        for evse in self.evses.values():
            if evse.transaction is not None:
                self._end_tx(evse, now, "ResetCommand", "ImmediateReset", batch)
            if evse.ev is not None:
                evse.auth_state = AuthState.WAITING if evse.ev.id_token else AuthState.WAITING_REMOTE
        self._enqueue(batch.items)
        self.reset_pending = None
        self.boot_reason = "RemoteReset"

    def trigger(self, requested: str, evse_id: int | None) -> str:
        """TriggerMessage: queue the requested message; returns the TriggerMessageStatus."""
        if evse_id is not None and evse_id not in self.evses:
            return "Rejected"
        now = self._now_advanced()
        evses = [self.evses[evse_id]] if evse_id is not None else list(self.evses.values())
        batch = _Batch()
        if requested == "BootNotification":
            if self.boot_status == "Accepted":
                return "Rejected"  # F06.FR.17
            self.boot_requested = True
            self.notify()
            return "Accepted"
        if requested == "Heartbeat":
            batch.add("Heartbeat", {}, now)
        elif requested == "StatusNotification":
            for evse in evses:
                evse.last_status = evse.connector_status
                batch.add("StatusNotification", messages.status_notification(now, evse.evse_id, evse.last_status),
                          now)
        elif requested == "MeterValues":
            measurands = self._measurands(variables.TX_UPDATED_MEASURANDS)
            for evse in evses:
                batch.add("MeterValues", {"evseId": evse.evse_id,
                                          "meterValue": [messages.meter_value(now, evse, measurands, "Trigger")]}, now)
        elif requested == "TransactionEvent":
            open_evses = [e for e in evses if e.transaction is not None]
            if not open_evses:
                return "Rejected"
            measurands = self._measurands(variables.TX_UPDATED_MEASURANDS)
            for evse in open_evses:
                assert evse.transaction is not None
                self._tx_event(batch, "Updated", now, "Trigger", evse.transaction,
                               charging_state=evse.transaction.charging_state,
                               meter=messages.meter_value(now, evse, measurands, "Trigger"))
        else:
            return "NotImplemented"
        self._enqueue(batch.items)
        return "Accepted"

    def variables_changed(self, keys: Iterable[VarKey]) -> None:
        """React to SetVariables: a new TxUpdatedInterval applies from now on."""
        if variables.TX_UPDATED_INTERVAL not in set(keys):
            return
        now = self._now_advanced()
        interval_s = self.tx_updated_interval_s
        for evse in self.evses.values():
            if evse.transaction is not None:
                evse.transaction.next_sample_at = now + timedelta(seconds=interval_s) if interval_s > 0 else None
        self.notify()

    # ---- smart charging ---------------------------------------------------------------------------------

    def _running_transactions(self) -> dict[int, str | None]:
        return {n: (e.transaction.transaction_id if e.transaction is not None else None)
                for n, e in self.evses.items()}

    def set_charging_profile(self, evse_id: int, profile: dict[str, Any], version: OcppVersion) -> dict[str, Any]:
        """SetChargingProfile: the SetChargingProfileResponse payload (see `smart_charging`)."""
        now = self._now_advanced()
        response = self.profiles.set_profile(evse_id, profile, version, self._running_transactions(), now)
        self.notify()
        return response

    def clear_charging_profile(self, payload: dict[str, Any]) -> dict[str, Any]:
        self._now_advanced()
        response = self.profiles.clear(payload)
        self.notify()
        return response

    def update_dynamic_schedule(self, payload: dict[str, Any]) -> dict[str, Any]:
        now = self._now_advanced()
        response = self.profiles.update_dynamic(payload, now)
        self.notify()
        return response

    def composite_schedule(self, evse_id: int, duration_s: int, rate_unit: str | None,
                           version: OcppVersion) -> dict[str, Any]:
        """GetCompositeSchedule: what the station will do by the stacking rules, from now (ms precision)."""
        now = self._now_advanced()
        if evse_id != 0 and evse_id not in self.evses:
            return {"status": "Rejected", "statusInfo": {"reasonCode": "UnknownEvse"}}
        if duration_s <= 0:
            return {"status": "Rejected", "statusInfo": {"reasonCode": "InvalidValue",
                                                         "additionalInfo": "duration must be positive"}}
        start = now.replace(microsecond=now.microsecond // 1000 * 1000)
        unit = rate_unit or ("W" if "W" in self.spec.charging.rate_units else "A")
        reference = self.evses[evse_id].spec if evse_id else self.spec.evses[0]
        points = self.profiles.composite_w(evse_id, self._running_transactions(), start, duration_s)
        return {"status": "Accepted", "schedule": {
            "evseId": evse_id, "duration": duration_s, "scheduleStart": to_ocpp_time(start),
            "chargingRateUnit": unit,
            "chargingSchedulePeriod": [messages.composite_period(offset_s, value_w, unit, reference, version)
                                       for offset_s, value_w in points]}}

    def set_frequency(self, source: FrequencyInput | None) -> None:
        """Grid frequency input (Hz, or a function of simulated time; None: nominal) from now on."""
        self.advance_to(self.clock.now())
        self.frequency = source
        self.notify()

    # ---- device-model live values ------------------------------------------------------------------------

    def _live_value(self, key: VarKey, attribute: str) -> str | None:
        if key.component == "ChargingStation":
            if key.variable == "Power":
                return f"{sum(max(e.power_w, 0.0) for e in self.evses.values()):.1f}"
            if key.variable == "DischargePower":
                return f"{sum(max(-e.power_w, 0.0) for e in self.evses.values()):.1f}"
            return "Available" if any(e.operative for e in self.evses.values()) else "Unavailable"
        evse = self.evses.get(key.evse_id) if key.evse_id is not None else None
        if evse is None:
            return None
        if key.variable == "AvailabilityState":
            return evse.connector_status
        if attribute != "Actual":
            return None
        if key.variable == "Power":
            return f"{max(evse.power_w, 0.0):.1f}"
        if key.variable == "DischargePower":
            return f"{max(-evse.power_w, 0.0):.1f}"
        return None
