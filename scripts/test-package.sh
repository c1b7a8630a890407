#!/usr/bin/env bash
# The Debian package on this machine, for real (as root): builds it with scripts/package.sh, installs it with dpkg -i, checks
# the command, the man page, the configuration's mode, the folders and their owners, the units (systemd-analyze verify, when
# there), then removes it with dpkg -r (the configuration must stay) and purges it (nothing may stay). scripts/test.sh runs
# it; exits 1 naming each failed check. A machine that already has blech-bridge installed is refused, not touched.
set -uo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "test-package: needs root (dpkg -i)" >&2; exit 2; }
if dpkg-query -W -f='${Status}' blech-bridge 2>/dev/null | grep -q 'installed\|config-files'; then
  echo "test-package: blech-bridge is already installed on this machine; not touching it" >&2
  exit 2
fi
[ ! -e /etc/blech-bridge ] || { echo "test-package: /etc/blech-bridge exists already; not touching it" >&2; exit 2; }

out=$(mktemp -d /tmp/blech-bridge-test-package.XXXXXX)
failed=0
fail() { echo "test-package: FAILED: $*"; failed=1; }
ok() { echo "test-package: ok: $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }
cleanup() {
  dpkg --purge blech-bridge >/dev/null 2>&1 || true
  rm -rf "$out"
}
trap cleanup EXIT

deb=$(scripts/package.sh "$out" | tail -n 1) || { echo "test-package: FAILED: scripts/package.sh"; exit 1; }
[ -f "$deb" ] || { echo "test-package: FAILED: no package at '$deb'"; exit 1; }
version=$(dpkg-deb -f "$deb" Version)
# TEST_PACKAGE_KEEP=DIR: a copy of the package is left there (scripts/test.sh runs the failover drill with its command).
[ -z "${TEST_PACKAGE_KEEP:-}" ] || cp "$deb" "$TEST_PACKAGE_KEEP/"
echo "test-package: $deb ($(du -h "$deb" | cut -f1))"

dpkg -i "$deb" >"$out/dpkg-i.log" 2>&1 || { cat "$out/dpkg-i.log"; fail "dpkg -i"; exit 1; }
ok "dpkg -i"
check "blech-bridge on PATH is /usr/bin/blech-bridge" test "$(command -v blech-bridge)" = /usr/bin/blech-bridge
check "blech-bridge --version prints $version" test "$(blech-bridge --version 2>&1)" = "$version"
# No .NET needed: the package's command runs with no dotnet on PATH and no DOTNET_ROOT.
check "it runs without the .NET SDK (Native AOT)" sh -c 'env -i PATH=/usr/bin:/bin /usr/bin/blech-bridge --version >/dev/null'
check "man -w blech-bridge finds the man page" test "$(man -w blech-bridge 2>/dev/null)" = /usr/share/man/man1/blech-bridge.1.gz
check "the man page renders" sh -c 'man -P cat blech-bridge 2>/dev/null | grep -q "EXIT STATUS"'
mode_owner() { stat -c '%a %U:%G' "$1" 2>/dev/null; }
check "/etc/blech-bridge/bridge.json is root's, mode 600" test "$(mode_owner /etc/blech-bridge/bridge.json)" = "600 root:root"
check "/var/lib/blech-bridge is root's" test "$(mode_owner /var/lib/blech-bridge)" = "755 root:root"
check "/var/log/blech-bridge is root's" test "$(mode_owner /var/log/blech-bridge)" = "755 root:root"
# The spool: root with Blech's group when Blech's user or group exists, else root's alone (the plugin's installer fixes it).
if id -u blech >/dev/null 2>&1 || getent group blech >/dev/null 2>&1; then
  g=$(id -gn blech 2>/dev/null || echo blech)
  check "/var/spool/blech-bridge is root:$g 2750" test "$(mode_owner /var/spool/blech-bridge)" = "2750 root:$g"
  check "/var/spool/blech-bridge/requests is root:$g 3730" test "$(mode_owner /var/spool/blech-bridge/requests)" = "3730 root:$g"
else
  check "/var/spool/blech-bridge is root's alone (no Blech here)" test "$(mode_owner /var/spool/blech-bridge)" = "700 root:root"
fi
# Valid as shipped: check gets past the file (exit 2 would be a configuration error) and fails on the databases, pointed
# at a closed port so that nothing waits.
check "the example configuration is valid (check stops at the database, not at the file)" \
  sh -c 'BRIDGE__RETRY__MAXATTEMPTS=0 BRIDGE__PEER__CONNECTIONSTRING="Host=127.0.0.1;Port=9;Database=blech;Username=x;Password=x" \
         BRIDGE__LOCAL__CONNECTIONSTRING="Host=127.0.0.1;Port=7;Database=blech;Username=x;Password=x" \
         BRIDGE__PEER__ENGINE=postgres timeout 60 blech-bridge check --config /etc/blech-bridge/bridge.json >/dev/null 2>&1; test $? = 1'
for f in /etc/cron.d/blech-bridge /usr/lib/blech-bridge/blech-bridge-notify /usr/lib/blech-bridge/blech-plugin/install.sh \
         /usr/lib/blech-bridge/blech-plugin/bridge/hooks/resync /usr/lib/systemd/system/blech-bridge-sync.timer \
         /usr/lib/systemd/system/blech-bridge-requests.service; do
  check "$f is installed" test -f "$f"
done
# keepalived's notify script finds the package's command by itself (127 would mean not found); a missing configuration
# makes it exit 2 at once.
BRIDGE_CONFIG=/nonexistent BRIDGE_NOTIFY_LOG="$out/notify.log" /usr/lib/blech-bridge/blech-bridge-notify INSTANCE bridge_v BACKUP 100
for _ in $(seq 100); do grep -q ' exited ' "$out/notify.log" 2>/dev/null && break; sleep 0.2; done
check "blech-bridge-notify runs /usr/bin/blech-bridge without BRIDGE_BIN" grep -q 'blech-bridge demote exited 2' "$out/notify.log"
check "the cron file's jobs are commented out" sh -c '! grep -E "^[^#].*root blech-bridge" /etc/cron.d/blech-bridge'
if command -v systemd-analyze >/dev/null; then
  # The units name the command bare (ExecStart=blech-bridge ...): systemd must find it in /usr/bin.
  check "systemd-analyze verify accepts the units" sh -c 'systemd-analyze verify /usr/lib/systemd/system/blech-bridge-*.service /usr/lib/systemd/system/blech-bridge-*.timer >"$0/verify.log" 2>&1 || { cat "$0/verify.log"; false; }' "$out"
fi

# The administrator's configuration survives removal.
echo '{ "edited": "by the administrator" }' > /etc/blech-bridge/bridge.json
dpkg -r blech-bridge >"$out/dpkg-r.log" 2>&1 || { cat "$out/dpkg-r.log"; fail "dpkg -r"; }
check "dpkg -r removes the command" test ! -e /usr/bin/blech-bridge -a ! -e /usr/lib/blech-bridge/blech-bridge
check "dpkg -r removes the man page" test ! -e /usr/share/man/man1/blech-bridge.1.gz
check "dpkg -r keeps /etc/blech-bridge/bridge.json as edited" grep -q "by the administrator" /etc/blech-bridge/bridge.json
dpkg --purge blech-bridge >"$out/dpkg-purge.log" 2>&1 || { cat "$out/dpkg-purge.log"; fail "dpkg --purge"; }
for p in /etc/blech-bridge /etc/cron.d/blech-bridge /var/lib/blech-bridge /var/log/blech-bridge /var/spool/blech-bridge; do
  check "purge removes $p" test ! -e "$p"
done

if [ "$failed" != 0 ]; then
  echo "test-package: FAILED"
  exit 1
fi
echo "test-package: passed"
