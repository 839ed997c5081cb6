"""An independent OCPP 1.6J station for tests, written on the `ocpp` package's v16 `ChargePoint` (not on this
project's session code): it boots, reports status, answers GetConfiguration with its smart-charging keys,
starts a transaction on RemoteStartTransaction (Authorize, then StartTransaction), sends MeterValues from its own
import/export registers, keeps the charging profiles it is sent (a negative limit only if it is bidirectional),
answers GetCompositeSchedule from them, and stops on RemoteStopTransaction with meterStop and transactionData."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from ocpp import routing
from ocpp.v16 import ChargePoint, call, call_result
from ocpp.v16.enums import Action

_Handler = TypeVar("_Handler", bound=Callable[..., Any])


# The `ocpp` package ships no type hints: these typed views of its routing decorators keep the handlers'
# own signatures visible to mypy (each returns a tagged wrapper that passes its arguments through).
def on(action: Action) -> Callable[[_Handler], _Handler]:
    decorator: Callable[[_Handler], _Handler] = routing.on(action)
    return decorator


def after(action: Action) -> Callable[[_Handler], _Handler]:
    decorator: Callable[[_Handler], _Handler] = routing.after(action)
    return decorator


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Meter:
    """The station's own meter (Wh registers), moved by `charge` / `discharge`."""

    import_wh: int = 10_000
    export_wh: int = 0
    soc_percent: float = 60.0
    readings: list[dict[str, Any]] = field(default_factory=list)

    def reading(self) -> dict[str, Any]:
        value = {"timestamp": now(), "sampled_value": [
            {"value": str(self.import_wh), "measurand": "Energy.Active.Import.Register", "unit": "Wh"},
            {"value": f"{self.export_wh / 1000:g}", "measurand": "Energy.Active.Export.Register", "unit": "kWh"},
            {"value": f"{self.soc_percent:g}", "measurand": "SoC", "unit": "Percent"}]}
        self.readings.append(value)
        return value


class Station16(ChargePoint):  # type: ignore[misc]  # ocpp's ChargePoint is untyped (Any) to mypy
    """See the module docstring. `rate_unit`: "Power" (W) or "Current" (A)."""

    def __init__(self, station_id: str, connection: Any, *, bidirectional: bool = False,
                 rate_unit: str = "Power") -> None:
        super().__init__(station_id, connection, response_timeout=10)
        self.bidirectional = bidirectional
        self.rate_unit = rate_unit
        self.meter = Meter()
        self.transaction_id: int | None = None
        self.meter_start: int | None = None
        self.profiles: list[dict[str, Any]] = []
        self.received: list[str] = []
        self.stopped = asyncio.Event()

    # ---- station-initiated ------------------------------------------------------------------------------

    async def boot(self) -> Any:
        answer = await self.call(call.BootNotification(charge_point_vendor="Indep", charge_point_model="OneSix",
                                                       firmware_version="1.6.0"))
        await self.call(call.StatusNotification(connector_id=0, error_code="NoError", status="Available"))
        await self.call(call.StatusNotification(connector_id=1, error_code="NoError", status="Available"))
        return answer

    async def meter_values(self, import_wh: int = 0, export_wh: int = 0, soc_delta: float = 0.0) -> None:
        """Move the registers, then report them for the running transaction."""
        self.meter.import_wh += import_wh
        self.meter.export_wh += export_wh
        self.meter.soc_percent += soc_delta
        await self.call(call.MeterValues(connector_id=1, transaction_id=self.transaction_id,
                                         meter_value=[self.meter.reading()]))

    async def _start(self, id_tag: str) -> None:
        auth = await self.call(call.Authorize(id_tag=id_tag))
        if auth.id_tag_info["status"] != "Accepted":
            return
        await self.call(call.StatusNotification(connector_id=1, error_code="NoError", status="Preparing"))
        self.meter_start = self.meter.import_wh
        started = await self.call(call.StartTransaction(connector_id=1, id_tag=id_tag,
                                                        meter_start=self.meter_start, timestamp=now()))
        self.transaction_id = started.transaction_id
        await self.call(call.StatusNotification(connector_id=1, error_code="NoError", status="Charging"))

    async def _stop(self) -> None:
        assert self.transaction_id is not None
        await self.call(call.StopTransaction(meter_stop=self.meter.import_wh, timestamp=now(),
                                             transaction_id=self.transaction_id, reason="Remote",
                                             transaction_data=self.meter.readings[-3:]))
        await self.call(call.StatusNotification(connector_id=1, error_code="NoError", status="Available"))
        self.stopped.set()

    # ---- CSMS-initiated ---------------------------------------------------------------------------------

    @on(Action.get_configuration)
    def on_get_configuration(self, key: list[str] | None = None, **_: Any) -> Any:
        self.received.append("GetConfiguration")
        keys = [{"key": "ChargingScheduleAllowedChargingRateUnit", "readonly": True, "value": self.rate_unit},
                {"key": "HeartbeatInterval", "readonly": False, "value": "300"}]
        return call_result.GetConfiguration(configuration_key=[k for k in keys if not key or k["key"] in key])

    @on(Action.change_configuration)
    def on_change_configuration(self, key: str, value: str, **_: Any) -> Any:
        self.received.append(f"ChangeConfiguration {key}={value}")
        return call_result.ChangeConfiguration(status="Accepted")

    @on(Action.remote_start_transaction)
    def on_remote_start(self, id_tag: str, **_: Any) -> Any:
        self.received.append(f"RemoteStartTransaction {id_tag}")
        return call_result.RemoteStartTransaction(status="Accepted")

    @after(Action.remote_start_transaction)
    async def after_remote_start(self, id_tag: str, **_: Any) -> None:
        await self._start(id_tag)

    @on(Action.remote_stop_transaction)
    def on_remote_stop(self, transaction_id: int, **_: Any) -> Any:
        self.received.append(f"RemoteStopTransaction {transaction_id}")
        known = transaction_id == self.transaction_id
        return call_result.RemoteStopTransaction(status="Accepted" if known else "Rejected")

    @after(Action.remote_stop_transaction)
    async def after_remote_stop(self, transaction_id: int, **_: Any) -> None:
        if transaction_id == self.transaction_id:
            await self._stop()

    @on(Action.set_charging_profile)
    def on_set_charging_profile(self, connector_id: int, cs_charging_profiles: dict[str, Any], **_: Any) -> Any:
        self.received.append("SetChargingProfile")
        periods = cs_charging_profiles["charging_schedule"]["charging_schedule_period"]
        if any(p["limit"] < 0 for p in periods) and not self.bidirectional:
            return call_result.SetChargingProfile(status="Rejected")
        self.profiles.append({"connector_id": connector_id, **cs_charging_profiles})
        return call_result.SetChargingProfile(status="Accepted")

    @on(Action.get_composite_schedule)
    def on_get_composite_schedule(self, connector_id: int, duration: int, **_: Any) -> Any:
        self.received.append("GetCompositeSchedule")
        if not self.profiles:
            return call_result.GetCompositeSchedule(status="Rejected")
        schedule = self.profiles[-1]["charging_schedule"]
        return call_result.GetCompositeSchedule(
            status="Accepted", connector_id=connector_id, schedule_start=schedule["start_schedule"],
            charging_schedule={"duration": duration, "start_schedule": schedule["start_schedule"],
                               "charging_rate_unit": schedule["charging_rate_unit"],
                               "charging_schedule_period": [{**p, "limit": float(p["limit"])}  # parsed as Decimal
                                                            for p in schedule["charging_schedule_period"]]})

    @on(Action.clear_charging_profile)
    def on_clear_charging_profile(self, id: int | None = None, **_: Any) -> Any:
        self.received.append(f"ClearChargingProfile {id}")
        before = len(self.profiles)
        self.profiles = [p for p in self.profiles if p["charging_profile_id"] != id]
        return call_result.ClearChargingProfile(status="Accepted" if len(self.profiles) < before else "Unknown")

    @on(Action.reset)
    def on_reset(self, type: str, **_: Any) -> Any:
        self.received.append(f"Reset {type}")
        return call_result.Reset(status="Accepted")

    @on(Action.change_availability)
    def on_change_availability(self, connector_id: int, type: str, **_: Any) -> Any:
        self.received.append(f"ChangeAvailability {connector_id} {type}")
        return call_result.ChangeAvailability(status="Accepted")

    @on(Action.unlock_connector)
    def on_unlock(self, connector_id: int, **_: Any) -> Any:
        self.received.append(f"UnlockConnector {connector_id}")
        return call_result.UnlockConnector(status="Unlocked")

    @on(Action.trigger_message)
    def on_trigger(self, requested_message: str, **_: Any) -> Any:
        self.received.append(f"TriggerMessage {requested_message}")
        return call_result.TriggerMessage(status="Accepted")

    @on(Action.reserve_now)
    def on_reserve_now(self, connector_id: int, id_tag: str, reservation_id: int, **_: Any) -> Any:
        self.received.append(f"ReserveNow {reservation_id} {connector_id} {id_tag}")
        return call_result.ReserveNow(status="Accepted")

    @on(Action.cancel_reservation)
    def on_cancel_reservation(self, reservation_id: int, **_: Any) -> Any:
        self.received.append(f"CancelReservation {reservation_id}")
        return call_result.CancelReservation(status="Accepted")

    @on(Action.send_local_list)
    def on_send_local_list(self, list_version: int, update_type: str, **kwargs: Any) -> Any:
        tags = [e["id_tag"] for e in kwargs.get("local_authorization_list") or []]
        self.received.append(f"SendLocalList {list_version} {update_type} {','.join(tags)}")
        self.list_version = list_version
        return call_result.SendLocalList(status="Accepted")

    @on(Action.get_local_list_version)
    def on_get_local_list_version(self, **_: Any) -> Any:
        self.received.append("GetLocalListVersion")
        return call_result.GetLocalListVersion(list_version=getattr(self, "list_version", 0))

    @on(Action.update_firmware)
    def on_update_firmware(self, location: str, retrieve_date: str, **_: Any) -> Any:
        self.received.append(f"UpdateFirmware {location}")
        return call_result.UpdateFirmware()
