"""Errors raised by the grid-signal layer. Imports only csms.errors."""

from __future__ import annotations

from csms.errors import CsmsError


class GridError(CsmsError):
    """Base of the grid-signal layer's errors."""


class GridDataError(GridError):
    """Malformed grid data: a file, a pushed sample or an OpenADR message we refuse to interpret.

    `source` names where the data came from (a file path, `push:regulation`, `openadr:<vtn>`), `line` is the
    1-based physical line of a text file when known, `column` the offending column or field.
    """

    def __init__(self, message: str, *, source: str, line: int | None = None, column: str | None = None) -> None:
        self.message = message
        self.source = source
        self.line = line
        self.column = column
        where = source if line is None else f"{source}:{line}"
        what = message if column is None else f"{message} (column {column!r})"
        super().__init__(f"{where}: {what}")


class GridConnectionError(GridError):
    """A live grid peer (an OpenADR VTN) could not be reached or refused us."""


class LoopBehindError(GridError):
    """A run's control loop fell behind its grid signal (samples handed on late, beyond the allowed steps): its
    score does not measure the fleet and is invalid. `result` is the run's result, kept for inspection."""

    def __init__(self, reason: str, result: object = None) -> None:
        self.reason = reason
        self.result = result
        super().__init__(f"score INVALID: {reason}")
