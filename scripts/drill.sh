#!/usr/bin/env bash
# The failover drill: chip dies, V moves to dale, dale serves every site, zone and mailbox as chip did; K edits on dale;
# chip comes back as the standby and catches up; V is switched back by the README's procedure. Everything real (PostgreSQL
# or MariaDB, Apache, named, keepalived, Bridge) in Linux network namespaces this script creates and removes itself, with
# documentation addresses only (192.0.2.0/24). Blech is played by the emulator (tests/Bridge.Drill). Needs root.
#
#   scripts/drill.sh                      DRILL_ENGINES=pg-mysql|mysql-pg|pg-pg|mysql-mysql (chip-dale; default by day of year)
#   DRILL_SITES=50 DRILL_EDITS=9          the size of the drill
#   DRILL_BREAK=vhost                     break one of dale's vhosts on purpose, to see the drill fail
#
# Exits 0 when every check passed, 1 naming the failed checks (with the tails of the logs that matter), 2 on bad usage.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
export LC_ALL=C

# The Bridge command (blech-bridge: the name bridge belongs to iproute2's tool).
# DRILL_BRIDGE_BIN: another build of it, such as the Native AOT command of the Debian package (scripts/test.sh passes it).
bridge_bin="${DRILL_BRIDGE_BIN:-$repo/src/Bridge.Cli/bin/Release/net10.0/blech-bridge}"
drill_dll="$repo/tests/Bridge.Drill/bin/Release/net10.0/bridge-drill.dll"

[ "$(id -u)" = 0 ] || { echo "drill: needs root (network namespaces)" >&2; exit 2; }
sites=${DRILL_SITES:-50}
edits=${DRILL_EDITS:-9}
if [ -z "${DRILL_ENGINES:-}" ]; then
  # Alternate the direction over CI runs: one engine per machine, chosen by the day of the year.
  if [ $(( 10#$(date -u +%j) % 2 )) = 0 ]; then DRILL_ENGINES=pg-mysql; else DRILL_ENGINES=mysql-pg; fi
fi
case "$DRILL_ENGINES" in pg-mysql|mysql-pg|pg-pg|mysql-mysql) ;; *) echo "drill: DRILL_ENGINES must be pg-mysql, mysql-pg, pg-pg or mysql-mysql" >&2; exit 2 ;; esac
declare -A engine=([chip]=${DRILL_ENGINES%-*} [dale]=${DRILL_ENGINES#*-})

C=192.0.2.1 D=192.0.2.2 V=192.0.2.100 CLIENT=192.0.2.50
declare -A addr=([chip]=$C [dale]=$D [client]=$CLIENT)
declare -A other=([chip]=dale [dale]=chip)

[ -n "${DRILL_NO_DEPS:-}" ] || scripts/install-deps.sh
if [ -z "${DRILL_NO_BUILD:-}" ]; then
  dotnet build -c Release --nologo -v quiet -clp:ErrorsOnly src/Bridge.Cli/Bridge.Cli.csproj
  dotnet build -c Release --nologo -v quiet -clp:ErrorsOnly tests/Bridge.Drill/Bridge.Drill.csproj
fi
source scripts/lib/servers.sh

id=$(printf '%04x%04x' $$ $((RANDOM)))
run=$(mktemp -d "/tmp/bridge-drill.$id.XXXX")
chmod 755 "$run"
declare -A ns=([sw]=bd$id-sw [chip]=bd$id-chip [dale]=bd$id-dale [client]=bd$id-client)
started=$(date +%s)
failures=()

say() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*"; }
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
fail() { failures+=("$*"); say "FAIL: $*"; }

tails() {
  local f
  for f in "$@"; do [ -f "$f" ] && { echo "--- ${f#$run/} (last lines)"; tail -n 15 "$f" | sed -E 's/(Password=)[^;"]*/\1***/g'; }; done
}

cleanup() {
  local rc=$? n p pids
  set +e
  trap '' INT TERM   # a second signal must not stop the cleanup half way
  if [ $rc != 0 ]; then
    echo
    echo "drill: FAILED (exit $rc): ${#failures[@]} checks failed"
    [ ${#failures[@]} = 0 ] || printf '  - %s\n' "${failures[@]}"
    echo
    tails "$run/probe.log" "$run"/{chip,dale}/{notify,sync,watch,blechd,push,keepalived,named}.log "$run"/{chip,dale}/apache-run/error.log "$run/client/named.log"
  fi
  # This script's own helpers on the host (the sampler, pollers), then everything inside the namespaces.
  for p in ${sampler:-} ${pollers[@]+"${pollers[@]}"}; do kill "$p" 2>/dev/null; done
  # A few rounds: Apache may fork a worker between the listing and the kill.
  for _ in 1 2 3 4 5; do
    pids=$(for n in chip dale client sw; do ip netns pids "${ns[$n]}" 2>/dev/null; done)
    [ -n "$pids" ] || break
    for p in $pids; do kill -9 "$p" 2>/dev/null; done
    sleep 0.3
  done
  for n in chip dale client sw; do ip netns del "${ns[$n]}" 2>/dev/null; done
  if [ -n "${DRILL_KEEP:-}" ]; then echo "drill: run folder kept: $run" >&2; else rm -rf "$run"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# on MACHINE CMD...: CMD on that machine: in its network namespace, with its own web tree at the docroots' path.
on() {
  local m=$1; shift
  ip netns exec "${ns[$m]}" sh -c 'mount --bind "$1" "$2" && shift 2 && exec "$@"' on "$run/$m/www" "$run/www" "$@"
}
in_ns() { local m=$1; shift; ip netns exec "${ns[$m]}" "$@"; }

# The drill driver (Blech) on MACHINE, with both databases in its environment (never on a command line).
blech() {
  local m=$1 p=${other[$1]}; shift
  DRILL_LOCAL_NAME=$m DRILL_LOCAL_ENGINE=$(bridge_engine "$m") DRILL_LOCAL_CONN=$(admin_conn "$m" 127.0.0.1) \
  DRILL_PEER_NAME=$p DRILL_PEER_ENGINE=$(bridge_engine "$p") DRILL_PEER_CONN=$(admin_conn "$p" "${addr[$p]}") \
    on "$m" dotnet "$drill_dll" "$@"
}
bridge_engine() { [ "${engine[$1]}" = pg ] && echo postgres || echo mysql; }
db_port() { [ "${engine[$1]}" = pg ] && echo 5432 || echo 3306; }
admin_conn() {
  if [ "${engine[$1]}" = pg ]; then echo "Host=$2;Port=5432;Username=bridge;Password=$BRIDGE_TEST_PASSWORD;Database=postgres"
  else echo "Server=$2;Port=3306;User ID=bridge;Password=$BRIDGE_TEST_PASSWORD;Database=mysql"; fi
}
blech_conn() {
  if [ "${engine[$1]}" = pg ]; then echo "Host=$2;Port=5432;Username=bridge;Password=$BRIDGE_TEST_PASSWORD;Database=blech"
  else echo "Server=$2;Port=3306;User ID=bridge;Password=$BRIDGE_TEST_PASSWORD;Database=blech"; fi
}
blech_bridge() { local m=$1; shift; on "$m" "$bridge_bin" "$@"; }

wait_for() { # wait_for SECONDS WHAT CMD...: true once CMD succeeds
  local limit=$1 what=$2 t0; shift 2; t0=$(now)
  until "$@" >/dev/null 2>&1; do
    if awk -v a="$t0" -v b="$(now)" -v l="$limit" 'BEGIN { exit !(b - a > l) }'; then fail "$what (not within ${limit}s)"; return 1; fi
    sleep 0.3
  done
}

step "Failover drill $id: chip ${engine[chip]}, dale ${engine[dale]} (DRILL_ENGINES=$DRILL_ENGINES), $sites sites, $edits edits; command $bridge_bin; run folder $run"

# ---- the network: chip, dale and client on a bridge of their own, in a fourth namespace ----
for n in sw chip dale client; do ip netns add "${ns[$n]}"; ip -n "${ns[$n]}" link set lo up; done
ip -n "${ns[sw]}" link add br0 type bridge
ip -n "${ns[sw]}" link set br0 up
for m in chip dale client; do
  ip link add name eth0 netns "${ns[$m]}" type veth peer name "v-$m" netns "${ns[sw]}"
  ip -n "${ns[sw]}" link set "v-$m" master br0 up
  ip -n "${ns[$m]}" addr add "${addr[$m]}/24" dev eth0
  ip -n "${ns[$m]}" link set eth0 up
done
# Not "ip ... | grep -q": with pipefail, grep leaving early can kill ip with SIGPIPE and turn a match into a failure.
holds_v() { [[ $(ip -n "${ns[$1]}" -o addr show dev eth0) == *" $V/"* ]]; }

# ---- files: web trees, TLS, Apache, named, Bridge and keepalived configurations per machine ----
mkdir -p "$run/www" "$run/tls" "$run/client/named"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=drill.example" -keyout "$run/tls/drill.key" -out "$run/tls/drill.crt" >/dev/null 2>&1
chmod 644 "$run/tls/drill.key"
rndc_secret=$(head -c 32 /dev/urandom | base64)

for m in chip dale; do
  d=$run/$m
  mkdir -p "$d/www" "$d/generated/apache/sites" "$d/generated/bind/zones" "$d/generated/mail" "$d/apache2" "$d/apache-run" "$d/named" "$d/default" "$d/ovl"
  : > "$d/generated/bind/zones.conf"
  echo "no site here ($m)" > "$d/default/index.html"
  cat > "$d/apache2/envvars" <<EOF
export APACHE_RUN_USER=www-data APACHE_RUN_GROUP=www-data
export APACHE_PID_FILE=$d/apache-run/apache2.pid APACHE_RUN_DIR=$d/apache-run APACHE_LOCK_DIR=$d/apache-run APACHE_LOG_DIR=$d/apache-run
export LANG=C
EOF
  cat > "$d/apache2/apache2.conf" <<EOF
# $m's Apache for the drill: its own run folder; Listen lines and vhosts come from Blech's generated tree.
ServerRoot "$d/apache2"
ServerName $m.drill
PidFile $d/apache-run/apache2.pid
Mutex file:$d/apache-run default
DefaultRuntimeDir $d/apache-run
User www-data
Group www-data
ErrorLog $d/apache-run/error.log
LogLevel warn
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule dir_module /usr/lib/apache2/modules/mod_dir.so
LoadModule mime_module /usr/lib/apache2/modules/mod_mime.so
LoadModule headers_module /usr/lib/apache2/modules/mod_headers.so
LoadModule socache_shmcb_module /usr/lib/apache2/modules/mod_socache_shmcb.so
LoadModule ssl_module /usr/lib/apache2/modules/mod_ssl.so
TypesConfig /etc/mime.types
DirectoryIndex index.html
LogFormat "%v:%p %A %h \"%r\" %>s" drill
CustomLog $d/apache-run/access.log drill
Header always set X-Served-By $m
DocumentRoot "$d/default"
<Directory />
    Require all denied
</Directory>
<Directory "$run/www">
    Require all granted
</Directory>
<Directory "$d/default">
    Require all granted
</Directory>
Include $d/generated/apache/ports.conf
IncludeOptional $d/generated/apache/sites/*.conf
EOF
  cat > "$d/named/named.conf" <<EOF
// $m's named for the drill: Blech's generated zones, NOTIFY to the client's secondary.
key "drill-rndc" { algorithm hmac-sha256; secret "$rndc_secret"; };
controls { inet 127.0.0.1 port 953 allow { 127.0.0.1; } keys { "drill-rndc"; }; };
options {
    directory "$d/named";
    pid-file "$d/named/named.pid"; lock-file "$d/named/named.lock"; session-keyfile "$d/named/session.key";
    managed-keys-directory "$d/named";
    listen-on { any; }; listen-on-v6 { none; };
    recursion no; dnssec-validation no; allow-query { any; }; allow-transfer { any; };
    notify explicit; also-notify { $CLIENT; }; notify-delay 0;
};
include "$d/generated/bind/zones.conf";
EOF
  cat > "$d/named/rndc.conf" <<EOF
key "drill-rndc" { algorithm hmac-sha256; secret "$rndc_secret"; };
options { default-key "drill-rndc"; default-server 127.0.0.1; default-port 953; };
EOF
  p=${other[$m]}
  cat > "$d/bridge.json" <<EOF
{
  "serviceAddress": "$V",
  "local": { "engine": "$(bridge_engine "$m")", "connectionString": "$(blech_conn "$m" 127.0.0.1)", "address": "${addr[$m]}" },
  "peer":  { "engine": "$(bridge_engine "$p")", "connectionString": "$(blech_conn "$p" "${addr[$p]}")", "address": "${addr[$p]}" },
  "lockFile": "$d/bridge.lock",
  "apache": {
    "root": "$d/generated",
    "backupRoot": "$d/apache-backups",
    "testCommand": ["apache2ctl", "-t"], "dumpCommand": ["apache2ctl", "-S"], "reloadCommand": ["apache2ctl", "graceful"],
    "environment": { "APACHE_CONFDIR": "$d/apache2" }
  }
}
EOF
  chmod 600 "$d/bridge.json"
  # The project's sample, adapted only in addresses and interface names (and dale's lower priority, as the sample says).
  priority=(); [ $m = dale ] && priority=(-e 's/priority[[:space:]]*150.*/priority 100/')
  sed -e "s/interface eth0/interface eth0/" -e "s#192\.0\.2\.100/24#$V/24#" "${priority[@]}" \
      scripts/keepalived/keepalived.conf.sample > "$d/keepalived.conf"
  # blech-bridge-notify installed where the sample says, /usr/local/lib/blech-bridge/, in keepalived's own mount namespace only
  # (an overlay on /usr/local/lib), so the host is untouched and two drills never share it.
  mkdir -p "$d/ovl"
done

# ---- the servers of one machine ----
db_up() {
  local m=$1
  if [ "${engine[$m]}" = pg ]; then
    in_ns "$m" bash -c "source scripts/lib/servers.sh; pg_up '$run/$m/db' 5432 '${addr[$m]}'"
  else
    in_ns "$m" bash -c "source scripts/lib/servers.sh; mariadb_up '$run/$m/db' 3306 '${addr[$m]}'"
  fi
}
apache_ctl() { local m=$1; shift; APACHE_CONFDIR=$run/$m/apache2 APACHE_STARTED_BY_SYSTEMD=drill on "$m" apache2ctl "$@"; }
services_up() { # the machine's daemons; its database is already up
  local m=$1 d=$run/$1
  on "$m" /usr/sbin/named -g -c "$d/named/named.conf" >>"$d/named.log" 2>&1 &
  blech "$m" blechd --root "$d/generated" --interval 1.5 \
    --graceful "APACHE_CONFDIR=$d/apache2 apache2ctl graceful" --rndc "rndc -c $d/named/rndc.conf reload" >>"$d/blechd.log" 2>&1 &
  blech "$m" push --interval 20 --service-address "$V" >>"$d/push.log" 2>&1 &
  # The README's cron line, every few seconds instead of every five minutes.
  on "$m" bash -c "while :; do echo \"--- \$(date -u +%H:%M:%S) sync\"; '$bridge_bin' sync --config '$d/bridge.json' --requested-by cron; echo \"exit \$?\"; sleep 5; done" >>"$d/sync.log" 2>&1 &
  # blech-bridge-watch.service: puts the Apache files back on V within seconds of blechd rewriting them.
  on "$m" "$bridge_bin" watch --config "$d/bridge.json" >>"$d/watch.log" 2>&1 &
  wait_for 60 "$m: Blech wrote ports.conf" test -s "$d/generated/apache/ports.conf" || return 1
  apache_ctl "$m" start >>"$d/apache.log" 2>&1 || apache_ctl "$m" graceful >>"$d/apache.log" 2>&1 || true
}
keepalived_up() {
  local m=$1 d=$run/$1
  in_ns "$m" env BRIDGE_BIN="$bridge_bin" BRIDGE_CONFIG="$d/bridge.json" BRIDGE_NOTIFY_LOG="$d/notify.log" \
    sh -c 'mount --bind "$1/www" "$2" && mount -t tmpfs drill "$1/ovl" && mkdir -p "$1/ovl/up/blech-bridge" "$1/ovl/work" &&
           cp "$3" "$1/ovl/up/blech-bridge/blech-bridge-notify" && chmod 755 "$1/ovl/up/blech-bridge/blech-bridge-notify" &&
           mount -t overlay drill -o "lowerdir=/usr/local/lib,upperdir=$1/ovl/up,workdir=$1/ovl/work" /usr/local/lib &&
           exec keepalived -n -l -D -f "$1/keepalived.conf" -p "$1/keepalived.pid" -r "$1/vrrp.pid" -c "$1/checkers.pid"' \
    ka "$d" "$run/www" "$repo/scripts/keepalived/blech-bridge-notify" >>"$d/keepalived.log" 2>&1 &
}
notify_count() { grep -c "blech-bridge $2 exited 0" "$run/$1/notify.log" 2>/dev/null || true; }
notify_done() { [ "$(notify_count "$1" "$2")" -ge "$3" ]; }   # notify_done MACHINE COMMAND N: N runs of it exited 0

# ---- the client's probes ----
site_list() { cut -f1 "$run/sites.tsv"; }
make_probe() { # one curl config for every site (http, https when it has it, its first alias), answers in $run/probe/
  local domain proto aliases first each
  # Transfer options hold for one transfer only (until the next "next"): every section repeats them.
  each=$'insecure\nconnect-timeout = 1\nmax-time = 3\n'
  rm -f "$run/probe.curl"
  while IFS=$'\t' read -r domain proto aliases; do
    printf '%surl = "http://%s/?h=%s"\nheader = "Host: %s"\noutput = "%s/probe/http-%s"\nwrite-out = "%%{http_code} http-%s\\n"\nnext\n' \
      "$each" "$V" "$domain" "$domain" "$run" "$domain" "$domain" >> "$run/probe.curl"
    if [ "$proto" = https ]; then
      printf '%surl = "https://%s/"\nresolve = "%s:443:%s"\noutput = "%s/probe/https-%s"\nwrite-out = "%%{http_code} https-%s\\n"\nnext\n' \
        "$each" "$domain" "$domain" "$V" "$run" "$domain" "$domain" >> "$run/probe.curl"
    fi
    if [ "$aliases" != - ]; then
      first=${aliases%%,*}
      printf '%surl = "http://%s/?h=%s"\nheader = "Host: %s"\noutput = "%s/probe/alias-%s"\nwrite-out = "%%{http_code} alias-%s\\n"\nnext\n' \
        "$each" "$V" "$first" "$first" "$run" "$domain" "$domain" >> "$run/probe.curl"
    fi
  done < "$run/sites.tsv"
  sed -i '$ d' "$run/probe.curl"
  probes=$(grep -c '^url' "$run/probe.curl")
}
# sites_ok MACHINE: every probe answered 200 with its site's own page, served by MACHINE; the misses go to $run/probe.misses
sites_ok() {
  local m=$1 bad
  rm -rf "$run/probe"; mkdir -p "$run/probe"; : > "$run/probe.misses"
  in_ns client curl -s -Z --parallel-max 64 -K "$run/probe.curl" > "$run/probe.codes" 2>/dev/null || true
  # One pass over every answer (cheap enough to poll every fraction of a second on a loaded machine).
  bad=$(awk -v m="$m" -v dir="$run/probe" -v want="$probes" '
    { code[$2] = $1; n++ }
    END {
      for (key in code) {
        domain = key; sub(/^[a-z]+-/, "", domain)
        body = ""; file = dir "/" key
        while ((getline line < file) > 0) body = body line
        close(file)
        if (code[key] != 200 || index(body, "<p>" domain) != 1 || index(body, "served by " m) == 0) {
          print key, code[key], substr(body, 1, 60) > (dir ".misses"); bad++
        }
      }
      print bad + (want - n)
    }' "$run/probe.codes")
  [ "$bad" = 0 ] || echo "$(date -u +%H:%M:%S.%N | cut -c1-12) $m: $bad misses, e.g. $(head -n 2 "$run/probe.misses" 2>/dev/null | tr '\n' ' ')" >> "$run/probe.log"
  [ "$bad" = 0 ]
}
# soa_serials SERVER: "zone serial" for every zone SERVER answers (from the client)
soa_serials() {
  local batch=$run/dig.$1.batch
  [ -f "$batch" ] || site_list | sed "s/.*/@$1 &. SOA/" > "$batch"
  in_ns client dig +time=1 +tries=1 +noall +answer -f "$batch" 2>/dev/null | awk '$4 == "SOA" { print $1, $7 }' | sort
}
zones_ok() { [ "$(soa_serials "$V" | wc -l)" = "$sites" ]; }
# secondary_caught_up FILE: the client's secondary holds every zone at a serial no older than FILE's
secondary_caught_up() { # secondary_caught_up FILE [newer]: with "newer", every serial strictly newer than FILE's
  soa_serials 127.0.0.1 | join "$1" - | awk -v n="$sites" -v newer="${2:-}" '$3 > $2 || (newer == "" && $3 == $2) { ok++ } END { exit !(ok == n) }'
}
# measure NAME CMD...: in the background, the seconds from $cut until CMD first succeeds, into $run/took.NAME (limit 90 s)
measure() {
  local name=$1; shift
  rm -f "$run/took.$name"
  ( while ! "$@" >/dev/null 2>&1; do
      awk -v e="$(since "$cut")" 'BEGIN { exit !(e > 90) }' && exit 0
      sleep 0.2
    done
    since "$cut" > "$run/took.$name" ) &
  pollers+=($!)
}
pollers=()
took() { cat "$run/took.$1" 2>/dev/null || true; }
mail_ok() { # mail_ok MACHINE FILE: every mailbox of FILE in MACHINE's generated mail/passwd
  local missing
  missing=$(cut -d: -f1 "$run/${1}/generated/mail/passwd" 2>/dev/null | sort | comm -23 <(sort "$2") - | wc -l)
  [ "$missing" = 0 ]
}
vhosts_on_d() { # vhosts_on_d MACHINE: how many vhosts apache2ctl -S shows on D (none may be)
  apache_ctl "$1" -S 2>/dev/null | grep -c "$D:" || true
}
ready() { # ready MACHINE: blech-bridge ready exits 0 there (its output in ready.last, all of them in ready.log)
  local rc=0
  blech_bridge "$1" ready --config "$run/$1/bridge.json" >"$run/$1/ready.last" 2>&1 || rc=$?
  cat "$run/$1/ready.last" >>"$run/$1/ready.log"
  return $rc
}
standby_in_step() { # standby_in_step MACHINE ACTIVE: Bridge has nothing pending, and MACHINE would serve all that ACTIVE does
  local m=$1 a=$2
  blech_bridge "$m" diff --config "$run/$m/bridge.json" --exit-code >/dev/null 2>&1 || return 1
  [ "$(grep -c '^zone ' "$run/$m/generated/bind/zones.conf")" = "$sites" ] || return 1
  mail_ok "$m" "$run/mailboxes.txt" || return 1
  [ "$(vhosts_on_d "$m")" = 0 ] || return 1
  # named on the standby has loaded the active machine's serials (asked on its own address)
  diff <(soa_serials "${addr[$a]}") <(soa_serials "${addr[$m]}") >/dev/null
}

# ---- 0. both machines up ----
step "Starting chip and dale: ${engine[chip]} and ${engine[dale]}, Blech, named, Apache, Bridge's loop, keepalived"
db_up chip & a=$!; db_up dale & b=$!
wait $a && wait $b
blech chip setup --sites "$sites" --main-ip "$V" --peer-main-ip "$D" --docroots "$run/www" \
  --www-local "$run/chip/www" --www-peer "$run/dale/www" --cert "$run/tls/drill.crt" --key "$run/tls/drill.key" --out "$run"
make_probe
[ -z "${DRILL_BREAK:-}" ] || say "DRILL_BREAK=$DRILL_BREAK: one of dale's vhosts will be broken on purpose"

site_list | sed "s/.*/zone \"&.\" { type secondary; primaries { $V; }; file \"&.db\"; };/" > "$run/client/named/zones.conf"
cat > "$run/client/named/named.conf" <<EOF
// The client's secondary: every zone from V, polled often and told by NOTIFY.
options {
    directory "$run/client/named"; pid-file "$run/client/named/named.pid"; lock-file "$run/client/named/named.lock";
    session-keyfile "$run/client/named/session.key"; managed-keys-directory "$run/client/named";
    listen-on { 127.0.0.1; $CLIENT; }; listen-on-v6 { none; };
    recursion no; dnssec-validation no; notify no; allow-notify { 192.0.2.0/24; };
    min-refresh-time 1; max-refresh-time 5; min-retry-time 1; max-retry-time 2;
};
include "$run/client/named/zones.conf";
EOF

services_up chip
keepalived_up chip
wait_for 30 "V on chip" holds_v chip
wait_for 60 "blech-bridge promote on chip (keepalived notify)" notify_done chip promote 1
services_up dale
keepalived_up dale
in_ns client /usr/sbin/named -g -c "$run/client/named/named.conf" >>"$run/client/named.log" 2>&1 &

# Throughout: every few seconds, how many vhosts each running machine's Apache has on D, and whether it holds V.
( while :; do
    for m in chip dale; do
      [ -e "$run/$m/down" ] || [ -e "$run/transition" ] && continue
      n=$(vhosts_on_d "$m"); r=standby; holds_v "$m" && r=active
      echo "$(date -u +%H:%M:%S) $m $r $n"
    done
    sleep 4
  done ) > "$run/d-samples" 2>/dev/null &
sampler=$!

# ---- 1. chip serves; dale ready ----
step "1. chip serves $sites sites on V; Blech's push and Bridge make dale ready"
t=$(now)
wait_for 90 "every site served by chip on V" sites_ok chip && say "chip serves all $probes probes ($sites sites, https and aliases) on V"
wait_for 120 "dale in step with chip (blech-bridge diff clean, zones, mailboxes, vhosts on V, named's serials)" standby_in_step dale chip \
  && say "dale in step with chip after $(since "$t") s"
wait_for 90 "blech-bridge ready on dale" ready dale && say "blech-bridge ready on dale: $(grep -m1 ready "$run/dale/ready.last")"
soa_serials "$V" > "$run/serials.chip"
wait_for 60 "the secondary holds chip's serials" secondary_caught_up "$run/serials.chip" && say "the secondary holds every zone at chip's serial"
[ "$(vhosts_on_d chip)" = 0 ] || fail "chip has vhosts on D before the failover"

if [ "${DRILL_BREAK:-}" = vhost ]; then
  # A failure on purpose: one of dale's vhosts serves a wrong document root.
  victim=$(site_list | sed -n 2p)
  sed -i "/^Include .*ports.conf/a <VirtualHost $V:80>\\n    ServerName $victim\\n    DocumentRoot \"$run/dale/default\"\\n</VirtualHost>" "$run/dale/apache2/apache2.conf"
  apache_ctl dale graceful >/dev/null 2>&1
fi

# ---- 2. chip dies ----
step "2. chip dies: link down, every process killed (a power cut)"
# The worst moment: just after Blech's push, which put dale's sites back on D until Bridge's next sync.
soa_serials "$V" > "$run/serials.chip"
pushes=$(grep -c "push from chip to dale done" "$run/chip/push.log" || true)
wait_for 30 "Blech's push from chip" sh -c "[ \$(grep -c 'push from chip to dale done' '$run/chip/push.log') -gt $pushes ]"
cut=$(now)
say "chip dies just after Blech's push to dale"
touch "$run/chip/down" "$run/transition"   # V's move is measured on its own, not sampled
ip -n "${ns[chip]}" link set eth0 down
for p in $(ip netns pids "${ns[chip]}"); do kill -9 "$p" 2>/dev/null || true; done
t_v="" t_sites="" t_zones="" t_secondary=""
measure v holds_v dale
measure sites sites_ok dale
measure zones zones_ok
measure secondary secondary_caught_up "$run/serials.chip" newer
wait "${pollers[@]}"; pollers=()
t_v=$(took v) t_sites=$(took sites) t_zones=$(took zones) t_secondary=$(took secondary)
rm -f "$run/transition"
say "V on dale after ${t_v:-(never)} s; all $probes probes 200 with their own page from dale after ${t_sites:-(never)} s"
say "dig @V answers every zone after ${t_zones:-(never)} s; the secondary has dale's raised serial (newer than chip's last) for every zone after ${t_secondary:-(never)} s"
[ -n "$t_v" ] || fail "failover: V did not move to dale within 90 s"
[ -n "$t_v" ] && [ -z "$t_sites" ] && { fail "failover: not every site served by dale within 90 s ($(wc -l < "$run/probe.misses") misses)"; head -n 5 "$run/probe.misses"; }
[ -n "$t_v" ] && [ -z "$t_zones" ] && fail "failover: dig @V did not answer every zone within 90 s"
[ -n "$t_v" ] && [ -z "$t_secondary" ] && fail "failover: the secondary did not catch up with chip's serials within 90 s"
if [ -n "$t_v" ] && [ -n "$t_sites" ] && awk -v a="$t_sites" -v b="$t_v" 'BEGIN { exit !(a - b > 10) }'; then
  fail "failover: the sites took more than 10 s after V arrived on dale"
fi
wait_for 30 "blech-bridge promote on dale (keepalived notify)" notify_done dale promote 1
wait_for 30 "every mailbox in dale's mail/passwd" mail_ok dale "$run/mailboxes.txt"

# ---- 3. K edits on dale ----
step "3. K makes $edits edits through Blech on dale while chip is down"
: > "$run/expected"
blech dale edit --count "$edits" --docroots "$run/www" --www-local "$run/dale/www" --www-peer "$run/chip/www" --out "$run/expected"
edits_seen() { # edits_seen MACHINE: every expected edit visible from the client (and the mailboxes in MACHINE's files)
  local m=$1 kind a b c lost=0
  while IFS=$'\t' read -r kind a b c; do
    case $kind in
      site) [[ $(in_ns client curl -s --max-time 3 -H "Host: $a" "http://$V/" 2>/dev/null) == *"<p>$b</p><p>served by $m"* ]] || lost=$((lost + 1)) ;;
      record) [ "$(in_ns client dig +short +time=1 +tries=1 "@$V" TXT "$b")" = "\"$c\"" ] || lost=$((lost + 1))
              [ "$(in_ns client dig +short +time=1 +tries=1 @127.0.0.1 TXT "$b")" = "\"$c\"" ] || lost=$((lost + 1)) ;;
      mailbox) grep -q "^$a:" "$run/$m/generated/mail/passwd" || lost=$((lost + 1)) ;;
    esac
  done < "$run/expected"
  echo "$lost"
}
edits_visible() { [ "$(edits_seen "$1")" = 0 ]; }
t=$(now)
wait_for 60 "K's edits served by dale (sites, V and the secondary's zones, mailboxes)" edits_visible dale && say "the client sees all $edits edits from dale after $(since "$t") s"

# ---- 4. chip comes back ----
step "4. chip comes back: stays the standby (nopreempt), blech-bridge demote, Bridge pulls from dale"
t=$(now)
demotes=$(notify_count chip demote)
rm -f "$run/chip/db/data/postmaster.pid" "$run/chip/db/mysqld.pid"
ip -n "${ns[chip]}" link set eth0 up
rm -f "$run/chip/down"
db_up chip
services_up chip
keepalived_up chip
wait_for 60 "blech-bridge demote on chip (keepalived notify)" notify_done chip demote $((demotes + 1))
holds_v dale && ! holds_v chip || fail "chip took V back (nopreempt)"
wait_for 120 "chip in step with dale" standby_in_step chip dale && say "chip in step with dale after $(since "$t") s"
wait_for 90 "blech-bridge ready on chip" ready chip && say "blech-bridge ready on chip: $(grep -m1 ready "$run/chip/ready.last")"

# ---- 5. switch back, by the README's procedure ----
step "5. Switch back: on dale blech-bridge demote, stop keepalived there; chip takes V and runs blech-bridge promote"
soa_serials "$V" > "$run/serials.dale"
blech_bridge dale status --config "$run/dale/bridge.json" > "$run/dale/status.before-switch" 2>&1 || true
blech_bridge chip status --config "$run/chip/bridge.json" > "$run/chip/status.before-switch" 2>&1 || true
grep -q "pending changes: 0" "$run/chip/status.before-switch" || fail "switch back: blech-bridge status on chip does not show 0 pending changes"
promotes=$(notify_count chip promote)
back=$(now)
blech_bridge dale demote --config "$run/dale/bridge.json" --requested-by drill >>"$run/dale/demote.log" 2>&1 || fail "blech-bridge demote on dale"
kill "$(cat "$run/dale/keepalived.pid")"
cut=$back
touch "$run/transition"
measure v holds_v chip
measure sites sites_ok chip
wait "${pollers[@]}"; pollers=()
s_v=$(took v) s_sites=$(took sites)
rm -f "$run/transition"
say "V on chip after ${s_v:-(never)} s; all $probes probes 200 from chip after ${s_sites:-(never)} s"
[ -n "$s_sites" ] || { fail "switch back: not every site served by chip within 60 s"; head -n 5 "$run/probe.misses"; }
wait_for 30 "blech-bridge promote on chip after the switch back" notify_done chip promote $((promotes + 1))
wait_for 30 "keepalived on dale stopped" sh -c "! kill -0 \$(cat '$run/dale/keepalived.pid') 2>/dev/null"
keepalived_up dale
wait_for 60 "K's edits served by chip after the switch back" edits_visible chip
wait_for 60 "the secondary holds dale's last serials (or newer)" secondary_caught_up "$run/serials.dale"
soa_serials "$V" > "$run/serials.final"
[ "$(wc -l < "$run/serials.final")" = "$sites" ] || fail "chip does not answer every zone on V after the switch back"
wait_for 60 "the secondary holds every zone at chip's serial after the switch back" secondary_caught_up "$run/serials.final"
sleep 4; holds_v chip && ! holds_v dale || fail "dale took V back after its keepalived restarted (nopreempt)"
wait_for 90 "blech-bridge ready on dale after the switch back" ready dale && say "blech-bridge ready on dale again: $(grep -m1 ready "$run/dale/ready.last")"

# ---- 6. throughout ----
step "6. Checks over the whole drill"
lost=$(edits_seen chip)
[ "$lost" = 0 ] || fail "$lost of K's edits lost"
regressions=$(grep -ciE "received from (primary|master) .*< ours|serial number .* is less than" "$run/client/named.log" || true)
[ "$regressions" = 0 ] || fail "the secondary saw $regressions serial regressions"
# The machine holding V never has a vhost on D; nothing answered on D from a site's vhost (Apache's access logs).
active_d=$(awk '$3 == "active" && $4 > 0' "$run/d-samples" | wc -l)
standby_d=$(awk '$3 == "standby" && $4 > 0' "$run/d-samples" | wc -l)
standby_n=$(awk '$3 == "standby"' "$run/d-samples" | wc -l)
d_hits=$(cat "$run/chip/apache-run/access.log" "$run/dale/apache-run/access.log" 2>/dev/null | awk -v d="$D" '$2 == d && $1 !~ /^(chip|dale)\.drill:/' | wc -l)
wrong=$((active_d + d_hits))
[ "$active_d" = 0 ] || fail "the machine holding V had vhosts on D in $active_d samples"
[ "$d_hits" = 0 ] || fail "$d_hits answers from a site's vhost on D"

total=$(( $(date +%s) - started ))
step "Drill $id results (chip ${engine[chip]}, dale ${engine[dale]}, $sites sites, $probes probes, $edits edits)"
row() { printf '  %-52s %s\n' "$1" "$2"; }
row "failover: V moved to dale (VRRP)" "${t_v:-never} s"
row "failover: all sites 200 from dale" "${t_sites:-never} s"
row "failover: all zones answered on V" "${t_zones:-never} s"
row "failover: secondary caught up (every serial > chip's last)" "${t_secondary:-never} s"
row "switch back: V on chip" "${s_v:-never} s"
row "switch back: all sites 200 from chip" "${s_sites:-never} s"
row "edits lost" "$lost of $edits"
row "serial regressions seen by the secondary" "$regressions"
row "sites served from the wrong address (on D, by V's holder)" "$wrong"
row "standby: samples with vhosts on D (after Blech's push)" "$standby_d of $standby_n"
row "whole drill" "$total s"
[ ${#failures[@]} = 0 ] || exit 1
echo
echo "drill: passed"
