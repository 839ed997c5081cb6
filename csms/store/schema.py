"""The schema version of the stored records, checked when a node starts (`ensure_schema_version`).

Every store holds one integer, the version of the layout its records were written in (Redis key
`<prefix>:meta:schema_version`). At startup a node:
- writes `SCHEMA_VERSION` if the store holds none (a new store, or one written before versions were stored,
  whose layout is version 1), atomically, so nodes starting together agree;
- starts if the stored version equals `SCHEMA_VERSION`;
- runs the registered `MIGRATIONS` in order if it is older (each upgrades from version n to n + 1 and is
  idempotent), recording each step, and refuses to start when a step is missing;
- refuses to start if it is newer: a newer CSMS wrote it, and this one would misread its records.
A change to a stored record's encoding (csms/store/codec.py, keys.py) bumps `SCHEMA_VERSION` and adds a
migration here; docs/deploy.md ("Upgrades and data migrations") describes the operator's side.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping

from csms.store.base import StateStore
from csms.store.errors import StoreSchemaError

log = logging.getLogger("csms.store.schema")

SCHEMA_VERSION = 1
"""The record layout this CSMS reads and writes."""

Migration = Callable[[StateStore], Awaitable[None]]
MIGRATIONS: Mapping[int, Migration] = {}
"""n -> the migration from version n to n + 1 (none yet: version 1 is the first)."""


async def ensure_schema_version(store: StateStore, *, current: int = SCHEMA_VERSION,
                                migrations: Mapping[int, Migration] = MIGRATIONS) -> int:
    """Check (and on first start write) the store's schema version; migrate an older one. Returns the version
    the store holds afterwards (`current`); raises `StoreSchemaError` with a one-line reason otherwise."""
    stored = await store.claim_schema_version(current)
    if stored > current:
        raise StoreSchemaError(
            f"the store holds records of schema version {stored}, newer than this CSMS understands ({current}): "
            f"run a CSMS release that knows version {stored} (see docs/deploy.md, upgrades)")
    missing = [n for n in range(stored, current) if n not in migrations]
    if missing:
        raise StoreSchemaError(
            f"the store holds records of schema version {stored} and this CSMS has no migration from version "
            f"{missing[0]} to {missing[0] + 1}: upgrade through an intermediate release (docs/deploy.md)")
    for n in range(stored, current):
        log.warning("migrating stored records from schema version %d to %d", n, n + 1)
        await migrations[n](store)
        await store.set_schema_version(n + 1)
    return current
