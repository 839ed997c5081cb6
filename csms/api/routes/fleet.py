"""The fleet as a grid resource: overview, plugged EVs, the controller's trace (regulation signal vs response),
its performance score, and grid inputs (regulation signal, DR events, prices) handed to the controller."""

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status

from csms.api.auth import Auth, Role
from csms.api.pagination import Page, page_params, paginate
from csms.api.problems import FLEET_DISABLED, ApiProblem, invalid, not_found
from csms.api.schemas import (
    ControllerOut,
    DrEventIn,
    DrEventOut,
    EvOut,
    FleetOut,
    PlanOut,
    PricesIn,
    RegulationIn,
    RegulationOut,
    ScoreOut,
    SocHistogram,
    StationIdIn,
    TracePointOut,
)
from csms.api.services import ApiServices
from csms.domain.schedule import ProfilePurpose

if TYPE_CHECKING:
    from csms.services.fleet_controller import FleetController
    from csms.services.fleet_view import FleetView, TracePoint

SOC_BINS = 10


def trace_out(points: "list[TracePoint]") -> list[TracePointOut]:
    """Trace points with the response normalised exactly as the score sees it."""
    if not points:
        return []
    from csms.services.fleet_controller import regulation_trace

    _, response = regulation_trace(points)
    return [TracePointOut(at=p.at, signal=p.signal, response=float(resp), baseline_w=p.baseline_w,
                          reserve_up_w=p.reserve_up_w, reserve_down_w=p.reserve_down_w, requested_w=p.requested_w,
                          metered_w=p.metered_w) for p, resp in zip(points, response, strict=True)]


def recent_points(fleet: "FleetView", since: datetime | None, limit: int) -> "list[TracePoint]":
    """Up to `limit` newest trace points after `since`, oldest first (walks the trace from its end)."""
    points: list[TracePoint] = []
    for point in reversed(fleet.trace):
        if len(points) >= limit or (since is not None and point.at <= since):
            break
        points.append(point)
    points.reverse()
    return points


def score_points(fleet: "FleetView", window_s: float) -> "list[TracePoint]":
    """The trace points the score of the last `window_s` (counted back from the newest tick) is made of."""
    last = fleet.trace[-1] if fleet.trace else None
    return [] if last is None else recent_points(fleet, last.at - timedelta(seconds=window_s), 200_000)


def score_out(points: "list[TracePoint]", window_s: float) -> ScoreOut:
    """PJM-style regulation score of `points` (resampled to their median tick interval); null components until
    they span one scoring window (5 min, or `window_s` if shorter). Pure and CPU-bound (~0.1 s for an hour of
    2 s ticks): the live stream runs it in a worker thread on a copy of the points."""
    span_s = (points[-1].at - points[0].at).total_seconds() if points else 0.0
    if len(points) < 3 or span_s < min(window_s, 300.0):
        return ScoreOut(window_s=window_s, points=len(points), step_s=None, composite=None, accuracy=None,
                        delay=None, precision=None, windows=0)
    import numpy as np

    from csms.services.fleet_controller import regulation_trace
    from csms.services.scoring import regulation_score

    signal, response = regulation_trace(points)
    at_s = np.array([(p.at - points[0].at).total_seconds() for p in points])
    step_s = float(np.median(np.diff(at_s))) or 1.0
    grid = np.arange(0.0, at_s[-1] + 1e-9, step_s)
    score = regulation_score(np.interp(grid, at_s, signal), np.interp(grid, at_s, response), step_s)
    return ScoreOut(window_s=window_s, points=len(points), step_s=step_s, composite=score.composite,
                    accuracy=score.accuracy, delay=score.delay, precision=score.precision, windows=score.windows)


def router(services: ApiServices, auth: Auth) -> APIRouter:
    r = APIRouter(prefix="/api/v1", tags=["fleet"])
    viewer, operator = auth.requires(Role.VIEWER), auth.requires(Role.OPERATOR)
    store = services.store

    def controller() -> "FleetController":
        if services.fleet is None:
            raise ApiProblem(503, "fleet control is disabled on this node (fleet.enabled = false)",
                             type_=FLEET_DISABLED, title="Fleet control disabled")
        return services.fleet

    @r.get("/fleet", **viewer)
    async def fleet_status() -> FleetOut:
        """Stations online, EVs plugged, fleet power (+ import / - export), SoC distribution, controller state."""
        stations = await store.list_stations()
        nodes = await services.gateway.locate([s.station_id for s in stations])
        txs = [t for t in await store.list_transactions(open_only=True) if t.evse_id is not None]
        powers = [t.last_power_w for t in txs if t.last_power_w is not None]
        counts = [0] * SOC_BINS
        unknown = 0
        for tx in txs:
            if tx.last_soc is None:
                unknown += 1
            else:
                counts[min(SOC_BINS - 1, max(0, int(tx.last_soc * SOC_BINS)))] += 1
        fleet = services.fleet.view if services.fleet is not None else None
        plan_out = None
        last_tick = None
        if fleet is not None:
            if fleet.plan is not None:
                res = fleet.plan.result
                plan_out = PlanOut(made_at=fleet.plan.made_at, status=str(res.status), evs=len(fleet.plan.evs),
                                   solve_time_s=float(res.solve_time_s),
                                   ev_shortfall_wh=float(res.ev_shortfall_wh.sum()),
                                   dr_shortfall_wh={k: float(v) for k, v in res.dr_shortfall_wh.items()})
            ticks = trace_out(recent_points(fleet, None, 1))
            last_tick = ticks[0] if ticks else None
        imported = sum(p for p in powers if p > 0)
        exported = -sum(p for p in powers if p < 0)
        return FleetOut(
            at=services.clock.now(), stations_total=len(stations),
            stations_online=sum(1 for n in nodes.values() if n is not None), evs_plugged=len(txs),
            power_import_w=imported, power_export_w=exported, net_power_w=imported - exported,
            soc=SocHistogram(edges=[k / SOC_BINS for k in range(SOC_BINS + 1)], counts=counts, unknown=unknown),
            controller=ControllerOut(enabled=fleet is not None, leader=services.is_leader() if fleet else None,
                                     replans=0 if fleet is None else fleet.replans, plan=plan_out,
                                     last_tick=last_tick),
        )

    @r.get("/evs", **viewer)
    async def list_evs(request: Request, response: Response, page: Annotated[Page, Depends(page_params)],
                       station_id: StationIdIn | None = None, discharge_allowed: bool | None = None) -> list[EvOut]:
        """Plugged EVs (open transactions) with their driver's preferences and the CSMS's current command."""
        txs = sorted((t for t in await store.list_transactions(station_id, open_only=True) if t.evse_id is not None),
                     key=lambda t: (t.station_id, t.evse_id or 0))
        result = []
        for tx in txs:
            assert tx.evse_id is not None
            needs = await store.get_charging_needs(tx.station_id, tx.evse_id)
            allowed = bool(needs and needs.discharge_allowed)
            if discharge_allowed is not None and allowed != discharge_allowed:
                continue
            installed = services.charging.installed.get((tx.station_id, tx.evse_id, ProfilePurpose.TX))
            result.append(EvOut(
                ev_id=f"{tx.station_id}/{tx.evse_id}", station_id=tx.station_id, evse_id=tx.evse_id,
                transaction_id=tx.transaction_id, started_at=tx.started_at, power_w=tx.last_power_w, soc=tx.last_soc,
                energy_import_wh=tx.energy_import_wh, energy_export_wh=tx.energy_export_wh,
                departure_at=needs.departure_at if needs else None, target_soc=needs.target_soc if needs else None,
                min_soc=needs.min_soc if needs else None,
                energy_request_wh=needs.energy_request_wh if needs else None, discharge_allowed=allowed,
                commanded_w=None if installed is None else installed.periods[0].power_w))
        return paginate(result, page, request, response)

    @r.get("/fleet/trace", **viewer)
    async def fleet_trace(
        since: Annotated[datetime | None, Query(description="only ticks after this time")] = None,
        limit: Annotated[int, Query(ge=1, le=20_000)] = 900,
    ) -> list[TracePointOut]:
        """The newest real-time ticks (signal, normalised response, baseline, reserves, requested, metered)."""
        if since is not None and since.tzinfo is None:
            raise invalid("since needs a UTC offset", "query.since")
        return trace_out(recent_points(controller().view, since, limit))

    @r.get("/fleet/score", **viewer)
    async def fleet_score(window_s: Annotated[float, Query(gt=0, le=86_400)] = 3600.0) -> ScoreOut:
        """PJM-style regulation performance score over the last `window_s` of the trace (resampled to the
        median tick interval); null components until the trace spans one scoring window (5 min, or `window_s`
        if shorter)."""
        return score_out(score_points(controller().view, window_s), window_s)

    # ---- grid inputs --------------------------------------------------------------------------------------

    @r.post("/grid/regulation", tags=["grid"], **operator)
    async def regulation(request: Request, body: RegulationIn) -> RegulationOut:
        """A regulation signal sample for the fleet: {"value": -0.42} (normalised, + = up) or {"percent": -42},
        optional "sampled_at" (RFC 3339). Validated by the grid push adapter, then dispatched at once."""
        fleet = controller()
        request.state.audit_action = "regulation"
        if services.regulation is None:
            raise ApiProblem(503, "no regulation push source on this node", type_=FLEET_DISABLED)
        from csms.grid.errors import GridDataError

        try:
            sample = services.regulation.submit_payload(body.model_dump(exclude_none=True))
        except GridDataError as exc:
            raise invalid(exc.message, f"body.{exc.column}" if exc.column else "body") from None
        fleet.on_regulation(sample.value)
        request.state.audit_detail = f"signal {sample.value:+.3f}"
        return RegulationOut(sampled_at=sample.sampled_at, value=sample.value, source=sample.source)

    def dr_out(fleet: "FleetView", event_id: str) -> DrEventOut:
        state = fleet.dr_events[event_id]
        c = state.commitment
        now = services.clock.now()
        phase = "scheduled" if now < c.start_at else ("active" if now < c.end_at else "completed")
        metered = [p.metered_w for p in fleet.trace if c.start_at <= p.at < c.end_at] if phase != "scheduled" else []
        shortfall = None
        if fleet.plan is not None and event_id in fleet.plan.result.dr_shortfall_wh:
            shortfall = float(fleet.plan.result.dr_shortfall_wh[event_id])
        return DrEventOut(event_id=c.commitment_id, start_at=c.start_at, end_at=c.end_at, received_at=state.received_at,
                          status=phase, baseline_w=c.baseline_w, committed_reduction_w=c.reduction_w,
                          delivered_reduction_w=c.baseline_w - sum(metered) / len(metered) if metered else None,
                          planned_shortfall_wh=shortfall)

    @r.get("/grid/dr-events", tags=["grid"], **viewer)
    async def list_dr_events(request: Request, response: Response,
                             page: Annotated[Page, Depends(page_params)]) -> list[DrEventOut]:
        """DR commitments with committed vs delivered reduction (against the stated baseline), by start."""
        fleet = controller().view
        events = sorted((dr_out(fleet, k) for k in list(fleet.dr_events)), key=lambda e: (e.start_at, e.event_id))
        return paginate(events, page, request, response)

    @r.post("/grid/dr-events", tags=["grid"], status_code=status.HTTP_201_CREATED, **operator)
    async def create_dr_event(request: Request, body: DrEventIn) -> DrEventOut:
        """Commit the fleet to reduce net load by `reduction_w` in [start_at, end_at); triggers a re-plan."""
        fleet = controller()
        if body.start_at.tzinfo is None or body.end_at.tzinfo is None:
            raise invalid("start_at and end_at need a UTC offset", "body.start_at")
        if body.end_at <= body.start_at:
            raise invalid("end_at must be after start_at", "body.end_at")
        if body.end_at <= services.clock.now():
            raise invalid("the event is already over", "body.end_at")
        request.state.audit_action = f"dr-event {body.event_id}"
        fleet.on_dr_event(body.event_id, body.start_at, body.end_at, body.reduction_w, body.baseline_w)
        return dr_out(fleet.view, body.event_id)

    @r.delete("/grid/dr-events/{event_id}", tags=["grid"], status_code=status.HTTP_204_NO_CONTENT, **operator)
    async def cancel_dr_event(event_id: str) -> None:
        fleet = controller()
        if event_id not in fleet.view.dr_events:
            raise not_found(f"unknown DR event {event_id}")
        fleet.cancel_dr_event(event_id)

    @r.post("/grid/prices", tags=["grid"], status_code=status.HTTP_204_NO_CONTENT, **operator)
    async def set_prices(body: PricesIn) -> None:
        """Energy prices for an interval (per MWh); the next plan uses them."""
        fleet = controller()
        if body.interval_start_at.tzinfo is None:
            raise invalid("interval_start_at needs a UTC offset", "body.interval_start_at")
        fleet.on_prices(body.interval_start_at, body.import_price_per_mwh, body.export_price_per_mwh)
        fleet.request_replan("prices set through the API")

    return r
