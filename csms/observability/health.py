"""Liveness and readiness. Liveness: the process answers. Readiness: the store answers a ping and the OCPP
endpoint is listening (each check bounded by a timeout, so a hung Redis makes the node unready, not stuck)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str = ""


async def _ping(ping: Callable[[], Awaitable[bool]], timeout_s: float) -> Check:
    try:
        ok = await asyncio.wait_for(ping(), timeout_s)
    except TimeoutError:
        return Check("store", False, f"no answer within {timeout_s:g} s")
    except Exception as exc:  # a readiness probe reports any failure instead of raising
        return Check("store", False, f"{type(exc).__name__}: {exc}")
    return Check("store", ok, "" if ok else "ping failed")


async def readiness(ping: Callable[[], Awaitable[bool]], ocpp_listening: Callable[[], bool],
                    timeout_s: float = 2.0) -> list[Check]:
    """Run every readiness check; the node is ready when all are ok."""
    listening = ocpp_listening()
    return [await _ping(ping, timeout_s), Check("ocpp", listening, "" if listening else "OCPP endpoint not listening")]
