"""Stations, EVSEs, connectors, the stored device model, and station configuration (admin)."""

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status

from csms.api.auth import Auth, Role
from csms.api.common import connector_out, needs_out, schedule_out, station_out, tx_out
from csms.api.pagination import Page, page_params, paginate
from csms.api.problems import not_found
from csms.api.schemas import (
    BootPolicyIn,
    CapabilitiesIn,
    CredentialIn,
    CredentialOut,
    EvseOut,
    NeedsIn,
    NeedsOut,
    StationIdIn,
    StationOut,
)
from csms.api.services import ApiServices
from csms.domain.capabilities import StationCapabilities
from csms.domain.records import BootPolicy, ChargingNeedsRecord, StationRecord
from csms.services.credentials import generate_password
from csms.services.events import EvChargingNeeds


def router(services: ApiServices, auth: Auth) -> APIRouter:
    r = APIRouter(prefix="/api/v1", tags=["stations"])
    viewer, operator, admin = (auth.requires(role) for role in Role)
    store = services.store

    @r.get("/stations", **viewer)
    async def list_stations(
        request: Request, response: Response, page: Annotated[Page, Depends(page_params)],
        connected: bool | None = None,
        q: Annotated[str | None, Query(max_length=64, description="station id contains (case-insensitive)")] = None,
        connector_status: Annotated[str | None, Query(description="any connector has this status")] = None,
    ) -> list[StationOut]:
        """Known stations by id, with their connection and connector statuses."""
        stations = sorted(await store.list_stations(), key=lambda s: s.station_id)
        if q:
            stations = [s for s in stations if q.lower() in s.station_id.lower()]
        nodes = await services.gateway.locate([s.station_id for s in stations])
        if connected is not None:
            stations = [s for s in stations if connected == (nodes[s.station_id] is not None)]
        if connector_status is None:
            stations = paginate(stations, page, request, response)
        result = []
        for station in stations:
            connectors = [connector_out(c) for c in await store.list_connector_statuses(station.station_id)]
            if connector_status is not None and all(c.status != connector_status for c in connectors):
                continue
            result.append(station_out(station, nodes[station.station_id], connectors))
        return result if connector_status is None else paginate(result, page, request, response)

    @r.get("/stations/{station_id}", **viewer)
    async def get_station(station_id: StationIdIn) -> StationOut:
        station = await store.get_station(station_id)
        if station is None:
            raise not_found(f"unknown station {station_id}")
        connectors = [connector_out(c) for c in await store.list_connector_statuses(station_id)]
        return station_out(station, (await services.gateway.locate([station_id]))[station_id], connectors)

    @r.get("/stations/{station_id}/evses", **viewer)
    async def list_evses(station_id: StationIdIn) -> list[EvseOut]:
        """Per EVSE: connectors, the open transaction, the EV's needs and the schedules the CSMS installed."""
        if await store.get_station(station_id) is None:
            raise not_found(f"unknown station {station_id}")
        connectors = await store.list_connector_statuses(station_id)
        txs = {tx.evse_id: tx for tx in await store.list_transactions(station_id, open_only=True)
               if tx.evse_id is not None}
        installed = {(evse, purpose): s for (st, evse, purpose), s in services.charging.installed.items()
                     if st == station_id}
        evse_ids = sorted({c.evse_id for c in connectors} | set(txs) | {evse for evse, _ in installed})
        result = []
        for evse_id in evse_ids:
            needs = await store.get_charging_needs(station_id, evse_id)
            tx = txs.get(evse_id)
            result.append(EvseOut(
                evse_id=evse_id, connectors=[connector_out(c) for c in connectors if c.evse_id == evse_id],
                transaction=None if tx is None else tx_out(tx), needs=None if needs is None else needs_out(needs),
                schedules=[schedule_out(s) for (evse, _), s in sorted(installed.items()) if evse == evse_id]))
        return result

    @r.get("/stations/{station_id}/variables", **viewer)
    async def get_station_variables(request: Request, response: Response, station_id: StationIdIn,
                                    page: Annotated[Page, Depends(page_params)]) -> list[dict[str, Any]]:
        """The device model as last reported by the station (NotifyReport / GetVariables), by attribute key."""
        variables = await store.list_variables(station_id)
        return [dataclasses.asdict(v) for v in paginate(variables, page, request, response)]

    @r.get("/stations/{station_id}/evses/{evse_id}/needs", **viewer)
    async def get_needs(station_id: StationIdIn, evse_id: int) -> NeedsOut:
        needs = await store.get_charging_needs(station_id, evse_id)
        if needs is None:
            raise not_found("no charging needs known for this EVSE")
        return needs_out(needs)

    @r.put("/stations/{station_id}/evses/{evse_id}/needs", **operator)
    async def put_needs(station_id: StationIdIn, evse_id: int, body: NeedsIn) -> NeedsOut:
        """Set the EV's needs and the driver's preferences (departure, target, minimum reserve, discharge)."""
        record = ChargingNeedsRecord(station_id=station_id, evse_id=evse_id, received_at=services.clock.now(),
                                     **body.model_dump())
        await store.put_charging_needs(record)
        if services.events is not None:  # the charging service's envelope and the dashboard follow it at once
            services.events.publish(EvChargingNeeds(
                station_id=station_id, at=record.received_at, evse_id=evse_id, departure_at=record.departure_at,
                energy_request_wh=record.energy_request_wh, discharge_allowed=record.discharge_allowed))
        if services.fleet is not None:
            services.fleet.request_replan("driver preferences set through the API")
        return needs_out(record)

    @r.get("/stations/{station_id}/evses/{evse_id}/capabilities", **viewer)
    async def get_capabilities(station_id: StationIdIn, evse_id: int) -> CapabilitiesIn:
        caps = await services.charging.capabilities(station_id, evse_id)
        return CapabilitiesIn(**{**dataclasses.asdict(caps), "rate_units": sorted(caps.rate_units),
                                 "operation_modes": sorted(caps.operation_modes)})

    @r.put("/stations/{station_id}/evses/{evse_id}/capabilities", **admin)
    async def put_capabilities(station_id: StationIdIn, evse_id: int, body: CapabilitiesIn) -> CapabilitiesIn:
        """Override what was learned from the device model (e.g. a 2.0.1 station that accepts negative limits)."""
        caps = StationCapabilities(**{**body.model_dump(), "rate_units": frozenset(body.rate_units),
                                      "operation_modes": frozenset(body.operation_modes)})
        services.charging.override_capabilities(station_id, evse_id, caps)
        return body

    @r.put("/stations/{station_id}/boot-policy", **admin)
    async def set_boot_policy(station_id: StationIdIn, body: BootPolicyIn) -> StationOut:
        """How the CSMS answers this station's BootNotification (null: the server default)."""
        station = await store.get_station(station_id) or StationRecord(station_id=station_id)
        station = dataclasses.replace(station, boot_policy=None if body.policy is None else BootPolicy(body.policy))
        await store.put_station(station)
        return station_out(station, (await services.gateway.locate([station_id]))[station_id], [])

    @r.put("/stations/{station_id}/credential", **admin)
    async def set_credential(station_id: StationIdIn, body: CredentialIn) -> CredentialOut:
        """Security profile 1 password (stored hashed); generated and returned once when omitted."""
        generated = body.password is None
        password = body.password or generate_password()
        await services.credentials.set_password(station_id, password)
        return CredentialOut(station_id=station_id, password=password if generated else None)

    @r.delete("/stations/{station_id}/credential", status_code=status.HTTP_204_NO_CONTENT, **admin)
    async def delete_credential(station_id: StationIdIn) -> None:
        if not await store.delete_credential(station_id):
            raise not_found(f"no credential for {station_id}")

    return r
