"""Every handler in the CSMS's tables declares the generated request and response types of its action."""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from typing import Any

import pytest

from csms.handlers import HANDLERS
from csms.handlers.security import sign_certificate_with
from csms.handlers.v16 import HANDLERS_V16
from csms.ocpp.schemas import schema_actions
from csms.ocpp.versions import OcppVersion
from csms.ocpp.wire import v16, v21, v201


def _members(annotation: Any) -> set[Any]:
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return set(typing.get_args(annotation))
    return {annotation}


def _declared(handler: Callable[..., Any]) -> tuple[set[Any], set[Any]]:
    hints = typing.get_type_hints(handler)
    return _members(hints["payload"]), _members(hints["return"])


TABLES_2X = {**HANDLERS, "SignCertificate": sign_certificate_with(typing.cast(Any, None))}  # the signer is not called


@pytest.mark.parametrize("action", sorted(TABLES_2X))
def test_2x_handlers_take_the_request_and_return_the_response_of_each_version(action: str) -> None:
    payload, answer = _declared(TABLES_2X[action])
    versions = [(m, v) for m, v in ((v201, OcppVersion.V201), (v21, OcppVersion.V21)) if action in schema_actions(v)]
    assert versions, f"{action} is in no 2.x schema set"
    for module, _ in versions:
        assert getattr(module, f"{action}Request") in payload, action
        assert getattr(module, f"{action}Response") in answer, action


@pytest.mark.parametrize("action", sorted(HANDLERS_V16))
def test_16_handlers_take_the_16_request_and_return_the_16_response(action: str) -> None:
    assert action in schema_actions(OcppVersion.V16)
    payload, answer = _declared(HANDLERS_V16[action])
    assert getattr(v16, f"{action}Request") in payload, action
    assert getattr(v16, f"{action}Response") in answer, action
