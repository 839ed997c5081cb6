"""What a station can be commanded to do, learned from its device model or set by an operator."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class StationCapabilities:
    """Command capabilities of one station (all EVSEs alike unless the per-EVSE ratings say otherwise).

    `discharge_supported`: on OCPP 2.0.1 the station accepts a negative `limit` as a discharge command; on 2.1
    it supports the CentralSetpoint operation mode. A station without it is never sent a discharge.
    `max_charge_power_w` / `max_discharge_power_w` rate the EVSE; `station_max_charge_power_w` /
    `station_max_discharge_power_w` rate the whole station (what all its EVSEs together may import / export,
    a magnitude); None = unknown.
    """

    ocpp_version: str = "ocpp2.0.1"
    discharge_supported: bool = False
    rate_units: frozenset[str] = field(default_factory=lambda: frozenset({"W", "A"}))
    operation_modes: frozenset[str] = field(default_factory=frozenset)
    supports_dynamic_profiles: bool = False
    supports_max_offline_duration: bool = False
    phases: int = 3
    voltage_v: float = 230.0
    max_charge_power_w: float | None = None
    max_discharge_power_w: float | None = None
    station_max_charge_power_w: float | None = None
    station_max_discharge_power_w: float | None = None
    max_stack_level: int = 8

    @property
    def rate_unit(self) -> str:
        """The unit we command in: W when the station takes it, else A."""
        return "W" if "W" in self.rate_units else "A"
