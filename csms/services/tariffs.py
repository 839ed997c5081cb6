"""Block I (tariff and cost): a station's tariff, the running cost of a transaction and its total.

A tariff is configured per station through the API (station document `tariff/default`): a session fee, a price
per kWh imported and a price per hour of the session, in the station's currency (its TariffCostCtrlr.Currency).
With a tariff, the CSMS sends the running cost with CostUpdated while a transaction's energy grows (I02) and
puts `totalCost` in the answer to the Ended TransactionEvent (I03); an accepted Authorize carries the tariff as
the driver's personalMessage (I01). Without one, nothing is sent: a missing
totalCost means "not free" in OCPP, so a free station needs a tariff of zeros. Energy exported (V2G) is not
priced here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from csms.domain.ids import StationId
from csms.domain.records import TransactionRecord
from csms.store.base import StateStore

TARIFF_KIND, TARIFF_KEY = "tariff", "default"


@dataclass(frozen=True, slots=True)
class Tariff:
    currency: str = "EUR"
    price_per_kwh: float = 0.0
    price_per_hour: float = 0.0
    session_fee: float = 0.0

    def cost(self, tx: TransactionRecord, until: datetime | None = None) -> float:
        """The cost of `tx` so far (to its end, else to `until`), rounded to 1/10,000 of the currency."""
        hours = 0.0
        end = tx.ended_at or until
        if tx.started_at is not None and end is not None:
            hours = max(0.0, (end - tx.started_at).total_seconds() / 3600.0)
        total = self.session_fee + tx.energy_import_wh / 1000.0 * self.price_per_kwh + hours * self.price_per_hour
        return round(total, 4)


async def get_tariff(store: StateStore, station_id: StationId) -> Tariff | None:
    doc = await store.get_station_doc(station_id, TARIFF_KIND, TARIFF_KEY)
    return None if doc is None else Tariff(**doc)


async def put_tariff(store: StateStore, station_id: StationId, tariff: Tariff) -> None:
    await store.put_station_doc(station_id, TARIFF_KIND, TARIFF_KEY, asdict(tariff))


async def delete_tariff(store: StateStore, station_id: StationId) -> bool:
    return await store.delete_station_doc(station_id, TARIFF_KIND, TARIFF_KEY)


def tariff_text(tariff: Tariff) -> str:
    """The tariff as the driver sees it (I01: AuthorizeResponse personalMessage)."""
    parts = [f"{tariff.price_per_kwh:.2f} {tariff.currency}/kWh"]
    if tariff.price_per_hour:
        parts.append(f"{tariff.price_per_hour:.2f} {tariff.currency}/h")
    if tariff.session_fee:
        parts.append(f"{tariff.session_fee:.2f} {tariff.currency} per session")
    return "Tariff: " + ", ".join(parts)
