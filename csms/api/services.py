"""`ApiServices`: everything the API may use, handed in by the composition root (csms/app.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from csms.api.audit import AuditLog
from csms.domain.clock import Clock
from csms.services.charging import ChargingService
from csms.services.commands import CommandService
from csms.services.credentials import CredentialService
from csms.services.events import EventBus
from csms.services.gateway import StationGateway
from csms.store.base import StateStore

if TYPE_CHECKING:  # numpy/highspy only where fleet control is enabled
    from csms.grid.feed import FeedStatus
    from csms.grid.push import RegulationPush
    from csms.observability.metrics import CsmsMetrics
    from csms.services.fleet_controller import FleetController


def _always() -> bool:
    return True


def _never() -> bool:
    return False


@dataclass(frozen=True)
class ApiServices:
    """Everything the API may use. Optional parts switch their endpoints to 404/503 answers when absent."""

    store: StateStore
    gateway: StationGateway
    commands: CommandService
    charging: ChargingService
    credentials: CredentialService
    clock: Clock
    api_token: str
    node_info: Callable[[], dict[str, Any]] = lambda: {}
    events: EventBus | None = None
    fleet: FleetController | None = None
    is_leader: Callable[[], bool] = _always
    metrics: CsmsMetrics | None = None
    ocpp_listening: Callable[[], bool] = _always
    regulation: RegulationPush | None = None
    shutting_down: Callable[[], bool] = _never  # event streams end when this turns true
    audit: AuditLog = field(default_factory=AuditLog)
    grid_feeds: Callable[[], list[FeedStatus]] | None = None  # live grid feeds' status (csms/grid/feed.py)
