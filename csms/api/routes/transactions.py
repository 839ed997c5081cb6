"""Transactions (energy in and out), meter history, settlement totals, and idTokens."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status

from csms.api.auth import Auth, Role
from csms.api.common import tx_out
from csms.api.pagination import Page, page_params, paginate
from csms.api.problems import invalid, not_found
from csms.api.schemas import (
    MeterSampleOut,
    SettlementOut,
    SettlementStation,
    StationIdIn,
    TokenIn,
    TokenOut,
    TransactionOut,
)
from csms.api.services import ApiServices
from csms.domain.ids import IdTokenValue, StationId, TransactionId
from csms.domain.records import TokenRecord, TokenStatus


def _check_range(since: datetime | None, until: datetime | None) -> None:
    for name, value in (("since", since), ("until", until)):
        if value is not None and value.tzinfo is None:
            raise invalid(f"{name} needs a UTC offset (e.g. 2026-06-01T12:00:00Z)", f"query.{name}")
    if since is not None and until is not None and until <= since:
        raise invalid("until must be after since", "query.until")


def router(services: ApiServices, auth: Auth) -> APIRouter:
    r = APIRouter(prefix="/api/v1", tags=["transactions"])
    viewer, admin = auth.requires(Role.VIEWER), auth.requires(Role.ADMIN)
    store = services.store

    @r.get("/transactions", **viewer)
    async def list_transactions(
        request: Request, response: Response, page: Annotated[Page, Depends(page_params)],
        station_id: StationIdIn | None = None, open_only: Annotated[bool, Query(alias="open")] = False,
        id_token: str | None = None,
        since: Annotated[datetime | None, Query(description="started at or after (RFC 3339)")] = None,
        until: Annotated[datetime | None, Query(description="started before (RFC 3339)")] = None,
    ) -> list[TransactionOut]:
        """Transactions by (station, id), with the energy imported and exported."""
        _check_range(since, until)
        txs = sorted(await store.list_transactions(station_id, open_only=open_only),
                     key=lambda t: (t.station_id, t.transaction_id))
        if id_token is not None:
            txs = [t for t in txs if t.id_token == id_token]
        if since is not None:
            txs = [t for t in txs if t.started_at is not None and t.started_at >= since]
        if until is not None:
            txs = [t for t in txs if t.started_at is not None and t.started_at < until]
        return [tx_out(tx) for tx in paginate(txs, page, request, response)]

    @r.get("/transactions/{station_id}/{transaction_id}", **viewer)
    async def get_transaction(station_id: StationIdIn, transaction_id: TransactionId) -> TransactionOut:
        tx = await store.get_transaction(station_id, transaction_id)
        if tx is None:
            raise not_found("unknown transaction")
        return tx_out(tx)

    @r.get("/transactions/{station_id}/{transaction_id}/meter", **viewer)
    async def get_meter_samples(request: Request, response: Response, page: Annotated[Page, Depends(page_params)],
                                station_id: StationIdIn, transaction_id: TransactionId) -> list[MeterSampleOut]:
        """Meter history of a transaction, oldest first."""
        samples = await store.list_meter_samples(station_id, transaction_id)
        return [MeterSampleOut(measured_at=s.measured_at, import_register_wh=s.import_register_wh,
                               export_register_wh=s.export_register_wh, power_w=s.power_w, soc=s.soc)
                for s in paginate(samples, page, request, response)]

    @r.get("/settlement", **viewer)
    async def settlement(
        since: Annotated[datetime | None, Query(description="transactions that ended at or after")] = None,
        until: Annotated[datetime | None, Query(description="transactions that ended before")] = None,
        station_id: StationIdIn | None = None,
    ) -> SettlementOut:
        """Energy totals of ended transactions (per station and fleet): the metered basis for settlement.
        Valuation at tariffs is not done here."""
        _check_range(since, until)
        per_station: dict[StationId, SettlementStation] = {}
        for tx in await store.list_transactions(station_id):
            if tx.ended_at is None or (since and tx.ended_at < since) or (until and tx.ended_at >= until):
                continue
            row = per_station.setdefault(tx.station_id, SettlementStation(
                station_id=tx.station_id, transactions=0, energy_import_wh=0.0, energy_export_wh=0.0))
            row.transactions += 1
            row.energy_import_wh += tx.energy_import_wh
            row.energy_export_wh += tx.energy_export_wh
        rows = [per_station[k] for k in sorted(per_station)]
        imported = sum(s.energy_import_wh for s in rows)
        exported = sum(s.energy_export_wh for s in rows)
        return SettlementOut(since=since, until=until, transactions=sum(s.transactions for s in rows),
                             energy_import_wh=imported, energy_export_wh=exported, net_energy_wh=imported - exported,
                             stations=rows)

    # ---- idTokens (RFID cards, apps) ------------------------------------------------------------------------

    @r.get("/tokens", tags=["tokens"], **viewer)
    async def list_tokens(request: Request, response: Response, page: Annotated[Page, Depends(page_params)],
                          token_status: Annotated[TokenStatus | None, Query(alias="status")] = None) -> list[TokenOut]:
        """idTokens the CSMS authorizes (RFID cards, apps), by id."""
        tokens = sorted(await store.list_tokens(), key=lambda t: t.id_token)
        if token_status is not None:
            tokens = [t for t in tokens if t.status is token_status]
        return [TokenOut(id_token=t.id_token, token_type=t.token_type, status=t.status, expires_at=t.expires_at,
                         group_id=t.group_id) for t in paginate(tokens, page, request, response)]

    @r.put("/tokens/{id_token}", tags=["tokens"], **admin)
    async def put_token(id_token: Annotated[str, Path(min_length=1, max_length=36)], body: TokenIn) -> TokenOut:
        await store.put_token(TokenRecord(id_token=IdTokenValue(id_token), token_type=body.token_type,
                                          status=body.status, expires_at=body.expires_at, group_id=body.group_id))
        return TokenOut(id_token=id_token, **body.model_dump())

    @r.delete("/tokens/{id_token}", tags=["tokens"], status_code=status.HTTP_204_NO_CONTENT, **admin)
    async def delete_token(id_token: str) -> None:
        if not await store.delete_token(id_token):
            raise not_found(f"unknown token {id_token}")

    return r
