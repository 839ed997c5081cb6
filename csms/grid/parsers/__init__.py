"""Parsers for grid data files (regulation signals, prices, tariffs). Each returns typed csms.grid.signals
values and rejects malformed input with a `GridDataError` naming the file and line; nothing else is raised."""

from csms.grid.parsers._common import Parsed, ParseNote
from csms.grid.parsers.prices import (
    parse_energinet_fcr,
    parse_energinet_spot,
    parse_entsoe_day_ahead,
    parse_pjm_regulation_prices,
    parse_regelleistung_fcr,
)
from csms.grid.parsers.regulation import parse_caiso_regulation, parse_pjm_regulation, splice
from csms.grid.parsers.tariffs import parse_acn_tariff

__all__ = [
    "ParseNote",
    "Parsed",
    "parse_acn_tariff",
    "parse_caiso_regulation",
    "parse_energinet_fcr",
    "parse_energinet_spot",
    "parse_entsoe_day_ahead",
    "parse_pjm_regulation",
    "parse_pjm_regulation_prices",
    "parse_regelleistung_fcr",
    "splice",
]
