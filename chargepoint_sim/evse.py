"""EVSE hardware description, per-EVSE runtime state and per-transaction ground truth.

Each EVSE has one connector and its own cumulative meter (import and export registers in Wh, never reset).
A `Transaction` keeps what the simulator really delivered (import_wh, export_wh, SoC) so tests can compare
it with what the CSMS computed from the metering it received. Plain data; `station.py` drives it.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from chargepoint_sim.ev import Ev

CONNECTOR_ID = 1


@dataclass(frozen=True, slots=True)
class EvseSpec:
    """Rated hardware of one EVSE (single connector)."""

    evse_id: int
    max_power_w: float = 11_000.0
    max_discharge_power_w: float = 0.0  # magnitude; 0 = charge-only
    phases: int = 3
    voltage_v: float = 230.0
    dc: bool = False

    @property
    def bidirectional(self) -> bool:
        return self.max_discharge_power_w > 0

    def clamp_power_w(self, power_w: float) -> float:
        """Limit a signed grid-side power to what this EVSE can carry."""
        return max(-self.max_discharge_power_w, min(power_w, self.max_power_w))


class ChargingState(StrEnum):
    CHARGING = "Charging"
    EV_CONNECTED = "EVConnected"
    SUSPENDED_EV = "SuspendedEV"
    SUSPENDED_EVSE = "SuspendedEVSE"
    IDLE = "Idle"


class AuthState(StrEnum):
    """Where a plugged EV stands on the way to a transaction."""

    WAITING = "Waiting"  # has an id token; Authorize not yet answered
    WAITING_REMOTE = "WaitingRemote"  # no id token: waits for RequestStartTransaction
    DONE = "Done"  # a transaction ran or authorization was refused: no new one for this visit


@dataclass(slots=True)
class Transaction:
    """Ground truth of one transaction (energy measured at the grid side of the EVSE's meter)."""

    transaction_id: str
    evse_id: int
    started_at: datetime
    id_token: str
    id_token_type: str
    soc_start: float
    import_register_start_wh: float
    export_register_start_wh: float
    remote_start_id: int | None = None
    import_wh: float = 0.0
    export_wh: float = 0.0
    battery_energy_wh: float = 0.0  # signed, battery side
    soc: float = 0.0
    ended_at: datetime | None = None
    stopped_reason: str | None = None
    charging_state: ChargingState = ChargingState.EV_CONNECTED
    next_seq_no: int = 0
    next_sample_at: datetime | None = None
    events_queued_offline: int = 0
    allowed_energy_transfer: tuple[str, ...] = ()  # 2.1 NotifyAllowedEnergyTransfer: modes the CSMS accepts

    @property
    def active(self) -> bool:
        return self.ended_at is None

    def take_seq_no(self) -> int:
        seq_no = self.next_seq_no
        self.next_seq_no += 1
        return seq_no


@dataclass(slots=True)
class Evse:
    """Runtime state of one EVSE: meter registers, plugged EV, open transaction, availability."""

    spec: EvseSpec
    import_register_wh: float = 0.0
    export_register_wh: float = 0.0
    power_w: float = 0.0  # signed average over the last integration step
    ev: Ev | None = None
    auth_state: AuthState = AuthState.DONE
    transaction: Transaction | None = None
    operative: bool = True
    advanced_at: datetime | None = None
    upcoming: deque[Ev] = field(default_factory=deque)  # scheduled visits, by arrival time
    visits: int = 0  # visits that have arrived so far
    last_status: str | None = None  # connector status last reported

    @property
    def evse_id(self) -> int:
        return self.spec.evse_id

    @property
    def connector_status(self) -> str:
        """OCPP ConnectorStatusEnumType. A running transaction keeps the connector Occupied."""
        if self.transaction is not None:
            return "Occupied"
        if not self.operative:
            return "Unavailable"
        return "Occupied" if self.ev is not None else "Available"
