#!/usr/bin/env bash
# Back up the CSMS's Redis: a fresh RDB snapshot plus the AOF directory, into a dated folder; keeps the last
# $KEEP backups. Run daily from cron or a systemd timer as a user that can read /var/lib/redis (docs/deploy.md).
#   REDISCLI_AUTH=<password> deploy/backup-redis.sh /var/backups/csms
set -euo pipefail
DEST_ROOT=${1:?usage: backup-redis.sh DEST_DIR}
REDIS_DIR=${REDIS_DIR:-/var/lib/redis}
KEEP=${KEEP:-14}
CLI=(redis-cli -h "${REDIS_HOST:-127.0.0.1}" -p "${REDIS_PORT:-6379}")

before=$("${CLI[@]}" LASTSAVE)
"${CLI[@]}" BGSAVE >/dev/null
for _ in $(seq 1 600); do  # wait up to 10 min for the snapshot
  [ "$("${CLI[@]}" LASTSAVE)" != "$before" ] && break
  sleep 1
done
[ "$("${CLI[@]}" LASTSAVE)" != "$before" ] || { echo "backup-redis: BGSAVE did not finish" >&2; exit 1; }

dest="$DEST_ROOT/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$dest"
cp -p "$REDIS_DIR/dump.rdb" "$dest/"
[ -d "$REDIS_DIR/appendonlydir" ] && cp -rp "$REDIS_DIR/appendonlydir" "$dest/"
"${CLI[@]}" GET "${CSMS_PREFIX:-csms}:meta:schema_version" > "$dest/schema_version" || true
echo "backup-redis: $dest ($(du -sh "$dest" | cut -f1))"
ls -1d "$DEST_ROOT"/*/ 2>/dev/null | sort | head -n -"$KEEP" | xargs -r rm -rf
