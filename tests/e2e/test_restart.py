"""A CSMS killed mid-transaction (SIGKILL, Redis store) and started again: the stations reconnect and every
transaction ends with its full energy, import and export, nothing lost or double counted, and its stop reason.
Every EV charges and discharges in turn (the e2e fleet's AlternatingPower), before, during and after the outage."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest

from chargepoint_sim.config import EvConfig, FleetConfig, LinkConfig, StationConfig
from chargepoint_sim.fleet import Fleet
from csms.domain.clock import ScaledClock
from tests.e2e.test_core_fleet import START, AlternatingPower
from tests.fixtures.redis_server import delete_prefix
from tests.helpers.csms_app import PASSWORD
from tests.helpers.csms_process import CsmsProcess
from tests.helpers.eventually import eventually

pytestmark = pytest.mark.realtime  # paced by the real clock: `make test` runs it alone

API_TOKEN = "restart-test-token-0123456789"


async def test_killed_csms_restarts_and_open_transactions_end_with_full_energy(redis_url: str) -> None:
    prefix = f"csmsrestart-{uuid.uuid4().hex[:10]}"
    csms = CsmsProcess({"CSMS_STORE__BACKEND": "redis", "CSMS_STORE__REDIS_URL": redis_url,
                        "CSMS_STORE__REDIS_PREFIX": prefix, "CSMS_API__TOKEN": API_TOKEN,
                        "CSMS_SECURITY__ACCEPT_UNKNOWN_TOKENS": "true"})
    config = FleetConfig(
        csms_url=f"ws://127.0.0.1:{csms.ocpp_port}/ocpp", stations=6, password=PASSWORD, seed=3,
        station=StationConfig(evses=1, tx_updated_interval_s=60),
        ev=EvConfig(first_arrival_s=(0, 30), dwell_s=(5400, 6000), visits_per_evse=1,
                    allow_discharge_probability=1.0, arrival_soc=(0.4, 0.6)),
        link=LinkConfig(reconnect_min_s=0.2, reconnect_max_s=0.5, reconnect_jitter_s=0.1),
    )
    fleet = Fleet(config, ScaledClock(START, 600.0), power_control=AlternatingPower())
    try:
        csms.start()
        await fleet.start()
        await eventually(lambda: sum(1 for _, tx in fleet.transactions() if tx.import_wh > 0) >= 6,
                         "6 transactions delivering energy")
        await asyncio.sleep(1.0)  # ~10 simulated minutes of metering
        csms.kill()
        await asyncio.sleep(1.5)  # ~15 simulated minutes offline: events queue in the stations
        assert all(tx.active for _, tx in fleet.transactions())
        csms.start()
        await eventually(lambda: all(not tx.active for _, tx in fleet.transactions()), "transactions ended")
        truth = {(sid, tx.transaction_id): tx for sid, tx in fleet.transactions()}
        await eventually(lambda: sum(link.connects for link in fleet.links.values()) >= 12, "everyone reconnected")
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{csms.api_port}",
                                     headers={"Authorization": f"Bearer {API_TOKEN}"}) as http:
            async def six_closed() -> list[dict[str, Any]] | None:
                reported: list[dict[str, Any]] = (await http.get("/api/v1/transactions")).json()
                return reported if len(reported) == 6 and not any(t["is_open"] for t in reported) else None

            reported = await eventually(six_closed, "6 closed transactions in the CSMS")
    finally:
        await fleet.stop()
        csms.stop()
        await delete_prefix(redis_url, prefix)

    assert {(t["station_id"], t["transaction_id"]) for t in reported} == set(truth)
    for t in reported:
        tx = truth[(t["station_id"], t["transaction_id"])]
        assert tx.import_wh > 0 and tx.export_wh > 0, tx
        assert abs(t["energy_import_wh"] - tx.import_wh) < 0.01, (t, tx)
        assert abs(t["energy_export_wh"] - tx.export_wh) < 0.01, (t, tx)
        assert t["offline_events"] >= 1, "events queued during the outage arrive flagged offline"
        assert tx.stopped_reason == "EVDisconnected", tx  # every EV left at its departure time
        assert t["stopped_reason"] == tx.stopped_reason, (t, tx)
