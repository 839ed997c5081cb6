"""v2g-csms: an OCPP 2.0.1/2.1 charge-point management system for vehicle-to-grid fleets.

The version has one source, pyproject.toml; the installed metadata carries it here.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("v2g-csms")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
