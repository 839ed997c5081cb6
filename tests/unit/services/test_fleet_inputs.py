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
