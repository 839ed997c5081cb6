"""This connection's copy of its station's tariff (csms/services/tariffs.py), read from the store at most once a
minute, so Authorize and TransactionEvent (a hot path) do not read it on every message. A tariff change reaches
a connected station within a minute."""

from __future__ import annotations

from csms.handlers.deps import HandlerDeps
from csms.ocpp.session import HandlerContext
from csms.services.tariffs import Tariff, get_tariff

_STATE_KEY, TTL_S = "tariff", 60.0


async def station_tariff(deps: HandlerDeps, ctx: HandlerContext) -> Tariff | None:
    cached = ctx.session.state.get(_STATE_KEY)
    now = deps.clock.now()
    if cached is not None and (now - cached[0]).total_seconds() < TTL_S:
        tariff: Tariff | None = cached[1]
        return tariff
    tariff = await get_tariff(deps.store, ctx.station_id)
    ctx.session.state[_STATE_KEY] = (now, tariff)
    return tariff
