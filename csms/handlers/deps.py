"""What OCPP handlers may use: the store, the clock, the event bus, a few policy settings, the station
certificate authority (block M) and the DataTransfer vendor registry (block P)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from itertools import count

from csms.domain.clock import Clock
from csms.domain.ids import StationId
from csms.domain.records import BootPolicy
from csms.ocpp.session import HandlerContext, ReceivedPayload, Response
from csms.services.certificates_station import StationCertificateAuthority, UnconfiguredCertificateAuthority
from csms.services.data_transfer import VendorExtensions
from csms.services.events import EventBus
from csms.store.base import StateStore


@dataclass(slots=True)
class HandlerDeps:
    store: StateStore
    clock: Clock
    events: EventBus
    default_boot_policy: BootPolicy = BootPolicy.ACCEPT
    heartbeat_interval_s: int = 300
    boot_retry_interval_s: int = 60
    accept_unknown_tokens: bool = False
    fetch_device_model_on_boot: bool = True
    # Registration status of the stations connected to this node (station id -> last BootNotification answer).
    registration: dict[StationId, BootPolicy] = field(default_factory=dict)
    request_ids: count[int] = field(default_factory=lambda: count(1))
    certificates: StationCertificateAuthority = field(default_factory=UnconfiguredCertificateAuthority)
    vendor_extensions: VendorExtensions = field(default_factory=VendorExtensions.default)
    # OCPP 1.6J models ("vendor/model") the operator declared bidirectional (csms/handlers/v16/core.py)
    v16_bidirectional_models: frozenset[str] = frozenset()


# A handler before binding: each one declares its request and response TypedDicts (csms/ocpp/wire); a table
# of them can only say "a received payload" (tests/unit/handlers/test_handler_types.py checks each declares its own).
BoundHandler = Callable[[HandlerDeps, HandlerContext, ReceivedPayload], Awaitable[Response]]
