from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest

from csms.grid.japan.bidding import BlockAvailability, gate_closure_at, plan_day_ahead
from csms.grid.japan.products import PRIMARY_OFFLINE, TERTIARY_2

DAY = date(2026, 6, 2)
DECIDED = datetime(2026, 6, 1, 5, 0, tzinfo=UTC)  # 14:00 JST on D-1


def flat(kw: str, kwh: str, baseline: str = "10") -> list[BlockAvailability]:
    return [BlockAvailability(D(baseline), D(kw), D(kwh)) for _ in range(48)]


def prices(p32: str, p11: str) -> dict[str, list[D]]:
    return {"3-2": [D(p32)] * 48, "1-1": [D(p11)] * 48}


def test_gate_is_14_jst_the_day_before() -> None:
    assert gate_closure_at(DAY) == DECIDED
    with pytest.raises(ValueError, match="closed"):
        plan_day_ahead(DAY, flat("60", "100"), prices("1", "2"), [TERTIARY_2], decided_at=datetime(
            2026, 6, 1, 5, 1, tzinfo=UTC), min_offer_kw=D(0))


def test_dearest_product_first_then_the_rest() -> None:
    plan = plan_day_ahead(DAY, flat("60", "100"), prices("1.00", "3.00"), [TERTIARY_2, PRIMARY_OFFLINE],
                          decided_at=DECIDED, min_offer_kw=D(1))
    first = [o for o in plan.offers if o.block == 1]
    # 一次オフライン (5-min sustain) takes all 60 kW: 60 x 5/60 h = 5 kWh reserved, nothing left in kW for 三次②
    assert [(o.product_code, o.kw, o.price_yen_per_kw) for o in first] == [("1-1", D(60), D("2.70"))]
    assert first[0].baseline_kw == D(10)
    assert plan.offered_kw("1-1") == D(60 * 48)
    assert first[0].start_at == datetime(2026, 6, 1, 15, 0, tzinfo=UTC)


def test_energy_limits_the_long_product() -> None:
    # 三次② (3 円) must be sustained 30 min, 一次オフライン (2 円) 5 min. 60 kW, 12 kWh: 24 kW of 三次② alone
    # earns 72; 60 kW of 一次オフライン alone 120; the LP mixes: x32 + x11 = 60, x32/2 + x11/12 = 12 -> 16.8 + 43.2
    plan = plan_day_ahead(DAY, flat("60", "12"), prices("3.00", "2.00"), [TERTIARY_2, PRIMARY_OFFLINE],
                          decided_at=DECIDED, min_offer_kw=D(1))
    first = sorted((o.product_code, o.kw) for o in plan.offers if o.block == 1)
    assert first == [("1-1", D(43)), ("3-2", D(16))]  # 136.8 yen-forecast > 120


def test_enough_energy_gives_all_kw_to_the_dearer_product() -> None:
    plan = plan_day_ahead(DAY, flat("60", "100"), prices("3.00", "2.00"), [TERTIARY_2, PRIMARY_OFFLINE],
                          decided_at=DECIDED, min_offer_kw=D(1))
    assert [(o.product_code, o.kw) for o in plan.offers if o.block == 1] == [("3-2", D(60))]


def test_minimum_offer_and_zero_price_drop_offers() -> None:
    plan = plan_day_ahead(DAY, flat("60", "100"), prices("3.00", "0"), [TERTIARY_2, PRIMARY_OFFLINE],
                          decided_at=DECIDED)  # the product minimum, 1 MW
    assert plan.offers == ()
    plan = plan_day_ahead(DAY, flat("1500", "10000"), prices("3.00", "0"), [TERTIARY_2, PRIMARY_OFFLINE],
                          decided_at=DECIDED)
    assert {o.product_code for o in plan.offers} == {"3-2"} and len(plan.offers) == 48


def test_inputs_checked() -> None:
    with pytest.raises(ValueError, match="48 blocks"):
        plan_day_ahead(DAY, flat("1", "1")[:47], prices("1", "1"), [TERTIARY_2], decided_at=DECIDED)
    with pytest.raises(ValueError, match="price forecasts for product 3-2"):
        plan_day_ahead(DAY, flat("1", "1"), {"3-2": [D(1)]}, [TERTIARY_2], decided_at=DECIDED)
