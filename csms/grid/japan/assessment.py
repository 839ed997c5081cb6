"""EPRX assessments of one awarded block, as pure functions.

Sign convention: power is + = import/charge (kW, as everywhere in the CSMS). An upward ΔkW lowers the net
import, so the ΔkW delivered in a block is `baseline_kw - measured_kw`, where `baseline_kw` is the 基準値 we
submitted for the block (our planned net power without activation).

- アセスメントⅠ (availability, `assess_availability`): during the block the resource must be able to deliver the
  awarded ΔkW: `available_kw` (the smallest upward capability seen in the block: baseline minus the lowest net
  power the online units could reach) must be at least `awarded_kw`. A shortfall fails the block.
- アセスメントⅡ (tracking, `assess_tracking`): each measured response must lie within ±tolerance (10 %) of the
  awarded ΔkW around the commanded ΔkW. Any sample outside fails the block.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from csms.grid.japan.products import EprxProduct


@dataclass(frozen=True, slots=True)
class BlockAward:
    """An awarded block: `awarded_kw` of upward ΔkW at our bid `price_yen_per_kw` (円/kW・30分, pay-as-bid)."""

    product: EprxProduct
    start_at: datetime
    awarded_kw: Decimal
    price_yen_per_kw: Decimal
    baseline_kw: Decimal

    def __post_init__(self) -> None:
        if self.awarded_kw < 0 or self.price_yen_per_kw < 0:
            raise ValueError("awarded kW and price must be >= 0")

    @property
    def payment_yen(self) -> Decimal:
        """The ΔkW payment for the block, before any assessment."""
        return self.awarded_kw * self.price_yen_per_kw * Decimal(self.product.block_s) / Decimal(1800)


@dataclass(frozen=True, slots=True)
class AvailabilityAssessment:
    passed: bool
    shortfall_kw: Decimal


@dataclass(frozen=True, slots=True)
class TrackingAssessment:
    passed: bool
    samples: int
    samples_outside: int
    worst_error_kw: Decimal


def delivered_kw(baseline_kw: Decimal, measured_kw: Decimal) -> Decimal:
    """Upward ΔkW delivered: how far the net import fell below the submitted baseline."""
    return baseline_kw - measured_kw


def assess_availability(award: BlockAward, available_kw: Decimal) -> AvailabilityAssessment:
    """アセスメントⅠ: pass when the upward capability held through the block covers the award."""
    shortfall = max(Decimal(0), award.awarded_kw - available_kw)
    return AvailabilityAssessment(passed=shortfall == 0, shortfall_kw=shortfall)


def assess_tracking(award: BlockAward, samples: Sequence[tuple[Decimal, Decimal]]) -> TrackingAssessment:
    """アセスメントⅡ over (commanded ΔkW, measured net kW) samples of the block; no commands passes trivially."""
    band = award.awarded_kw * Decimal(str(award.product.tracking_tolerance))
    errors = [abs(delivered_kw(award.baseline_kw, measured) - commanded) for commanded, measured in samples]
    outside = sum(1 for e in errors if e > band)
    return TrackingAssessment(passed=outside == 0, samples=len(errors), samples_outside=outside,
                              worst_error_kw=max(errors, default=Decimal(0)))
