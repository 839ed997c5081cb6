"""The record of station certificates: what was issued to whom and until when, and what is revoked.

The handshake asks `is_revoked(serial)`; the renewal check asks `due_for_renewal(now, before)` for stations whose
newest certificate expires within `before` (the CSMS then triggers a new SignCertificate, A02 from the CSMS
side). With a `path` the book is a JSON file, rewritten atomically under an exclusive lock and re-read when
another process changed it, so worker processes sharing a host (`ocpp.reuse_port`) and the revocation CLI see
one book:

    python -m csms.security.book --path .pki/ca/issued.json revoke --station CS-1   (or --serial <hex>)
    python -m csms.security.book --path .pki/ca/issued.json list

Without a path it lives in memory. Several hosts need it in the shared store (not done yet).
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from csms.domain.ids import StationId
from csms.security.events import NO_STATION


@dataclass(frozen=True, slots=True)
class CertificateRecord:
    serial: int
    station_id: StationId
    not_after: datetime
    revoked_at: datetime | None = None


class CertificateBook:
    def __init__(self, path: Path | None = None) -> None:
        self._path = path
        self._records: dict[int, CertificateRecord] = {}
        self._loaded: tuple[int, int, int] | None = None  # (inode, mtime ns, size) of the file last read
        self._refresh()

    # ---- file ---------------------------------------------------------------------------------------

    def _refresh(self) -> None:
        """Re-read the file if another writer changed it since we last did."""
        if self._path is None:
            return
        try:
            st = self._path.stat()
        except FileNotFoundError:
            return
        version = (st.st_ino, st.st_mtime_ns, st.st_size)
        if version == self._loaded:
            return
        records: dict[int, CertificateRecord] = {}
        for raw in json.loads(self._path.read_text() or "[]"):
            revoked = raw.get("revoked_at")
            record = CertificateRecord(int(raw["serial"]), StationId(raw["station_id"]),
                                       datetime.fromisoformat(raw["not_after"]),
                                       datetime.fromisoformat(revoked) if revoked else None)
            records[record.serial] = record
        self._records, self._loaded = records, version

    @contextlib.contextmanager
    def _changing(self) -> Iterator[None]:
        """Lock, re-read, let the caller change `_records`, write back atomically."""
        if self._path is None:
            yield
            return
        self._path.parent.mkdir(parents=True, exist_ok=True)
        with open(self._path.with_suffix(".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            self._refresh()
            yield
            rows = [{"serial": str(r.serial), "station_id": r.station_id, "not_after": r.not_after.isoformat(),
                     "revoked_at": r.revoked_at.isoformat() if r.revoked_at else None} for r in self._records.values()]
            tmp = self._path.with_suffix(".tmp")
            tmp.write_text(json.dumps(rows, indent=1))
            os.replace(tmp, self._path)
            st = self._path.stat()
            self._loaded = (st.st_ino, st.st_mtime_ns, st.st_size)

    # ---- records ------------------------------------------------------------------------------------

    def add(self, serial: int, station_id: StationId, not_after: datetime) -> None:
        with self._changing():
            self._records[serial] = CertificateRecord(serial, station_id, not_after)

    def track(self, serial: int, station_id: StationId, not_after: datetime | None) -> None:
        """Record a certificate seen in a handshake if the book does not know it (e.g. issued by another CA), so
        its expiry is tracked too; a known serial costs one dict lookup."""
        self._refresh()
        if serial not in self._records and not_after is not None:
            self.add(serial, station_id, not_after)

    def revoke(self, serial: int, at: datetime, station_id: StationId = NO_STATION) -> None:
        """Revoke `serial` (known or not: a certificate issued elsewhere can be revoked too)."""
        with self._changing():
            record = self._records.get(serial) or CertificateRecord(serial, station_id, at)
            self._records[serial] = CertificateRecord(record.serial, record.station_id, record.not_after, at)

    def revoke_station(self, station_id: StationId, at: datetime) -> int:
        """Revoke every certificate issued to `station_id`; return how many."""
        with self._changing():
            serials = [r.serial for r in self._records.values()
                       if r.station_id == station_id and r.revoked_at is None]
            for serial in serials:
                self._records[serial] = CertificateRecord(serial, station_id, self._records[serial].not_after, at)
        return len(serials)

    def is_revoked(self, serial: int) -> bool:
        self._refresh()
        record = self._records.get(serial)
        return record is not None and record.revoked_at is not None

    def get(self, serial: int) -> CertificateRecord | None:
        self._refresh()
        return self._records.get(serial)

    def records(self) -> list[CertificateRecord]:
        self._refresh()
        return sorted(self._records.values(), key=lambda r: (r.station_id, r.not_after))

    def due_for_renewal(self, now: datetime, before: timedelta) -> list[CertificateRecord]:
        """Per station, its newest unrevoked certificate if that expires before `now + before`."""
        newest: dict[StationId, CertificateRecord] = {}
        for record in self.records():
            if record.revoked_at is None and (record.station_id not in newest
                                              or record.not_after > newest[record.station_id].not_after):
                newest[record.station_id] = record
        return sorted((r for r in newest.values() if r.not_after <= now + before), key=lambda r: r.not_after)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--path", type=Path, required=True, help="the book, <ocpp.tls.ca_dir>/issued.json")
    commands = parser.add_subparsers(dest="command", required=True)
    revoke = commands.add_parser("revoke")
    which = revoke.add_mutually_exclusive_group(required=True)
    which.add_argument("--serial", help="certificate serial number (hex)")
    which.add_argument("--station", help="revoke every certificate of this station")
    commands.add_parser("list")
    args = parser.parse_args(argv)
    book = CertificateBook(args.path)
    now = datetime.now(UTC)  # an operator's command: wall time is what "revoked at" means
    if args.command == "list":
        for r in book.records():
            state = f"revoked {r.revoked_at.isoformat()}" if r.revoked_at else "valid"
            print(f"{r.station_id}\t{r.serial:x}\tuntil {r.not_after.isoformat()}\t{state}")
    elif args.station:
        print(f"revoked {book.revoke_station(args.station, now)} certificate(s) of {args.station}")
    else:
        book.revoke(int(args.serial, 16), now)
        print(f"revoked {args.serial}")


if __name__ == "__main__":
    main()
