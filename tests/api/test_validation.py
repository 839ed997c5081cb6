"""Bad input gets a 422 problem naming the field, on every operation that takes input; the OpenAPI document is
walked so that a new operation cannot go without such a test (it must be listed in `CASES`, in
`COVERED_ELSEWHERE` with the test that covers it, or in `NOTHING_TO_REJECT` because any value is valid)."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from csms.api.auth import Role
from csms.domain.ids import StationId
from tests.api.helpers import Harness
from tests.api.test_fleet_api import with_fleet

ST_1 = StationId("ST-1")

STATION = "/api/v1/stations/{station_id}"
EVSE = STATION + "/evses/{evse_id}"

# (method, path template, concrete path with the bad input, JSON body, field the problem must name)
CASES: list[tuple[str, str, str, dict[str, Any] | None, str]] = [
    ("GET", STATION, "/api/v1/stations/bad%20id", None, "path.station_id"),
    ("GET", STATION + "/evses", "/api/v1/stations/bad%20id/evses", None, "path.station_id"),
    ("GET", STATION + "/variables", "/api/v1/stations/ST-1/variables?limit=0", None, "query.limit"),
    ("GET", EVSE + "/needs", "/api/v1/stations/ST-1/evses/one/needs", None, "path.evse_id"),
    ("GET", EVSE + "/capabilities", "/api/v1/stations/ST-1/evses/1.5/capabilities", None, "path.evse_id"),
    ("PUT", STATION + "/boot-policy", "/api/v1/stations/ST-1/boot-policy", {"policy": "Maybe"}, "body.policy"),
    ("PUT", STATION + "/credential", "/api/v1/stations/ST-1/credential", {"password": "short"}, "body.password"),
    ("DELETE", STATION + "/credential", "/api/v1/stations/bad%20id/credential", None, "path.station_id"),
    ("POST", STATION + "/ocpp", "/api/v1/stations/ST-1/ocpp", {"payload": {}}, "body.action"),
    ("POST", STATION + "/transactions/stop", "/api/v1/stations/ST-1/transactions/stop", {"transaction_id": ""},
     "body.transaction_id"),
    ("POST", STATION + "/variables/set", "/api/v1/stations/ST-1/variables/set",
     {"variables": [{"component": "OCPPCommCtrlr", "variable": "HeartbeatInterval"}]}, "body.variables.0.value"),
    ("DELETE", EVSE + "/schedule", "/api/v1/stations/ST-1/evses/1/schedule?purpose=Forever", None, "query.purpose"),
    ("GET", EVSE + "/composite-schedule", "/api/v1/stations/ST-1/evses/1/composite-schedule?duration_s=0", None,
     "query.duration_s"),
    ("GET", "/api/v1/transactions", "/api/v1/transactions?station_id=bad%20id", None, "query.station_id"),
    ("GET", "/api/v1/transactions/{station_id}/{transaction_id}", "/api/v1/transactions/bad%20id/T-1", None,
     "path.station_id"),
    ("GET", "/api/v1/transactions/{station_id}/{transaction_id}/meter", "/api/v1/transactions/ST-1/T-1/meter?limit=0",
     None, "query.limit"),
    ("GET", "/api/v1/settlement", "/api/v1/settlement?since=yesterday", None, "query.since"),
    ("GET", "/api/v1/tokens", "/api/v1/tokens?status=Lost", None, "query.status"),
    ("GET", "/api/v1/evs", "/api/v1/evs?discharge_allowed=perhaps", None, "query.discharge_allowed"),
    ("GET", "/api/v1/fleet/score", "/api/v1/fleet/score?window_s=0", None, "query.window_s"),
    ("GET", "/api/v1/grid/dr-events", "/api/v1/grid/dr-events?offset=-1", None, "query.offset"),
    ("POST", "/api/v1/grid/prices", "/api/v1/grid/prices", {"interval_start_at": "2026-06-01T13:00:00Z"},
     "body.import_price_per_mwh"),
    ("GET", "/api/v1/api-tokens", "/api/v1/api-tokens?active=perhaps", None, "query.active"),
    ("GET", "/api/v1/audit", "/api/v1/audit?since=2026-06-01T12:00:00", None, "query.since"),  # no UTC offset
    # use-case features (csms/api/routes/operations.py)
    ("GET", STATION + "/events", "/api/v1/stations/ST-1/events?limit=0", None, "query.limit"),
    ("GET", STATION + "/records/{kind}", "/api/v1/stations/bad%20id/records/event", None, "path.station_id"),
    ("GET", STATION + "/reservations", "/api/v1/stations/bad%20id/reservations", None, "path.station_id"),
    ("POST", STATION + "/reservations", "/api/v1/stations/ST-1/reservations",
     {"id_token": {"id_token": "A"}, "expires_at": "soon"}, "body.expires_at"),
    ("DELETE", STATION + "/reservations/{reservation_id}", "/api/v1/stations/ST-1/reservations/one", None,
     "path.reservation_id"),
    ("GET", STATION + "/local-list", "/api/v1/stations/bad%20id/local-list", None, "path.station_id"),
    ("PUT", STATION + "/local-list", "/api/v1/stations/ST-1/local-list",
     {"entries": [{"id_token": {"id_token": "A"}, "status": "Lost"}]}, "body.entries.0.status"),
    ("PATCH", STATION + "/local-list", "/api/v1/stations/ST-1/local-list",
     {"entries": [{"id_token": {"id_token": ""}}]}, "body.entries.0.id_token.id_token"),
    ("POST", STATION + "/local-list/reconcile", "/api/v1/stations/bad%20id/local-list/reconcile", None,
     "path.station_id"),
    ("POST", STATION + "/firmware", "/api/v1/stations/ST-1/firmware", {"location": "https://fw"}, "body.retrieve_at"),
    ("POST", STATION + "/logs", "/api/v1/stations/ST-1/logs", {"remote_location": "ftp://x", "log_type": "Debug"},
     "body.log_type"),
    ("POST", STATION + "/customer-information", "/api/v1/stations/ST-1/customer-information",
     {"report": "maybe"}, "body.report"),
    ("GET", STATION + "/display-messages", "/api/v1/stations/bad%20id/display-messages", None, "path.station_id"),
    ("POST", STATION + "/display-messages", "/api/v1/stations/ST-1/display-messages", {"id": 1, "content": ""},
     "body.content"),
    ("DELETE", STATION + "/display-messages/{message_id}", "/api/v1/stations/ST-1/display-messages/one", None,
     "path.message_id"),
    ("POST", STATION + "/display-messages/report", "/api/v1/stations/bad%20id/display-messages/report", None,
     "path.station_id"),
    ("GET", STATION + "/charging-profiles", "/api/v1/stations/bad%20id/charging-profiles", None, "path.station_id"),
    ("POST", STATION + "/charging-profiles/report", "/api/v1/stations/ST-1/charging-profiles/report?evse_id=-1",
     None, "query.evse_id"),
    ("POST", STATION + "/data-transfer", "/api/v1/stations/ST-1/data-transfer", {"vendor_id": ""},
     "body.vendor_id"),
    ("GET", STATION + "/tariff", "/api/v1/stations/bad%20id/tariff", None, "path.station_id"),
    ("GET", STATION + "/certificates", "/api/v1/stations/bad%20id/certificates", None, "path.station_id"),
    ("POST", STATION + "/certificates/report", "/api/v1/stations/bad%20id/certificates/report", None,
     "path.station_id"),
    ("POST", STATION + "/certificates", "/api/v1/stations/ST-1/certificates",
     {"certificate_type": "AnyRoot", "certificate": "PEM"}, "body.certificate_type"),
    ("DELETE", STATION + "/certificates/{key}", "/api/v1/stations/bad%20id/certificates/k", None, "path.station_id"),
    ("GET", STATION + "/monitors", "/api/v1/stations/bad%20id/monitors", None, "path.station_id"),
    ("POST", STATION + "/monitors", "/api/v1/stations/ST-1/monitors", {"monitors": [{
        "component": "EVSE", "variable": "Power", "type": "Delta", "value": 1, "severity": 10}]},
     "body.monitors.0.severity"),
    ("DELETE", STATION + "/monitors/{monitor_id}", "/api/v1/stations/ST-1/monitors/one", None, "path.monitor_id"),
    ("POST", STATION + "/monitors/report", "/api/v1/stations/bad%20id/monitors/report", None, "path.station_id"),
    ("PUT", STATION + "/monitoring/base", "/api/v1/stations/ST-1/monitoring/base", {"base": "Some"}, "body.base"),
    ("PUT", STATION + "/monitoring/level", "/api/v1/stations/ST-1/monitoring/level", {"severity": -1},
     "body.severity"),
    ("POST", STATION + "/report", "/api/v1/stations/ST-1/report?criteria=Broken", None, "query.criteria.0"),
    ("POST", "/api/v1/firmware-campaigns", "/api/v1/firmware-campaigns",
     {"station_ids": [ST_1, "bad id"], "location": "https://fw", "retrieve_at": "2026-06-01T12:00:00Z"},
     "body.station_ids.1"),
    ("GET", "/api/v1/firmware-campaigns/{request_id}", "/api/v1/firmware-campaigns/one", None, "path.request_id"),
    ("POST", "/api/v1/firmware-campaigns/{request_id}/retry", "/api/v1/firmware-campaigns/one/retry", None,
     "path.request_id"),
    ("POST", STATION + "/password", "/api/v1/stations/ST-1/password", {"password": "short"}, "body.password"),
    ("PUT", STATION + "/tariff", "/api/v1/stations/ST-1/tariff", {"price_per_kwh": -1}, "body.price_per_kwh"),
    ("DELETE", STATION + "/tariff", "/api/v1/stations/bad%20id/tariff", None, "path.station_id"),
]

# operations whose 422 (with the field named) is asserted by another test: (method, template) -> module::test
COVERED_ELSEWHERE = {
    ("GET", "/api/v1/stations"): "test_resources::test_stations_page_with_total_and_link_headers_and_filter",
    ("PUT", EVSE + "/needs"): "test_resources::test_evses_device_model_needs_and_capabilities",
    ("PUT", EVSE + "/capabilities"): "test_resources::test_evses_device_model_needs_and_capabilities",
    ("PUT", "/api/v1/tokens/{id_token}"):
        "test_resources::test_boot_policy_credentials_and_id_tokens_are_admin_configuration",
    **{("POST", STATION + suffix): "test_commands::test_bad_command_input_gets_422_naming_the_field"
       for suffix in ("/transactions/start", "/reset", "/availability", "/evses/{evse_id}/unlock", "/trigger",
                      "/variables/get")},
    ("PUT", EVSE + "/schedule"): "test_commands::test_schedules_that_cannot_be_applied_get_409_422_or_502",
    ("GET", "/api/v1/fleet/trace"): "test_fleet_api::test_trace_gives_the_newest_ticks_with_the_response_normalised_"
                                    "like_the_score",
    ("POST", "/api/v1/grid/regulation"): "test_fleet_api::test_a_regulation_sample_is_validated_and_handed_to_the_"
                                         "controller",
    ("POST", "/api/v1/grid/dr-events"): "test_fleet_api::test_dr_events_show_committed_and_delivered_reduction_and_"
                                        "can_be_cancelled",
    ("POST", "/api/v1/api-tokens"): "test_auth::test_the_last_admin_token_cannot_be_revoked_and_bad_token_"
                                    "requests_get_422",
}

# operations with no input that can be invalid (no body; only free-text ids, where an unknown one is a 404)
NOTHING_TO_REJECT = {
    ("GET", "/healthz"), ("GET", "/readyz"), ("GET", "/metrics"), ("GET", "/api/v1/node"), ("GET", "/api/v1/fleet"),
    ("GET", "/api/v1/whoami"), ("DELETE", "/api/v1/tokens/{id_token}"), ("DELETE", "/api/v1/api-tokens/{token_id}"),
    ("DELETE", "/api/v1/grid/dr-events/{event_id}"),
    ("GET", "/api/v1/firmware-campaigns"),
    ("GET", "/api/v1/grid/feeds"),
    ("GET", "/api/v1/events/stream"),  # kinds: any comma-separated names; unknown kinds just never match
}

_CONSTRAINTS = {"minLength", "maxLength", "pattern", "format", "enum", "minimum", "maximum", "exclusiveMinimum",
                "exclusiveMaximum"}


def _can_be_invalid(param: dict[str, Any]) -> bool:
    """A parameter some value of which must be refused: anything but a free string; `station_id` is a free
    string in the schema but parsed by `csms.domain.ids.parse_station_id` (an OCPP identifierString)."""
    if param["name"] == "station_id":
        return True
    schema = param["schema"]
    variants = [s for s in schema.get("anyOf", [schema]) if s.get("type") != "null"]
    return any(s.get("type") != "string" or bool(_CONSTRAINTS & set(s)) for s in variants)


def _operations() -> dict[tuple[str, str], bool]:
    """(method, path template) of every operation -> whether it takes input that can be invalid."""
    h, _ = with_fleet()
    ops = {}
    for path, methods in h.api.openapi()["paths"].items():
        for method, op in methods.items():
            takes_input = "requestBody" in op or any(_can_be_invalid(p) for p in op.get("parameters", []))
            ops[(method.upper(), path)] = takes_input
    return ops


def test_every_operation_that_takes_input_has_a_422_test() -> None:
    ops = _operations()
    tested = {(method, template) for method, template, *_ in CASES}
    elsewhere = set(COVERED_ELSEWHERE)
    assert not tested & elsewhere, "listed twice"
    assert not (tested | elsewhere) & NOTHING_TO_REJECT, "listed as taking no input"
    missing = sorted(op for op, takes_input in ops.items() if takes_input and op not in tested | elsewhere)
    assert missing == [], f"operations with input but no 422 test: add them to CASES: {missing}"
    unlisted = sorted(op for op, takes_input in ops.items() if not takes_input and op not in NOTHING_TO_REJECT)
    assert unlisted == [], f"new operations without input: add them to NOTHING_TO_REJECT: {unlisted}"
    wrongly_exempt = sorted(op for op in NOTHING_TO_REJECT if ops.get(op, True))
    assert wrongly_exempt == [], f"these take input (or are gone): {wrongly_exempt}"
    stale = sorted((tested | elsewhere) - set(ops))
    assert stale == [], f"listed but not in the API: {stale}"


@pytest.mark.parametrize("reference", sorted(set(COVERED_ELSEWHERE.values())))
def test_the_tests_named_as_covering_422_elsewhere_exist(reference: str) -> None:
    module, name = reference.split("::")
    assert callable(getattr(importlib.import_module(f"tests.api.{module}"), name, None)), reference


@pytest.fixture(scope="module")
def api() -> Harness:
    """One API with fleet control (not started) for every case: a 422 changes nothing."""
    h, _ = with_fleet()
    h.gateway.connected.add(ST_1)
    return h


@pytest.mark.parametrize(("method", "template", "path", "body", "field"), CASES,
                         ids=[f"{c[0]} {c[1]}" for c in CASES])
async def test_bad_input_gets_a_422_problem_naming_the_field(api: Harness, method: str, template: str, path: str,
                                                             body: dict[str, Any] | None, field: str) -> None:
    async with api.client(Role.ADMIN) as http:
        response = await http.request(method, path, json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422 and problem["type"] == "urn:v2g-csms:problem:validation-error"
    assert problem["instance"] == path.split("?")[0].replace("%20", " ")
    assert field in [e["field"] for e in problem["errors"]], problem
    assert field in problem["detail"]
    assert api.gateway.calls == []


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/api/v1/stations/bad%20id", None, "path.station_id"),
    ("/api/v1/transactions?station_id=bad%20id", None, "query.station_id"),
    ("/api/v1/firmware-campaigns",
     {"station_ids": [ST_1, "bad id"], "location": "https://fw", "retrieve_at": "2026-06-01T12:00:00Z"},
     "body.station_ids.1"),
])
async def test_a_bad_station_id_gets_the_parse_error_wherever_it_is(api: Harness, path: str,
                                                                    body: dict[str, Any] | None, field: str) -> None:
    """Path, query and body station ids are parsed by `parse_station_id` (csms/api/schemas.py `StationIdIn`): the
    problem carries its message as is, one error of type value_error, and nothing reaches a station."""
    message = "invalid station id 'bad id': must be 1-48 chars of [A-Za-z0-9*-_=:+|@.]"
    async with api.client(Role.ADMIN) as http:
        response = await (http.get(path) if body is None else http.post(path, json=body))
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["title"] == "Invalid request"
    assert problem["detail"] == f"{field}: {message}"
    assert problem["errors"] == [{"field": field, "message": message, "type": "value_error"}]
    assert api.gateway.calls == []


async def test_a_station_id_of_48_characters_is_valid_and_49_is_not(api: Harness) -> None:
    async with api.client(Role.ADMIN) as http:
        ok = await http.get("/api/v1/stations/" + "S" * 48)
        too_long = await http.get("/api/v1/stations/" + "S" * 49)
    assert ok.status_code == 404  # a valid id of a station the CSMS does not know
    assert too_long.status_code == 422
    assert too_long.json()["errors"][0]["field"] == "path.station_id"
