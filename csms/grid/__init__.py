"""Grid-signal adapters behind one interface (`GridSignalSource`): regulation (PJM/CAISO replay, live push),
frequency (replay/push + droop curves), prices (day-ahead files, TOU tariffs) and OpenADR 2.0b (a VEN).

May import csms.domain and csms.errors only (checked by tests/unit/grid/test_purity.py). The OpenADR VEN lives
in `csms.grid.openadr` and is not imported here, so using the rest does not load openleadr.
"""

from csms.grid.droop import DroopCurve
from csms.grid.errors import GridConnectionError, GridDataError, GridError
from csms.grid.push import FrequencyPush, RegulationPush
from csms.grid.replay import FrequencyReplay, PriceReplay, RegulationReplay
from csms.grid.signals import (
    DemandResponseEvent,
    DrEventStatus,
    DrInterval,
    DrSignalKind,
    FrequencySample,
    FrequencySeries,
    GridSignal,
    GridSignalSource,
    OptState,
    PriceMarket,
    PriceSignal,
    RegulationSeries,
    RegulationSignal,
    SourceDescription,
    TariffPeriod,
    TariffSchedule,
)
from csms.grid.tariffs import tariff_price_signals

__all__ = [
    "DemandResponseEvent",
    "DrEventStatus",
    "DrInterval",
    "DrSignalKind",
    "DroopCurve",
    "FrequencyPush",
    "FrequencyReplay",
    "FrequencySample",
    "FrequencySeries",
    "GridConnectionError",
    "GridDataError",
    "GridError",
    "GridSignal",
    "GridSignalSource",
    "OptState",
    "PriceMarket",
    "PriceReplay",
    "PriceSignal",
    "RegulationPush",
    "RegulationReplay",
    "RegulationSeries",
    "RegulationSignal",
    "SourceDescription",
    "TariffPeriod",
    "TariffSchedule",
    "tariff_price_signals",
]
