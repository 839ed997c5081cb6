"""Online (receding-horizon) planning as an object: ``OnlinePlanner.plan`` is ``csms.optimizer.plan`` warm-started
from the basis of its own last plan (``csms.optimizer.warm``).

One planner per stream of plans (a fleet controller, a benchmark run): consecutive plans of one site share
most of their LP, so the simplex restarts near the last optimum. The plan is the same LP's optimum as a cold
``plan`` gives (the start changes, the problem does not); with ties between equally good plans the one
returned may differ. Not thread-safe: one planner per stream, one plan at a time (a fleet controller re-plans
one plan at a time). Pure: no clock, no I/O.
"""

from __future__ import annotations

from csms.optimizer.coarse import plan_coarse
from csms.optimizer.decomposition import plan_decomposed
from csms.optimizer.planner import use_decomposition
from csms.optimizer.problem import FleetProblem
from csms.optimizer.result import FleetPlan
from csms.optimizer.warm import WarmStart


class OnlinePlanner:
    """``plan(problem)`` like ``csms.optimizer.plan``, warm-started from this planner's previous plan."""

    def __init__(self) -> None:
        self.warm = WarmStart()

    def plan(self, problem: FleetProblem) -> FleetPlan:
        if use_decomposition(problem):
            return plan_decomposed(problem)
        return plan_coarse(problem, self.warm)

    __call__ = plan


__all__ = ["OnlinePlanner"]
