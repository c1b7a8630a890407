#!/usr/bin/env bash
# Runs every test: installs what is missing, starts two PostgreSQL and two MariaDB servers on 127.0.0.1
# (chip's and dale's of each engine) in a temporary folder, runs the solution's tests, stops the servers, then builds,
# installs and removes the Debian package (scripts/test-package.sh; BRIDGE_SKIP_PACKAGE=1 leaves it out) and runs the
# failover drill with the package's command (scripts/drill.sh; BRIDGE_SKIP_DRILL=1 leaves it out). Exits non-zero when any of them fails.
# Extra arguments go to `dotnet test` (for example: --filter "FullyQualifiedName~Guard").
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
source scripts/lib/servers.sh

run=$(mktemp -d /tmp/bridge-test.XXXXXX)
chmod 755 "$run"
servers_down() { pg_down "$run/pg-chip"; pg_down "$run/pg-dale"; mariadb_down "$run/my-chip"; mariadb_down "$run/my-dale"; }
cleanup() {
  servers_down
  rm -rf "$run"
}
trap cleanup EXIT

base=$((20000 + $$ % 20000))
p1=$(free_port $base); p2=$(free_port $((p1 + 1))); p3=$(free_port $((p2 + 1))); p4=$(free_port $((p3 + 1)))

pg_up "$run/pg-chip" "$p1" & a=$!
pg_up "$run/pg-dale" "$p2" & b=$!
mariadb_up "$run/my-chip" "$p3" & c=$!
mariadb_up "$run/my-dale" "$p4" & d=$!
wait $a && wait $b && wait $c && wait $d

export BRIDGE_TEST_PG_CHIP BRIDGE_TEST_PG_DALE BRIDGE_TEST_MARIADB_CHIP BRIDGE_TEST_MARIADB_DALE
BRIDGE_TEST_PG_CHIP=$(pg_conn "$p1")
BRIDGE_TEST_PG_DALE=$(pg_conn "$p2")
BRIDGE_TEST_MARIADB_CHIP=$(mariadb_conn "$p3")
BRIDGE_TEST_MARIADB_DALE=$(mariadb_conn "$p4")
# Tests that restart dale's server (the run lock across a restart) stop and start it again with servers.sh.
export BRIDGE_TEST_PG_DALE_DIR="$run/pg-dale" BRIDGE_TEST_MARIADB_DALE_DIR="$run/my-dale"
export BRIDGE_TEST_ARTIFACTS="${BRIDGE_TEST_ARTIFACTS:-$PWD/artifacts/test}"
mkdir -p "$BRIDGE_TEST_ARTIFACTS"

tests=0
dotnet test Bridge.sln -c Release --nologo "$@" || tests=$?
servers_down

package=skipped
if [ -z "${BRIDGE_SKIP_PACKAGE:-}" ]; then
  package=0
  mkdir "$run/deb"
  TEST_PACKAGE_KEEP="$run/deb" scripts/test-package.sh || package=$?
fi

# The drill runs the command users install: the package's Native AOT build (the tests above ran the JIT build in-process).
drill=skipped
if [ -z "${BRIDGE_SKIP_DRILL:-}" ]; then
  drill=0
  installed=()
  if deb=$(ls "$run"/deb/*.deb 2>/dev/null | head -n 1) && [ -n "$deb" ]; then
    dpkg-deb -x "$deb" "$run/deb/root"
    installed=(DRILL_BRIDGE_BIN="$run/deb/root/usr/lib/blech-bridge/blech-bridge")
  fi
  env "${installed[@]}" DRILL_NO_DEPS=1 scripts/drill.sh || drill=$?
fi

word() { case $1 in 0) echo passed ;; skipped) echo skipped ;; *) echo "FAILED (exit $1)" ;; esac; }
summary="dotnet test: $(word "$tests"); Debian package: $(word "$package"); failover drill: $(word "$drill")"
for r in "$tests" "$package" "$drill"; do
  if [ "$r" != 0 ] && [ "$r" != skipped ]; then
    echo "test.sh: FAILED: $summary"
    exit 1
  fi
done
echo "test.sh: passed ($summary)"
