"""Scenario report: `summary(result)` (the JSON figures) and `write_report(result, out_dir)` (HTML page, PNG plots
and `<name>.json`). Plots: signal vs fleet response (regulation / FCR-N) or fleet power vs DR baseline and
events; SoC bands (10-50-90 % and min/max) per vehicle group; the settlement table is in the HTML and JSON."""

from __future__ import annotations

import html
import importlib.util
import json
from pathlib import Path
from typing import Any

import numpy as np

from csms.scenario.pilots import ScenarioResult
from csms.scenario.settlement import Figures


def summary(result: ScenarioResult) -> dict[str, Any]:
    """Headline figures, per-event DR outcomes, energy, departures and the settlement, JSON-ready."""
    spec = result.spec
    score = result.score
    year = result.settlement.year
    vehicles = spec.vehicles(result.short)
    out: dict[str, Any] = {
        "scenario": spec.scenario.name, "title": spec.scenario.title, "form": "short" if result.short else "full",
        "window": {"start_at": result.window_start_at.isoformat(), "end_at": result.window_end_at.isoformat(),
                   "simulated_h": round(result.simulated_h, 3), "real_s": round(result.real_s, 1),
                   "speed": spec.window(result.short).speed},
        "fleet": [{"group": e.group, "vehicles": e.vehicles, "stationary": e.stationary} for e in result.energy],
        "reported": spec.scenario.reported, "modelled": spec.scenario.modelled, "notes": result.notes,
        "capacity_kw": round(result.capacity_w / 1000, 2),
        "score": None if score is None else {
            "composite": round(score.composite, 4), "accuracy": round(score.accuracy, 4),
            "delay": round(score.delay, 4), "precision": round(score.precision, 4), "windows": score.windows},
        "dr_events": [{"event_id": o.event_id, "notice": o.notice,
                       "notice_min": None if o.notified_at is None else
                       round((o.start_at - o.notified_at).total_seconds() / 60, 1),
                       "start_at": o.start_at.isoformat(), "end_at": o.end_at.isoformat(),
                       "committed_kw": round(o.committed_w / 1000, 2), "baseline_kw": round(o.baseline_w / 1000, 2),
                       "delivered_kw": round(o.delivered_w / 1000, 2),
                       "delivered_ratio": round(o.delivered_w / o.committed_w, 4),
                       "ev_share": round(o.ev_share, 4), "met": o.met} for o in result.dr],
        "departures": {"count": len(result.departures), "met": sum(d.met for d in result.departures),
                       "short": [{"station": d.station_id, "delivered_wh": round(d.delivered_wh),
                                  "requested_wh": d.requested_wh, "final_soc": d.final_soc}
                                 for d in result.departures if not d.met]},
        "energy": [{"group": e.group, "import_kwh": round(e.import_wh / 1000, 3),
                    "export_kwh": round(e.export_wh / 1000, 3), "throughput_kwh": round(e.throughput_wh / 1000, 3),
                    "v2g_throughput_kwh": round(e.v2g_throughput_wh / 1000, 3),
                    "v2g_throughput_kwh_per_vehicle_year": round(
                        e.v2g_throughput_wh / 1000 / max(e.vehicles, 1) * result.settlement.annual_factor, 1),
                    "wear_cost": round(e.wear_cost, 4)} for e in result.energy],
        "settlement": result.settlement.to_json(),
        "annual_per_vehicle": {
            "revenue": round(year.revenue / vehicles, 2) if vehicles else None,
            "net_value": round(year.net_value / vehicles, 2) if vehicles else None,
            "wear_cost": round(year.wear_cost / vehicles, 2) if vehicles else None,
        },
        "break_even": {"vehicles": None if result.break_even.vehicles is None else round(result.break_even.vehicles, 1),
                       "price_factor": None if result.break_even.price_factor is None
                       else round(result.break_even.price_factor, 3)},
    }
    return out


PLOTS_MISSING = ("plots need matplotlib, which this install lacks: pip install 'v2g-csms[report]' "
                 "(figures and tables are complete without them)")


def plots_available() -> bool:
    """True when matplotlib (the `report` extra) is installed; without it reports have no PNG plots."""
    return importlib.util.find_spec("matplotlib") is not None


def _plots(result: ScenarioResult, out_dir: Path) -> list[str]:
    if not plots_available():
        return []
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    name = result.spec.scenario.name
    files: list[str] = []
    fig, ax = plt.subplots(figsize=(10, 3.6), dpi=90)
    t0 = result.window_start_at
    if result.score is not None:
        t_h = result.signal_t_s / 3600.0
        ax.plot(t_h, result.signal, lw=0.7, label="signal (fraction of reserve)")
        ax.plot(t_h, result.response, lw=0.7, alpha=0.8, label="metered fleet response")
        ax.set_ylabel("normalised to reserve")
        ax.set_title(f"{result.spec.scenario.title}: signal vs response (score {result.score.composite:.3f})",
                     fontsize=9)
    else:
        t_h = np.array([(p.at - t0).total_seconds() / 3600 for p in result.trace])
        ax.plot(t_h, [p.metered_w / 1000 for p in result.trace], lw=0.8, label="metered fleet power")
        ax.plot(t_h, [p.baseline_w / 1000 for p in result.trace], lw=0.8, ls="--", label="planned fleet power")
        for o in result.dr:
            a, b = ((o.start_at - t0).total_seconds() / 3600, (o.end_at - t0).total_seconds() / 3600)
            ax.axvspan(a, b, color="tab:red", alpha=0.12)
            ax.hlines(o.baseline_w / 1000 - o.committed_w / 1000, a, b, colors="tab:red", lw=1.2)
            ax.text(a, ax.get_ylim()[1] * 0.9 if ax.get_ylim()[1] > 0 else 0, o.event_id, fontsize=7)
        ax.set_ylabel("kW (+ import)")
        ax.set_title(f"{result.spec.scenario.title}: fleet power, DR events (shaded) and committed level (red)",
                     fontsize=9)
    ax.set_xlabel("hours since window start")
    ax.legend(fontsize=7, loc="lower right")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    files.append(f"{name}_response.png")
    fig.savefig(out_dir / files[-1])
    plt.close(fig)

    groups = sorted(set(result.group_of.values()))
    fig, axes = plt.subplots(len(groups), 1, figsize=(10, 2.2 * len(groups) + 0.6), dpi=90, squeeze=False)
    for ax, group in zip(axes[:, 0], groups, strict=True):
        by_t: dict[float, list[float]] = {}
        for ev_id, rows in result.samples.items():
            if result.group_of.get(ev_id) != group:
                continue
            for t, _, soc in rows:
                if soc is not None:
                    by_t.setdefault(round(t), []).append(soc)
        if not by_t:
            continue
        ts = np.array(sorted(by_t))
        q = np.array([np.percentile(by_t[t], [0, 10, 50, 90, 100]) for t in ts])
        th = ts / 3600
        ax.fill_between(th, q[:, 0], q[:, 4], alpha=0.15, label="min-max")
        ax.fill_between(th, q[:, 1], q[:, 3], alpha=0.35, label="10-90 %")
        ax.plot(th, q[:, 2], lw=1.0, label="median")
        ax.set_ylim(0, 1)
        ax.set_ylabel("SoC")
        ax.set_title(f"SoC band: {group}", fontsize=9)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="lower right")
    axes[-1, 0].set_xlabel("hours since window start")
    fig.tight_layout()
    files.append(f"{name}_soc.png")
    fig.savefig(out_dir / files[-1])
    plt.close(fig)
    return files


def _money(value: float) -> str:
    return f"{value:,.2f}"


def _settlement_rows(window: Figures, year: Figures) -> list[tuple[str, float, float]]:
    rows = [(f"revenue: {k}", v, year.revenue_by_market[k]) for k, v in window.revenue_by_market.items()]
    rows += [("revenue total", window.revenue, year.revenue),
             ("energy cost (net of drivers' own charging)", -window.energy_cost, -year.energy_cost),
             ("battery wear", -window.wear_cost, -year.wear_cost),
             ("fixed costs (participation + infrastructure)", -window.fixed_cost, -year.fixed_cost),
             ("net value", window.net_value, year.net_value),
             ("driver payout (total)", window.driver_payout, year.driver_payout),
             ("driver payout per vehicle", window.driver_payout_per_vehicle, year.driver_payout_per_vehicle),
             ("driver net benefit (payout - wear of their cars)", window.driver_net_benefit, year.driver_net_benefit),
             ("aggregator margin", window.aggregator_margin, year.aggregator_margin)]
    return rows


def render_html(result: ScenarioResult, data: dict[str, Any], images: list[str]) -> str:
    spec = result.spec
    s = result.settlement
    esc = html.escape
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>{esc(spec.scenario.title)}</title>",
             "<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;font-size:14px}"
             "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
             "td:first-child,th:first-child{text-align:left}img{max-width:100%}</style></head><body>",
             f"<h1>{esc(spec.scenario.title)}</h1>",
             f"<p>{data['form']} form: {esc(data['window']['start_at'])} to {esc(data['window']['end_at'])} "
             f"({data['window']['simulated_h']} h simulated in {data['window']['real_s']} s at "
             f"{data['window']['speed']}x), the CSMS and simulated stations over real websockets.</p>",
             "<h2>Reported by the pilot</h2><ul>", *[f"<li>{esc(x)}</li>" for x in spec.scenario.reported], "</ul>",
             "<h2>Modelled here</h2><ul>", *[f"<li>{esc(x)}</li>" for x in spec.scenario.modelled],
             *[f"<li>{esc(x)}</li>" for x in result.notes], "</ul>", "<h2>Headline figures</h2><ul>"]
    if data["score"]:
        sc = data["score"]
        parts.append(f"<li>performance score {sc['composite']:.3f} (accuracy {sc['accuracy']:.3f}, delay "
                     f"{sc['delay']:.3f}, precision {sc['precision']:.3f}; {sc['windows']} five-minute windows)</li>"
                     f"<li>mean symmetric reserve {data['capacity_kw']:.1f} kW</li>")
    if result.dr:
        met = sum(o.met for o in result.dr)
        parts.append(f"<li>DR events met (delivered >= 95 % of committed): {met} of {len(result.dr)}</li>")
    dep = data["departures"]
    parts.append(f"<li>drivers leaving in the window: {dep['count']}, with their requested energy: {dep['met']}</li>")
    if data["annual_per_vehicle"]["revenue"] is not None:
        apv = data["annual_per_vehicle"]
        parts.append(f"<li>per vehicle and year: revenue {_money(apv['revenue'])} {s.currency}, wear "
                     f"{_money(apv['wear_cost'])}, net value {_money(apv['net_value'])}</li>")
    be = data["break_even"]
    parts.append(f"<li>break-even: fleet of {be['vehicles'] if be['vehicles'] is not None else 'n/a (margin <= 0)'}"
                 f" vehicles, or prices x{be['price_factor'] if be['price_factor'] is not None else 'n/a'}</li></ul>")
    parts += [f"<img src='{esc(i)}' alt='{esc(i)}'>" for i in images] or [f"<p><em>{esc(PLOTS_MISSING)}</em></p>"]
    if result.dr:
        parts.append("<h2>DR events</h2><table><tr><th>event</th><th>notice</th><th>notice (min)</th><th>start</th>"
                     "<th>committed kW</th><th>baseline kW</th><th>delivered kW</th><th>ratio</th><th>EV share</th>"
                     "<th>met</th></tr>")
        for e in data["dr_events"]:
            parts.append(f"<tr><td>{esc(e['event_id'])}</td><td>{e['notice']}</td><td>{e['notice_min']}</td>"
                         f"<td>{esc(e['start_at'])}</td><td>{e['committed_kw']}</td><td>{e['baseline_kw']}</td>"
                         f"<td>{e['delivered_kw']}</td><td>{e['delivered_ratio']:.3f}</td>"
                         f"<td>{e['ev_share']:.2f}</td><td>{'yes' if e['met'] else 'NO'}</td></tr>")
        parts.append("</table>")
    parts.append("<h2>Energy</h2><table><tr><th>group</th><th>import kWh</th><th>export kWh</th>"
                 "<th>throughput kWh</th><th>V2G throughput kWh</th><th>V2G kWh per vehicle-year</th>"
                 "<th>wear</th></tr>")
    for e in data["energy"]:
        parts.append(f"<tr><td>{esc(e['group'])}</td><td>{e['import_kwh']}</td><td>{e['export_kwh']}</td>"
                     f"<td>{e['throughput_kwh']}</td><td>{e['v2g_throughput_kwh']}</td>"
                     f"<td>{e['v2g_throughput_kwh_per_vehicle_year']}</td><td>{_money(e['wear_cost'])}</td></tr>")
    parts.append("</table>")
    rule = s.inputs.sharing
    parts.append(f"<h2>Settlement ({esc(s.currency)})</h2><p>Sharing rule: drivers get "
                 f"{rule.driver_share:.0%} of a positive net value, "
                 f"{'their battery wear, ' if rule.wear_to_driver else ''}and "
                 f"{_money(rule.driver_fixed_per_vehicle_per_month)} per vehicle-month; the aggregator keeps the "
                 f"rest. Year = window x {s.annual_factor:.1f} ({s.inputs.participation_h_per_year:.0f} "
                 "participation hours).</p><table><tr><th>item</th><th>window</th><th>per year</th></tr>")
    for label, w, y in _settlement_rows(s.window, s.year):
        parts.append(f"<tr><td>{esc(label)}</td><td>{_money(w)}</td><td>{_money(y)}</td></tr>")
    parts.append("</table><p>Figures: <a href='" + esc(spec.scenario.name) + ".json'>JSON</a>.</p></body></html>")
    return "\n".join(parts)


def write_report(result: ScenarioResult, out_dir: Path) -> dict[str, Any]:
    """Write `<name>.html`, `<name>_*.png` and `<name>.json` into `out_dir`; returns the JSON figures."""
    out_dir.mkdir(parents=True, exist_ok=True)
    data = summary(result)
    images = _plots(result, out_dir)
    name = result.spec.scenario.name
    (out_dir / f"{name}.json").write_text(json.dumps(data, indent=1, default=str) + "\n", encoding="utf-8")
    (out_dir / f"{name}.html").write_text(render_html(result, data, images), encoding="utf-8")
    return data
