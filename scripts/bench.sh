#!/usr/bin/env bash
# Measures Bridge on a PostgreSQL pair and a MariaDB pair on 127.0.0.1 against its floors (the servers' own clients reading
# every table whole; their own dump piped into their own client for the full copy) and pt-table-sync, and writes
# tests/Bridge.Benchmarks/RESULTS.md and results-SIZE.json. Not part of CI.
#
#   scripts/bench.sh SIZE [RUNS]     SIZE small|large|huge, RUNS (default 5) counted runs after one warm-up
#
# Installs what is missing, starts four throw-away servers on free ports from 45000 in a temporary folder (removed on exit),
# publishes blech-bridge as users install it (scripts/lib/publish.sh), builds the harness, runs tests/Bridge.Benchmarks
# (bridge-bench). Environment:
#   BENCH_ENGINES=postgres or mysql   one engine only (the other engine's samples of this size are kept from the last run)
#   BENCH_SKIP=full,noop,change,resync,pt    leave phases out
#   BENCH_WARMUP=0                    no warm-up run (for huge, where one run takes minutes)
#   BENCH_PT_BRIDGE=no                no blech-bridge diff and sync on pt-table-sync's own pair
#   BENCH_BRIDGE=build                run the build output (dotnet blech-bridge.dll) instead of the published command
#   BENCH_PORT_BASE=45000             the first port tried for the four servers
#   BENCH_PG_HUGE_PAGES=off           off: the PostgreSQL servers' shared memory on 4 KiB pages, as Debian installs them; on:
#                                     on huge pages, reserved here for the run (root; given back on exit). README, Performance.
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:?usage: scripts/bench.sh small|large|huge [RUNS]}
runs=${2:-5}
case $size in small|large|huge) ;; *) echo "SIZE must be small, large or huge, not '$size'" >&2; exit 2 ;; esac
case $runs in ''|*[!0-9]*) echo "RUNS must be a whole number, not '$runs'" >&2; exit 2 ;; esac
bridge_kind=${BENCH_BRIDGE:-published}
case $bridge_kind in published|build) ;; *) echo "BENCH_BRIDGE must be published or build, not '$bridge_kind'" >&2; exit 2 ;; esac
skip=${BENCH_SKIP:-}
for phase in ${skip//,/ }; do
  case $phase in full|noop|change|resync|pt) ;; *) echo "BENCH_SKIP: '$phase' is not one of full, noop, change, resync, pt" >&2; exit 2 ;; esac
done
engines=${BENCH_ENGINES:-postgres,mysql}
for engine in ${engines//,/ }; do
  case $engine in postgres|mysql) ;; *) echo "BENCH_ENGINES: '$engine' is not one of postgres, mysql" >&2; exit 2 ;; esac
done
port_base=${BENCH_PORT_BASE:-45000}
case $port_base in ''|*[!0-9]*) echo "BENCH_PORT_BASE must be a port number, not '$port_base'" >&2; exit 2 ;; esac
huge_pages=${BENCH_PG_HUGE_PAGES:-off}
case $huge_pages in on|off) ;; *) echo "BENCH_PG_HUGE_PAGES must be on or off, not '$huge_pages'" >&2; exit 2 ;; esac

scripts/install-deps.sh
need=()
command -v pt-table-sync >/dev/null || need+=(percona-toolkit)
[ -x /usr/bin/time ] || need+=(time)
command -v pg_dump >/dev/null || need+=(postgresql-client)
command -v mariadb-dump >/dev/null || need+=(mariadb-client)
if [ ${#need[@]} -gt 0 ]; then
  echo "bench: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
source scripts/lib/servers.sh

run=$(mktemp -d /tmp/bridge-bench.XXXXXX)
chmod 755 "$run"
hugepages_before=
cleanup() {
  pg_down "$run/pg-chip"; pg_down "$run/pg-dale"; mariadb_down "$run/my-chip"; mariadb_down "$run/my-dale"
  if [ -n "$hugepages_before" ]; then echo "$hugepages_before" > /proc/sys/vm/nr_hugepages; fi
  rm -rf "$run"
}
trap cleanup EXIT

# Each PostgreSQL session is a process of its own, which maps the shared buffers it reads page by page: on 4 KiB pages a new
# session's first scan of large pays about 0.1 s of page faults, and every bridge run and every floor opens new sessions. On
# 2 MiB pages that is a few hundred faults. Two servers of 128 MB shared buffers need some 140 pages; 160 are reserved.
if [ "$huge_pages" = on ]; then
  if [ ! -w /proc/sys/vm/nr_hugepages ]; then
    echo "bench: cannot reserve huge pages (/proc/sys/vm/nr_hugepages is not writable: run as root, or BENCH_PG_HUGE_PAGES=off)" >&2
    exit 2
  fi
  hugepages_before=$(cat /proc/sys/vm/nr_hugepages)
  echo $((hugepages_before + 160)) > /proc/sys/vm/nr_hugepages
  # Free counts the pages other servers have reserved and not touched yet.
  free_pages=$(awk '/^HugePages_Free:/ {f = $2} /^HugePages_Rsvd:/ {r = $2} END {print f - r}' /proc/meminfo)
  if [ "${free_pages:-0}" -lt 160 ]; then
    echo "bench: the kernel gave only ${free_pages:-0} free huge pages of the 160 asked (memory too fragmented?); try BENCH_PG_HUGE_PAGES=off" >&2
    exit 2
  fi
fi
export BRIDGE_PG_HUGE_PAGES=$huge_pages

p1=$(free_port "$port_base"); p2=$(free_port $((p1 + 1))); p3=$(free_port $((p2 + 1))); p4=$(free_port $((p3 + 1)))
pg_up "$run/pg-chip" "$p1" & a=$!
pg_up "$run/pg-dale" "$p2" & b=$!
mariadb_up "$run/my-chip" "$p3" & c=$!
mariadb_up "$run/my-dale" "$p4" & d=$!
wait $a && wait $b && wait $c && wait $d

# A huge dataset is some 1.5 GB on MariaDB: with servers.sh's 256 MB buffer pool both the floor and Bridge would read from
# disk. A production server would size its pool to its data, so both are given 2 GB (a dynamic setting in MariaDB 10.11).
for p in "$p3" "$p4"; do
  MYSQL_PWD=$BRIDGE_TEST_PASSWORD mariadb --no-defaults -h 127.0.0.1 -P "$p" -u bridge -e 'SET GLOBAL innodb_buffer_pool_size = 2147483648'
done

if [ "$bridge_kind" = published ]; then
  source scripts/lib/publish.sh
  echo "bench: publishing blech-bridge (Native AOT, as installed) into $run/publish" >&2
  publish_cli "$run/publish"
  bridge=$run/publish/blech-bridge
else
  dotnet build src/Bridge.Cli -c Release --nologo -v q -clp:NoSummary
  bridge=src/Bridge.Cli/bin/Release/net10.0/blech-bridge.dll
fi
dotnet build tests/Bridge.DatasetGen -c Release --nologo -v q -clp:NoSummary
dotnet build tests/Bridge.Benchmarks -c Release --nologo -v q -clp:NoSummary

out=tests/Bridge.Benchmarks
mkdir -p "$run/work"
dotnet tests/Bridge.Benchmarks/bin/Release/net10.0/bridge-bench.dll run --size "$size" --runs "$runs" \
  --work "$run/work" --out "$out" \
  --bridge "$bridge" --dataset tests/Bridge.DatasetGen/bin/Release/net10.0/bridge-dataset.dll \
  --pg-chip "$p1" --pg-dale "$p2" --my-chip "$p3" --my-dale "$p4" --engines "$engines" \
  --warmup "${BENCH_WARMUP:-1}" --pt-bridge "${BENCH_PT_BRIDGE:-yes}" \
  --skip "$skip"
