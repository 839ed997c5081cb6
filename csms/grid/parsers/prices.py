"""Price files -> `PriceSignal`s in ascending time order (UTC intervals), with notes on what was tolerated.

Formats (all in the repository's data/; see its README):
- PJM hourly regulation prices (`parse_pjm_regulation_prices`): hour-beginning local time, the RMCP column a
  tuple "(RMCP, RMCCP, RMPCP)" in $/MWh; RMCP must equal RMCCP + RMPCP (to the cent).
- Energinet / Nord Pool day-ahead (`parse_energinet_spot`): HourUTC, HourDK, PriceArea, SpotPriceDKK/EUR; any
  order (the exports are descending), BOM in the header; HourUTC is authoritative and HourDK must agree with it
  in Europe/Copenhagen, so DST days (23/25 local hours) come out as plain consecutive UTC hours.
- Energinet FCR-N / FCR-D-up capacity prices (`parse_energinet_fcr`): same layout, currency per MW per hour.
- ENTSO-E-style day-ahead (`parse_entsoe_day_ahead`): "Datetime (UTC)" in MIXED formats (`2015-01-01 00:00:00`
  and day-first `31/12/2022 23:00`); the local column must agree with the UTC one in the area's zone, which
  pins the day-first reading. A row with both times blank (a concatenation seam) is skipped with a note.
- regelleistung.net FCR auction results (`parse_regelleistung_fcr`): semicolons, `DD-MM-YYYY`, 4-h products
  `NEGPOS_HH_HH` in German local time, "-" for no result (skipped, noted), several tenders a day (the lowest
  present is used), prices in EUR/MW per product, which
  we divide by the product's real duration in hours (3 or 5 on DST days) to get EUR per MW per hour.

Everywhere: identical duplicate intervals are merged with a note, conflicting ones are an error, gaps are noted.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from csms.grid.errors import GridDataError
from csms.grid.parsers._common import (
    Parsed,
    ParseNote,
    dedupe_prices,
    expect_fields,
    header_index,
    local_to_utc,
    parse_float,
    parse_iso,
    parse_utc,
    read_rows,
    zone,
)
from csms.grid.signals import PriceMarket, PriceSignal

_HOUR = timedelta(hours=1)
_RMCP_COLUMN = "Regulation_Market_Clearing_Price(RMCP)"


def parse_pjm_regulation_prices(path: Path | str, *, tz_name: str = "America/New_York") -> Parsed[PriceSignal]:
    """PJM hourly regulation clearing prices: three signals an hour (RMCP, RMCCP, RMPCP), USD, area "PJM"."""
    tz = zone(tz_name)
    source, rows = read_rows(path)
    header = rows[0]
    index = header_index(header, [_RMCP_COLUMN], source=source)[_RMCP_COLUMN]
    width = len(header.fields)
    name = Path(path).name
    dated: list[tuple[int, PriceSignal]] = []
    for row in rows[1:]:
        expect_fields(row, width, source=source)
        local = parse_iso(row.fields[0], source=source, line=row.line, column="time")
        if local.tzinfo is not None:
            raise GridDataError("expected a local time without offset", source=source, line=row.line, column="time")
        start_at = local_to_utc(local, tz, source=source, line=row.line, column="time")
        raw = row.fields[index].strip()
        parts = raw.removeprefix("(").removesuffix(")").split(",")
        if not (raw.startswith("(") and raw.endswith(")")) or len(parts) != 3:
            raise GridDataError(f"expected a tuple (RMCP, RMCCP, RMPCP), got {raw!r}", source=source,
                                line=row.line, column=_RMCP_COLUMN)
        rmcp, rmccp, rmpcp = (parse_float(p, source=source, line=row.line, column=_RMCP_COLUMN) for p in parts)
        if abs(rmcp - (rmccp + rmpcp)) > 0.015:
            raise GridDataError(f"RMCP {rmcp} != RMCCP {rmccp} + RMPCP {rmpcp}", source=source, line=row.line,
                                column=_RMCP_COLUMN)
        for market, price in ((PriceMarket.REGULATION_CLEARING, rmcp), (PriceMarket.REGULATION_CAPABILITY, rmccp),
                              (PriceMarket.REGULATION_PERFORMANCE, rmpcp)):
            dated.append((row.line, PriceSignal(start_at, start_at + _HOUR, price, "USD", market, "PJM", name)))
    return dedupe_prices(dated, source=source)


def _energinet_hour(row_fields: list[str], i_utc: int, i_dk: int, *, source: str, line: int) -> datetime:
    start_at = parse_utc(row_fields[i_utc], source=source, line=line, column="HourUTC")
    local = parse_iso(row_fields[i_dk], source=source, line=line, column="HourDK")
    if start_at.astimezone(zone("Europe/Copenhagen")).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise GridDataError(f"HourDK {local.isoformat()} does not match HourUTC {start_at.isoformat()} in "
                            "Europe/Copenhagen", source=source, line=line, column="HourDK")
    return start_at


def parse_energinet_spot(path: Path | str, *, currency: str = "EUR") -> Parsed[PriceSignal]:
    """Energinet Elspot export: one day-ahead price an hour per price area, in `currency` (EUR or DKK) per MWh."""
    price_column = f"SpotPrice{currency}"
    source, rows = read_rows(path)
    header = rows[0]
    idx = header_index(header, ["HourUTC", "HourDK", "PriceArea", price_column], source=source)
    width = len(header.fields)
    name = Path(path).name
    dated: list[tuple[int, PriceSignal]] = []
    for row in rows[1:]:
        expect_fields(row, width, source=source)
        start_at = _energinet_hour(row.fields, idx["HourUTC"], idx["HourDK"], source=source, line=row.line)
        area = row.fields[idx["PriceArea"]].strip()
        if not area:
            raise GridDataError("missing value", source=source, line=row.line, column="PriceArea")
        price = parse_float(row.fields[idx[price_column]], source=source, line=row.line, column=price_column)
        dated.append((row.line, PriceSignal(start_at, start_at + _HOUR, price, currency,
                                            PriceMarket.ENERGY_DAY_AHEAD, area, name)))
    return dedupe_prices(dated, source=source)


def parse_energinet_fcr(path: Path | str, *, currency: str = "EUR", area: str = "DK2") -> Parsed[PriceSignal]:
    """Energinet FCR-N and FCR-D-up hourly capacity prices (currency per MW per hour); two signals an hour."""
    columns = {PriceMarket.FCR_N: f"FCR_N_Price{currency}", PriceMarket.FCR_D_UP: f"FCR_D_UpPrice{currency}"}
    source, rows = read_rows(path)
    header = rows[0]
    idx = header_index(header, ["HourUTC", "HourDK", *columns.values()], source=source)
    width = len(header.fields)
    name = Path(path).name
    dated: list[tuple[int, PriceSignal]] = []
    for row in rows[1:]:
        expect_fields(row, width, source=source)
        start_at = _energinet_hour(row.fields, idx["HourUTC"], idx["HourDK"], source=source, line=row.line)
        for market, column in columns.items():
            price = parse_float(row.fields[idx[column]], source=source, line=row.line, column=column)
            dated.append((row.line, PriceSignal(start_at, start_at + _HOUR, price, currency, market, area, name)))
    return dedupe_prices(dated, source=source)


_ENTSOE_PRICE_RE = re.compile(r"^Price \(([A-Z]{3})/MWhe?\)$")
_COUNTRY_ZONES = {"Netherlands": "Europe/Amsterdam"}


def _entsoe_time(text: str, *, source: str, line: int, column: str) -> datetime:
    """`YYYY-MM-DD HH:MM[:SS]` or day-first `DD/MM/YYYY HH:MM` (sliced by position: this runs 190k times)."""
    s = text.strip()
    try:
        if len(s) in (16, 19) and s[4] == "-" and s[10] == " ":
            return datetime.fromisoformat(s)
        if len(s) == 16 and s[2] == "/" and s[5] == "/" and s[10] == " " and s[13] == ":" and s[:2].isdigit():
            return datetime(int(s[6:10]), int(s[3:5]), int(s[0:2]), int(s[11:13]), int(s[14:16]))
    except ValueError:
        pass
    raise GridDataError(f"bad date/time {s!r} (expected YYYY-MM-DD HH:MM[:SS] or DD/MM/YYYY HH:MM)",
                        source=source, line=line, column=column)


def parse_entsoe_day_ahead(path: Path | str, *, tz_name: str | None = None) -> Parsed[PriceSignal]:
    """ENTSO-E-style hourly day-ahead prices (Country, Datetime (UTC), Datetime (Local), Price (EUR/MWhe)).

    `tz_name` is the zone the local column is in; by default it is derived from the Country column."""
    source, rows = read_rows(path)
    header = rows[0]
    names = [f.strip() for f in header.fields]
    price_columns = [n for n in names if _ENTSOE_PRICE_RE.match(n)]
    if len(price_columns) != 1:
        raise GridDataError(f"wrong header: expected one 'Price (<CUR>/MWhe)' column; found {names}",
                            source=source, line=header.line)
    price_column = price_columns[0]
    currency = _ENTSOE_PRICE_RE.match(price_column).group(1)  # type: ignore[union-attr]
    idx = header_index(header, ["Country", "Datetime (UTC)", "Datetime (Local)", price_column], source=source)
    width = len(header.fields)
    name = Path(path).name
    dated: list[tuple[int, PriceSignal]] = []
    notes: list[ParseNote] = []
    zones: dict[str, ZoneInfo] = {}
    for row in rows[1:]:
        expect_fields(row, width, source=source)
        utc_text, local_text = row.fields[idx["Datetime (UTC)"]], row.fields[idx["Datetime (Local)"]]
        if not utc_text.strip() and not local_text.strip():
            notes.append(ParseNote(source, row.line, "row without timestamps skipped (file seam)"))
            continue
        country = row.fields[idx["Country"]].strip()
        zone_name = tz_name or _COUNTRY_ZONES.get(country)
        if zone_name is None:
            raise GridDataError(f"unknown country {country!r}: pass tz_name", source=source, line=row.line,
                                column="Country")
        naive_utc = _entsoe_time(utc_text, source=source, line=row.line, column="Datetime (UTC)")
        if naive_utc.tzinfo is not None:
            raise GridDataError("expected a time without offset", source=source, line=row.line,
                                column="Datetime (UTC)")
        start_at = naive_utc.replace(tzinfo=UTC)
        local = _entsoe_time(local_text, source=source, line=row.line, column="Datetime (Local)")
        offset = start_at.astimezone(zones.get(zone_name) or zones.setdefault(zone_name, zone(zone_name))).utcoffset()
        if offset is None or naive_utc + offset != local:
            raise GridDataError(f"local time {local_text.strip()!r} does not match UTC {utc_text.strip()!r} in "
                                f"{zone_name}", source=source, line=row.line, column="Datetime (Local)")
        price = parse_float(row.fields[idx[price_column]], source=source, line=row.line, column=price_column)
        dated.append((row.line, PriceSignal(start_at, start_at + _HOUR, price, currency,
                                            PriceMarket.ENERGY_DAY_AHEAD, country, name)))
    parsed = dedupe_prices(dated, source=source)
    return Parsed(parsed.items, tuple(sorted([*notes, *parsed.notes], key=lambda n: n.line or 0)))


_FCR_PRODUCT_RE = re.compile(r"^NEGPOS_(\d{2})_(\d{2})$")


def parse_regelleistung_fcr(path: Path | str, *, area: str = "DE", tz_name: str = "Europe/Berlin",
                            ) -> Parsed[PriceSignal]:
    """regelleistung.net FCR cooperation results: the settlement capacity price of `area` (a country code such
    as DE, NL, DK, or CROSSBORDER) per 4-h product, as EUR per MW per hour. Per day and product the lowest
    tender number present is used (later tenders are top-up auctions; on 2021-10-03 only tender 2 exists);
    skipped tenders and "-" cells (no result for the area) are noted."""
    tz = zone(tz_name)
    price_column = f"{area}_SETTLEMENTCAPACITY_PRICE_[EUR/MW]"
    source, rows = read_rows(path, delimiter=";")
    header = rows[0]
    idx = header_index(header, ["DATE_FROM", "PRODUCT_TYPE", "TENDER_NUMBER", "PRODUCTNAME", price_column],
                       source=source)
    width = len(header.fields)
    name = Path(path).name
    dated: list[tuple[int, PriceSignal]] = []
    notes: list[ParseNote] = []
    chosen: dict[tuple[date, str], tuple[int, int, PriceSignal | None]] = {}
    for row in rows[1:]:
        expect_fields(row, width, source=source)
        day_text = row.fields[idx["DATE_FROM"]].strip()
        try:
            dd, mm, yyyy = (int(p) for p in day_text.split("-"))
            day = date(yyyy, mm, dd)
        except ValueError:
            raise GridDataError(f"bad date {day_text!r} (expected DD-MM-YYYY)", source=source, line=row.line,
                                column="DATE_FROM") from None
        product = row.fields[idx["PRODUCTNAME"]].strip()
        m = _FCR_PRODUCT_RE.match(product)
        if m is None or not 0 <= int(m.group(1)) < int(m.group(2)) <= 24:
            raise GridDataError(f"bad product {product!r} (expected NEGPOS_HH_HH)", source=source, line=row.line,
                                column="PRODUCTNAME")
        tender_text = row.fields[idx["TENDER_NUMBER"]].strip()
        if not tender_text.isdigit():
            raise GridDataError(f"bad tender number {tender_text!r}", source=source, line=row.line,
                                column="TENDER_NUMBER")
        tender = int(tender_text)
        key = (day, product)
        kept = chosen.get(key)
        if kept is not None and kept[0] <= tender:
            notes.append(ParseNote(source, row.line, f"tender {tender} for {day} {product} skipped (tender "
                                                     f"{kept[0]} on line {kept[1]} is used)"))
            continue
        if kept is not None:
            notes.append(ParseNote(source, kept[1], f"tender {kept[0]} for {day} {product} skipped (tender "
                                                    f"{tender} on line {row.line} is used)"))
        raw = row.fields[idx[price_column]].strip()
        signal: PriceSignal | None = None
        if raw != "-":
            price_per_mw = parse_float(raw, source=source, line=row.line, column=price_column)
            midnight = datetime.combine(day, datetime.min.time())
            start_at = local_to_utc(midnight + timedelta(hours=int(m.group(1))), tz, source=source,
                                    line=row.line, column="PRODUCTNAME")
            end_at = local_to_utc(midnight + timedelta(hours=int(m.group(2))), tz, source=source, line=row.line,
                                  column="PRODUCTNAME")
            hours = (end_at - start_at).total_seconds() / 3600.0
            signal = PriceSignal(start_at, end_at, price_per_mw / hours, "EUR", PriceMarket.FCR, area, name)
        chosen[key] = (tender, row.line, signal)
    for (day, product), (_, line, signal) in chosen.items():
        if signal is None:
            notes.append(ParseNote(source, line, f"no {area} price for {day} {product}"))
        else:
            dated.append((line, signal))
    parsed = dedupe_prices(dated, source=source)
    return Parsed(parsed.items, tuple(sorted([*notes, *parsed.notes], key=lambda n: n.line or 0)))
