from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D

import pytest

from csms.grid.japan.assessment import BlockAward, assess_availability, assess_tracking, delivered_kw
from csms.grid.japan.products import PRIMARY_OFFLINE, PRODUCTS, TERTIARY_2, product
from csms.grid.japan.settlement import PenaltyRules, settle, settle_block

AT = datetime(2026, 6, 1, 5, 0, tzinfo=UTC)


def award(kw: str = "100", price: str = "1.50", baseline: str = "20") -> BlockAward:
    return BlockAward(TERTIARY_2, AT, D(kw), D(price), D(baseline))


def test_products_are_the_six_eprx_products() -> None:
    assert list(PRODUCTS) == ["1-0", "1-1", "2-1", "2-2", "3-1", "3-2"]
    assert all(p.block_s == 1800 and p.pay_as_bid and p.tracking_tolerance == 0.10 for p in PRODUCTS.values())
    assert product("1-1").response_s == 30
    assert TERTIARY_2.response_s > PRIMARY_OFFLINE.response_s
    with pytest.raises(ValueError, match="unknown EPRX product"):
        product("4-0")


def test_payment_is_kw_times_price_per_block() -> None:
    assert award().payment_yen == D("150.00")


def test_availability_shortfall() -> None:
    assert assess_availability(award(), D("100")).passed
    result = assess_availability(award(), D("80"))
    assert (result.passed, result.shortfall_kw) == (False, D("20"))


def test_tracking_within_ten_percent_of_award() -> None:
    # baseline +20 kW import; command 50 kW up -> target net -30 kW; band ±10 kW
    assert delivered_kw(D("20"), D("-30")) == D("50")
    ok = assess_tracking(award(), [(D("50"), D("-30")), (D("50"), D("-21")), (D("50"), D("-40"))])
    assert ok.passed and ok.samples == 3 and ok.worst_error_kw == D("10")
    bad = assess_tracking(award(), [(D("50"), D("-30")), (D("50"), D("-19"))])
    assert (bad.passed, bad.samples_outside, bad.worst_error_kw) == (False, 1, D("11"))
    assert assess_tracking(award(), []).passed


def test_block_settlement_penalties_exact() -> None:
    a = award()
    ok = settle_block(a, assess_availability(a, D("100")), assess_tracking(a, []))
    assert (ok.payment_yen, ok.withheld_yen, ok.penalty_yen, ok.net_yen) == (D("150.00"), D(0), D(0), D("150.00"))
    short = settle_block(a, assess_availability(a, D("80")), assess_tracking(a, []))
    assert (short.withheld_yen, short.penalty_yen, short.net_yen) == (D("30.00"), D("45.00"), D("75.00"))
    failed = settle_block(a, assess_availability(a, D("100")), assess_tracking(a, [(D("50"), D("20"))]),
                          PenaltyRules(tracking_multiple=D("1")))
    assert (failed.withheld_yen, failed.penalty_yen, failed.net_yen) == (D("150.00"), D("150.00"), D("-150.00"))


def test_settlement_sums_exactly_and_rounds_once() -> None:
    a = award(kw="3", price="0.33")  # 0.99 yen a block
    blocks = [settle_block(a, assess_availability(a, D("3")), assess_tracking(a, [])) for _ in range(1000)]
    s = settle(blocks, energy_kwh=D("12.5"), energy_price_yen_per_kwh=D("10.86"), discharged_kwh=D("12.5"),
               wear_yen_per_kwh=D("4"))
    assert s.delta_kw_revenue_yen == D("990")
    assert s.energy_yen == D("136")  # 135.75
    assert s.wear_yen == D("50")
    assert s.by_product_yen == {"3-2": D("990")}
    assert s.net_yen == D("1076")
