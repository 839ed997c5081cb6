"""MADE-UP JEPX/EPRX files in the real formats (the real files have no open licence and stay out of the repo)."""

from __future__ import annotations

import gzip
from pathlib import Path

SPOT_HEADER = (
    "受渡日,時刻コード,売り入札量(kWh),買い入札量(kWh),約定総量(kWh),システムプライス(円/kWh),"
    "エリアプライス北海道(円/kWh),エリアプライス東北(円/kWh),エリアプライス東京(円/kWh),エリアプライス中部(円/kWh),"
    "エリアプライス北陸(円/kWh),エリアプライス関西(円/kWh),エリアプライス中国(円/kWh),エリアプライス四国(円/kWh),"
    "エリアプライス九州(円/kWh),売りブロック入札総量(kWh),売りブロック約定総量(kWh),買いブロック入札総量(kWh),"
    "買いブロック約定総量(kWh)"
)
INTRADAY_HEADER = ("年月日,時刻コード,始値(円/kWh),高値(円/kWh),安値(円/kWh),終値(円/kWh),平均(円/kWh),"
                   "約定量合計(kWh),約定件数")


def kyushu_price(slot: int) -> float:
    """A made-up Kyushu day: 0.01 floor at sunny midday (slots 21-28), 20 円 evening peak, 8 円 otherwise."""
    if 21 <= slot <= 28:
        return 0.01
    if 35 <= slot <= 40:
        return 20.0
    return 8.0


def spot_line(day: str, slot: int, *, kyushu: float | None = None, system: float = 10.0) -> str:
    k = kyushu_price(slot) if kyushu is None else kyushu
    areas = [11.0, 11.0, 12.5, 10.0, 9.0, 9.0, 9.0, 9.0, k]
    return ",".join([day, str(slot), "1000", "900", "800", f"{system}", *(f"{a}" for a in areas),
                     "0", "0", "0", "0"])


def spot_text(days: tuple[str, ...] = ("2024/04/01",)) -> str:
    lines = [SPOT_HEADER] + [spot_line(day, slot) for day in days for slot in range(1, 49)]
    return "\n".join(lines) + "\n"


def write(path: Path, text: str) -> Path:
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(text.encode("utf-8")))
    else:
        path.write_text(text, encoding="utf-8")
    return path


AREAS_JA = "北海道,東北,東京,中部,北陸,関西,中国,四国,九州,合計"
PROMPT_METRICS = ("募集量（TSO別）[MW]", "落札量合計（電源属地別）[MW]", "平均落札価格（TSO別）[円/kW・30分]")


def prompt_text(product: str = "三次調整力2", *, days: tuple[str, ...] = ("20260601",), price: float = 1.5) -> str:
    lines = ["H,電力需給調整力取引所取引結果,対象年月,商品区分,ブロック数", f"P,速報値,202606,{product},48",
             f"TT,取引情報,{AREAS_JA}"]
    for day in days:
        for block in range(1, 49):
            key = f"{day}B{block:02d}"
            lines.append(f"{key},募集量（TSO別）[MW],0,0,0,0,0,0,0,0,5,5")
            lines.append(f"{key},落札量合計（電源属地別）[MW],0,0,0,0,0,0,0,0,4,4")
            lines.append(f"{key},平均落札価格（TSO別）[円/kW・30分],0,0,0,0,0,0,0,0,{price},{price}")
    return "\n".join([*lines, "E"]) + "\n"


def rt_prompt_text(vpp_mw: float = 1.0, battery_mw: float = 3.0, thermal_mw: float = 96.0) -> str:
    lines = ["H,電力需給調整力取引所取引結果,対象年月,商品区分,ブロック数", "P,速報値,202606,一次オフライン,48",
             "TT,取引情報,火力発電,水力・揚水発電,蓄電池,VPP,合計"]
    total = vpp_mw + battery_mw + thermal_mw
    for block in (1, 2):
        lines.append(f"20260601B{block:02d},落札量合計[MW],{thermal_mw},0,{battery_mw},{vpp_mw},{total}")
        lines.append(f"20260601B{block:02d},平均落札価格[円/kW・30分],3,0,2,1,2.5")
    return "\n".join([*lines, "E"]) + "\n"


HISTORY_HEADER = f"key,blocks_per_day,調達区分,取引情報,{AREAS_JA}"
