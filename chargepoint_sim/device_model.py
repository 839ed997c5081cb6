"""A station's OCPP 2.x device model: variables, their attributes, and GetVariables/SetVariables/report logic.

The catalogue of variables (`DeviceModelSchema`: definitions and default values) is immutable and shared by
every station built from the same hardware; each station only stores the values it changed (`overrides`),
so thousands of stations stay small. Variables marked `live` are computed by the station when read
(measured power, availability). Payload fragments are camelCase dicts valid against the official schemas.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Mutability(StrEnum):
    READ_ONLY = "ReadOnly"
    WRITE_ONLY = "WriteOnly"
    READ_WRITE = "ReadWrite"


@dataclass(frozen=True, slots=True)
class VarKey:
    """Identity of one variable: component (name, instance, EVSE, connector) and variable (name, instance)."""

    component: str
    variable: str
    evse_id: int | None = None
    connector_id: int | None = None
    component_instance: str | None = None
    variable_instance: str | None = None

    @property
    def component_key(self) -> tuple[str, str | None, int | None, int | None]:
        return (self.component, self.component_instance, self.evse_id, self.connector_id)

    def component_payload(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.component}
        if self.component_instance is not None:
            out["instance"] = self.component_instance
        if self.evse_id is not None:
            evse: dict[str, Any] = {"id": self.evse_id}
            if self.connector_id is not None:
                evse["connectorId"] = self.connector_id
            out["evse"] = evse
        return out

    def variable_payload(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.variable}
        if self.variable_instance is not None:
            out["instance"] = self.variable_instance
        return out

    @classmethod
    def from_payload(cls, component: Mapping[str, Any], variable: Mapping[str, Any]) -> VarKey:
        evse = component.get("evse") or {}
        return cls(
            component=str(component["name"]),
            variable=str(variable["name"]),
            evse_id=evse.get("id"),
            connector_id=evse.get("connectorId"),
            component_instance=component.get("instance"),
            variable_instance=variable.get("instance"),
        )


@dataclass(frozen=True, slots=True)
class VarDef:
    """Definition of one variable. `max_limit`/`min_limit` bound numbers, or the length of strings."""

    key: VarKey
    data_type: str  # OCPP DataEnumType: string, decimal, integer, dateTime, boolean, OptionList, MemberList ...
    mutability: Mutability = Mutability.READ_ONLY
    attributes: tuple[str, ...] = ("Actual",)
    unit: str | None = None
    values_list: tuple[str, ...] | None = None
    min_limit: float | None = None
    max_limit: float | None = None
    live: bool = False


class DeviceModelSchema:
    """The shared, immutable part: definitions and default values (keyed by (VarKey, attribute type))."""

    def __init__(self, defs: Iterable[VarDef], defaults: Mapping[tuple[VarKey, str], str]) -> None:
        self.defs: dict[VarKey, VarDef] = {d.key: d for d in defs}
        self.components = frozenset(k.component_key for k in self.defs)
        self.defaults = dict(defaults)


LiveValue = Callable[[VarKey, str], str | None]


def _is_valid(definition: VarDef, value: str) -> bool:
    dt = definition.data_type
    try:
        if dt in ("integer", "decimal"):
            number = int(value) if dt == "integer" else float(value)
            return (definition.min_limit is None or number >= definition.min_limit) and (
                definition.max_limit is None or number <= definition.max_limit)
    except ValueError:
        return False
    if dt == "boolean":
        return value in ("true", "false")
    if dt == "OptionList":
        return definition.values_list is None or value in definition.values_list
    if dt in ("MemberList", "SequenceList"):
        members = [m.strip() for m in value.split(",") if m.strip()]
        return definition.values_list is None or all(m in definition.values_list for m in members)
    if definition.min_limit is not None and len(value) < definition.min_limit:
        return False
    return definition.max_limit is None or len(value) <= definition.max_limit


class DeviceModel:
    """One station's device model: shared schema + this station's changed values + live readings."""

    __slots__ = ("_live", "_parsed", "overrides", "schema")

    def __init__(self, schema: DeviceModelSchema, live: LiveValue | None = None) -> None:
        self.schema = schema
        self.overrides: dict[tuple[VarKey, str], str] = {}
        self._live = live
        self._parsed: dict[tuple[VarKey, int | None], int | tuple[str, ...]] = {}  # typed reads until a write

    # ---- typed access for the station ----------------------------------------------------------------

    def value(self, key: VarKey, attribute: str = "Actual") -> str | None:
        definition = self.schema.defs.get(key)
        if definition is not None and definition.live and self._live is not None:
            live = self._live(key, attribute)
            if live is not None:
                return live
        found = self.overrides.get((key, attribute))
        return found if found is not None else self.schema.defaults.get((key, attribute))

    def int_value(self, key: VarKey, default: int) -> int:
        cached = self._parsed.get((key, default))
        if isinstance(cached, int):
            return cached
        raw = self.value(key)
        try:
            number = int(raw) if raw is not None else default
        except ValueError:
            number = default
        self._remember((key, default), number)
        return number

    def list_value(self, key: VarKey) -> tuple[str, ...]:
        cached = self._parsed.get((key, None))
        if isinstance(cached, tuple):
            return cached
        raw = self.value(key) or ""
        members = tuple(m.strip() for m in raw.split(",") if m.strip())
        self._remember((key, None), members)
        return members

    def _remember(self, slot: tuple[VarKey, int | None], parsed: int | tuple[str, ...]) -> None:
        definition = self.schema.defs.get(slot[0])
        if definition is None or not definition.live:  # live readings change without a write
            self._parsed[slot] = parsed

    def set_value(self, key: VarKey, value: str, attribute: str = "Actual") -> None:
        """Store a value without checks (the station's own updates)."""
        self.overrides[(key, attribute)] = value
        self._parsed.clear()

    # ---- OCPP requests ------------------------------------------------------------------------------

    def _status_for(self, key: VarKey, attribute: str) -> tuple[str, VarDef | None]:
        definition = self.schema.defs.get(key)
        if definition is None:
            known = key.component_key in self.schema.components
            return ("UnknownVariable" if known else "UnknownComponent"), None
        if attribute not in definition.attributes:
            return "NotSupportedAttributeType", definition
        return "Accepted", definition

    def get_variables(self, requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """GetVariablesResponse.getVariableResult for `getVariableData` (B06 rules: WriteOnly -> Rejected)."""
        results: list[dict[str, Any]] = []
        for req in requests:
            attribute = req.get("attributeType", "Actual")
            key = VarKey.from_payload(req["component"], req["variable"])
            status, definition = self._status_for(key, attribute)
            value = None
            if definition is not None and status == "Accepted":
                if definition.mutability is Mutability.WRITE_ONLY:
                    status = "Rejected"
                else:
                    value = self.value(key, attribute)
                    status = "Accepted" if value is not None else "NotSupportedAttributeType"
            result: dict[str, Any] = {"attributeStatus": status, "attributeType": attribute,
                                      "component": req["component"], "variable": req["variable"]}
            if value is not None:
                result["attributeValue"] = value[:2500]
            results.append(result)
        return results

    def set_variables(self, requests: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[VarKey]]:
        """SetVariablesResponse.setVariableResult for `setVariableData`, plus the keys that changed."""
        results: list[dict[str, Any]] = []
        changed: list[VarKey] = []
        for req in requests:
            attribute = req.get("attributeType", "Actual")
            key = VarKey.from_payload(req["component"], req["variable"])
            status, definition = self._status_for(key, attribute)
            if definition is not None and status == "Accepted":
                value = str(req["attributeValue"])
                if definition.mutability is Mutability.READ_ONLY or definition.live or not _is_valid(
                        definition, value):
                    status = "Rejected"
                else:
                    self.overrides[(key, attribute)] = value
                    self._parsed.clear()
                    changed.append(key)
            results.append({"attributeStatus": status, "attributeType": attribute,
                            "component": req["component"], "variable": req["variable"]})
        return results, changed

    def report(self, report_base: str) -> list[dict[str, Any]]:
        """ReportDataType entries for GetBaseReport (Full, Configuration = writable, Summary = availability)."""
        entries: list[dict[str, Any]] = []
        for key, definition in self.schema.defs.items():
            if report_base == "ConfigurationInventory" and definition.mutability is Mutability.READ_ONLY:
                continue
            if report_base == "SummaryInventory" and key.variable != "AvailabilityState":
                continue
            entry = self._report_entry(definition)
            if entry is not None:
                entries.append(entry)
        return entries

    def _report_entry(self, definition: VarDef) -> dict[str, Any] | None:
        attributes: list[dict[str, Any]] = []
        for attribute in definition.attributes:
            item: dict[str, Any] = {"type": attribute, "mutability": definition.mutability.value,
                                    "persistent": not definition.live,
                                    "constant": definition.mutability is Mutability.READ_ONLY and not definition.live}
            if definition.mutability is not Mutability.WRITE_ONLY:
                value = self.value(definition.key, attribute)
                if value is None:
                    continue
                item["value"] = value[:2500]
            attributes.append(item)
        if not attributes:
            return None
        characteristics: dict[str, Any] = {"dataType": definition.data_type, "supportsMonitoring": False}
        if definition.unit is not None:
            characteristics["unit"] = definition.unit
        if definition.min_limit is not None:
            characteristics["minLimit"] = definition.min_limit
        if definition.max_limit is not None:
            characteristics["maxLimit"] = definition.max_limit
        if definition.values_list is not None:
            characteristics["valuesList"] = ",".join(definition.values_list)[:1000]
        return {"component": definition.key.component_payload(), "variable": definition.key.variable_payload(),
                "variableAttribute": attributes, "variableCharacteristics": characteristics}
