"""Log lines carry the station and the OCPP message they belong to, without each call site naming them."""

from __future__ import annotations

import io
import logging
from typing import Any

import orjson

from csms.logging_setup import ContextFields, JsonFormatter, log_station
from csms.ocpp.session import HandlerContext
from tests.unit.ocpp.test_session import BOOT, BOOT_OK, make_session


def _json_handler(stream: io.StringIO) -> logging.Handler:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ContextFields())
    return handler


async def test_a_line_logged_inside_a_handler_names_the_bound_station_and_the_message_id() -> None:
    stream = io.StringIO()
    logger = logging.getLogger("test.logging_context")
    logger.addHandler(handler := _json_handler(stream))
    logger.setLevel(logging.INFO)

    async def boot(ctx: HandlerContext, payload: dict[str, Any]) -> dict[str, Any]:
        logger.info("booting")
        return BOOT_OK

    token = log_station.set("CS-LOG-1")  # what the OCPP server does for each connection's task
    try:
        session, wire = make_session({"BootNotification": boot})
        await session.feed(orjson.dumps([2, "msg-42", "BootNotification", BOOT]).decode())
        await wire.next()
        logger.info("after the call")
    finally:
        log_station.reset(token)
        logger.removeHandler(handler)

    inside, after = (orjson.loads(line) for line in stream.getvalue().splitlines())
    assert inside["msg"] == "booting" and inside["station_id"] == "CS-LOG-1" and inside["message_id"] == "msg-42"
    assert after["station_id"] == "CS-LOG-1" and "message_id" not in after  # the message id ends with its call


def test_a_field_the_call_site_names_is_kept() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "m", None, None)
    record.__dict__["station_id"] = "EXPLICIT"  # as the logger does with `extra={"station_id": ...}`
    token = log_station.set("BOUND")
    try:
        ContextFields().filter(record)
    finally:
        log_station.reset(token)
    assert record.__dict__["station_id"] == "EXPLICIT"
