"""Identifier types used across the CSMS and the simulator."""

from __future__ import annotations

import re
from typing import NewType

StationId = NewType("StationId", str)
EvseId = NewType("EvseId", int)
ConnectorId = NewType("ConnectorId", int)
TransactionId = NewType("TransactionId", str)
IdTokenValue = NewType("IdTokenValue", str)

# OCPP 2.0.1 identifierString: "a-z A-Z 0-9 *-_=:+|@." (appendix, primitive datatypes); station ids <= 48 chars.
_IDENTIFIER_RE = re.compile(r"^[A-Za-z0-9*\-_=:+|@.]{1,48}$")
STATION_ID_MAX_LEN = 48


def parse_station_id(raw: str) -> StationId:
    """Return `raw` as a StationId, or raise ValueError if it is not an OCPP identifierString of <= 48 chars."""
    if not _IDENTIFIER_RE.fullmatch(raw):
        raise ValueError(f"invalid station id {raw!r}: must be 1-48 chars of [A-Za-z0-9*-_=:+|@.]")
    return StationId(raw)
