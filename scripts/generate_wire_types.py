"""Generate csms/ocpp/wire/{v16,v201,v21}.py: TypedDicts and StrEnums for every OCPP message payload.

Source: the JSON schemas shipped in the installed `ocpp` package (the same ones csms/ocpp/schemas.py validates
against). Run from the repository root, then commit the output:

    python scripts/generate_wire_types.py            # rewrite csms/ocpp/wire/
    python scripts/generate_wire_types.py --out DIR  # write elsewhere (tests/unit/ocpp/test_wire_types.py)

Why not datamodel-code-generator: it emits one module per schema file (each 2.x schema repeats its shared
definitions) and cannot share the definitions 2.1 keeps unchanged from 2.0.1; this script is small and its
output passes ruff and mypy --strict as is.

No `from __future__ import annotations` in the output (definitions come before their users): with it, a
TypedDict's `__required_keys__` would not see `NotRequired`.

Mapping: a schema definition `FooEnumType` (string enum) becomes `class FooEnumType(StrEnum)` with members in
UPPER_SNAKE (`"Accepted"` -> ACCEPTED); an object definition becomes a `@final` TypedDict (absent-able
fields `NotRequired`; final: `"key" in payload` narrows a union of them); each message becomes
`<Action>Request` / `<Action>Response` (2.1 SEND messages: `<Action>Send`).
OCPP 1.6 schemas have no definitions: inline objects and enums are named after the message and property path,
and structurally equal ones are generated once (`_V16_NAMES` names the common ones). In v21.py, a definition or
message identical to its 2.0.1 twin (ignoring descriptions) is re-exported from v201, so a handler serving both
versions sees one type.

A received payload is JSON: its enum fields hold plain strings, which compare and hash equal to the StrEnum
members (never call `.name`/`.value` on a received value).
"""

from __future__ import annotations

import argparse
import json
import keyword
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

VERSIONS = ("v201", "v21", "v16")
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "csms" / "ocpp" / "wire"
_IGNORED_KEYS = {"description", "javaType", "comment", "$comment", "$schema", "$id", "id", "title", "definitions"}

# OCPP 1.6 inline objects/enums that recur: their generated name (keyed by property name, or by
# "<property>.<enum>" for an enum inside one)
_V16_NAMES = {
    "idTagInfo": "IdTagInfo",
    "idTagInfo.status": "AuthorizationStatus",
    "sampledValue": "SampledValue",
    "meterValue": "MeterValue",
    "transactionData": "MeterValue",
    "chargingProfile": "ChargingProfile",
    "csChargingProfiles": "ChargingProfile",
    "chargingSchedule": "ChargingSchedule",
    "chargingSchedulePeriod": "ChargingSchedulePeriod",
    "certificateHashData": "CertificateHashData",
}


def _v16_enum_names() -> dict[frozenset[str], str]:
    """The `ocpp` package's 1.6 enum class names by their value sets (names for the schemas' inline enums)."""
    from enum import Enum

    from ocpp.v16 import enums

    found: dict[frozenset[str], str] = {}
    for name, cls in sorted(vars(enums).items()):
        if isinstance(cls, type) and issubclass(cls, Enum) and cls.__module__ == enums.__name__ and name != "Action":
            found.setdefault(frozenset(str(m.value) for m in cls), name)
    return found


_V16_ENUMS = _v16_enum_names()


def _pascal(name: str) -> str:
    return name[:1].upper() + name[1:]


def _member_name(value: str) -> str:
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", value)
    words = re.sub(r"[^0-9A-Za-z]+", "_", words).strip("_").upper()
    if not words or words[0].isdigit():
        words = f"V_{words}"
    return words


def _significant(node: Any) -> Any:
    """`node` without descriptions and other keys that do not change what a payload may hold."""
    if isinstance(node, dict):
        return {k: _significant(v) for k, v in node.items() if k not in _IGNORED_KEYS}
    if isinstance(node, list):
        return [_significant(v) for v in node]
    return node


@dataclass
class Module:
    """The generated text of one version's module, built definition by definition."""

    version: str
    blocks: dict[str, str] = field(default_factory=dict)  # name -> source, in dependency order
    enums: set[str] = field(default_factory=set)
    shapes: dict[str, str] = field(default_factory=dict)  # canonical JSON of an inline node -> its name (1.6)
    reexports: list[str] = field(default_factory=list)


class Generator:
    def __init__(self, version: str, base: dict[str, Any] | None = None) -> None:
        self.module = Module(version)
        self.base = base  # the 2.0.1 schemas, when generating 2.1: {file name: schema}
        self._identical: dict[str, bool] = {}

    # ---- 2.x definitions, shared with 2.0.1 when identical ---------------------------------------------

    def _same_as_base(self, name: str, definitions: dict[str, Any], base_defs: dict[str, Any]) -> bool:
        if name not in self._identical:
            self._identical[name] = False  # no cycles in OCPP schemas; this guards against one anyway
            node = definitions[name]
            self._identical[name] = (
                name in base_defs
                and _significant(node) == _significant(base_defs[name])
                and all(self._same_as_base(ref, definitions, base_defs) for ref in _refs(node))
            )
        return self._identical[name]

    def definition(self, name: str, definitions: dict[str, Any], base_defs: dict[str, Any] | None) -> str:
        if name in self.module.blocks or name in self.module.reexports:
            return name
        if base_defs is not None and self._same_as_base(name, definitions, base_defs):
            self.module.reexports.append(name)
            for ref in sorted(_refs(definitions[name])):  # re-exported too: v21 names every 2.1 definition
                self.definition(ref, definitions, base_defs)
            return name
        node = definitions[name]
        if "enum" in node:
            self._enum(name, node["enum"])
        else:
            fields = {prop: self._type(sub, name, prop, definitions, base_defs)
                      for prop, sub in node.get("properties", {}).items()}
            self._typed_dict(name, fields, set(node.get("required", [])))
        return name

    # ---- building blocks --------------------------------------------------------------------------------

    def _type(self, node: dict[str, Any], owner: str, prop: str, definitions: dict[str, Any],
              base_defs: dict[str, Any] | None) -> str:
        ref = node.get("$ref")
        if isinstance(ref, str):
            return self.definition(ref.rsplit("/", 1)[1], definitions, base_defs)
        if "enum" in node:
            return self._inline(node, owner, prop, lambda name: self._enum(name, node["enum"]))
        kind = node.get("type")
        if kind == "array":
            return f"list[{self._type(node['items'], owner, prop, definitions, base_defs)}]"
        if kind == "object":
            def build(name: str) -> None:
                fields = {p: self._type(s, name, p, definitions, base_defs)
                          for p, s in node.get("properties", {}).items()}
                self._typed_dict(name, fields, set(node.get("required", [])))
            return self._inline(node, owner, prop, build)
        return {"string": "str", "integer": "int", "number": "float", "boolean": "bool", None: "object"}[kind]

    def _inline(self, node: dict[str, Any], owner: str, prop: str, build: Any) -> str:
        """An object or enum without a definition (OCPP 1.6): one name per distinct shape."""
        shape = json.dumps(_significant(node), sort_keys=True)
        known = self.module.shapes.get(shape)
        if known is not None:
            return known
        key = f"{owner_prop(owner)}.{prop}" if "enum" in node else prop
        name = _V16_NAMES.get(key) or _V16_ENUMS.get(frozenset(node.get("enum", ()))) or f"{owner}{_pascal(prop)}"
        if name in self.module.blocks:
            name = f"{owner}{_pascal(prop)}"
        self.module.shapes[shape] = name
        build(name)
        return name

    def _enum(self, name: str, values: list[str]) -> None:
        members: list[str] = []
        used: set[str] = set()
        for value in values:
            member = _member_name(value)
            while member in used:
                member += "_"
            used.add(member)
            members.append(f"    {member} = {value!r}")
        self.module.enums.add(name)
        self.module.blocks[name] = f"class {name}(StrEnum):\n" + "\n".join(members) + "\n"

    def _typed_dict(self, name: str, fields: dict[str, str], required: set[str]) -> None:
        def annotation(prop: str) -> str:
            return fields[prop] if prop in required else f"NotRequired[{fields[prop]}]"
        if not all(p.isidentifier() and not keyword.iskeyword(p) for p in fields):
            raise ValueError(f"{name}: a property name is not a Python identifier; extend the generator")
        body = "\n".join(f"    {p}: {annotation(p)}" for p in fields) or "    pass"
        self.module.blocks[name] = f"@final\nclass {name}(TypedDict):\n{body}\n"

    # ---- messages ---------------------------------------------------------------------------------------

    def message(self, name: str, schema: dict[str, Any], base_schema: dict[str, Any] | None) -> None:
        definitions = schema.get("definitions", {})
        base_defs = None if base_schema is None else base_schema.get("definitions", {})
        if (base_schema is not None and base_defs is not None
                and _significant(schema) == _significant(base_schema)
                and all(self._same_as_base(ref, definitions, base_defs) for ref in _refs(schema))):
            self.module.reexports.append(name)
            for ref in sorted(_refs(schema)):
                self.definition(ref, definitions, base_defs)
            return
        fields = {prop: self._type(sub, name, prop, definitions, base_defs)
                  for prop, sub in schema.get("properties", {}).items()}
        self._typed_dict(name, fields, set(schema.get("required", [])))


def owner_prop(owner: str) -> str:
    """The property an inline object was named after (`StartTransactionResponseIdTagInfo` -> idTagInfo)."""
    for prop, name in _V16_NAMES.items():
        if name == owner:
            return prop
    return owner


def _refs(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            found.add(ref.rsplit("/", 1)[1])
        for key, child in node.items():
            if key != "definitions":
                found |= _refs(child)
    elif isinstance(node, list):
        for child in node:
            found |= _refs(child)
    return found


def load_schemas(version: str) -> dict[str, dict[str, Any]]:
    """{file name without .json: schema} of a version, sorted by name."""
    folder = resources.files("ocpp") / version / "schemas"
    schemas = {p.name.removesuffix(".json"): json.loads(p.read_text(encoding="utf-8-sig"))
               for p in folder.iterdir() if p.name.endswith(".json")}
    return dict(sorted(schemas.items()))


def message_name(version: str, file_name: str) -> str:
    if version == "v16":
        return file_name if file_name.endswith("Response") else f"{file_name}Request"
    return file_name if file_name.endswith(("Request", "Response")) else f"{file_name}Send"


def render(version: str) -> str:
    base = load_schemas("v201") if version == "v21" else None
    gen = Generator(version, base)
    for file_name, schema in load_schemas(version).items():
        gen.message(message_name(version, file_name), schema, None if base is None else base.get(file_name))
    module = gen.module
    head = [
        f'"""OCPP {_TITLES[version]} payload types, GENERATED from the `ocpp` package\'s JSON schemas: do not edit.',
        "",
        "Regenerate with `python scripts/generate_wire_types.py` (its docstring says how names are made).",
        '"""',
        "",
    ]
    if module.enums:
        head.append("from enum import StrEnum")
    head.append("from typing import NotRequired, TypedDict, final")
    if module.reexports:
        head.extend(["", "from csms.ocpp.wire import v201 as _v201", "", "# unchanged since 2.0.1"])
        head.extend(f"{name} = _v201.{name}" for name in sorted(module.reexports))
    return "\n".join(head) + "\n\n\n" + "\n\n".join(module.blocks.values())


_TITLES = {"v16": "1.6J", "v201": "2.0.1", "v21": "2.1"}


def render_v2x() -> str:
    """Each 2.0.1 message and definition name as the union of its 2.0.1 and 2.1 types (one type when the two
    are the same): what a handler serving both versions receives. Enum members come from v201/v21."""
    v201, v21 = _names(render("v201")), _names(render("v21"))
    shared = _names(render("v21"), aliases_only=True)
    lines = [
        '"""OCPP 2.0.1 or 2.1 payload types (what a handler serving both versions receives), GENERATED: do not edit.',
        "",
        "Regenerate with `python scripts/generate_wire_types.py`.",
        '"""',
        "",
        "from typing import TypeAlias",
        "",
        "from csms.ocpp.wire import v21 as _v21",
        "from csms.ocpp.wire import v201 as _v201",
        "",
    ]
    for name in sorted(v201 & v21):
        union = f"_v201.{name}" if name in shared else f"_v201.{name} | _v21.{name}"
        line = f"{name}: TypeAlias = {union}"
        lines.append(line if len(line) <= 120 else f"{name}: TypeAlias = (\n    {union}\n)")
    return "\n".join(lines) + "\n"


def _names(source: str, *, aliases_only: bool = False) -> set[str]:
    """The top-level type names a rendered module defines (or, `aliases_only`, re-exports from v201)."""
    aliases = set(re.findall(r"^(\w+) = _v201\.", source, re.M))
    if aliases_only:
        return aliases
    return aliases | set(re.findall(r"^class (\w+)\(", source, re.M))


def write(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for version in VERSIONS:
        path = out / f"{version}.py"
        path.write_text(render(version), encoding="utf-8")
        written.append(path)
    path = out / "v2x.py"
    path.write_text(render_v2x(), encoding="utf-8")
    written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: csms/ocpp/wire)")
    args = parser.parse_args()
    for path in write(args.out):
        print(path)


if __name__ == "__main__":
    main()
