"""csms/ocpp/calls.py: every typed CSMS call names an action both 2.x versions have, and `call_typed` sends the
payload as it is and hands back the answer unchanged."""

from __future__ import annotations

import asyncio
from typing import Any

from csms.ocpp import calls
from csms.ocpp.schemas import schema_actions
from csms.ocpp.versions import OcppVersion


def test_every_call_is_an_action_of_both_2x_versions() -> None:
    found = {name: value for name, value in vars(calls).items() if isinstance(value, calls.Call)}
    assert len(found) > 30
    for name, call in found.items():
        assert call.action in schema_actions(OcppVersion.V201), name
        assert call.action in schema_actions(OcppVersion.V21), name
        assert name == "".join(f"_{c}" if c.isupper() else c.upper() for c in call.action).lstrip("_"), name


def test_call_typed_sends_the_action_and_payload_and_returns_the_answer() -> None:
    sent: list[tuple[str, dict[str, Any]]] = []

    async def raw(action: str, payload: dict[str, Any]) -> dict[str, Any]:
        sent.append((action, payload))
        return {"status": "Accepted"}

    answer = asyncio.run(calls.call_typed(raw, calls.RESET, {"type": "OnIdle", "evseId": 2}))
    assert sent == [("Reset", {"type": "OnIdle", "evseId": 2})]
    assert answer == {"status": "Accepted"}
