"""Fleet optimizer: problem -> schedule (LP on HiGHS), real-time dispatch, independent checker.

PURE: imports only numpy/scipy/highspy (and ``csms.domain`` if needed); no asyncio, no redis, no clock
reads. Modules: ``problem`` (model, taper curves, ``with_topology``), ``formulation`` (the LP: blocks, the
monolithic solve), ``planner`` (``plan``: monolithic or decomposed by measured size), ``coarse`` (coarser far horizon),
``online``/``warm`` (``OnlinePlanner``: warm-started receding-horizon plans), ``decomposition`` (the
same LP by Dantzig–Wolfe over EV chunks, for large fleets), ``network`` (the one rule for the site topology's
current limits), ``result`` (plan), ``dispatch`` (real-time allocation, regulation sign convention),
``checker`` (violations), ``guard`` (a checked plan, safe fallbacks), ``io``/``cli`` (files, command line).
"""

from csms.optimizer.checker import Violation, check_plan, is_safe
from csms.optimizer.dispatch import (
    DispatchResult,
    FleetSnapshot,
    dispatch,
    dispatch_regulation,
    regulation_request_w,
    snapshot_from_plan,
)
from csms.optimizer.guard import GuardedPlan, plan_checked
from csms.optimizer.online import OnlinePlanner
from csms.optimizer.planner import plan
from csms.optimizer.problem import (
    DrCommitment,
    EvSpec,
    FleetProblem,
    Market,
    PlannerOptions,
    Site,
    taper_limit_w,
    with_topology,
)
from csms.optimizer.result import CostBreakdown, FleetPlan

__all__ = [
    "CostBreakdown",
    "DispatchResult",
    "DrCommitment",
    "EvSpec",
    "FleetPlan",
    "FleetProblem",
    "FleetSnapshot",
    "GuardedPlan",
    "Market",
    "OnlinePlanner",
    "PlannerOptions",
    "Site",
    "Violation",
    "check_plan",
    "dispatch",
    "dispatch_regulation",
    "is_safe",
    "plan",
    "plan_checked",
    "regulation_request_w",
    "snapshot_from_plan",
    "taper_limit_w",
    "with_topology",
]
