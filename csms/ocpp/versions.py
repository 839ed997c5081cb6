"""OCPP versions we speak, keyed by their websocket subprotocol names."""

from __future__ import annotations

import enum


class OcppVersion(enum.StrEnum):
    """Subprotocol name of each OCPP version this project speaks."""

    V201 = "ocpp2.0.1"
    V21 = "ocpp2.1"

    @property
    def schema_dir(self) -> str:
        """Folder of this version's JSON schemas inside the `ocpp` package."""
        return {OcppVersion.V201: "v201", OcppVersion.V21: "v21"}[self]

    @property
    def has_send_frames(self) -> bool:
        """OCPP 2.1 adds CALLRESULTERROR (5) and SEND (6)."""
        return self is OcppVersion.V21


SUPPORTED_SUBPROTOCOLS: tuple[str, ...] = (OcppVersion.V21.value, OcppVersion.V201.value)


def select_subprotocol(offered: list[str], enabled: tuple[OcppVersion, ...]) -> OcppVersion | None:
    """Pick the first subprotocol in the client's order of preference that we have enabled, or None."""
    enabled_names = {v.value for v in enabled}
    for name in offered:
        if name in enabled_names:
            return OcppVersion(name)
    return None
