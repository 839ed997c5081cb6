"""csms/ocpp/calls.py: one typed call for each action the CSMS sends in 2.0.1 (all also in 2.1), and
`call_typed` sends the payload as it is and hands back the answer unchanged."""

from __future__ import annotations

import asyncio
from typing import Any

from csms.ocpp import calls
from csms.ocpp.schemas import schema_actions
from csms.ocpp.versions import OcppVersion
from csms.ocpp.wire import v201

# OCPP 2.0.1 Part 2 (messages the CSMS sends to a charging station), written out here as the oracle
CSMS_TO_STATION_201 = frozenset({
    "CancelReservation", "CertificateSigned", "ChangeAvailability", "ClearCache", "ClearChargingProfile",
    "ClearDisplayMessage", "ClearVariableMonitoring", "CostUpdated", "CustomerInformation", "DataTransfer",
    "DeleteCertificate", "GetBaseReport", "GetChargingProfiles", "GetCompositeSchedule", "GetDisplayMessages",
    "GetInstalledCertificateIds", "GetLocalListVersion", "GetLog", "GetMonitoringReport", "GetReport",
    "GetTransactionStatus", "GetVariables", "InstallCertificate", "PublishFirmware", "RequestStartTransaction",
    "RequestStopTransaction", "ReserveNow", "Reset", "SendLocalList", "SetChargingProfile", "SetDisplayMessage",
    "SetMonitoringBase", "SetMonitoringLevel", "SetNetworkProfile", "SetVariableMonitoring", "SetVariables",
    "TriggerMessage", "UnlockConnector", "UnpublishFirmware", "UpdateFirmware"})


def test_every_call_is_an_action_of_both_2x_versions() -> None:
    found = {name: value for name, value in vars(calls).items() if isinstance(value, calls.Call)}
    assert {call.action for call in found.values()} == CSMS_TO_STATION_201
    for name, call in found.items():
        assert call.action in schema_actions(OcppVersion.V201), name
        assert call.action in schema_actions(OcppVersion.V21), name
        assert name == "".join(f"_{c}" if c.isupper() else c.upper() for c in call.action).lstrip("_"), name


def test_call_typed_sends_the_action_and_payload_and_returns_the_answer() -> None:
    sent: list[tuple[str, dict[str, Any]]] = []

    async def raw(action: str, payload: dict[str, Any]) -> dict[str, Any]:
        sent.append((action, payload))
        return {"status": "Accepted"}

    request: v201.ResetRequest = {"type": v201.ResetEnumType.ON_IDLE, "evseId": 2}
    answer = asyncio.run(calls.call_typed(raw, calls.RESET, request))
    assert sent == [("Reset", {"type": "OnIdle", "evseId": 2})]
    assert answer == {"status": "Accepted"}
