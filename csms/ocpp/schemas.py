"""Payload validation against the official OCPP JSON schemas shipped in the `ocpp` package.

Schemas are compiled once per (version, action, direction) with jsonschema-rs (Rust; ~4 us for a 1.5 kB
MeterValues, 16x faster than fastjsonschema's generated Python) and cached; `warm_up` compiles a version's
whole set ahead of time. A violation becomes the RPC error the OCPP-J spec names for it:
type -> TypeConstraintViolation; missing required / item counts -> OccurrenceConstraintViolation;
value range, length, enum, pattern, format -> PropertyConstraintViolation; unknown property -> FormatViolation.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any

import jsonschema_rs

from csms.errors import (
    FormatViolation,
    NotImplementedAction,
    OccurrenceConstraintViolation,
    PropertyConstraintViolation,
    RpcError,
    TypeConstraintViolation,
)
from csms.ocpp.versions import OcppVersion

Validator = jsonschema_rs.Validator

_RULE_ERRORS: dict[str, type[RpcError]] = {
    "type": TypeConstraintViolation,
    "required": OccurrenceConstraintViolation,
    "minItems": OccurrenceConstraintViolation,
    "maxItems": OccurrenceConstraintViolation,
    "additionalProperties": FormatViolation,
    "maxLength": PropertyConstraintViolation,
    "minLength": PropertyConstraintViolation,
    "enum": PropertyConstraintViolation,
    "minimum": PropertyConstraintViolation,
    "maximum": PropertyConstraintViolation,
    "exclusiveMinimum": PropertyConstraintViolation,
    "exclusiveMaximum": PropertyConstraintViolation,
    "pattern": PropertyConstraintViolation,
    "format": PropertyConstraintViolation,
}


_SUFFIXES = ("Request", "Response", "")  # "" = OCPP 2.1 SEND messages (schema file without suffix)


def _schema_files(version: OcppVersion) -> frozenset[str]:
    folder = resources.files("ocpp") / version.schema_dir / "schemas"
    return frozenset(p.name.removesuffix(".json") for p in folder.iterdir() if p.name.endswith(".json"))


@cache
def schema_actions(version: OcppVersion) -> frozenset[str]:
    """Every CALL action (one with a Request schema) in `version`."""
    return frozenset(n.removesuffix("Request") for n in _schema_files(version) if n.endswith("Request"))


@cache
def send_actions(version: OcppVersion) -> frozenset[str]:
    """Every SEND (unconfirmed, OCPP 2.1) action in `version`."""
    return frozenset(n for n in _schema_files(version) if not n.endswith(("Request", "Response")))


@cache
def load_schema(version: OcppVersion, action: str, suffix: str) -> dict[str, Any]:
    """The raw JSON schema of `action` + `suffix` ("Request", "Response" or "" for SEND).

    Raises NotImplementedAction for an action unknown to `version`."""
    known = send_actions(version) if suffix == "" else schema_actions(version)
    if action not in known:
        raise NotImplementedAction(f"unknown action {action!r} for {version.value}")
    path = resources.files("ocpp") / version.schema_dir / "schemas" / f"{action}{suffix}.json"
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8-sig"))
    schema.pop("$id", None)  # an URN id: references are all local ("#/definitions/...")
    return schema


@cache
def compiled_validator(version: OcppVersion, action: str, suffix: str) -> Validator:
    """The compiled validator of `action` + `suffix` (jsonschema-rs: the schema's own draft, formats asserted;
    it never changes the payload it checks)."""
    validator: Validator = jsonschema_rs.validator_for(load_schema(version, action, suffix), validate_formats=True)
    return validator


def validate(version: OcppVersion, action: str, suffix: str, payload: dict[str, Any]) -> None:
    """Validate `payload` against `action`+`suffix`; raise the matching RpcError (NotImplementedAction if
    the action is unknown)."""
    validator = compiled_validator(version, action, suffix)
    try:
        validator.validate(payload)
    except jsonschema_rs.ValidationError as exc:
        rule = str(exc.schema_path[-1]) if exc.schema_path else ""
        error_cls = _RULE_ERRORS.get(rule, FormatViolation)
        raise error_cls(f"{action}: {exc.message}", {"field": _field(exc.instance_path), "rule": rule}) from None


def _field(path: Sequence[str | int]) -> str:
    """`meterValue[0].timestamp` from the instance path; `<payload>` for the payload itself."""
    text = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path).lstrip(".")
    return text or "<payload>"


def validate_payload(version: OcppVersion, action: str, payload: dict[str, Any], *, is_request: bool) -> None:
    """Validate a CALL (`is_request`) or CALLRESULT payload of `action`."""
    validate(version, action, "Request" if is_request else "Response", payload)


def warm_up(version: OcppVersion) -> int:
    """Compile every schema of `version` now (startup), so no message pays for it later. Returns the count."""
    count = 0
    for action in sorted(schema_actions(version)):
        for suffix in ("Request", "Response"):
            compiled_validator(version, action, suffix)
            count += 1
    for action in sorted(send_actions(version)):
        compiled_validator(version, action, "")
        count += 1
    return count
