"""Handlers for the CSMS-initiated OCPP calls a simulated station answers, bound to one `SimStation`.

Each handler answers from the station's real state and never awaits an outgoing call: messages that follow
(TransactionEvent after a remote start, NotifyReport after GetBaseReport ...) are queued on the station or
scheduled with `ctx.after_response`. Unknown actions get NotImplemented from the RPC session.
"""

from __future__ import annotations

from typing import Any

from chargepoint_sim.station import SimStation
from csms.domain.clock import to_ocpp_time
from csms.ocpp.session import Handler, HandlerContext, RpcSession

REPORT_PART_SIZE = 20


def make_handlers(station: SimStation) -> dict[str, Handler]:
    """action -> handler for every CSMS-initiated call the simulator supports."""

    async def get_variables(ctx: HandlerContext, payload: dict[str, Any]) -> dict[str, Any]:
        station.advance_to(station.clock.now())
        return {"getVariableResult": station.device_model.get_variables(payload["getVariableData"])}

    async def set_variables(ctx: HandlerContext, payload: dict[str, Any]) -> dict[str, Any]:
        results, changed = station.device_model.set_variables(payload["setVariableData"])
        station.variables_changed(changed)
        return {"setVariableResult": results}

    async def get_base_report(ctx: HandlerContext, payload: dict[str, Any]) -> dict[str, Any]:
        station.advance_to(station.clock.now())
        entries = station.device_model.report(payload["reportBase"])
        if not entries:
            return {"status": "EmptyResultSet"}
        request_id = int(payload["requestId"])
        session = ctx.session

        async def send_report() -> None:
            await send_notify_report(session, station, request_id, entries)

        ctx.after_response(send_report)
        return {"status": "Accepted"}

    async def request_start(ctx: HandlerContext, payload: dict[str, Any]) -> dict[str, Any]:
        tx = station.remote_start(payload.get("evseId"), payload["idToken"], int(payload["remoteStartId"]))
        if tx is None:
            return {"status": "Rejected"}
        return {"status": "Accepted", "transactionId": tx.transaction_id}

    async def request_stop(ctx: HandlerContext, payload: dict[str, Any]) -> dict[str, Any]:
        return {"status": "Accepted" if station.remote_stop(payload["transactionId"]) else "Rejected"}

    async def reset(ctx: HandlerContext, payload: dict[str, Any]) -> dict[str, Any]:
        reset_type = "OnIdle" if payload["type"] == "OnIdle" else "Immediate"  # 2.1 ImmediateAndResume too
        return {"status": station.request_reset(reset_type, payload.get("evseId"))}

    async def change_availability(ctx: HandlerContext, payload: dict[str, Any]) -> dict[str, Any]:
        evse_id = (payload.get("evse") or {}).get("id") or None  # absent or 0: the whole station
        operative = payload["operationalStatus"] == "Operative"
        return {"status": station.change_availability(operative, evse_id)}

    async def unlock_connector(ctx: HandlerContext, payload: dict[str, Any]) -> dict[str, Any]:
        return {"status": station.unlock_connector(int(payload["evseId"]), int(payload["connectorId"]))}

    async def trigger_message(ctx: HandlerContext, payload: dict[str, Any]) -> dict[str, Any]:
        evse_id = (payload.get("evse") or {}).get("id") or None
        return {"status": station.trigger(payload["requestedMessage"], evse_id)}

    return {
        "GetVariables": get_variables,
        "SetVariables": set_variables,
        "GetBaseReport": get_base_report,
        "RequestStartTransaction": request_start,
        "RequestStopTransaction": request_stop,
        "Reset": reset,
        "ChangeAvailability": change_availability,
        "UnlockConnector": unlock_connector,
        "TriggerMessage": trigger_message,
    }


async def send_notify_report(session: RpcSession, station: SimStation, request_id: int,
                             entries: list[dict[str, Any]]) -> None:
    """Send `entries` as NotifyReport parts (seqNo from 0, tbc on all but the last)."""
    generated_at = to_ocpp_time(station.clock.now())
    parts = [entries[i:i + REPORT_PART_SIZE] for i in range(0, len(entries), REPORT_PART_SIZE)]
    for seq_no, part in enumerate(parts):
        await session.call("NotifyReport", {"requestId": request_id, "generatedAt": generated_at, "seqNo": seq_no,
                                            "tbc": seq_no < len(parts) - 1, "reportData": part})
