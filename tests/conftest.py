"""Shared fixtures, and the order that lets `make test`'s two xdist workers finish together.

`--dist worksteal` first splits the collected tests into one contiguous half per worker; the few closed-loop runs
that take minutes of CPU (the virtual-time regulation hours and pilot scenarios) would otherwise both land in one
half and run one after the other at the end. `pytest_collection_modifyitems` deals them out alternately to the
front of each half, heaviest first; everything else keeps its order.
"""

from __future__ import annotations

import pytest

pytest_plugins = ["tests.fixtures.redis_server"]

# Node-id fragments of the tests that take minutes (measured CPU seconds, for the ordering only).
HEAVY_S = {
    "test_regulation_hour.py::test_one_hour_of_regulation_with_100_evs_scores_and_serves_every_departing_driver"
    "[pjm-day0]": 210,
    "test_regulation_hour.py::test_one_hour_of_regulation_with_100_evs_scores_and_serves_every_departing_driver"
    "[caiso-day60]": 200,
    "test_scenarios.py::test_frederiksberg": 55,
    "test_scenarios.py::test_ev2g": 30,
    "test_scenarios.py::test_chargeforward": 26,
    "test_regulation.py::test_virtual_time_runs_of_the_same_window_are_identical": 14,
    "test_regulation.py::test_a_fleet_that_does_not_respond": 14,
}


def _weight(item: pytest.Item) -> int:
    return next((s for fragment, s in HEAVY_S.items() if fragment in item.nodeid), 0)


@pytest.hookimpl(trylast=True)  # after `-m` has deselected what does not run
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    heavy = sorted((i for i in items if _weight(i)), key=_weight, reverse=True)
    if not heavy:
        return
    light = [i for i in items if not _weight(i)]
    first, second = heavy[0::2], heavy[1::2]
    half = (len(items) + 1) // 2 - len(first)
    items[:] = first + light[:half] + second + light[half:]
