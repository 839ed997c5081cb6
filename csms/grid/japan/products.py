"""The EPRX balancing-market (需給調整市場) products as data.

Figures follow EPRX's product requirements (商品要件) for the FY2026 design: every product trades day-ahead in
30-minute blocks, pay-as-bid, priced per kW of ΔkW per 30 min. `response_s` is the time allowed to reach the
commanded output, `sustain_s` how long it must be held. These are the published requirements as we read them;
each is an assumption the scenario names (docs/japan.md).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final


class Command(enum.StrEnum):
    """How the TSO asks for the ΔkW."""

    LOCAL_FREQUENCY = "local_frequency"  # GF-type self-response to the measured frequency (no command)
    LFC = "lfc"  # load-frequency-control signal, seconds apart
    EDC = "edc"  # economic-dispatch setpoint commands, minutes apart
    DAY_AHEAD_SCHEDULE = "day_ahead_schedule"  # an online instruction once per block (三次②)


@dataclass(frozen=True, slots=True)
class EprxProduct:
    """One product. `block_s` is the trading block (30 min); `min_offer_kw` the smallest offer accepted."""

    code: str
    name_ja: str
    name_en: str
    response_s: float
    sustain_s: float
    command: Command
    block_s: float = 1800.0
    min_offer_kw: float = 1000.0
    tracking_tolerance: float = 0.10  # アセスメントⅡ: ±10 % of the commanded ΔkW
    pay_as_bid: bool = True

    def __post_init__(self) -> None:
        if self.response_s <= 0 or self.sustain_s <= 0 or self.block_s <= 0:
            raise ValueError(f"product {self.code}: times must be positive")
        if not 0 < self.tracking_tolerance < 1:
            raise ValueError(f"product {self.code}: tracking tolerance must be in (0, 1)")


PRIMARY = EprxProduct("1-0", "一次調整力", "primary (FCR, local frequency)", response_s=10, sustain_s=300,
                      command=Command.LOCAL_FREQUENCY)
PRIMARY_OFFLINE = EprxProduct("1-1", "一次調整力オフライン枠", "primary, offline-measured (30 s)", response_s=30,
                              sustain_s=300, command=Command.LOCAL_FREQUENCY)
SECONDARY_1 = EprxProduct("2-1", "二次調整力①", "secondary 1 (LFC)", response_s=300, sustain_s=1800,
                          command=Command.LFC)
SECONDARY_2 = EprxProduct("2-2", "二次調整力②", "secondary 2 (EDC)", response_s=300, sustain_s=1800,
                          command=Command.EDC)
TERTIARY_1 = EprxProduct("3-1", "三次調整力①", "tertiary 1 (EDC)", response_s=900, sustain_s=1800,
                         command=Command.EDC)
TERTIARY_2 = EprxProduct("3-2", "三次調整力②", "tertiary 2 (FIT forecast error, day-ahead)", response_s=2700,
                         sustain_s=1800, command=Command.DAY_AHEAD_SCHEDULE)

PRODUCTS: Final = MappingProxyType({p.code: p for p in (PRIMARY, PRIMARY_OFFLINE, SECONDARY_1, SECONDARY_2,
                                                         TERTIARY_1, TERTIARY_2)})


def product(code: str) -> EprxProduct:
    try:
        return PRODUCTS[code]
    except KeyError:
        raise ValueError(f"unknown EPRX product {code!r}; one of {', '.join(PRODUCTS)}") from None
