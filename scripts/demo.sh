#!/usr/bin/env bash
# `make run`: start the CSMS with its in-memory store, then a handful of simulated stations against it.
# Both log at WARNING (CSMS_LOG_LEVEL / SIM_LOG_LEVEL to change); once both run, the URL banner is printed last,
# followed by a one-line-per-second fleet summary (rewritten in place on a terminal). Ctrl-C stops all (by PID).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
STATIONS=${STATIONS:-5}
SPEED=${SPEED:-60}
OCPP_PORT=${CSMS_OCPP__PORT:-9000}
API_PORT=${CSMS_API__PORT:-8080}
SIM_LOG_LEVEL=${SIM_LOG_LEVEL:-WARNING}
export CSMS_LOG_LEVEL=${CSMS_LOG_LEVEL:-WARNING}

# The simulated EVs present unregistered RFID tokens: accept them in the demo (never in production).
# The fleet controller runs with a regulation capacity price, so the plan reserves up/down capacity that the
# dashboard's "send signal" control (or POST /api/v1/grid/regulation) dispatches.
export CSMS_SECURITY__ACCEPT_UNKNOWN_TOKENS=${CSMS_SECURITY__ACCEPT_UNKNOWN_TOKENS:-true}
export CSMS_FLEET__ENABLED=${CSMS_FLEET__ENABLED:-true}
export CSMS_FLEET__REG_UP_PRICE_PER_MWH=${CSMS_FLEET__REG_UP_PRICE_PER_MWH:-30}
export CSMS_FLEET__REG_DOWN_PRICE_PER_MWH=${CSMS_FLEET__REG_DOWN_PRICE_PER_MWH:-30}
export CSMS_FLEET__HORIZON_STEPS=${CSMS_FLEET__HORIZON_STEPS:-32}
# A hand-pushed regulation value holds for a simulated hour (one real minute at 60x); config/csms.toml keeps the
# 10 s fail-safe for live feeds, which at 60x would end a one-off push within a fifth of a real second.
export CSMS_GRID__REGULATION_MAX_AGE_S=${CSMS_GRID__REGULATION_MAX_AGE_S:-3600}
# The admin token the CSMS will use (env or config file), and where it comes from: said in the banner.
TOKEN=$($BIN/python -c "from csms.settings import load_settings; print(load_settings().api.token)")
if [ -n "${CSMS_API__TOKEN:-}" ]; then
  TOKEN_FROM="from CSMS_API__TOKEN"
else
  TOKEN_FROM="api.token in ${CSMS_CONFIG:-config/csms.toml}; set CSMS_API__TOKEN to use another"
fi
# CSMS and simulator share one simulated clock: same start, same speed, same monotonic anchor.
START_AT=$($BIN/python -c "from datetime import UTC, datetime; print(datetime.now(UTC).isoformat())")
ANCHOR=$($BIN/python -c "import time; print(repr(time.monotonic()))")
export CSMS_CLOCK__SPEED=$SPEED CSMS_CLOCK__START_AT=$START_AT CSMS_CLOCK__ANCHOR_MONOTONIC_S=$ANCHOR
# PROFILE=2 or 3 (`PROFILE=3 make run`): wss:// with a development PKI made on first run under the git-ignored
# .pki/ (csms/security/devpki.py); profile 3 gives every simulated station a client certificate (CN = its id).
PROFILE=${PROFILE:-1}
SCHEME=ws
SIM_TLS=()
if [ "$PROFILE" != 1 ]; then
  STATION_IDS=()
  if [ "$PROFILE" = 3 ]; then
    read -r -a STATION_IDS <<<"$($BIN/python -c "
from pathlib import Path; from chargepoint_sim.config import load_config
c = load_config(Path('config/sim/mixed-kinds.toml'), stations=$STATIONS)
print(' '.join(c.station_id(i) for i in range(1, c.stations + 1)))")"
  fi
  STATION_ARGS=()
  for sid in "${STATION_IDS[@]}"; do STATION_ARGS+=(--station "$sid"); done
  while IFS= read -r line; do export "${line?}"; done < <($BIN/python -m csms.security.devpki --dir .pki \
    --server-name localhost --server-name 127.0.0.1 "${STATION_ARGS[@]}")
  SCHEME=wss
  SIM_TLS=(--tls-dir .pki)
fi
echo "starting the CSMS and $STATIONS simulated stations on security profile $PROFILE (logs at $CSMS_LOG_LEVEL) ..."
$BIN/csms serve --plain-logs > /dev/null &  # logs go to stderr; its stdout banner is replaced by ours
CSMS_PID=$!
SIM_PID=""
STATUS_PID=""
cleanup() {
  [ -n "$STATUS_PID" ] && kill "$STATUS_PID" 2>/dev/null || true
  [ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null || true
  kill "$CSMS_PID" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

port_open() { $BIN/python -c "import socket; socket.create_connection(('127.0.0.1', $1), 0.2)" 2>/dev/null; }
for _ in $(seq 1 300); do
  if port_open "$OCPP_PORT" && port_open "$API_PORT"; then
    break
  fi
  kill -0 "$CSMS_PID" 2>/dev/null || { echo "CSMS failed to start" >&2; exit 1; }
  sleep 0.1
done

$BIN/csms sim --config config/sim/mixed-kinds.toml --csms "$SCHEME://127.0.0.1:$OCPP_PORT/ocpp" \
  --stations "$STATIONS" --speed "$SPEED" --password demo-password-0123456789 --log-level "$SIM_LOG_LEVEL" \
  --start-at "$START_AT" --clock-anchor "$ANCHOR" "${SIM_TLS[@]}" &
SIM_PID=$!
cat <<MSG

  CSMS running (in-memory store); $STATIONS simulated stations are connecting on security profile $PROFILE
  (simulated time runs ${SPEED}x faster than real time). Admin token: $TOKEN ($TOKEN_FROM).
    http://127.0.0.1:$API_PORT/dashboard/    live dashboard (sign in with the token)
    http://127.0.0.1:$API_PORT/docs          operator API (Authorize with the token)
    $SCHEME://127.0.0.1:$OCPP_PORT/ocpp/<stationId>   OCPP 1.6J / 2.0.1 / 2.1 endpoint
    curl -s -H 'Authorization: Bearer $TOKEN' http://127.0.0.1:$API_PORT/api/v1/stations
  Ctrl-C stops everything. Fleet summary, once a second:

MSG
$BIN/python -m csms.demo_status --api "http://127.0.0.1:$API_PORT" --token "$TOKEN" &
STATUS_PID=$!
wait "$CSMS_PID"
