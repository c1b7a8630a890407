#!/usr/bin/env bash
# The main job, end to end on this machine: two Blech databases (chip, the active machine, and dale, the standby) on a
# throw-away PostgreSQL pair, filled through the Blech emulator the way Blech itself and its push would fill them; then
# `bridge diff`, `bridge sync`, and Blech's regeneration on dale writing vhosts bound to the service address V.
# Safe to run twice; everything lives in a temporary folder that is removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
source scripts/lib/servers.sh

run=$(mktemp -d /tmp/bridge-demo.XXXXXX)
chmod 755 "$run"
cleanup() { pg_down "$run/chip"; pg_down "$run/dale"; rm -rf "$run"; }
trap cleanup EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Building Bridge"
dotnet build Bridge.sln -c Release --nologo -v quiet -clp:ErrorsOnly
bridge() { dotnet src/Bridge.Cli/bin/Release/net10.0/bridge.dll "$@"; }
demo() { dotnet tests/Bridge.Demo/bin/Release/net10.0/bridge-demo.dll "$@"; }

step "Starting PostgreSQL for chip and for dale (in $run)"
base=$((30000 + $$ % 10000))
chip_port=$(free_port "$base"); dale_port=$(free_port $((chip_port + 1)))
pg_up "$run/chip" "$chip_port" & a=$!
pg_up "$run/dale" "$dale_port" & b=$!
wait $a && wait $b

step "Blech on chip and dale: chip filled, dale filled by Blech's own push"
demo setup "$(pg_conn "$chip_port")" "$(pg_conn "$dale_port")"

cat > "$run/bridge.json" <<JSON
{
  "serviceAddress": "192.0.2.100",
  "local": { "engine": "postgres", "connectionString": "$(pg_conn "$dale_port" blech)", "address": "192.0.2.2" },
  "peer":  { "engine": "postgres", "connectionString": "$(pg_conn "$chip_port" blech)", "address": "192.0.2.1" },
  "lockFile": "$run/bridge.lock",
  "apache": { "enabled": false },
  "ready": { "configRoot": "$run/generated", "checkDns": false }
}
JSON
chmod 600 "$run/bridge.json"

step "bridge check"
bridge check --config "$run/bridge.json" || true

step "bridge diff (what sync would do; first lines)"
bridge diff --config "$run/bridge.json" | { head -n 12; echo "..."; tail -n 1; }

step "bridge sync"
bridge sync --config "$run/bridge.json" | tail -n 1

step "Blech's regeneration on dale"
demo regen "$(pg_conn "$dale_port")" "$run/generated"
echo "--- $run/generated/apache/sites/site000.example.conf"
cat "$run/generated/apache/sites/site000.example.conf"

step "bridge diff --exit-code (nothing left to do)"
bridge diff --config "$run/bridge.json" --exit-code

step "Blech's hourly push undoes the addresses; the next sync puts them back and counts reverts"
demo push "$(pg_conn "$chip_port")" "$(pg_conn "$dale_port")"
bridge sync --config "$run/bridge.json" | tail -n 1

step "bridge report (the daily dry-run report, as mailed)"
demo edit "$(pg_conn "$chip_port")"
bridge report --config "$run/bridge.json" 2>/dev/null
echo
echo "Demo done: dale's sites are bound to the service address 192.0.2.100 and its zones match chip's."
