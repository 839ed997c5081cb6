"""Exceptions raised by the state stores. All subclass `csms.errors.CsmsError` through `StoreError`."""

from __future__ import annotations

from csms.errors import CsmsError


class StoreError(CsmsError):
    """Base of every error a `StateStore` raises on purpose."""


class StoreUnavailable(StoreError):
    """The backing store could not be reached or did not answer in time (connection refused, timeout, pool
    exhausted, server error). The operation may or may not have been applied; retrying a put is safe."""


class RecordRejected(StoreError, ValueError):
    """A record cannot be stored faithfully: naive datetime, non-finite float, or an int beyond 64 bits."""


class CorruptRecord(StoreError):
    """Stored bytes could not be decoded into the expected record type."""


class StoreSchemaError(StoreError):
    """The store's records are of a schema version this CSMS cannot use (newer than it knows, or older with no
    migration to the current one): the node refuses to start (csms/store/schema.py)."""
