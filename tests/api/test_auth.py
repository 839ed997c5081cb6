"""Authentication and roles on every /api/v1 operation, API-token administration, and the command audit."""

from __future__ import annotations

import hashlib
import re

import pytest

from csms.api.auth import Role
from csms.domain.clock import ManualClock
from csms.domain.ids import StationId
from tests.api.helpers import ADMIN, NOW, Harness, harness

ST_1 = StationId("ST-1")

PATH_VALUES = {"station_id": ST_1, "evse_id": "1", "transaction_id": "T-1", "id_token": "RFID-1",
               "token_id": "tok_unknown", "event_id": "dr-1", "kind": "event", "reservation_id": "1",
               "message_id": "1", "key": "k", "monitor_id": "1", "request_id": "1"}


def operations() -> list[tuple[str, str, Role]]:
    """(method, concrete path, required role) of every /api/v1 operation, read from the OpenAPI document."""
    spec = harness().api.openapi()
    ops = []
    for path, methods in spec["paths"].items():
        if not path.startswith("/api/v1/"):
            continue
        concrete = re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES[m.group(1)], path)
        for method, op in methods.items():
            ops.append((method.upper(), concrete, Role(op["x-required-role"])))
    return ops


OPERATIONS = operations()


@pytest.fixture(scope="module")
def shared() -> Harness:
    """One API for the read-only auth checks (they change nothing)."""
    return harness()


def test_every_api_operation_documents_its_role_and_the_roles_split_reads_commands_and_admin() -> None:
    roles = {(m, p): r for m, p, r in OPERATIONS}
    assert len(OPERATIONS) >= 40
    assert all(r is Role.VIEWER for (m, _), r in roles.items() if m == "GET" and not _.endswith("/audit")
               and "api-tokens" not in _)
    assert roles[("POST", "/api/v1/stations/ST-1/transactions/stop")] is Role.OPERATOR
    assert roles[("PUT", "/api/v1/stations/ST-1/evses/1/schedule")] is Role.OPERATOR
    assert roles[("POST", "/api/v1/grid/regulation")] is Role.OPERATOR
    assert roles[("PUT", "/api/v1/stations/ST-1/credential")] is Role.ADMIN
    assert roles[("POST", "/api/v1/api-tokens")] is Role.ADMIN
    assert roles[("GET", "/api/v1/audit")] is Role.ADMIN


@pytest.mark.parametrize(("method", "path"), [(m, p) for m, p, _ in OPERATIONS])
async def test_every_api_operation_answers_401_problem_without_or_with_an_unknown_token(
    shared: Harness, method: str, path: str
) -> None:
    h = shared
    async with h.client(role=None) as anonymous, h.client(token="v2g_not-a-token") as forged:
        for http, detail in ((anonymous, "bearer token is required"), (forged, "unknown or revoked")):
            response = await http.request(method, path, json={})
            assert response.status_code == 401, (method, path, response.text)
            assert response.headers["content-type"] == "application/problem+json"
            assert response.headers["www-authenticate"].startswith("Bearer")
            problem = response.json()
            assert problem["status"] == 401 and problem["instance"] == path and detail in problem["detail"]


@pytest.mark.parametrize(("method", "path", "required"), [op for op in OPERATIONS if op[2] is not Role.VIEWER])
async def test_a_lower_role_gets_403_naming_the_role_needed(shared: Harness, method: str, path: str,
                                                            required: Role) -> None:
    h = shared
    lower = [Role.VIEWER] if required is Role.OPERATOR else [Role.VIEWER, Role.OPERATOR]
    for role in lower:
        async with h.client(role) as http:
            response = await http.request(method, path, json={})
        assert response.status_code == 403, (role, method, path, response.text)
        problem = response.json()
        assert problem["required_role"] == required.value
        assert f"needs the {required.value} role" in problem["detail"]


async def test_probes_metrics_and_dashboard_need_no_token() -> None:
    h = harness()
    async with h.client(role=None) as http:
        assert (await http.get("/healthz")).json() == {"status": "ok"}
        assert (await http.get("/readyz")).status_code == 200
        assert (await http.get("/metrics")).status_code == 200
        page = await http.get("/dashboard/")
        assert page.status_code == 200 and "<canvas" in page.text
        assert "default-src 'self'" in page.headers["content-security-policy"]
        assert (await http.get("/")).headers["location"] == "/dashboard/"


async def test_the_openapi_document_and_its_docs_page_need_no_token() -> None:
    """The API's description is public (as probes are); every operation in it still needs a token."""
    h = harness()
    async with h.client(role=None) as http:
        spec = await http.get("/openapi.json")
        docs = await http.get("/docs")
    assert spec.status_code == 200 and spec.headers["content-type"] == "application/json"
    assert spec.json()["info"]["title"] == "V2G CSMS operator API" and "/api/v1/stations" in spec.json()["paths"]
    assert docs.status_code == 200 and docs.headers["content-type"].startswith("text/html")
    assert "swagger-ui" in docs.text and "/openapi.json" in docs.text


async def test_whoami_names_the_token_and_its_role() -> None:
    h = harness()
    async with h.client(Role.OPERATOR) as http:
        me = (await http.get("/api/v1/whoami")).json()
    assert me["name"] == "operator-user" and me["role"] == "operator"


async def test_admin_creates_a_token_whose_secret_is_shown_once_and_kept_only_as_a_hash() -> None:
    h = harness()
    async with h.client(Role.ADMIN) as admin:
        created = await admin.post("/api/v1/api-tokens", json={"name": "night shift", "role": "operator"})
        assert created.status_code == 201
        body = created.json()
        secret, token_id = body["token"], body["token_id"]
        assert body["role"] == "operator" and body["created_by"] == "settings.api.token" and body["active"]
        listed = (await admin.get("/api/v1/api-tokens")).json()
        assert {t["token_id"] for t in listed} >= {"settings", token_id}
        assert all("token" not in t and secret not in str(t) for t in listed)
        stored = h.api.state.auth.tokens.get(token_id)
        assert stored.secret_sha256 == hashlib.sha256(secret.encode()).hexdigest()
        assert secret not in repr(stored)

        async with h.client(token=secret) as night:
            assert (await night.get("/api/v1/whoami")).json()["role"] == "operator"
            assert (await night.post("/api/v1/api-tokens", json={"name": "x", "role": "admin"})).status_code == 403
            revoked = await admin.delete(f"/api/v1/api-tokens/{token_id}")
            assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
            assert (await night.get("/api/v1/whoami")).status_code == 401
        assert [t["token_id"] for t in (await admin.get("/api/v1/api-tokens?active=false")).json()] == [token_id]
        assert (await admin.delete("/api/v1/api-tokens/tok_nope")).status_code == 404


async def test_the_last_admin_token_cannot_be_revoked_and_bad_token_requests_get_422() -> None:
    h = harness()
    async with h.client(Role.ADMIN) as admin:
        last = await admin.delete("/api/v1/api-tokens/settings")
        assert last.status_code == 409 and "last active admin" in last.json()["detail"]
        bad_role = await admin.post("/api/v1/api-tokens", json={"name": "x", "role": "root"})
        assert bad_role.status_code == 422
        assert bad_role.json()["errors"][0]["field"] == "body.role"
        bad_name = await admin.post("/api/v1/api-tokens", json={"name": "<script>", "role": "viewer"})
        assert bad_name.status_code == 422 and "body.name" in bad_name.json()["detail"]
        second = (await admin.post("/api/v1/api-tokens", json={"name": "second admin", "role": "admin"})).json()
        assert (await admin.delete("/api/v1/api-tokens/settings")).status_code == 200
    async with h.client(token=ADMIN) as old:
        assert (await old.get("/api/v1/whoami")).status_code == 401
    async with h.client(token=second["token"]) as new:
        assert (await new.get("/api/v1/whoami")).json()["name"] == "second admin"


async def test_every_command_is_audited_with_who_what_when_and_result_and_reads_are_not() -> None:
    h = harness()
    h.gateway.connected.add(ST_1)
    async with h.client(Role.OPERATOR) as operator, h.client(Role.VIEWER) as viewer, h.client(None) as anon, \
            h.client(Role.ADMIN) as admin:
        assert (await operator.post("/api/v1/stations/ST-1/reset", json={"type": "Immediate"})).status_code == 200
        assert (await operator.post("/api/v1/stations/ST-2/reset", json={})).status_code == 404
        assert (await viewer.post("/api/v1/stations/ST-1/reset", json={})).status_code == 403
        assert (await anon.delete("/api/v1/tokens/RFID-1")).status_code == 401
        assert (await operator.post("/api/v1/stations/ST-1/reset", json={"type": "Never"})).status_code == 422
        await operator.get("/api/v1/stations")
        assert (await viewer.get("/api/v1/audit")).status_code == 403
        entries = (await admin.get("/api/v1/audit")).json()
        mine = (await admin.get("/api/v1/audit?actor=operator-user&outcome=ok")).json()
    seen = [(e["actor"], e["method"], e["path"], e["action"], e["status"], e["outcome"]) for e in reversed(entries)]
    assert seen == [
        ("operator-user", "POST", "/api/v1/stations/ST-1/reset", "Reset", 200, "ok"),
        ("operator-user", "POST", "/api/v1/stations/ST-2/reset", "Reset", 404, "rejected"),
        ("viewer-user", "POST", "/api/v1/stations/ST-1/reset", "/api/v1/stations/{station_id}/reset", 403, "denied"),
        ("anonymous", "DELETE", "/api/v1/tokens/RFID-1", "/api/v1/tokens/{id_token}", 401, "denied"),
        ("operator-user", "POST", "/api/v1/stations/ST-1/reset", "/api/v1/stations/{station_id}/reset", 422,
         "rejected"),
    ]
    first = entries[-1]
    assert first["detail"] == "station answered Accepted" and first["role"] == "operator"
    assert first["at"].startswith("2026-06-01T12:00")
    assert "not connected" in entries[-2]["detail"]
    assert [e["seq"] for e in mine] == [first["seq"]]


async def test_guessed_tokens_back_off_per_source_with_429_and_retry_after() -> None:
    """130 bearer-token guesses a second were answered 401 forever; now the 6th failure from one address within
    the window is refused 429 with Retry-After, the right token included, until the backoff passes."""
    clock = ManualClock(NOW)
    h = harness(clock=clock, failed_tokens_before_backoff=5)
    async with h.client(None) as http:
        guesses = [await http.get("/api/v1/stations", headers={"Authorization": f"Bearer guess-{i}"})
                   for i in range(5)]
        throttled = await http.get("/api/v1/stations", headers={"Authorization": "Bearer guess-5"})
        right_token_meanwhile = await http.get("/api/v1/stations", headers={"Authorization": f"Bearer {ADMIN}"})
        clock.advance(float(throttled.headers["Retry-After"]))
        after_backoff = await http.get("/api/v1/stations", headers={"Authorization": f"Bearer {ADMIN}"})
    assert [g.status_code for g in guesses] == [401] * 5
    assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) >= 1
    assert right_token_meanwhile.status_code == 429
    assert after_backoff.status_code == 200
