"""API tokens with roles. viewer: read; operator: + commands; admin: + credentials, tokens and configuration.

Tokens are random secrets; only their SHA-256 is kept (a token is 256 bits of entropy, so a fast hash is as
good as a slow one and lookups stay O(1)). The registry lives in memory: the `StateStore` protocol has no
API-token methods yet, so tokens created through the API last until the process stops; the token from
settings (`api.token`) is seeded as an admin token at every start.
"""

import enum
import hashlib
import hmac
import math
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from csms.api.problems import FORBIDDEN, UNAUTHORIZED, ApiProblem
from csms.domain.clock import Clock
from csms.services.auth_throttle import AuthThrottle


class Role(enum.StrEnum):
    VIEWER = "viewer"
    OPERATOR = "operator"
    ADMIN = "admin"

    def allows(self, required: "Role") -> bool:
        order = (Role.VIEWER, Role.OPERATOR, Role.ADMIN)
        return order.index(self) >= order.index(required)


@dataclass(frozen=True, slots=True)
class ApiToken:
    token_id: str
    name: str
    role: Role
    secret_sha256: str
    created_at: datetime
    created_by: str
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the token's id, name and role."""

    token_id: str
    name: str
    role: Role


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class LastAdminError(ValueError):
    """Revoking this token would leave no active admin token."""


class TokenRegistry:
    """In-memory API tokens by hash (see the module docstring)."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._by_id: dict[str, ApiToken] = {}
        self._id_by_digest: dict[str, str] = {}

    def seed(self, secret: str, *, token_id: str, name: str, role: Role) -> ApiToken:
        """Register a known secret (the one from settings)."""
        token = ApiToken(token_id, name, role, _digest(secret), self._clock.now(), "settings")
        self._store(token)
        return token

    def create(self, name: str, role: Role, created_by: str) -> tuple[ApiToken, str]:
        """A new token; the secret is returned once and never stored."""
        secret = "v2g_" + secrets.token_urlsafe(32)
        token = ApiToken("tok_" + secrets.token_hex(6), name, role, _digest(secret), self._clock.now(), created_by)
        self._store(token)
        return token, secret

    def _store(self, token: ApiToken) -> None:
        self._by_id[token.token_id] = token
        self._id_by_digest[token.secret_sha256] = token.token_id

    def authenticate(self, secret: str) -> Principal | None:
        digest = _digest(secret)
        token_id = self._id_by_digest.get(digest)
        token = None if token_id is None else self._by_id.get(token_id)
        if token is None or not token.active or not hmac.compare_digest(token.secret_sha256, digest):
            return None
        return Principal(token.token_id, token.name, token.role)

    def get(self, token_id: str) -> ApiToken | None:
        return self._by_id.get(token_id)

    def list(self) -> list[ApiToken]:
        return sorted(self._by_id.values(), key=lambda t: (t.created_at, t.token_id))

    def revoke(self, token_id: str) -> ApiToken | None:
        """Revoke a token (None: unknown). Raises LastAdminError rather than lock every admin out."""
        token = self._by_id.get(token_id)
        if token is None or not token.active:
            return token
        if token.role is Role.ADMIN and sum(t.active and t.role is Role.ADMIN for t in self._by_id.values()) == 1:
            raise LastAdminError("cannot revoke the last active admin token")
        revoked = replace(token, revoked_at=self._clock.now())
        self._by_id[token_id] = revoked
        self._id_by_digest.pop(token.secret_sha256, None)
        return revoked


_BEARER = HTTPBearer(auto_error=False, description="API token; roles viewer < operator < admin")


class Auth:
    """FastAPI dependencies that authenticate the bearer token and check its role."""

    def __init__(self, tokens: TokenRegistry, throttle: AuthThrottle | None = None) -> None:
        self.tokens = tokens
        self._throttle = throttle  # failed tokens back off per source address (429 + Retry-After)
        self._dependencies = {role: self._dependency(role) for role in Role}

    def _dependency(self, required: Role) -> Callable[..., Principal]:
        tokens, throttle = self.tokens, self._throttle

        def authorize(request: Request,
                      credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)]) -> Principal:
            if credentials is None:
                raise ApiProblem(401, "a bearer token is required (Authorization: Bearer <token>)",
                                 type_=UNAUTHORIZED, headers={"WWW-Authenticate": "Bearer"})
            source = request.client.host if request.client is not None else "unknown"
            key = f"api:{source}"
            if throttle is not None and (wait_s := throttle.retry_after_s(key, source)) > 0:
                raise ApiProblem(429, f"too many failed tokens from {source}: retry in {math.ceil(wait_s)} s",
                                 type_=UNAUTHORIZED, title="Too many failed attempts",
                                 headers={"Retry-After": str(math.ceil(wait_s))})
            principal = tokens.authenticate(credentials.credentials)
            if principal is None:
                request.state.actor = "invalid-token"
                if throttle is not None:
                    throttle.failed(key, source)
                raise ApiProblem(401, "unknown or revoked token", type_=UNAUTHORIZED,
                                 headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
            if throttle is not None:
                throttle.succeeded(key)
            request.state.principal = principal
            if not principal.role.allows(required):
                raise ApiProblem(403, f"this needs the {required.value} role; token {principal.name!r} has "
                                      f"{principal.role.value}", type_=FORBIDDEN, required_role=required.value)
            return principal

        return authorize

    def requires(self, role: Role) -> dict[str, Any]:
        """Route keyword arguments: the role check and its documentation in OpenAPI (`x-required-role`)."""
        return {"dependencies": [Depends(self._dependencies[role])], "openapi_extra": {"x-required-role": role.value}}

    def principal(self, role: Role) -> Any:
        """`Depends(...)` that also hands the principal to the endpoint."""
        return Depends(self._dependencies[role])
