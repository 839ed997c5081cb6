"""The planner's market from the fleet inputs: energy prices and reserve prices by interval start."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from csms.services.fleet_inputs import FleetInputs
from csms.settings import FleetSettings

T0 = datetime(2026, 6, 1, 0, 0, tzinfo=UTC)
STEP_S = 900


def test_block_reserve_prices_apply_from_their_block_start_over_the_horizon_price() -> None:
    inputs = FleetInputs(reg_up_price_per_mwh=10.0)
    inputs.reserve_up_price_per_mwh[T0 + timedelta(minutes=30)] = 3000.0
    inputs.reserve_up_price_per_mwh[T0 + timedelta(minutes=60)] = 1200.0
    inputs.reserve_down_price_per_mwh[T0 + timedelta(minutes=45)] = 500.0
    market = inputs.market(FleetSettings(reg_down_price_per_mwh=7.0), T0, 6, STEP_S)
    assert market.reg_up_price_per_mwh == (10.0, 10.0, 3000.0, 3000.0, 1200.0, 1200.0)
    assert market.reg_down_price_per_mwh == (7.0, 7.0, 7.0, 500.0, 500.0, 500.0)


def test_without_block_prices_the_horizon_price_or_the_configured_one_holds() -> None:
    settings = FleetSettings(reg_up_price_per_mwh=30.0, reg_down_price_per_mwh=20.0)
    assert FleetInputs().market(settings, T0, 3, STEP_S).reg_up_price_per_mwh == (30.0,) * 3
    inputs = FleetInputs(reg_up_price_per_mwh=45.0, reg_down_price_per_mwh=5.0)
    market = inputs.market(settings, T0, 3, STEP_S)
    assert (market.reg_up_price_per_mwh, market.reg_down_price_per_mwh) == ((45.0,) * 3, (5.0,) * 3)


def test_pruning_keeps_the_price_in_force_and_every_later_one_so_the_market_is_unchanged() -> None:
    inputs = FleetInputs()
    for k in range(96):  # a day of 15-minute prices, and reserve blocks every 30 minutes
        inputs.import_price_per_mwh[T0 + timedelta(seconds=k * STEP_S)] = 100.0 + k
        inputs.export_price_per_mwh[T0 + timedelta(seconds=k * STEP_S)] = 50.0 + k
        if k % 2 == 0:
            inputs.reserve_up_price_per_mwh[T0 + timedelta(seconds=k * STEP_S)] = 1000.0 + k
    now = T0 + timedelta(hours=10, minutes=5)  # inside the interval that started at 10:00
    settings = FleetSettings()
    before = inputs.market(settings, now, 24, STEP_S)
    assert inputs.prune_prices(now) == 40 + 40 + 20
    assert min(inputs.import_price_per_mwh) == T0 + timedelta(hours=10)  # the one in force at `now` stays
    assert min(inputs.reserve_up_price_per_mwh) == T0 + timedelta(hours=10)
    assert len(inputs.import_price_per_mwh) == 56
    assert inputs.market(settings, now, 24, STEP_S) == before
    assert inputs.prune_prices(now) == 0  # nothing more to forget
