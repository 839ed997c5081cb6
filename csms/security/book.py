"""The record of station certificates: what was issued to whom and until when, and what is revoked.

The handshake asks `is_revoked(serial)`; the renewal check asks `due_for_renewal(now, before)` for stations whose
newest certificate expires within `before` (the CSMS then triggers a new SignCertificate, A02 from the CSMS
side). With a `path` the book is a JSON file rewritten atomically on every change (one node; a cluster needs it
in the shared store, not done yet); without one it lives in memory.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path


@dataclass(frozen=True, slots=True)
class CertificateRecord:
    serial: int
    station_id: str
    not_after: datetime
    revoked_at: datetime | None = None


class CertificateBook:
    def __init__(self, path: Path | None = None) -> None:
        self._path = path
        self._records: dict[int, CertificateRecord] = {}
        if path is not None and path.exists():
            for raw in json.loads(path.read_text()):
                revoked = raw.get("revoked_at")
                record = CertificateRecord(int(raw["serial"]), raw["station_id"],
                                           datetime.fromisoformat(raw["not_after"]),
                                           datetime.fromisoformat(revoked) if revoked else None)
                self._records[record.serial] = record

    def _save(self) -> None:
        if self._path is None:
            return
        rows = [{**asdict(r), "serial": str(r.serial), "not_after": r.not_after.isoformat(),
                 "revoked_at": r.revoked_at.isoformat() if r.revoked_at else None} for r in self._records.values()]
        tmp = self._path.with_suffix(".tmp")
        tmp.write_text(json.dumps(rows, indent=1))
        os.replace(tmp, self._path)

    def add(self, serial: int, station_id: str, not_after: datetime) -> None:
        self._records[serial] = CertificateRecord(serial, station_id, not_after)
        self._save()

    def revoke(self, serial: int, at: datetime, station_id: str = "") -> None:
        """Revoke `serial` (known or not: a certificate issued elsewhere can be revoked too)."""
        record = self._records.get(serial) or CertificateRecord(serial, station_id, at)
        self._records[serial] = CertificateRecord(record.serial, record.station_id, record.not_after, at)
        self._save()

    def revoke_station(self, station_id: str, at: datetime) -> int:
        """Revoke every certificate issued to `station_id`; return how many."""
        serials = [r.serial for r in self._records.values() if r.station_id == station_id and r.revoked_at is None]
        for serial in serials:
            self._records[serial] = CertificateRecord(serial, station_id, self._records[serial].not_after, at)
        self._save()
        return len(serials)

    def is_revoked(self, serial: int) -> bool:
        record = self._records.get(serial)
        return record is not None and record.revoked_at is not None

    def get(self, serial: int) -> CertificateRecord | None:
        return self._records.get(serial)

    def due_for_renewal(self, now: datetime, before: timedelta) -> list[CertificateRecord]:
        """Per station, its newest unrevoked certificate if that expires before `now + before`."""
        newest: dict[str, CertificateRecord] = {}
        for record in self._records.values():
            if record.revoked_at is None and (record.station_id not in newest
                                              or record.not_after > newest[record.station_id].not_after):
                newest[record.station_id] = record
        return sorted((r for r in newest.values() if r.not_after <= now + before), key=lambda r: r.not_after)
