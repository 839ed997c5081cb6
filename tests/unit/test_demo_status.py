"""The demo's one-line summary is built from the operator API's /api/v1/fleet payload."""

from __future__ import annotations

from csms.demo_status import summary_line

FLEET = {"at": "2026-06-01T17:05:30+00:00", "stations_total": 5, "stations_online": 4, "evs_plugged": 3,
         "power_import_w": 25_000.0, "power_export_w": 3_700.0, "net_power_w": 21_300.0,
         "soc": {"edges": [0, 1], "counts": [3], "unknown": 0},
         "controller": {"enabled": True, "leader": True, "replans": 7, "plan": None,
                        "last_tick": {"at": "2026-06-01T17:05:28+00:00", "signal": 0.8, "response": 0.75,
                                      "baseline_w": 0, "reserve_up_w": 0, "reserve_down_w": 0, "requested_w": 0,
                                      "metered_w": 0}}}


def test_summary_names_time_stations_evs_power_signal_and_plans_on_one_line() -> None:
    line = summary_line(FLEET)
    assert "\n" not in line
    assert line.startswith("[sim 2026-06-01 17:05]")
    for part in ("stations 4/5 online", "3 EVs plugged", "fleet +21.3 kW (in 25.0, out 3.7)",
                 "signal +0.80 -> response +0.75", "7 plans"):
        assert part in line, (part, line)


def test_summary_without_a_controller_tick_leaves_the_signal_out() -> None:
    fleet = FLEET | {"controller": {"enabled": False, "leader": None, "replans": 0, "plan": None,
                                    "last_tick": None}}
    line = summary_line(fleet)
    assert "signal" not in line and "plans" not in line and "stations 4/5 online" in line
