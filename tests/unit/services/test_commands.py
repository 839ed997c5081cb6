"""CommandService's typed commands send the same JSON the `ocpp` package's message classes serialize to."""

from __future__ import annotations

import asyncio

from ocpp.v201 import call

from csms.domain.ids import StationId, TransactionId
from csms.ocpp.payloads import action_of, to_payload
from csms.ocpp.wire import v201
from csms.services.commands import CommandService
from tests.helpers.gateways import RecordingGateway

SID = StationId("CS-1")


def test_typed_commands_send_what_the_ocpp_message_classes_serialize_to() -> None:
    gateway = RecordingGateway()
    commands = CommandService(gateway)

    async def run() -> None:
        await commands.get_variables(SID, [("EVSE", "Power")])
        await commands.set_variables(SID, [("EVSE", "Power", "11000")])
        await commands.get_base_report(SID)
        await commands.request_start(SID, "TAG", evse_id=1)
        await commands.request_start(SID, "TAG")
        await commands.request_stop(SID, TransactionId("tx-1"))
        await commands.reset(SID)
        await commands.reset(SID, v201.ResetEnumType.IMMEDIATE, evse_id=2)
        await commands.change_availability(SID, False, evse_id=1)
        await commands.change_availability(SID, True)
        await commands.unlock_connector(SID, 1, 2)
        await commands.trigger_message(SID, v201.MessageTriggerEnumType.METER_VALUES, evse_id=1)
        await commands.trigger_message(SID, v201.MessageTriggerEnumType.HEARTBEAT)

    asyncio.run(run())
    expected = [
        call.GetVariables(get_variable_data=[{"component": {"name": "EVSE"}, "variable": {"name": "Power"}}]),
        call.SetVariables(set_variable_data=[{"component": {"name": "EVSE"}, "variable": {"name": "Power"},
                                              "attributeValue": "11000"}]),
        call.GetBaseReport(request_id=1, report_base="FullInventory"),
        call.RequestStartTransaction(id_token={"idToken": "TAG", "type": "Central"}, remote_start_id=2, evse_id=1),
        call.RequestStartTransaction(id_token={"idToken": "TAG", "type": "Central"}, remote_start_id=3),
        call.RequestStopTransaction(transaction_id="tx-1"),
        call.Reset(type="OnIdle"),
        call.Reset(type="Immediate", evse_id=2),
        call.ChangeAvailability(operational_status="Inoperative", evse={"id": 1}),
        call.ChangeAvailability(operational_status="Operative"),
        call.UnlockConnector(evse_id=1, connector_id=2),
        call.TriggerMessage(requested_message="MeterValues", evse={"id": 1}),
        call.TriggerMessage(requested_message="Heartbeat"),
    ]
    assert [(action, payload) for _, action, payload in gateway.sent] == [(action_of(m), to_payload(m))
                                                                          for m in expected]
