#!/usr/bin/env bash
# Install the system packages `make test` needs, only those that are absent (idempotent; Debian/Ubuntu):
#   redis-server  the test fixtures start their own on a free loopback port (not needed if CSMS_REDIS_URL is set;
#                 CSMS_REDIS_SERVER may name another binary)
#   chromium      the dashboard's browser test drives it with Playwright (CSMS_CHROMIUM may name another path)
# Runs apt-get as root, or through sudo when not root; exits non-zero with a message when it cannot install.
set -euo pipefail

say() { echo "ensure-system-deps: $*"; }
fail() { echo "ensure-system-deps: ERROR: $*" >&2; exit 1; }

redis_present() { command -v "${CSMS_REDIS_SERVER:-redis-server}" >/dev/null 2>&1; }
chromium_present() { [ -x "${CSMS_CHROMIUM:-/usr/bin/chromium}" ]; }

missing=()
if [ -n "${CSMS_REDIS_URL:-}" ]; then
  say "CSMS_REDIS_URL is set: the tests use that Redis, redis-server is not required"
elif redis_present; then
  say "redis-server present: $(command -v "${CSMS_REDIS_SERVER:-redis-server}")"
else
  missing+=(redis-server)
fi
if chromium_present; then
  say "chromium present: ${CSMS_CHROMIUM:-/usr/bin/chromium}"
else
  missing+=(chromium)
fi
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

say "missing: ${missing[*]}"
command -v apt-get >/dev/null 2>&1 \
  || fail "apt-get not found: install ${missing[*]} with your package manager (chromium at /usr/bin/chromium or set CSMS_CHROMIUM; redis-server on PATH or set CSMS_REDIS_URL), then run make test again"
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 \
    || fail "not root and no sudo: run 'apt-get install -y ${missing[*]}' as root, then make test again"
  as_root=(sudo)
  [ -t 0 ] || as_root=(sudo -n)  # no terminal to ask for a password on: fail at once instead of hanging
  say "not root: using ${as_root[*]}"
fi

prefix="${as_root[*]:+${as_root[*]} }"
say "running: ${prefix}apt-get update"
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
  || fail "apt-get update failed (no network or no permission?); install ${missing[*]} by hand"
say "running: ${prefix}apt-get install -y ${missing[*]}"
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
  || fail "apt-get install ${missing[*]} failed; install them by hand"

for package in "${missing[@]}"; do
  case "$package" in
    redis-server) redis_present || fail "redis-server still not found on PATH after installing it" ;;
    chromium) chromium_present || fail "${CSMS_CHROMIUM:-/usr/bin/chromium} still missing after installing chromium" ;;
  esac
done
say "installed: ${missing[*]}"
