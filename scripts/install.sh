#!/usr/bin/env bash
# Installs Bridge from the sources on this machine (as root): the command in /usr/local/lib/blech-bridge with
# /usr/local/bin/blech-bridge, its man page, the systemd units (sync and report timers, the Apache watch), the keepalived
# notify script, and an example configuration /etc/blech-bridge/bridge.json (mode 600) when there is none.
# The Debian package (scripts/package.sh) installs the same under /usr; prefer it. The Blech plugin has its own installer:
# scripts/blech-plugin/install.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "install.sh: run as root" >&2; exit 1; }
source scripts/lib/publish.sh
lib=/usr/local/lib/blech-bridge
rm -rf "$lib.new"
publish_cli "$lib.new"
install -m 0755 scripts/keepalived/blech-bridge-notify "$lib.new/blech-bridge-notify"
rm -rf "$lib.old"; [ -d "$lib" ] && mv "$lib" "$lib.old"; mv "$lib.new" "$lib"; rm -rf "$lib.old"
ln -sfn "$lib/blech-bridge" /usr/local/bin/blech-bridge
install -d -m 0755 /usr/local/share/man/man1 /var/lib/blech-bridge /var/log/blech-bridge /etc/blech-bridge
gzip -9n <scripts/package/blech-bridge.1 >/usr/local/share/man/man1/blech-bridge.1.gz
# systemd finds a bare "ExecStart=blech-bridge" in /usr/local/bin before /usr/bin: the units need no change.
install -m 0644 scripts/systemd/blech-bridge-sync.service scripts/systemd/blech-bridge-sync.timer \
  scripts/systemd/blech-bridge-report.service scripts/systemd/blech-bridge-report.timer \
  scripts/systemd/blech-bridge-watch.service scripts/systemd/blech-bridge-follow.service /etc/systemd/system/
if [ ! -f /etc/blech-bridge/bridge.json ]; then
  install -m 0600 scripts/package/bridge.example.json /etc/blech-bridge/bridge.json
  echo "install.sh: edit /etc/blech-bridge/bridge.json (an example; see man blech-bridge, CONFIGURATION)"
fi
if command -v systemctl >/dev/null; then
  systemctl daemon-reload || true
  echo "install.sh: enable with: systemctl enable --now blech-bridge-sync.timer blech-bridge-report.timer blech-bridge-watch.service"
  echo "install.sh: or, for a standby seconds behind instead of the sync timer: systemctl enable --now blech-bridge-follow.service"
fi
echo "install.sh: installed blech-bridge $(/usr/local/bin/blech-bridge --version)"
