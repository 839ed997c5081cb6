"""`EchonetStationBridge`: home V2H units as stations - polled on the injected clock, commanded as OCPP ones.

Every `poll_interval_s` of clock time each unit is read (all concurrently, one UDP client); `V2hRecords` keeps
the store and the events as an OCPP station would, so the fleet controller plans a plugged car like any EV. The
bridge is also the `StationGateway` of these stations (`GatewayRouter` sends it their calls), so the fleet's
setpoints come through the same safety envelope and setpoint outbox as every OCPP station's, and arrive as:
- `SetChargingProfile` (OCPP 2.0.1 form, W; `RateUnit` is W): the profile is installed and the setpoint it puts
  in force now is sent as one SetC (DA mode + E0 power) and read back; a setpoint beyond what the unit reports
  (C7, C8/C9) is answered Rejected and nothing is sent (the profile is not kept); so is a TxProfile for another
  transaction, or a rate unit other than W;
- `ClearChargingProfile`: by id or criteria, Accepted or Unknown; the setpoint in force then is sent;
- `GetCompositeSchedule`: what the profiles put in force over the window (0 W where none is: the unit stands by).
Each poll also sends the setpoint in force when it changed (a new period, or the profile's validity ended: the
unit then stands by), clamped to what the unit can do at that moment. Any other action is a CALLERROR
NotImplemented; a payload that does not match the 2.0.1 schema raises its RpcError, like an OCPP session. A
unit that does not answer is not connected (`StationNotConnected`) until its next answer.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

from csms.domain.clock import Clock
from csms.domain.ids import StationId
from csms.echonet.adapter import V2hEndpoint, V2hResource
from csms.echonet.client import EchonetClient
from csms.echonet.errors import EchonetError, EchonetRejected, EchonetTimeout, ResourceOffline, SetpointRefused
from csms.echonet.frame import EchonetFrameError, Eoj
from csms.echonet.v2h import V2hState
from csms.errors import CallError, CallTimeout, StationNotConnected
from csms.ocpp.schemas import validate
from csms.ocpp.versions import OcppVersion
from csms.services.composite import EvseHardware
from csms.services.events import EventBus
from csms.services.v2h.profiles import InstalledProfiles
from csms.services.v2h.records import EVSE_ID, V2hRecords, station_id_of
from csms.settings import EchonetSettings, EchonetUnitSettings
from csms.store.base import StateStore

log = logging.getLogger("csms.v2h")


@dataclass(eq=False)
class _Unit:
    records: V2hRecords
    resource: V2hResource | None = None
    profiles: InstalledProfiles = field(default_factory=InstalledProfiles)
    applied_w: int | None = None  # the last setpoint the unit accepted (None: none sent yet)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


def _rejected(reason: str, info: str) -> dict[str, Any]:
    return {"status": "Rejected", "statusInfo": {"reasonCode": reason, "additionalInfo": info[:1024]}}


def _within(state: V2hState) -> EvseHardware:
    """What the unit can do now (C7 and C8/C9), for clamping a setpoint in force."""
    return EvseHardware(float(state.max_charge_power_w if state.connection.can_charge else 0),
                        float(state.max_discharge_power_w if state.connection.can_discharge else 0), 230.0, 1)


class EchonetStationBridge:
    """The V2H units of `settings` as stations `v2h-<name>` (see the module docstring)."""

    def __init__(self, settings: EchonetSettings, store: StateStore, clock: Clock, events: EventBus, *,
                 node_id: str = "") -> None:
        self._settings = settings
        self._clock = clock
        self.node_id = node_id
        self._units: dict[StationId, _Unit] = {}
        for unit in settings.units:
            station_id = station_id_of(unit)
            if station_id in self._units:
                raise ValueError(f"two ECHONET Lite units are named {unit.name!r}")
            self._units[station_id] = _Unit(V2hRecords(unit, store, clock, events, node_id))
        self._client: EchonetClient | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def station_ids(self) -> list[StationId]:
        return list(self._units)

    # ---- lifecycle ------------------------------------------------------------------------------------

    async def open(self) -> None:
        """Bind the UDP client (explicit local address) and make each unit's resource."""
        if self._client is not None:
            return
        self._client = await EchonetClient.open(self._settings.local_host, self._settings.local_port)
        for unit in self._units.values():
            cfg: EchonetUnitSettings = unit.records.unit
            endpoint = V2hEndpoint(unit.records.station_id, cfg.host, cfg.port, Eoj(0x02, 0x7E, cfg.instance))
            unit.resource = V2hResource(endpoint, self._client, timeout_s=self._settings.timeout_s)

    async def start(self) -> None:
        """Open and poll every `poll_interval_s` of clock time until `stop`."""
        await self.open()
        if self._task is None:
            self._task = asyncio.create_task(self._poll_loop(), name="echonet-poll")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        if self._client is not None:
            self._client.close()
            self._client = None

    async def _poll_loop(self) -> None:
        while True:
            try:
                await self.poll_once()
            except Exception:  # a task boundary: log, poll again next time
                log.exception("polling the ECHONET Lite units failed")
            await self._clock.sleep(self._settings.poll_interval_s)

    # ---- polling --------------------------------------------------------------------------------------

    async def poll_once(self) -> None:
        """Read every unit once (concurrently) and bring its records and setpoint up to date."""
        await asyncio.gather(*(self._poll(unit) for unit in self._units.values()))

    async def _poll(self, unit: _Unit) -> None:
        resource = unit.resource
        if resource is None:
            raise RuntimeError("open() the bridge first")
        before = unit.records.transaction
        try:
            state = await resource.refresh()
        except (EchonetRejected, EchonetFrameError) as exc:  # answers, but not a state we can plan with
            log.warning("%s: unreadable state, treated as offline: %s", resource.resource_id, exc)
            state = None
        if state is None:
            await unit.records.offline()
            unit.applied_w = None  # back online, the unit is left alone until a profile is in force
        else:
            await unit.records.online(state)
        if before is not None and unit.records.transaction is not before and \
                (unit.records.transaction is None or unit.records.transaction.transaction_id != before.transaction_id):
            unit.profiles.end_transaction(before.transaction_id)
        if state is None:
            return
        async with unit.lock:
            try:
                await self._follow(unit, state)
            except EchonetError as exc:  # refused, rejected or unanswered: the next poll tries again
                log.warning("%s: setpoint in force not applied: %s", resource.resource_id, exc)

    async def _follow(self, unit: _Unit, state: V2hState) -> None:
        """Send the setpoint in force if it is not the one the unit last accepted."""
        if not unit.profiles and unit.applied_w is None:
            return  # never commanded: leave the unit alone
        tx = unit.records.transaction
        target_w = unit.profiles.power_w(EVSE_ID, tx.transaction_id if tx else None, self._clock.now(), _within(state))
        if target_w != unit.applied_w:
            await self._send(unit, target_w)

    async def _send(self, unit: _Unit, power_w: int) -> V2hState | None:
        """Send one setpoint; raises SetpointRefused (nothing sent) and the device's EchonetErrors."""
        assert unit.resource is not None
        state = await unit.resource.set_power_w(power_w)
        if state is None:  # the next poll decides whether the unit is gone
            raise EchonetTimeout(f"{unit.records.station_id}: no answer to the setpoint {power_w} W")
        unit.applied_w = power_w
        log.info("%s: setpoint %d W, read back %d W", unit.records.station_id, power_w, state.measured_power_w)
        await unit.records.online(state)
        return state

    # ---- StationGateway -------------------------------------------------------------------------------

    def owns(self, station_id: StationId) -> bool:
        return station_id in self._units

    def is_connected(self, station_id: StationId) -> bool:
        unit = self._units.get(station_id)
        return unit is not None and unit.records.connected

    def connected_station_ids(self) -> list[StationId]:
        return [sid for sid, unit in self._units.items() if unit.records.connected]

    async def locate(self, station_ids: list[StationId]) -> dict[StationId, str | None]:
        return {sid: self.node_id if self.is_connected(sid) else None for sid in station_ids}

    async def call(self, station_id: StationId, action: str, payload: dict[str, Any],
                   timeout_s: float | None = None) -> dict[str, Any]:
        """An OCPP CALL to a V2H unit's station (see the module docstring); `timeout_s` is the unit's own."""
        unit = self._units.get(station_id)
        if unit is None or not unit.records.connected or unit.resource is None:
            raise StationNotConnected(f"V2H unit {station_id} is not connected")
        handlers = {"SetChargingProfile": self._set_profile, "ClearChargingProfile": self._clear_profile,
                    "GetCompositeSchedule": self._composite}
        handler = handlers.get(action)
        if handler is None:
            raise CallError(action, "NotImplemented", f"an ECHONET Lite V2H unit has no {action}", {})
        validate(OcppVersion.V201, action, "Request", payload)
        async with unit.lock:
            try:
                return await handler(unit, payload)
            except ResourceOffline as exc:
                raise StationNotConnected(str(exc)) from None
            except EchonetTimeout as exc:
                raise CallTimeout(str(exc)) from None
            except EchonetError as exc:  # e.g. the unit answered SetC_SNA
                return _rejected("Other", str(exc))

    async def _set_profile(self, unit: _Unit, payload: dict[str, Any]) -> dict[str, Any]:
        profile = payload["chargingProfile"]
        if any(s["chargingRateUnit"] != "W" for s in profile["chargingSchedule"]):
            return _rejected("UnsupportedRateUnit", "V2H units are commanded in W")
        tx = unit.records.transaction
        transaction_id = tx.transaction_id if tx else None
        if profile["chargingProfilePurpose"] == "TxProfile" and profile.get("transactionId") != transaction_id:
            return _rejected("TxNotFound", f"no transaction {profile.get('transactionId')} on this unit")
        before = unit.profiles.install(payload["evseId"], profile)
        target_w = unit.profiles.power_w(EVSE_ID, transaction_id, self._clock.now())
        try:
            if target_w != unit.applied_w:
                await self._send(unit, target_w)
        except SetpointRefused as exc:
            unit.profiles.restore(before)
            log.warning("%s: profile %s refused: %s", unit.records.station_id, profile["id"], exc)
            return _rejected("InvalidValue", str(exc))
        except EchonetRejected:
            unit.profiles.restore(before)
            raise
        return {"status": "Accepted"}

    async def _clear_profile(self, unit: _Unit, payload: dict[str, Any]) -> dict[str, Any]:
        if not unit.profiles.clear(payload):
            return {"status": "Unknown"}
        state = unit.resource.state if unit.resource is not None else None
        if state is not None:
            await self._follow(unit, state)
        return {"status": "Accepted"}

    async def _composite(self, unit: _Unit, payload: dict[str, Any]) -> dict[str, Any]:
        state = unit.resource.state if unit.resource is not None else None
        if payload["evseId"] != EVSE_ID or state is None:
            return {"status": "Rejected", "statusInfo": {"reasonCode": "UnknownEvse"}}
        tx = unit.records.transaction
        return unit.profiles.composite(EVSE_ID, tx.transaction_id if tx else None, self._clock.now(),
                                       payload["duration"], _within(state))
