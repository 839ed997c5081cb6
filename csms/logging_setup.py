"""Structured logging: one JSON object per line on stderr, with the `extra` fields of each record.

Context bound per connection and per message: the OCPP server binds `log_station` for each station's connection
task (and so for everything that task and its child tasks log), the RPC session binds `log_message` while it
handles an inbound CALL; `ContextFields` adds them to every record as `station_id` and `message_id`.
"""

from __future__ import annotations

import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

import orjson

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}


log_station: ContextVar[str | None] = ContextVar("log_station", default=None)
log_message: ContextVar[str | None] = ContextVar("log_message", default=None)


class ContextFields(logging.Filter):
    """Adds the bound station id and OCPP message id to records that do not name them already."""

    def filter(self, record: logging.LogRecord) -> bool:
        station = log_station.get()
        if station is not None and not hasattr(record, "station_id"):
            record.station_id = station
        message = log_message.get()
        if message is not None and not hasattr(record, "message_id"):
            record.message_id = message
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        entry.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


def configure_logging(level: str = "INFO", json_lines: bool = True) -> None:
    handler = logging.StreamHandler(sys.stderr)
    plain = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    handler.setFormatter(JsonFormatter() if json_lines else plain)
    handler.addFilter(ContextFields())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    logging.getLogger("websockets").setLevel(logging.WARNING)
