"""The types of an after-call effect (`csms.services.call_effects`): a request and its station's answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TypeVar, cast

from csms.domain.ids import StationId

Payload = Mapping[str, object]  # a request or answer of some action (its TypedDict in csms/ocpp/wire)
Effect = Callable[[StationId, Payload, Payload], Awaitable[None]]
_Request = TypeVar("_Request", bound=Payload)
_Answer = TypeVar("_Answer", bound=Payload)


def typed_effect(keep: Callable[[StationId, _Request, _Answer], Awaitable[None]]) -> Effect:
    """An effect that reads its action's request and answer TypedDicts: `CallEffects.after` runs it once the
    session has validated both against the action's schemas."""
    return cast(Effect, keep)
