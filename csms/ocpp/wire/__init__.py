"""Typed OCPP payloads, generated from the `ocpp` package's JSON schemas by scripts/generate_wire_types.py.

`v201`, `v21`, `v16`: TypedDicts for every message (`<Action>Request`, `<Action>Response`) and schema
definition, StrEnums for every enumeration. `v2x`: each 2.0.1 name as the union of its 2.0.1 and 2.1 types, for
the handlers that serve both versions. A received payload holds plain strings where the types say StrEnum
(equal to the members, but without `.name`/`.value`). Validation stays in csms/ocpp/schemas.py: these types
describe a payload that has passed it.
"""
