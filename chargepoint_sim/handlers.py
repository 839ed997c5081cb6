"""Handlers for the CSMS-initiated OCPP calls a simulated station answers, bound to one `SimStation`.

Each handler answers from the station's real state and never awaits an outgoing call: messages that follow
(TransactionEvent after a remote start, NotifyReport after GetBaseReport ...) are queued on the station or
scheduled with `ctx.after_response`. Unknown actions get NotImplemented from the RPC session.
Smart charging (K, Q): SetChargingProfile, ClearChargingProfile, GetChargingProfiles (answered, then the
profiles follow as ReportChargingProfiles, one per EVSE), GetCompositeSchedule and, on 2.1,
UpdateDynamicSchedule and NotifyAllowedEnergyTransfer (the modes the CSMS accepts for a transaction, recorded
on it); the rules live in `smart_charging.py`.
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

    async def set_charging_profile(ctx: HandlerContext, payload: dict[str, Any]) -> dict[str, Any]:
        return station.set_charging_profile(int(payload["evseId"]), payload["chargingProfile"], ctx.version)

    async def clear_charging_profile(ctx: HandlerContext, payload: dict[str, Any]) -> dict[str, Any]:
        return station.clear_charging_profile(payload)

    async def update_dynamic_schedule(ctx: HandlerContext, payload: dict[str, Any]) -> dict[str, Any]:
        return station.update_dynamic_schedule(payload)

    async def notify_allowed_energy_transfer(ctx: HandlerContext, payload: dict[str, Any]) -> dict[str, Any]:
        tx = station.transactions.get(payload["transactionId"])
        if tx is None or not tx.active:
            return {"status": "Rejected", "statusInfo": {"reasonCode": "UnknownTransaction"}}
        tx.allowed_energy_transfer = tuple(payload["allowedEnergyTransfer"])
        return {"status": "Accepted"}

    async def get_composite_schedule(ctx: HandlerContext, payload: dict[str, Any]) -> dict[str, Any]:
        return station.composite_schedule(int(payload["evseId"]), int(payload["duration"]),
                                          payload.get("chargingRateUnit"), ctx.version)

    async def get_charging_profiles(ctx: HandlerContext, payload: dict[str, Any]) -> dict[str, Any]:
        found = station.profiles.matching(payload.get("evseId"), payload["chargingProfile"], ctx.version)
        if not found:
            return {"status": "NoProfiles"}
        request_id = int(payload["requestId"])
        session = ctx.session

        async def send_reports() -> None:
            groups = sorted(found.items())
            for i, (evse_id, profiles) in enumerate(groups):
                await session.call("ReportChargingProfiles", {
                    "requestId": request_id, "chargingLimitSource": "CSO", "evseId": evse_id,
                    "chargingProfile": profiles, "tbc": i < len(groups) - 1})

        ctx.after_response(send_reports)
        return {"status": "Accepted"}

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
        "SetChargingProfile": set_charging_profile,
        "ClearChargingProfile": clear_charging_profile,
        "GetChargingProfiles": get_charging_profiles,
        "GetCompositeSchedule": get_composite_schedule,
        "UpdateDynamicSchedule": update_dynamic_schedule,
        "NotifyAllowedEnergyTransfer": notify_allowed_energy_transfer,
    }


async def send_notify_report(session: RpcSession, station: SimStation, request_id: int,
                             entries: list[dict[str, Any]]) -> None:
    """Send `entries` as NotifyReport parts (seqNo from 0, tbc on all but the last)."""
    generated_at = to_ocpp_time(station.clock.now())
    parts = [entries[i:i + REPORT_PART_SIZE] for i in range(0, len(entries), REPORT_PART_SIZE)]
    for seq_no, part in enumerate(parts):
        await session.call("NotifyReport", {"requestId": request_id, "generatedAt": generated_at, "seqNo": seq_no,
                                            "tbc": seq_no < len(parts) - 1, "reportData": part})
