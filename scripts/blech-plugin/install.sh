#!/bin/sh
# Installs K's Resync button (the Blech plugin "bridge") and the service that answers it. Run as root on the standby.
# From the sources: scripts/blech-plugin/install.sh; from the Debian package: /usr/lib/blech-bridge/blech-plugin/install.sh.
#
#   BLECH_PLUGINS       Blech's plugin folder              (default /usr/local/blech/plugins)
#   BLECH_USER          the user Blech runs hooks as       (default blech)
#   BLECH_GROUP         the spool's group                  (default: BLECH_USER's primary group, or a new group blech)
#   BRIDGE_BIN          the blech-bridge command           (default /usr/local/bin/blech-bridge when there, else
#                                                          /usr/bin/blech-bridge, the Debian package's)
#   BRIDGE_CONFIG       Bridge's configuration, root only  (default /etc/blech-bridge/bridge.json)
#   BRIDGE_SPOOL        the request spool                  (default /var/spool/blech-bridge)
#   BRIDGE_WAIT         seconds a click waits, at most 280 (default 280)
#   BRIDGE_SYSTEMD_DIR  where the unit goes                (default /etc/systemd/system; only there is it enabled and started)
set -eu

here=$(cd "$(dirname "$0")" && pwd -P)
plugins=${BLECH_PLUGINS:-/usr/local/blech/plugins}
user=${BLECH_USER:-blech}
if [ -n "${BRIDGE_BIN:-}" ]; then bin=$BRIDGE_BIN
elif [ -x /usr/local/bin/blech-bridge ]; then bin=/usr/local/bin/blech-bridge
else bin=/usr/bin/blech-bridge
fi
config=${BRIDGE_CONFIG:-/etc/blech-bridge/bridge.json}
spool=${BRIDGE_SPOOL:-/var/spool/blech-bridge}
wait=${BRIDGE_WAIT:-280}
unitdir=${BRIDGE_SYSTEMD_DIR:-/etc/systemd/system}

die() { echo "install.sh: $*" >&2; exit 1; }
warn() { echo "install.sh: warning: $*" >&2; }

[ "$(id -u)" = 0 ] || die "run as root: it creates the spool owned by root and installs a systemd unit"

# These paths go into a unit file and a settings file: plain absolute paths only.
for p in "$plugins" "$bin" "$config" "$spool" "$unitdir"; do
  case $p in
    /*) ;;
    *) die "'$p' is not an absolute path" ;;
  esac
  case $p in
    *[!ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._/+-]*) die "'$p' has characters other than letters, digits and . _ / + -" ;;
  esac
done
case $wait in
  '' | *[!0-9]*) die "BRIDGE_WAIT '$wait' is not a number of seconds" ;;
esac
[ "$wait" -le 280 ] || die "BRIDGE_WAIT $wait is more than 280: the answer must come before Blech stops the hook at 300 s"

# The spool's group is how the hook (and only it) may drop requests and read answers.
if [ -n "${BLECH_GROUP:-}" ]; then
  group=$BLECH_GROUP
  getent group "$group" >/dev/null || die "group '$group' does not exist"
elif id -u "$user" >/dev/null 2>&1; then
  group=$(id -gn "$user")
else
  group=blech
  warn "user '$user' does not exist (is Blech installed?); setting the spool up for group '$group'"
  if ! getent group "$group" >/dev/null; then
    groupadd --system "$group" || die "cannot create group '$group'"
  fi
  warn "when Blech's user exists, make '$group' its primary group or run this script again"
fi

[ -x "$bin" ] || warn "$bin is not there yet: install blech-bridge before the first click"
if [ -e "$config" ]; then
  # The configuration holds database passwords: only root may read it.
  if [ -n "$(find "$config" -perm /044 2>/dev/null)" ]; then
    warn "$config is readable by others than root; run: chmod 600 $config"
  fi
else
  warn "$config does not exist yet: every resync will fail until it does"
fi

# The plugin: owned by root, readable by Blech, changeable by nobody else.
dest=$plugins/bridge
# Blech's own plugin folder keeps its owner and mode; it is only created when missing.
[ -d "$plugins" ] || install -d -m 0755 "$plugins"
install -d -m 0755 -o root -g root "$dest" "$dest/hooks"
install -m 0644 -o root -g root "$here/bridge/plugin.ini" "$dest/plugin.ini"
install -m 0755 -o root -g root "$here/bridge/hooks/resync" "$dest/hooks/resync"
install -m 0755 -o root -g root "$here/bridge/hooks/last-resync" "$dest/hooks/last-resync"
conf=$dest/bridge-plugin.conf
printf 'bridge=%s\nspool=%s\nwait=%s\n' "$bin" "$spool" "$wait" >"$conf.tmp"
chown root:root "$conf.tmp"
chmod 0644 "$conf.tmp"
mv -f "$conf.tmp" "$conf"

# The spool: Blech's user may only drop requests and read answers (see make-spool).
"$here/make-spool" "$spool" "$group"

# The service that takes the requests, as root.
[ -d "$unitdir" ] || install -d -m 0755 "$unitdir"
# The unit beside this script in the sources, or the one the Debian package installed.
unit=$here/../systemd/blech-bridge-requests.service
[ -f "$unit" ] || unit=/usr/lib/systemd/system/blech-bridge-requests.service
[ -f "$unit" ] || die "blech-bridge-requests.service not found beside this script nor in /usr/lib/systemd/system"
sed -e "s|^ExecStart=blech-bridge |ExecStart=$bin |" -e "s|/etc/blech-bridge/bridge.json|$config|" -e "s|/var/spool/blech-bridge|$spool|" \
  "$unit" >"$unitdir/blech-bridge-requests.service.tmp"
chmod 0644 "$unitdir/blech-bridge-requests.service.tmp"
mv -f "$unitdir/blech-bridge-requests.service.tmp" "$unitdir/blech-bridge-requests.service"
if [ "$unitdir" = /etc/systemd/system ] && [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  systemctl enable blech-bridge-requests.service
  systemctl restart blech-bridge-requests.service
  echo "installed: plugin $dest, spool $spool (group $group), service blech-bridge-requests (running)"
else
  echo "installed: plugin $dest, spool $spool (group $group), unit $unitdir/blech-bridge-requests.service"
  echo "start the service with: systemctl daemon-reload && systemctl enable --now blech-bridge-requests.service"
fi
