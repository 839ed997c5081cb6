"""API tokens (admin), the audit log (admin) and who-am-I (any role)."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status

from csms.api.audit import AuditEntry
from csms.api.auth import ApiToken, Auth, LastAdminError, Principal, Role
from csms.api.pagination import Page, page_params, paginate
from csms.api.problems import conflict, invalid, not_found
from csms.api.schemas import ApiTokenCreated, ApiTokenIn, ApiTokenOut, AuditOut, WhoAmI
from csms.api.services import ApiServices


def token_out(token: ApiToken) -> ApiTokenOut:
    return ApiTokenOut(token_id=token.token_id, name=token.name, role=token.role.value, created_at=token.created_at,
                       created_by=token.created_by, revoked_at=token.revoked_at, active=token.active)


def audit_out(entry: AuditEntry) -> AuditOut:
    return AuditOut(seq=entry.seq, at=entry.at, actor=entry.actor, token_id=entry.token_id, role=entry.role,
                    method=entry.method, path=entry.path, action=entry.action, status=entry.status,
                    outcome=entry.outcome, detail=entry.detail)


def router(services: ApiServices, auth: Auth) -> APIRouter:
    r = APIRouter(prefix="/api/v1", tags=["admin"])
    viewer, admin = auth.requires(Role.VIEWER), auth.requires(Role.ADMIN)

    @r.get("/whoami", **viewer)
    async def whoami(principal: Annotated[Principal, auth.principal(Role.VIEWER)]) -> WhoAmI:
        """The calling token's name and role (the dashboard uses it to show what the user may do)."""
        return WhoAmI(token_id=principal.token_id, name=principal.name, role=principal.role.value)

    @r.get("/api-tokens", **admin)
    async def list_api_tokens(request: Request, response: Response,
                              page: Annotated[Page, Depends(page_params)],
                              active: bool | None = None) -> list[ApiTokenOut]:
        """API tokens (never their secrets). They live in memory until the store can keep them."""
        tokens = [t for t in auth.tokens.list() if active is None or t.active == active]
        return [token_out(t) for t in paginate(tokens, page, request, response)]

    @r.post("/api-tokens", status_code=status.HTTP_201_CREATED, **admin)
    async def create_api_token(request: Request, body: ApiTokenIn,
                               principal: Annotated[Principal, auth.principal(Role.ADMIN)]) -> ApiTokenCreated:
        """Create a token with a role; the secret is in this answer only."""
        token, secret = auth.tokens.create(body.name, Role(body.role), created_by=principal.name)
        request.state.audit_detail = f"created {token.token_id} ({token.role.value})"
        return ApiTokenCreated(**token_out(token).model_dump(), token=secret)

    @r.delete("/api-tokens/{token_id}", **admin)
    async def revoke_api_token(request: Request, token_id: str) -> ApiTokenOut:
        """Revoke a token at once (its requests get 401 from now on). The last admin token cannot be revoked."""
        try:
            token = auth.tokens.revoke(token_id)
        except LastAdminError as exc:
            raise conflict(str(exc)) from None
        if token is None:
            raise not_found(f"unknown API token {token_id}")
        request.state.audit_detail = f"revoked {token_id}"
        return token_out(token)

    @r.get("/audit", **admin)
    async def list_audit(
        request: Request, response: Response, page: Annotated[Page, Depends(page_params)],
        actor: str | None = None, outcome: str | None = None,
        since: Annotated[datetime | None, Query(description="entries at or after (RFC 3339)")] = None,
    ) -> list[AuditOut]:
        """Audited commands, newest first (bounded in memory; each is also a `csms.audit` log line)."""
        if since is not None and since.tzinfo is None:
            raise invalid("since needs a UTC offset", "query.since")
        entries = [e for e in reversed(services.audit.entries())
                   if (actor is None or e.actor == actor) and (outcome is None or e.outcome == outcome)
                   and (since is None or e.at >= since)]
        return [audit_out(e) for e in paginate(entries, page, request, response)]

    return r
