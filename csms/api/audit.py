"""Audit of every command: who (token), what (method, path, OCPP action), when, result (status, outcome, detail).

A command is any POST/PUT/PATCH/DELETE under /api/ - including refused ones (401/403/422), so attempts are on
record too. Entries are kept in a bounded in-memory log (GET /api/v1/audit) and written as one structured log
line each (logger `csms.audit`), which is the durable record where logs are shipped.
"""

from __future__ import annotations

import itertools
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from csms.domain.clock import Clock

log = logging.getLogger("csms.audit")

_COMMAND_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True, slots=True)
class AuditEntry:
    seq: int
    at: datetime
    actor: str  # token name, "anonymous" or "invalid-token"
    token_id: str | None
    role: str | None
    method: str
    path: str
    action: str  # e.g. the OCPP action sent, or the route template
    status: int
    outcome: str  # ok | denied | rejected | failed
    detail: str


def outcome_of(status: int) -> str:
    if status < 400:
        return "ok"
    if status in (401, 403):
        return "denied"
    if status < 500:
        return "rejected"
    return "failed"


class AuditLog:
    def __init__(self, max_entries: int = 10_000) -> None:
        self._entries: deque[AuditEntry] = deque(maxlen=max_entries)
        self._seq = itertools.count(1)

    def record(self, **fields: Any) -> AuditEntry:
        entry = AuditEntry(seq=next(self._seq), **fields)
        self._entries.append(entry)
        log.info("%s %s %s by %s: %s %s", entry.method, entry.path, entry.action, entry.actor, entry.status,
                 entry.outcome, extra={"audit": True, "actor": entry.actor, "token_id": entry.token_id,
                                       "method": entry.method, "path": entry.path, "action": entry.action,
                                       "status": entry.status, "outcome": entry.outcome, "detail": entry.detail})
        return entry

    def entries(self) -> list[AuditEntry]:
        """Oldest first."""
        return list(self._entries)


class ApiMiddleware:
    """Pure ASGI middleware (it never buffers a response, so event streams pass through): audits commands,
    counts requests by route template, and adds security headers."""

    def __init__(self, app: ASGIApp, *, audit: AuditLog, clock: Clock,
                 count: Callable[[str, str, int], None] | None = None) -> None:
        self.app = app
        self._audit = audit
        self._clock = clock
        self._count = count

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state: dict[str, Any] = scope.setdefault("state", {})
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = list(message.get("headers", []))
                headers.append((b"x-content-type-options", b"nosniff"))
                if scope["path"].startswith("/dashboard"):
                    headers.append((b"content-security-policy",
                                    b"default-src 'self'; img-src 'self' data:; object-src 'none'; "
                                    b"frame-ancestors 'none'; base-uri 'none'"))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or (
                "/dashboard" if scope["path"].startswith("/dashboard") else "unmatched")
            method = scope["method"]
            if self._count is not None:
                self._count(method, template, status)
            if method in _COMMAND_METHODS and scope["path"].startswith("/api/"):
                self._record(state, method, scope["path"], template, status)

    def _record(self, state: dict[str, Any], method: str, path: str, template: str, status: int) -> None:
        principal = state.get("principal")
        self._audit.record(
            at=self._clock.now(),
            actor=principal.name if principal is not None else state.get("actor", "anonymous"),
            token_id=None if principal is None else principal.token_id,
            role=None if principal is None else principal.role.value,
            method=method, path=path, action=str(state.get("audit_action", template)), status=status,
            outcome=outcome_of(status), detail=str(state.get("audit_detail", ""))[:500],
        )
