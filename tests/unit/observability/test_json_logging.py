"""The structured log formatter (csms/logging_setup.py): one JSON object per line, with the record's level,
logger, message and time, its `extra` fields, and the traceback of an exception."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest

from csms.logging_setup import JsonFormatter


@pytest.fixture
def logged() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("csms.test.json")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    try:
        yield logger, out
    finally:
        logger.removeHandler(handler)


def lines(out: io.StringIO) -> list[dict[str, Any]]:
    text = out.getvalue()
    assert text.endswith("\n")
    return [orjson.loads(line) for line in text.splitlines()]


class Station:
    def __str__(self) -> str:
        return "station CP-1"


def test_a_record_is_one_json_object_with_level_logger_message_time_and_extra_fields(
        logged: tuple[logging.Logger, io.StringIO]) -> None:
    logger, out = logged
    before = datetime.now(UTC)
    logger.info("%s in %s ok", "CP-1", "BootNotification",
                extra={"station_id": "CP-1", "duration_ms": 0.7, "peer": Station()})
    [entry] = lines(out)
    assert set(entry) == {"at", "level", "logger", "msg", "station_id", "duration_ms", "peer"}
    assert (entry["level"], entry["logger"], entry["msg"]) == ("INFO", "csms.test.json", "CP-1 in BootNotification ok")
    assert (entry["station_id"], entry["duration_ms"], entry["peer"]) == ("CP-1", 0.7, "station CP-1")
    at = datetime.fromisoformat(entry["at"])
    assert at.utcoffset() == timedelta(0) and before - timedelta(seconds=1) <= at <= datetime.now(UTC)


def test_an_exception_is_included_as_its_traceback_and_the_entry_stays_one_line(
        logged: tuple[logging.Logger, io.StringIO]) -> None:
    logger, out = logged
    try:
        raise ValueError("bad frame\nsecond line")
    except ValueError:
        logger.exception("session failed", extra={"station_id": "CP-2"})
    logger.warning("next")
    first, second = lines(out)  # two records, two lines: the traceback's newlines are escaped
    assert (first["level"], first["msg"], first["station_id"]) == ("ERROR", "session failed", "CP-2")
    assert first["exc"].startswith("Traceback (most recent call last):")
    assert "ValueError: bad frame\nsecond line" in first["exc"]
    assert "exc" not in second and second["msg"] == "next"
