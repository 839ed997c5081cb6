"""The generated wire types (csms/ocpp/wire) against the schemas they were generated from, and the generator's
output against the committed modules."""

from __future__ import annotations

import enum
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from csms.ocpp.schemas import load_schema, schema_actions, send_actions
from csms.ocpp.versions import OcppVersion
from csms.ocpp.wire import v16, v21, v201

ROOT = Path(__file__).resolve().parents[3]
MODULES: dict[OcppVersion, ModuleType] = {OcppVersion.V201: v201, OcppVersion.V21: v21, OcppVersion.V16: v16}


def _messages(version: OcppVersion) -> list[tuple[str, str, str]]:
    """(action, schema suffix, generated name) of every message of `version`."""
    found = [(a, s, f"{a}{s}") for a in sorted(schema_actions(version)) for s in ("Request", "Response")]
    return found + [(a, "", f"{a}Send") for a in sorted(send_actions(version))]


def _keys(typed_dict: Any) -> tuple[frozenset[str], frozenset[str]]:
    return frozenset(typed_dict.__required_keys__), frozenset(typed_dict.__optional_keys__)


@pytest.mark.parametrize("version", list(MODULES))
def test_every_message_has_a_typed_dict_with_the_schemas_keys(version: OcppVersion) -> None:
    module = MODULES[version]
    messages = _messages(version)
    assert len(messages) > 50
    for action, suffix, name in messages:
        schema = load_schema(version, action, suffix)
        required = frozenset(schema.get("required", []))
        optional = frozenset(schema.get("properties", {})) - required
        assert _keys(getattr(module, name)) == (required, optional), name


@pytest.mark.parametrize("version", [OcppVersion.V201, OcppVersion.V21])
def test_every_enumeration_of_the_schemas_is_a_str_enum_with_its_values(version: OcppVersion) -> None:
    module = MODULES[version]
    checked = 0
    for action, suffix, _ in _messages(version):
        for name, definition in load_schema(version, action, suffix).get("definitions", {}).items():
            if "enum" in definition:
                generated = getattr(module, name)
                assert issubclass(generated, enum.StrEnum)
                assert [m.value for m in generated] == definition["enum"], name
                checked += 1
    assert checked > 100


def test_21_reuses_the_201_types_that_did_not_change() -> None:
    assert v21.HeartbeatResponse is v201.HeartbeatResponse
    generated_21: object = v21.TransactionEventRequest  # statically distinct: checked at run time
    assert generated_21 is not v201.TransactionEventRequest  # 2.1 added fields


def test_the_committed_modules_are_what_the_generator_writes(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("generate_wire_types", ROOT / "scripts" / "generate_wire_types.py")
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = generator  # dataclasses look their module up while the class is built
    try:
        spec.loader.exec_module(generator)
        written = generator.write(tmp_path)
    finally:
        del sys.modules[spec.name]
    assert {p.name for p in written} == {"v16.py", "v201.py", "v21.py", "v2x.py"}
    for path in written:
        committed = ROOT / "csms" / "ocpp" / "wire" / path.name
        assert path.read_text(encoding="utf-8") == committed.read_text(encoding="utf-8"), (
            f"{committed} is stale: run `python scripts/generate_wire_types.py`")
