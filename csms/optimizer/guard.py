"""The plan a controller may apply: the planner's plan, checked by the independent checker first.

An unsafe plan (a violation of power, SoC, site or reserve limits, see ``checker.SAFETY_KINDS``) is never
returned: it is re-solved by the monolithic LP (exact, no round limit), and if that is unsafe as well the
fleet idles (zero baseline, no reserve), which is safe whenever the site's other load is. Pure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from csms.optimizer.checker import Violation, check_plan
from csms.optimizer.planner import idle_plan, plan, plan_monolithic
from csms.optimizer.problem import FleetProblem
from csms.optimizer.result import FleetPlan


@dataclass(frozen=True, slots=True)
class GuardedPlan:
    plan: FleetPlan
    rejected: tuple[Violation, ...]
    """Safety violations of the plans rejected on the way (empty when the first plan was safe)."""

    @property
    def fallback(self) -> str | None:
        """None, 'monolithic' or 'idle': what replaced an unsafe plan."""
        if not self.rejected:
            return None
        return "idle" if self.plan.status == "idle_unsafe_plan" else "monolithic"


def plan_checked(problem: FleetProblem, solve: Callable[[FleetProblem], FleetPlan] = plan,
                 fallback: Callable[[FleetProblem], FleetPlan] = plan_monolithic) -> GuardedPlan:
    """``solve(problem)`` if the checker finds it safe, else the safe fallback (see the module docstring)."""
    first = solve(problem)
    unsafe = tuple(v for v in check_plan(problem, first) if v.safety)
    if not unsafe:
        return GuardedPlan(first, ())
    second = fallback(replace(problem, options=replace(problem.options, method="monolithic")))
    unsafe_second = tuple(v for v in check_plan(problem, second) if v.safety)
    if not unsafe_second:
        return GuardedPlan(second, unsafe)
    return GuardedPlan(idle_plan(problem, "idle_unsafe_plan"), unsafe + unsafe_second)


__all__ = ["GuardedPlan", "plan_checked"]
