#!/usr/bin/env bash
# Starts and stops throw-away PostgreSQL and MariaDB servers on 127.0.0.1, each in its own folder.
# Sourced by scripts/test.sh, scripts/demo.sh and scripts/bench.sh; the same functions serve a developer by hand.
#
#   pg_up DIR PORT [ADDR]       a PostgreSQL 15 cluster in DIR on 127.0.0.1:PORT, superuser "bridge"
#   mariadb_up DIR PORT [ADDR]  a MariaDB server in DIR on 127.0.0.1:PORT, user "bridge" with every privilege
#   ADDR (optional): listen on that address too and let "bridge" log in from its /24 (the failover drill, in a network
#   namespace, where the peer machine reads this database over the namespaces' network)
#   pg_down DIR / mariadb_down DIR
#   BRIDGE_PG_HUGE_PAGES (optional): PostgreSQL's huge_pages for the servers pg_up starts (on, off, try; unset: its default,
#   try). scripts/bench.sh sets it; README, Performance, says why.
#
# The password of user "bridge" is read from $BRIDGE_TEST_PASSWORD (a random one is made when unset).

: "${BRIDGE_TEST_PASSWORD:=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')}"
export BRIDGE_TEST_PASSWORD

pg_bindir() {
  local d
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && { echo "$d"; return 0; }; done
  echo "PostgreSQL server binaries not found (install package postgresql)" >&2
  return 1
}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_up() {
  local dir=$1 port=$2 addr=${3:-} bin
  bin=$(pg_bindir) || return 1
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    printf '%s\n' "$BRIDGE_TEST_PASSWORD" > "$dir/pw"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir/pw"
    as_postgres "$bin/initdb" -D "$dir/data" -U bridge --pwfile="$dir/pw" --auth=scram-sha-256 \
      -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; return 1; }
    rm -f "$dir/pw"
    [ -n "$addr" ] && echo "host all bridge $addr/24 scram-sha-256" >> "$dir/data/pg_hba.conf"
  fi
  as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1${addr:+,$addr} -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200${BRIDGE_PG_HUGE_PAGES:+ -c huge_pages=$BRIDGE_PG_HUGE_PAGES}" \
    start >/dev/null || { cat "$dir/server.log" >&2; return 1; }
}

pg_down() {
  local dir=$1 bin
  bin=$(pg_bindir) || return 0
  [ -f "$dir/data/postmaster.pid" ] && as_postgres "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1
  return 0
}

mariadb_up() {
  local dir=$1 port=$2 addr=${3:-} i
  command -v mariadbd >/dev/null || command -v mysqld >/dev/null || { echo "MariaDB server not found (install package mariadb-server)" >&2; return 1; }
  local server; server=$(command -v mariadbd || command -v mysqld)
  mkdir -p "$dir"
  local fresh=0
  if [ ! -d "$dir/data/mysql" ]; then
    # mariadb-install-db has been seen to crash (signal 11) under memory pressure; one clean retry, then give up loudly.
    local try
    for try in 1 2; do
      mariadb-install-db --no-defaults --datadir="$dir/data" --user="$(id -un)" --auth-root-authentication-method=socket \
        --skip-test-db >"$dir/install.log" 2>&1 && break
      [ "$try" = 2 ] && { cat "$dir/install.log" >&2; return 1; }
      echo "mariadb_up: mariadb-install-db failed in $dir; retrying once" >&2
      rm -rf "$dir/data"
    done
    fresh=1
  fi
  "$server" --no-defaults --datadir="$dir/data" --user="$(id -un)" --bind-address="127.0.0.1${addr:+,$addr}" --port="$port" \
    --socket="$dir/mysqld.sock" --pid-file="$dir/mysqld.pid" --log-error="$dir/server.log" \
    --innodb-flush-log-at-trx-commit=0 --innodb-buffer-pool-size=256M --skip-log-bin --max-connections=200 \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci >/dev/null 2>&1 &
  for i in $(seq 1 120); do
    mariadb --no-defaults --socket="$dir/mysqld.sock" -uroot -e 'SELECT 1' >/dev/null 2>&1 && break
    sleep 0.5
  done
  mariadb --no-defaults --socket="$dir/mysqld.sock" -uroot -e 'SELECT 1' >/dev/null 2>&1 || { cat "$dir/server.log" >&2; return 1; }
  if [ $fresh = 1 ]; then
    mariadb --no-defaults --socket="$dir/mysqld.sock" -uroot <<SQL
CREATE USER 'bridge'@'127.0.0.1' IDENTIFIED BY '$BRIDGE_TEST_PASSWORD';
CREATE USER 'bridge'@'localhost' IDENTIFIED BY '$BRIDGE_TEST_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO 'bridge'@'127.0.0.1' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO 'bridge'@'localhost' WITH GRANT OPTION;
SQL
    if [ -n "$addr" ]; then
      mariadb --no-defaults --socket="$dir/mysqld.sock" -uroot <<SQL
CREATE USER 'bridge'@'${addr%.*}.%' IDENTIFIED BY '$BRIDGE_TEST_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO 'bridge'@'${addr%.*}.%' WITH GRANT OPTION;
SQL
    fi
  fi
}

mariadb_down() {
  local dir=$1 pid
  [ -f "$dir/mysqld.pid" ] || return 0
  pid=$(cat "$dir/mysqld.pid")
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null
  return 0
}

pg_conn() { echo "Host=127.0.0.1;Port=$1;Username=bridge;Password=$BRIDGE_TEST_PASSWORD;Database=${2:-postgres}"; }
mariadb_conn() { echo "Server=127.0.0.1;Port=$1;User ID=bridge;Password=$BRIDGE_TEST_PASSWORD;Database=${2:-mysql}"; }

# free_port BASE: the first port from BASE up that nobody listens on on 127.0.0.1.
free_port() {
  local p=$1
  while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
  echo "$p"
}
