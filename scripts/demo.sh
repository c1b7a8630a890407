#!/usr/bin/env bash
# The main job, end to end on this machine, in under a minute after the first build: two Blech databases (chip, the active
# machine, and dale, the standby) on a throw-away PostgreSQL pair, filled through the Blech emulator the way Blech and its
# push fill them. Then what Bridge is for: dale's sites move from D (dale's own address) to V (the service address), the
# Apache files Blech generated on dale are rewritten from D to V (checked by the real apache2ctl), Blech's hourly push
# undoes the addresses and Bridge puts them back, and the daily report. It ends with the steps to run it for real.
# Safe to run twice; everything lives in a temporary folder that is removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
source scripts/lib/servers.sh

C=192.0.2.1 D=192.0.2.2 V=192.0.2.100
run=$(mktemp -d /tmp/blech-bridge-demo.XXXXXX)
chmod 755 "$run"
cleanup() { pg_down "$run/chip"; pg_down "$run/dale"; [ -n "${DEMO_KEEP:-}" ] || rm -rf "$run"; }
trap cleanup EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
say() { printf '   %s\n' "$*"; }

step "Building Bridge"
dotnet build Bridge.sln -c Release --nologo -v quiet -clp:ErrorsOnly
# The command as scripts/install.sh and the Debian package install it: blech-bridge.
blech-bridge() { src/Bridge.Cli/bin/Release/net10.0/blech-bridge "$@"; }
demo() { dotnet tests/Bridge.Demo/bin/Release/net10.0/bridge-demo.dll "$@"; }
start=$(date +%s)

step "Starting PostgreSQL for chip and for dale (in $run)"
base=$((30000 + $$ % 10000))
chip_port=$(free_port "$base"); dale_port=$(free_port $((chip_port + 1)))
pg_up "$run/chip" "$chip_port" & a=$!
pg_up "$run/dale" "$dale_port" & b=$!
wait $a && wait $b

step "Blech on chip ($C, serving V $V) and dale ($D): chip filled, dale filled by Blech's own push"
mkdir -p "$run/tls"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=demo.example -keyout "$run/tls/site.key" -out "$run/tls/site.crt" 2>/dev/null
demo setup "$(pg_conn "$chip_port")" "$(pg_conn "$dale_port")" "$run"
vhost() { grep -m1 -h '<VirtualHost' "$run/generated/apache/sites/site000.example.conf"; }
namevhost() { grep -m1 -h 'NameVirtualHost' "$run/generated/apache/ports.conf"; }
say "Blech generated dale's Apache files with every site on D, so dale could not serve V if chip died:"
say "  apache/sites/site000.example.conf: $(vhost)"
say "  apache/ports.conf:                 $(namevhost)"

# A real apache2ctl checks every rewrite: a minimal apache2.conf that includes Blech's generated tree.
mkdir -p "$run/etc-apache2" "$run/apache-run"
cat > "$run/etc-apache2/apache2.conf" <<CONF
ServerRoot "$run/etc-apache2"
PidFile "$run/apache-run/apache2.pid"
ErrorLog "$run/apache-run/error.log"
DefaultRuntimeDir "$run/apache-run"
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule ssl_module /usr/lib/apache2/modules/mod_ssl.so
LoadModule headers_module /usr/lib/apache2/modules/mod_headers.so
ServerName localhost
IncludeOptional $run/generated/apache/ports.conf
IncludeOptional $run/generated/apache/sites/*.conf
CONF
cat > "$run/bridge.json" <<JSON
{
  "serviceAddress": "$V",
  "local": { "engine": "postgres", "connectionString": "$(pg_conn "$dale_port" blech)", "address": "$D" },
  "peer":  { "engine": "postgres", "connectionString": "$(pg_conn "$chip_port" blech)", "address": "$C" },
  "lockFile": "$run/bridge.lock",
  "apache": { "root": "$run/generated", "backupRoot": "$run/apache-backups",
              "testCommand": ["apache2ctl", "-t"], "dumpCommand": ["apache2ctl", "-S"], "reloadCommand": ["true"],
              "environment": { "APACHE_CONFDIR": "$run/etc-apache2" } },
  "ready": { "configRoot": "$run/generated", "checkDns": false }
}
JSON
chmod 600 "$run/bridge.json"
cfg=(--config "$run/bridge.json")
on_v() { # on_v ADDRESS: how many vhosts apache2ctl -S shows on ADDRESS
  APACHE_CONFDIR=$run/etc-apache2 apache2ctl -S 2>/dev/null | awk -v a="$1:" '
    /^[^ \t]/ { cur = index($1, a) == 1; if (cur && $2 != "is") n++; next }
    cur && / namevhost / { n++ }
    END { print n + 0 }'
}

step "blech-bridge diff: what a sync would change (nothing is written)"
blech-bridge diff "${cfg[@]}" --all 2>/dev/null >"$run/diff.txt"
grep -m 3 '^~ site ' "$run/diff.txt"
say "... all $(grep -c '^~ site ' "$run/diff.txt") sites move from D $D to V $V in dale's database"
grep -m 2 '^+ zone ' "$run/diff.txt"
say "... and the zones, records and mailboxes Blech's push does not copy"
head -n 1 "$run/diff.txt"

step "blech-bridge rewrite-apache --dry-run: the Apache step that ends every sync, as a diff of Blech's generated tree"
blech-bridge rewrite-apache "${cfg[@]}" --dry-run 2>/dev/null | grep -E '^(\+\+\+|[-+][^-+])' | head -n 5 || true
say "(the vhosts follow once dale's database has the sites on V; apache2ctl -S must show D become V and nothing else)"

step "blech-bridge sync: one transaction on dale's database, then the Apache rewrite checked by apache2ctl -t and -S"
blech-bridge sync "${cfg[@]}" 2>"$run/sync.log" >"$run/sync.txt" || { cat "$run/sync.log"; head -n 3 "$run/sync.txt"; exit 1; }
head -n 1 "$run/sync.txt"
say "apache/sites/site000.example.conf: $(vhost)"
say "apache/ports.conf:                 $(namevhost)"
say "apache2ctl -S: $(on_v "$V") vhosts on V, $(on_v "$D") on D"

step "Blech's hourly push from chip undoes it: dale's sites back on D, and blechd writes them so"
demo push "$(pg_conn "$chip_port")" "$(pg_conn "$dale_port")" "$run/generated"
say "apache/sites/site000.example.conf: $(vhost);  apache2ctl -S: $(on_v "$D") vhosts on D"

step "The next sync (cron or the timer, every five minutes) puts them back and counts what Blech reverted"
blech-bridge sync "${cfg[@]}" 2>"$run/sync.log" >"$run/sync.txt" || { cat "$run/sync.log"; head -n 3 "$run/sync.txt"; exit 1; }
grep -m 3 '^! ' "$run/sync.txt"
say "..."
head -n 1 "$run/sync.txt"
say "apache/sites/site000.example.conf: $(vhost);  apache2ctl -S: $(on_v "$V") vhosts on V, $(on_v "$D") on D"

step "blech-bridge report: the daily dry-run report, as mailed (after a few edits on chip; first lines)"
demo edit "$(pg_conn "$chip_port")"
blech-bridge report "${cfg[@]}" 2>/dev/null >"$run/report.txt"
head -n 24 "$run/report.txt"
say "..."

printf '\n\033[1m== Demo done in %s s (after the build): dale serves every site on V, its zones match chip'"'"'s.\033[0m\n' $(( $(date +%s) - start ))
cat <<'NEXT'

Next steps, on the real standby (dale), as root:
  1. Install:        scripts/package.sh && dpkg -i blech-bridge_*_amd64.deb   (or scripts/install.sh from the sources)
  2. Configure:      edit /etc/blech-bridge/bridge.json (mode 600: it holds both databases' passwords);
                     blech-bridge check --config /etc/blech-bridge/bridge.json, then diff, then sync
  3. Keep in step:   systemctl enable --now blech-bridge-sync.timer blech-bridge-report.timer blech-bridge-watch.service
                     (or uncomment /etc/cron.d/blech-bridge: one of the two, not both; for a standby seconds
                     behind, blech-bridge-follow.service instead of the sync timer)
  4. Failover:       keepalived on chip and dale with scripts/keepalived/keepalived.conf.sample; its notify script
                     /usr/lib/blech-bridge/blech-bridge-notify runs blech-bridge promote / demote
  5. K's button:     /usr/lib/blech-bridge/blech-plugin/install.sh (Blech's "Resync standby now")
  6. Before relying on it: blech-bridge ready --config /etc/blech-bridge/bridge.json exits 0 (man blech-bridge)
NEXT
