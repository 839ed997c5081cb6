"""OCPP versions we speak, keyed by their websocket subprotocol names."""

from __future__ import annotations

import enum


class OcppVersion(enum.StrEnum):
    """Subprotocol name of each OCPP version this project speaks."""

    V201 = "ocpp2.0.1"
    V21 = "ocpp2.1"
    V16 = "ocpp1.6"  # OCPP 1.6J (csms/handlers/v16)

    @property
    def schema_dir(self) -> str:
        """Folder of this version's JSON schemas inside the `ocpp` package."""
        return {OcppVersion.V201: "v201", OcppVersion.V21: "v21", OcppVersion.V16: "v16"}[self]

    @property
    def has_send_frames(self) -> bool:
        """OCPP 2.1 adds CALLRESULTERROR (5) and SEND (6)."""
        return self is OcppVersion.V21

    @property
    def request_schema_suffix(self) -> str:
        """How a request's schema file is named after its action: OCPP 1.6 files have no suffix."""
        return "" if self is OcppVersion.V16 else "Request"


OCPP_2X: tuple[OcppVersion, ...] = (OcppVersion.V201, OcppVersion.V21)  # the versions the simulator speaks

SUPPORTED_SUBPROTOCOLS: tuple[str, ...] = (OcppVersion.V21.value, OcppVersion.V201.value, OcppVersion.V16.value)


def select_subprotocol(offered: list[str], enabled: tuple[OcppVersion, ...]) -> OcppVersion | None:
    """Pick the first subprotocol in the client's order of preference that we have enabled, or None."""
    enabled_names = {v.value for v in enabled}
    for name in offered:
        if name in enabled_names:
            return OcppVersion(name)
    return None
