"""End to end: the CSMS (Redis store) and 20 simulated stations over real websockets on 127.0.0.1.

Transactions start, meter and stop; the energy the CSMS reports per transaction (import and export) equals what
the simulator delivered. Export comes from a test power controller that alternates charge and discharge on EVs
whose drivers allow it (the charging-profile path is tested in test_bidirectional.py).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from chargepoint_sim.config import EvConfig, FleetConfig, LinkConfig, StationConfig
from chargepoint_sim.evse import Evse
from chargepoint_sim.fleet import Fleet
from csms.domain.clock import ScaledClock
from csms.store.base import StateStore
from tests.helpers.csms_app import API_TOKEN, PASSWORD, csms_test_settings, running_csms
from tests.helpers.eventually import eventually

pytestmark = pytest.mark.realtime  # paced by the real clock: `make test` runs it alone

START = datetime(2026, 6, 1, 16, 0, tzinfo=UTC)
SPEED = 600.0  # simulated seconds per real second


class AlternatingPower:
    """Charge in even 10-minute slots, discharge in odd ones (where the EV allows it)."""

    slot_s = 600

    def setpoint_w(self, evse: Evse, at: datetime) -> float:
        if evse.ev is None:
            return 0.0
        slot = int((at - START).total_seconds() // self.slot_s)
        if slot % 2 and evse.ev.allow_discharge:
            return -min(evse.spec.max_discharge_power_w, evse.ev.max_discharge_power_w)
        return min(evse.spec.max_power_w, evse.ev.max_charge_power_w)

    def next_change_at(self, evse: Evse, after: datetime) -> datetime | None:
        slot = int((after - START).total_seconds() // self.slot_s) + 1
        return START + timedelta(seconds=slot * self.slot_s)


def fleet_config(port: int, stations: int) -> FleetConfig:
    return FleetConfig(
        csms_url=f"ws://127.0.0.1:{port}/ocpp", stations=stations, password=PASSWORD, seed=7,
        station=StationConfig(evses=1, tx_updated_interval_s=60),
        ev=EvConfig(first_arrival_s=(0, 120), dwell_s=(1800, 3000), visits_per_evse=1,
                    allow_discharge_probability=0.5, arrival_soc=(0.4, 0.6)),
        link=LinkConfig(reconnect_min_s=0.2, reconnect_max_s=1.0, reconnect_jitter_s=0.1),
    )


async def test_twenty_stations_energy_in_api_equals_simulator_delivery(redis_store: StateStore) -> None:
    settings = csms_test_settings(accept_unknown_tokens=True)
    async with running_csms(store=redis_store, settings=settings) as app:
        fleet = Fleet(fleet_config(app.ocpp_port, 20), ScaledClock(START, SPEED), power_control=AlternatingPower())
        await fleet.start()
        try:
            await eventually(lambda: sum(1 for _ in fleet.transactions()) == 20
                             and all(not tx.active for _, tx in fleet.transactions()), "20 ended transactions")
            truth = {(sid, tx.transaction_id): tx for sid, tx in fleet.transactions()}

            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{app.api_port}",
                                         headers={"Authorization": f"Bearer {API_TOKEN}"}) as http:
                async def all_ended() -> list[dict[str, Any]] | None:
                    reported: list[dict[str, Any]] = (await http.get("/api/v1/transactions")).json()
                    return reported if len(reported) == 20 and not any(t["is_open"] for t in reported) else None

                reported = await eventually(all_ended, "20 closed transactions in the CSMS")
        finally:
            await fleet.stop()

    assert {(t["station_id"], t["transaction_id"]) for t in reported} == set(truth)
    exported = 0
    for t in reported:
        tx = truth[(t["station_id"], t["transaction_id"])]
        assert abs(t["energy_import_wh"] - tx.import_wh) < 0.01, (t, tx)
        assert abs(t["energy_export_wh"] - tx.export_wh) < 0.01, (t, tx)
        assert tx.import_wh > 0
        exported += tx.export_wh > 0
        assert t["stopped_reason"] == tx.stopped_reason
    assert exported >= 3, "some drivers allowed discharge: export must have been metered"
