"""The Japanese aggregator scenario's report, in the same form as the four pilots' (`csms/scenario/report.py`):
`<name>.html` (what was reported, what is modelled, headline figures, a plot, the tables), `<name>_monthly.png`
(net ΔkW yen per vehicle by month and product; needs the `report` extra) and `<name>.json` (every figure)."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from csms.grid.japan.products import product
from csms.scenario.report import PLOTS_MISSING, plots_available


def _yen(value: float | int) -> str:
    return f"{value:,.0f}"


def _plot(data: dict[str, Any], out_dir: Path) -> list[str]:
    """Net ΔkW yen per vehicle by month, one bar per product."""
    monthly: dict[str, dict[str, float]] = data["monthly_net_yen_per_vehicle"]
    if not plots_available() or not monthly:
        return []
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    months = sorted(monthly)
    codes = list(data["products"])
    fig, ax = plt.subplots(figsize=(10, 3.6), dpi=90)
    width = 0.8 / max(len(codes), 1)
    for k, code in enumerate(codes):
        ax.bar([i + k * width for i in range(len(months))], [monthly[m].get(code, 0.0) for m in months], width,
               label=f"{code} {product(code).name_en}")
    ax.set_xticks([i + width * (len(codes) - 1) / 2 for i in range(len(months))], months, fontsize=7)
    ax.set_ylabel("net ΔkW yen per vehicle")
    ax.set_title(f"{data['area']}: net ΔkW revenue per vehicle by month (penalties deducted; Source: EPRX prices)",
                 fontsize=9)
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3, axis="y")
    fig.tight_layout()
    name = f"{data['scenario']}_monthly.png"
    fig.savefig(out_dir / name)
    plt.close(fig)
    return [name]


def _headline(data: dict[str, Any]) -> list[str]:
    per = data["per_vehicle_year_yen"]
    be = data["break_even"]
    multiple = be["revenue_multiple_needed"]
    verdict = ("no positive net: it never breaks even" if multiple is None else
               f"{multiple}x short of break-even" if multiple > 1 else
               f"it pays (break-even at {multiple}x this revenue)")
    lines = [f"net per vehicle-year {_yen(per['net'])} yen (ΔkW, kWh and wear) against {_yen(per['costs'])} yen of "
             f"costs: {verdict}"]
    for code, p in data["products"].items():
        alone = be["revenue_multiple_needed_on_one_product"].get(code)
        lines.append(f"{code} {p['name']}: {_yen(p['net_yen_per_vehicle_year'])} yen per vehicle-year; "
                     f"{p['awarded_blocks']} of {p['offered_blocks']} offered blocks awarded (mean "
                     f"{p['awarded_mean_kw']} kW), アセスメントⅠ failed in {p['assessment1_failed_blocks']}, "
                     f"アセスメントⅡ in {p['assessment2_failed_blocks']} of {p['activated_blocks']} activated; "
                     f"{p['share_of_area_awards']:.2%} of the area's awards; alone it needs "
                     + (f"{alone}x its revenue to break even" if alone is not None else "more than any multiple"))
    shares = data["eprx_award_shares_by_resource"]
    for code, by_type in shares.items():
        if "VPP" in by_type:
            lines.append(f"EPRX June 2026 (preliminary), all areas: VPP won {by_type['VPP']:.2%} of {code} awards")
    return lines


def render_html(data: dict[str, Any], images: list[str]) -> str:
    esc = html.escape
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>{esc(data['title'])}</title>",
             "<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;font-size:14px}"
             "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
             "td:first-child,th:first-child{text-align:left}img{max-width:100%}</style></head><body>",
             f"<h1>{esc(data['title'])}</h1>",
             f"<p>{data['days']} days from {esc(data['first_day'])} (JST), area {esc(data['area'])}: "
             f"{data['vehicles']['v2h_home']} home V2H units (ECHONET Lite) and {data['vehicles']['workplace_ocpp']} "
             "workplace OCPP chargers in an economic block model on virtual time (every 30-minute block: day-ahead "
             f"offer, award, unit outages, activation, both assessments, settlement), run in {data['real_s']} s. "
             f"{esc(data['sources'])}.</p>",
             "<h2>Reported</h2><ul>", *[f"<li>{esc(x)}</li>" for x in data["reported"]], "</ul>",
             "<h2>Modelled here</h2><ul>", *[f"<li>{esc(x)}</li>" for x in data["assumptions"]], "</ul>",
             "<h2>Headline figures</h2><ul>", *[f"<li>{esc(x)}</li>" for x in _headline(data)], "</ul>"]
    parts += [f"<img src='{esc(i)}' alt='{esc(i)}'>" for i in images] or [f"<p><em>{esc(PLOTS_MISSING)}</em></p>"]
    parts.append("<h2>Products</h2><table><tr><th>product</th><th>net yen per vehicle-year</th><th>offered blocks</th>"
                 "<th>awarded blocks</th><th>mean kW</th><th>アセスメントⅠ failed</th><th>activated</th>"
                 "<th>アセスメントⅡ failed</th><th>share of area awards</th></tr>")
    for code, p in data["products"].items():
        parts.append(f"<tr><td>{esc(code)} {esc(p['name'])}</td><td>{_yen(p['net_yen_per_vehicle_year'])}</td>"
                     f"<td>{p['offered_blocks']}</td><td>{p['awarded_blocks']}</td><td>{p['awarded_mean_kw']}</td>"
                     f"<td>{p['assessment1_failed_blocks']}</td><td>{p['activated_blocks']}</td>"
                     f"<td>{p['assessment2_failed_blocks']}</td><td>{p['share_of_area_awards']:.2%}</td></tr>")
    y = data["year_yen"]
    vehicles = data["vehicles"]["v2h_home"] + data["vehicles"]["workplace_ocpp"]
    rows = [("ΔkW revenue (pay-as-bid)", y["delta_kw_revenue"]), ("withheld (assessments)", -y["withheld"]),
            ("penalties", -y["penalties"]), ("energy (upward kWh sold at spot, bought back)", y["energy"]),
            ("V2H battery wear", -y["wear"]), ("net", y["net"]), ("costs (V2H units, aggregation)", -y["costs"]),
            ("net after costs", y["net"] - y["costs"])]
    parts.append("</table><h2>Settlement (yen)</h2><table><tr><th>item</th><th>per year</th>"
                 "<th>per vehicle-year</th></tr>")
    parts += [f"<tr><td>{esc(label)}</td><td>{_yen(v)}</td><td>{_yen(v / vehicles) if vehicles else '-'}</td></tr>"
              for label, v in rows]
    parts.append("</table>")
    if data["eprx_award_shares_by_resource"]:
        kinds = sorted({k for shares in data["eprx_award_shares_by_resource"].values() for k in shares})
        parts.append("<h2>EPRX award shares by resource type, June 2026 (Source: EPRX)</h2><table><tr><th>product</th>"
                     + "".join(f"<th>{esc(k)}</th>" for k in kinds) + "</tr>")
        for code, shares in data["eprx_award_shares_by_resource"].items():
            parts.append(f"<tr><td>{esc(code)}</td>" + "".join(f"<td>{shares.get(k, 0.0):.2%}</td>" for k in kinds)
                         + "</tr>")
        parts.append("</table>")
    parts.append(f"<p>Figures: <a href='{esc(data['scenario'])}.json'>JSON</a>.</p></body></html>")
    return "\n".join(parts)


def write_report(data: dict[str, Any], out_dir: Path) -> Path:
    """Write `<name>.html`, `<name>_monthly.png` and `<name>.json` into `out_dir`; returns the HTML's path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    images = _plot(data, out_dir)
    (out_dir / f"{data['scenario']}.json").write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n",
                                                      encoding="utf-8")
    path = out_dir / f"{data['scenario']}.html"
    path.write_text(render_html(data, images), encoding="utf-8")
    return path
