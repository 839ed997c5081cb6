"""Site topology as pure domain data: the electrical tree behind the grid connection, and the current limits
it puts on the EVSEs.

Two ways to describe a site, one compiled form:

* **Tree**: ``Node``s (connection point, transformers, feeders, panels), each with an optional per-phase line
  current limit (``phase_limit_a``) or apparent-power limit (``limit_va``, converted with the node's voltage),
  and EVSEs attached to a node by their ``connection``: one phase to neutral (``"A"``, ``"B"``, ``"C"``), line to
  line (``"AB"``, ``"BC"``, ``"CA"``) or balanced three-phase (``"ABC"``). Every node limits the line currents
  of every EVSE below it, phase by phase.
* **Constraint rows** (the form acnportal uses for its Caltech and JPL sites): EVSEs with a phase angle
  (``phase_angle_deg``) and rows ``|Σ_j a_ij · I_j · e^{iφ_j}| <= limit_a`` with real coefficients ``a_ij``.

Both compile to ``CurrentLimit``s: a limit in A and one complex coefficient per EVSE in A per W of the EVSE's
signed power (+ = charge), so a row's phasor current is ``Σ_j c_ij · p_j`` and the rule is ``|Σ_j c_ij p_j| <=
limit_a``. Signed powers net: on the same phase one EVSE's discharge cancels another's charge. Currents are
taken in phase with the voltage (unity power factor), as acnportal does. Conventions (acnportal's): a
line-to-line EVSE ``XY`` draws ``I_XY`` at +30° (AB), −90° (BC), 150° (CA), adding to line X and subtracting
from line Y; a phase-to-neutral EVSE at 0° (A), −120° (B), 120° (C).

The import/export limits at the connection point (W) are carried here too. Pure: no I/O (parse a mapping
already read from TOML with ``topology_from_mapping``).
"""

from __future__ import annotations

import cmath
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

PHASE_ANGLE_DEG = {"A": 0.0, "B": -120.0, "C": 120.0}
LINE_TO_LINE = {"AB": ("A", "B", 30.0), "BC": ("B", "C", -90.0), "CA": ("C", "A", 150.0)}
CONNECTIONS = frozenset({"A", "B", "C", "AB", "BC", "CA", "ABC"})


class TopologyError(ValueError):
    """A site description that cannot be compiled (unknown node, cycle, missing voltage ...)."""


@dataclass(frozen=True, slots=True)
class Node:
    """A feeder, panel, transformer or the connection point. ``parent`` None = the root."""

    node_id: str
    parent: str | None = None
    kind: str = "panel"
    phase_limit_a: float | None = None
    """Line current limit, per phase (A, magnitude)."""
    limit_va: float | None = None
    """Apparent-power limit (VA): per phase ``limit_va / (√3 · voltage_v)`` on a three-phase node,
    ``limit_va / voltage_v`` on a single-phase one (``phases`` = 1)."""
    voltage_v: float | None = None
    """Line-to-line voltage of a three-phase node (line-to-neutral of a single-phase one)."""
    phases: int = 3

    def __post_init__(self) -> None:
        if self.phases not in (1, 3):
            raise TopologyError(f"node {self.node_id}: phases must be 1 or 3")
        for name in ("phase_limit_a", "limit_va", "voltage_v"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise TopologyError(f"node {self.node_id}: {name} must be > 0")
        if self.limit_va is not None and self.voltage_v is None:
            raise TopologyError(f"node {self.node_id}: limit_va needs voltage_v")

    @property
    def limit_a(self) -> float | None:
        """The tighter of the current and the apparent-power limit, per phase (A)."""
        limits = [] if self.phase_limit_a is None else [self.phase_limit_a]
        if self.limit_va is not None and self.voltage_v is not None:
            limits.append(self.limit_va / (self.voltage_v * (math.sqrt(3.0) if self.phases == 3 else 1.0)))
        return min(limits) if limits else None


@dataclass(frozen=True, slots=True)
class EvseAttachment:
    """Where an EVSE draws its current. Tree form: ``node_id`` + ``connection``; row form: ``phase_angle_deg``."""

    evse_id: str
    voltage_v: float
    """The voltage the EVSE sees: line-to-line for ``AB``/``BC``/``CA``/``ABC`` and the row form, line-to-neutral
    for ``A``/``B``/``C``."""
    node_id: str | None = None
    connection: str | None = None
    phase_angle_deg: float | None = None

    def __post_init__(self) -> None:
        if self.voltage_v <= 0:
            raise TopologyError(f"evse {self.evse_id}: voltage_v must be > 0")
        if self.connection is not None and self.connection not in CONNECTIONS:
            raise TopologyError(f"evse {self.evse_id}: connection must be one of {sorted(CONNECTIONS)}")


@dataclass(frozen=True, slots=True)
class ConstraintRow:
    """acnportal form: ``|Σ_j coefficients[j] · I_j · e^{iφ_j}| <= limit_a`` (I_j the EVSE's current in A)."""

    name: str
    limit_a: float
    coefficients: tuple[tuple[str, float], ...]


@dataclass(frozen=True, slots=True)
class CurrentLimit:
    """Compiled rule: ``|Σ_j coefficient_j · p_j| <= limit_a``, coefficients in A per W (complex phasors)."""

    name: str
    limit_a: float
    coefficients: tuple[tuple[str, complex], ...]

    def __post_init__(self) -> None:
        if not self.limit_a >= 0:
            raise TopologyError(f"limit {self.name}: limit_a must be >= 0")


@dataclass(frozen=True, slots=True)
class SiteTopology:
    """A site's EVSEs and every current limit on them, plus the connection point's power limits (W)."""

    evse_ids: tuple[str, ...]
    limits: tuple[CurrentLimit, ...]
    import_limit_w: float | None = None
    export_limit_w: float | None = None
    """Magnitude (>= 0)."""
    name: str = "site"

    def __post_init__(self) -> None:
        known = set(self.evse_ids)
        if len(known) != len(self.evse_ids):
            raise TopologyError("evse ids must be unique")
        for limit in self.limits:
            for evse_id, _ in limit.coefficients:
                if evse_id not in known:
                    raise TopologyError(f"limit {limit.name}: unknown evse {evse_id}")

    def limits_of(self, evse_id: str) -> tuple[CurrentLimit, ...]:
        return tuple(lim for lim in self.limits if any(e == evse_id for e, _ in lim.coefficients))


def _phasor(angle_deg: float) -> complex:
    return cmath.rect(1.0, math.radians(angle_deg))


def line_currents_per_w(evse: EvseAttachment) -> dict[str, complex]:
    """Tree form: the EVSE's contribution to each line current, in A per W of its power."""
    conn = evse.connection
    if conn in PHASE_ANGLE_DEG:
        return {conn: _phasor(PHASE_ANGLE_DEG[conn]) / evse.voltage_v}
    if conn in LINE_TO_LINE:
        plus, minus, angle = LINE_TO_LINE[conn]
        current = _phasor(angle) / evse.voltage_v
        return {plus: current, minus: -current}
    if conn == "ABC":
        return {ph: _phasor(a) / (math.sqrt(3.0) * evse.voltage_v) for ph, a in PHASE_ANGLE_DEG.items()}
    raise TopologyError(f"evse {evse.evse_id}: a tree attachment needs a connection")


def compile_topology(nodes: tuple[Node, ...], evses: tuple[EvseAttachment, ...],
                     rows: tuple[ConstraintRow, ...] = (), *, import_limit_w: float | None = None,
                     export_limit_w: float | None = None, name: str = "site") -> SiteTopology:
    """Compile a tree (``nodes`` + attached EVSEs) and/or explicit rows into ``CurrentLimit``s."""
    by_id = {n.node_id: n for n in nodes}
    if len(by_id) != len(nodes):
        raise TopologyError("node ids must be unique")
    for node in nodes:
        if node.parent is not None and node.parent not in by_id:
            raise TopologyError(f"node {node.node_id}: unknown parent {node.parent}")

    def ancestors(node_id: str) -> list[str]:
        out, seen = [], set()
        current: str | None = node_id
        while current is not None:
            if current in seen:
                raise TopologyError(f"node {node_id}: cycle in the tree")
            seen.add(current)
            out.append(current)
            current = by_id[current].parent
        return out

    per_line: dict[tuple[str, str], dict[str, complex]] = {}
    for evse in evses:
        if evse.node_id is None:
            continue
        if evse.node_id not in by_id:
            raise TopologyError(f"evse {evse.evse_id}: unknown node {evse.node_id}")
        contribution = line_currents_per_w(evse)
        for node_id in ancestors(evse.node_id):
            for line, coefficient in contribution.items():
                terms = per_line.setdefault((node_id, line), {})
                terms[evse.evse_id] = terms.get(evse.evse_id, 0j) + coefficient
    limits: list[CurrentLimit] = []
    for node in nodes:
        limit_a = node.limit_a
        if limit_a is None:
            continue
        for line in ("A", "B", "C"):
            line_terms = per_line.get((node.node_id, line))
            if line_terms:
                limits.append(CurrentLimit(f"{node.node_id}/{line}", limit_a, tuple(line_terms.items())))
    angle = {e.evse_id: e for e in evses}
    for row in rows:
        coefficients = []
        for evse_id, a in row.coefficients:
            att = angle.get(evse_id)
            if att is None or att.phase_angle_deg is None:
                raise TopologyError(f"row {row.name}: evse {evse_id} needs a phase_angle_deg")
            if a != 0.0:
                coefficients.append((evse_id, a * _phasor(att.phase_angle_deg) / att.voltage_v))
        limits.append(CurrentLimit(row.name, row.limit_a, tuple(coefficients)))
    return SiteTopology(evse_ids=tuple(e.evse_id for e in evses), limits=tuple(limits),
                        import_limit_w=import_limit_w, export_limit_w=export_limit_w, name=name)


def _float_or_none(data: Mapping[str, Any], key: str) -> float | None:
    value = data.get(key)
    return None if value is None else float(value)


def topology_from_mapping(data: Mapping[str, Any]) -> SiteTopology:
    """Parse a site description (the ``[site]`` table of ``config/sites/*.toml``, see ``config/sites/README``):
    ``import_limit_kw``/``export_limit_kw``, ``[[node]]``, ``[[evse]]``, ``[[constraint]]``."""
    try:
        nodes = tuple(Node(node_id=str(n["id"]), parent=n.get("parent") or None, kind=str(n.get("kind", "panel")),
                           phase_limit_a=_float_or_none(n, "phase_limit_a"), limit_va=_float_or_none(n, "limit_va"),
                           voltage_v=_float_or_none(n, "voltage_v"), phases=int(n.get("phases", 3)))
                      for n in data.get("node", ()))
        evses = tuple(EvseAttachment(evse_id=str(e["id"]), voltage_v=float(e["voltage_v"]),
                                     node_id=e.get("node"), connection=e.get("connection"),
                                     phase_angle_deg=_float_or_none(e, "phase_angle_deg"))
                      for e in data.get("evse", ()))
        rows = tuple(ConstraintRow(name=str(c["name"]), limit_a=float(c["limit_a"]),
                                   coefficients=tuple((str(k), float(v)) for k, v in c["coefficients"].items()))
                     for c in data.get("constraint", ()))
    except (KeyError, TypeError) as exc:
        raise TopologyError(f"bad site description: {exc!r}") from exc
    imp, exp = _float_or_none(data, "import_limit_kw"), _float_or_none(data, "export_limit_kw")
    return compile_topology(nodes, evses, rows, import_limit_w=None if imp is None else imp * 1e3,
                            export_limit_w=None if exp is None else exp * 1e3, name=str(data.get("name", "site")))


def topology_from_rows(station_ids: list[str], voltages_v: list[float], phase_angles_deg: list[float],
                       matrix: list[list[float]], limits_a: list[float], names: list[str], *,
                       import_limit_w: float | None = None, export_limit_w: float | None = None,
                       name: str = "site") -> SiteTopology:
    """The row form from plain arrays (acnportal's ``ChargingNetwork``: ``station_ids``, ``voltages``,
    ``phase_angles``, ``constraint_matrix``, ``magnitudes``, ``constraint_index``)."""
    evses = tuple(EvseAttachment(evse_id=s, voltage_v=float(v), phase_angle_deg=float(a))
                  for s, v, a in zip(station_ids, voltages_v, phase_angles_deg, strict=True))
    rows = tuple(ConstraintRow(name=n, limit_a=float(lim),
                               coefficients=tuple((s, float(a)) for s, a in zip(station_ids, row, strict=True) if a))
                 for n, lim, row in zip(names, limits_a, matrix, strict=True))
    return compile_topology((), evses, rows, import_limit_w=import_limit_w, export_limit_w=export_limit_w,
                            name=name)


def topology_evse_id(topology: SiteTopology, station_id: str, evse_id: int) -> str | None:
    """The topology's id of OCPP EVSE ``evse_id`` of ``station_id``: ``"<station>/<evse>"`` if the topology names
    it so, else ``"<station>"`` (a one-EVSE station, as acnportal's sites name them); None if neither is there."""
    for candidate in (f"{station_id}/{evse_id}", station_id):
        if candidate in topology.evse_ids:
            return candidate
    return None
