"""Process-wide runtime tuning for a serving node: the cyclic garbage collector.

A node with thousands of connections holds millions of long-lived objects (sockets, sessions, records); a
fan-out allocates tasks and futures that live until each station answers, so they survive young collections and
push CPython (3.11) into full collections that walk every one of those objects. With the default thresholds
(700, 10, 10) that was more than half the time of a 5,000-station SetChargingProfile fan-out (docs/benchmarks.md,
"Third round: the garbage collector"). Larger thresholds make collections rarer; memory held by cyclic garbage
between two collections stays small (at most ~threshold0 objects), and reference counting frees everything else
at once.
"""

from __future__ import annotations

import gc
import logging

log = logging.getLogger("csms.runtime")


CPYTHON_GC_THRESHOLDS = (700, 10, 10)


def tune_gc(thresholds: tuple[int, int, int]) -> None:
    """Set the collector's thresholds, and move every object alive now (modules, compiled schemas, settings: what
    startup built) out of its reach for good, so no collection walks them again."""
    gc.set_threshold(*thresholds)
    gc.collect()
    gc.freeze()
    log.info("gc thresholds %s, %d objects frozen", gc.get_threshold(), gc.get_freeze_count())
