"""Startup check: station credentials must survive a restart of the state store.

A Redis without persistence (no RDB save points, no AOF) loses every station password and certificate record
when it restarts. With `registration = "known"` every station would then be refused, so the CSMS refuses to
start unless `security.require_redis_persistence` is false; with `auto_register` the stations re-register
(trust on first use again), which is logged as a warning. Stores without a `persists()` method (memory) are
not checked: they are for development and say so.
"""

from __future__ import annotations

import logging
from typing import Any

from csms.errors import CsmsError

log = logging.getLogger("csms.security")


class StartupRefused(CsmsError):
    """The CSMS must not start with this configuration."""


async def check_store_persistence(store: Any, registration: str, required: bool) -> bool | None:
    """Warn, or raise StartupRefused, when `store` does not persist. Returns what the store reported."""
    probe = getattr(store, "persists", None)
    if probe is None:
        return None
    persists: bool | None = await probe()
    if persists is None:
        log.warning("could not read the Redis persistence configuration (CONFIG not allowed?); make sure RDB or "
                    "AOF is on, or station credentials are lost when Redis restarts")
    elif not persists:
        message = ("Redis persists nothing (save \"\" and appendonly no): every station credential is lost when it "
                   "restarts")
        if registration == "known" and required:
            raise StartupRefused(message + "; enable RDB/AOF or set security.require_redis_persistence = false")
        log.warning("%s; stations will re-register on first use", message)
    return persists
