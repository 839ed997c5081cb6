"""Authorize answers from the token store and the clock: Accepted, Unknown, Expired, Invalid, Blocked."""

from __future__ import annotations

from datetime import timedelta

import pytest

from csms.domain.ids import IdTokenValue
from csms.domain.records import TokenRecord, TokenStatus
from csms.services.tariffs import Tariff, put_tariff
from tests.unit.handlers.harness import STATION, T0, Station, at


async def authorize(station: Station, token: str, token_type: str = "ISO14443") -> dict[str, object]:
    reply = await station.call("Authorize", {"idToken": {"idToken": token, "type": token_type}})
    assert set(reply) == {"idTokenInfo"}
    info: dict[str, object] = reply["idTokenInfo"]
    return info


async def test_accepted_token_is_accepted_with_its_cache_expiry_and_group() -> None:
    station = Station()
    await station.store.put_token(TokenRecord(IdTokenValue("GOOD"), expires_at=T0 + timedelta(days=1),
                                              group_id="FLEET-A"))
    assert await authorize(station, "GOOD") == {
        "status": "Accepted", "cacheExpiryDateTime": at(24 * 60),
        "groupIdToken": {"idToken": "FLEET-A", "type": "Central"},
    }


async def test_unknown_token_is_unknown_unless_unknown_tokens_are_accepted() -> None:
    assert await authorize(Station(), "NOBODY") == {"status": "Unknown"}
    assert await authorize(Station(accept_unknown_tokens=True), "NOBODY") == {"status": "Accepted"}


@pytest.mark.parametrize("expires_after_s", [-1.0, 0.0], ids=["in-the-past", "right-now"])
async def test_accepted_token_past_its_expiry_is_expired(expires_after_s: float) -> None:
    station = Station()
    await station.store.put_token(TokenRecord(IdTokenValue("OLD"), expires_at=T0 + timedelta(seconds=expires_after_s)))
    assert (await authorize(station, "OLD"))["status"] == "Expired"


async def test_token_expires_as_the_clock_passes_its_expiry() -> None:
    station = Station()
    await station.store.put_token(TokenRecord(IdTokenValue("SOON"), expires_at=T0 + timedelta(minutes=5)))
    assert (await authorize(station, "SOON"))["status"] == "Accepted"
    station.clock.advance(301)
    assert (await authorize(station, "SOON"))["status"] == "Expired"


@pytest.mark.parametrize("status", [TokenStatus.INVALID, TokenStatus.BLOCKED, TokenStatus.EXPIRED])
async def test_stored_status_is_returned_as_is(status: TokenStatus) -> None:
    station = Station(accept_unknown_tokens=True)  # only unknown tokens are let through by that policy
    await station.store.put_token(TokenRecord(IdTokenValue("T1"), status=status))
    assert await authorize(station, "T1") == {"status": status.value}


async def test_blocked_token_stays_blocked_even_before_its_expiry() -> None:
    station = Station()
    await station.store.put_token(TokenRecord(IdTokenValue("BAD"), status=TokenStatus.BLOCKED,
                                              expires_at=T0 + timedelta(days=1)))
    assert (await authorize(station, "BAD"))["status"] == "Blocked"


async def test_tokens_that_carry_no_identity_are_accepted_without_a_lookup() -> None:
    station = Station()
    await station.store.put_token(TokenRecord(IdTokenValue(""), status=TokenStatus.BLOCKED))
    assert await authorize(station, "", "NoAuthorization") == {"status": "Accepted"}


@pytest.mark.parametrize("status", [TokenStatus.BLOCKED, TokenStatus.EXPIRED, TokenStatus.INVALID])
async def test_a_stored_central_token_is_looked_up_not_accepted_blindly(status: TokenStatus) -> None:
    station = Station()  # C01.FR.07: a Blocked/Expired token is not Accepted, whatever its type
    await station.store.put_token(TokenRecord(IdTokenValue("REMOTE-1"), token_type="Central", status=status))
    assert await authorize(station, "REMOTE-1", "Central") == {"status": status.value}


async def test_central_lookup_finds_the_identity_stored_with_another_type_and_its_group() -> None:
    station = Station()
    await station.store.put_token(TokenRecord(IdTokenValue("RFID-9"), status=TokenStatus.BLOCKED, group_id="G"))
    assert (await authorize(station, "RFID-9", "Central"))["status"] == "Blocked"
    await station.store.put_token(TokenRecord(IdTokenValue("RFID-8"), group_id="MASTER"))
    assert await authorize(station, "RFID-8", "Central") == {
        "status": "Accepted", "groupIdToken": {"idToken": "MASTER", "type": "Central"}}


async def test_an_unstored_central_token_was_issued_centrally_and_is_accepted() -> None:
    assert await authorize(Station(), "REMOTE-2", "Central") == {"status": "Accepted"}


async def test_tokens_match_on_value_and_type() -> None:
    station = Station()
    await station.store.put_token(TokenRecord(IdTokenValue("ABC"), token_type="ISO14443"))
    assert await authorize(station, "ABC", "ISO14443") == {"status": "Accepted"}
    assert await authorize(station, "ABC", "Local") == {"status": "Unknown"}
    assert await authorize(station, "ABC", "eMAID") == {"status": "Unknown"}


async def test_with_a_station_tariff_an_accepted_token_is_shown_the_tariff() -> None:
    station = Station()
    await put_tariff(station.store, STATION, Tariff("EUR", price_per_kwh=0.3, session_fee=0.5))
    await station.store.put_token(TokenRecord(IdTokenValue("GOOD")))
    await station.store.put_token(TokenRecord(IdTokenValue("BAD"), status=TokenStatus.BLOCKED))
    assert (await authorize(station, "GOOD"))["personalMessage"] == {
        "format": "UTF8", "content": "Tariff: 0.30 EUR/kWh, 0.50 EUR per session"}
    assert "personalMessage" not in await authorize(station, "BAD")
