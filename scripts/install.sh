#!/usr/bin/env bash
# Installs Bridge on this machine (as root): the command in /usr/local/lib/bridge with /usr/local/bin/bridge, the systemd
# units (sync and report timers, the Apache watch), the keepalived notify script, and an example configuration.
# The Blech plugin has its own installer: scripts/blech-plugin/install.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "install.sh: run as root" >&2; exit 1; }
dotnet publish src/Bridge.Cli -c Release -o /usr/local/lib/bridge --nologo -v quiet
cat > /usr/local/bin/bridge <<'SH'
#!/bin/sh
exec dotnet /usr/local/lib/bridge/bridge.dll "$@"
SH
chmod 755 /usr/local/bin/bridge
install -d -m 0755 /usr/local/lib/bridge /var/lib/bridge /var/log/bridge /etc/bridge
install -m 0755 scripts/keepalived/bridge-notify /usr/local/lib/bridge/bridge-notify
install -m 0644 scripts/systemd/bridge-sync.service scripts/systemd/bridge-sync.timer \
  scripts/systemd/bridge-report.service scripts/systemd/bridge-report.timer scripts/systemd/bridge-watch.service /etc/systemd/system/
[ -f /etc/bridge/bridge.json ] || { install -m 0600 /dev/null /etc/bridge/bridge.json; echo "install.sh: write /etc/bridge/bridge.json (see README, Configuration)"; }
if command -v systemctl >/dev/null; then
  systemctl daemon-reload
  echo "install.sh: enable with: systemctl enable --now bridge-sync.timer bridge-report.timer bridge-watch.service"
fi
