"""Japan's electricity markets: JEPX spot and intraday prices, the EPRX balancing market (需給調整市場).

- `jepx`: JEPX day-ahead spot (48 slots a day, JST, system + 9 area prices, 0.01 円/kWh floor) and intraday files.
- `eprx`: EPRX result files (by area, by resource type, the FY2021-2025 history).
- `products`: the six EPRX products as data; `assessment`: アセスメントⅠ/Ⅱ; `settlement`: yen, exactly.
- `bidding`: the 14:00 JST day-ahead offer for the next day's 48 blocks.
- `series`: the prices as evenly spaced `SampledSeries`.

The JEPX and EPRX files carry no open licence: they are never in the repository; read them via `CSMS_DATA_DIR`.
"""
