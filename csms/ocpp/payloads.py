"""Turn the `ocpp` package's message dataclasses into wire payloads (camelCase dicts without None fields).

This is the one place that patches around the package's key-casing bugs (see `_KEY_FIXES`).
"""

from __future__ import annotations

import re
from typing import Any

import orjson
from ocpp.charge_point import remove_nones, serialize_as_dict, snake_to_camel_case

# The ocpp package's snake->camel conversion gets two families of 2.1 keys wrong:
# per-phase fields (`limit_l2` -> "limitL2", the schemas say "limit_L2") and the bare `soc` of LimitAtSoCType
# and BatteryDataType (-> "SoC", the schemas say "soc"). `_fix_key` restores the schema spelling.
_PHASE_SUFFIX = re.compile(r"(?<=[a-z])(L[23])$")


def _fix_key(key: str) -> str:
    if key == "SoC":
        return "soc"
    return _PHASE_SUFFIX.sub(r"_\1", key)


def _fix_keys(data: Any) -> Any:
    if isinstance(data, dict):
        return {_fix_key(k): _fix_keys(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_fix_keys(v) for v in data]
    return data


def action_of(message: object) -> str:
    """The OCPP action of an `ocpp.v201.call.X` / `ocpp.v21.call.X` instance (its class name)."""
    return type(message).__name__


def to_payload(message: object) -> dict[str, Any]:
    """Serialize an `ocpp` call or call_result dataclass to its JSON payload (enums as strings)."""
    camel = snake_to_camel_case(remove_nones(serialize_as_dict(message)))
    plain: dict[str, Any] = orjson.loads(orjson.dumps(_fix_keys(camel)))
    return plain

