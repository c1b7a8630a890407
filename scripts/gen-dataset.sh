#!/usr/bin/env bash
# Fills a Blech database with the benchmark dataset on a throw-away server that keeps running afterwards.
#
#   scripts/gen-dataset.sh SIZE [ENGINE] [CREATE OPTIONS...]
#     SIZE     small (29,500 rows), large (295,000) or huge (2,950,000)
#     ENGINE   postgres (default) or mysql (MariaDB)
#     options  passed to `bridge-dataset create`, e.g. --seed 5 --hostname dale --main-ip 198.51.100.20
#
# The server lives in $BRIDGE_DATA_DIR (default: a new folder under /tmp); run again with the same folder to refill it.
# The first free port from $BRIDGE_DATA_PORT (default 43100) is used.
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:?usage: scripts/gen-dataset.sh small|large|huge [postgres|mysql] [create options...]}
engine=${2:-postgres}
shift $(( $# < 2 ? $# : 2 ))
case $engine in postgres|mysql) ;; *) echo "ENGINE must be postgres or mysql, not '$engine'" >&2; exit 2 ;; esac

dir=${BRIDGE_DATA_DIR:-$(mktemp -d /tmp/bridge-dataset.XXXXXX)}
mkdir -p "$dir" && chmod 755 "$dir"
# A folder used before keeps its password and port, so its server can be reused or restarted.
[ -f "$dir/env" ] && source "$dir/env"
source scripts/lib/servers.sh
port=${BRIDGE_DATA_SERVER_PORT:-}
if [ -z "$port" ] || ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  port=$(free_port "${BRIDGE_DATA_PORT:-43100}")
  if [ "$engine" = postgres ]; then pg_up "$dir/pg" "$port"; else mariadb_up "$dir/my" "$port"; fi
  printf 'export BRIDGE_TEST_PASSWORD=%q BRIDGE_DATA_SERVER_PORT=%q\n' "$BRIDGE_TEST_PASSWORD" "$port" > "$dir/env"
fi

if [ "$engine" = postgres ]; then admin=$(pg_conn "$port"); conn=$(pg_conn "$port" blech); stop="pg_down $dir/pg"
else admin=$(mariadb_conn "$port"); conn=$(mariadb_conn "$port" blech); stop="mariadb_down $dir/my"; fi

dotnet build tests/Bridge.DatasetGen -c Release --nologo -v q -clp:NoSummary
tool=tests/Bridge.DatasetGen/bin/Release/net10.0/bridge-dataset
"$tool" create --engine "$engine" --admin "$admin" --database blech --size "$size" "$@"
"$tool" count --engine "$engine" --conn "$conn"

cat <<MSG

Blech database "blech" ($size, $engine) on 127.0.0.1:$port, user bridge, password $BRIDGE_TEST_PASSWORD
  connection string: $conn
  a 1% change:       $tool change --engine $engine --conn '$conn' --percent 1
  stop the server:   source scripts/lib/servers.sh && $stop
MSG
