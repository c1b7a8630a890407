#!/usr/bin/env bash
# Builds the Debian package blech-bridge_<version>_amd64.deb with dpkg-deb alone (no debhelper): the command published
# as one Native AOT executable (no .NET on the machine), its man page, the systemd units, the cron file (its jobs commented
# out: the timers or cron, not both), the keepalived notify script, the Blech plugin and its installer, and an example
# configuration /etc/blech-bridge/bridge.json (mode 600, kept on removal). Needs the .NET SDK of global.json, not root.
#
#   scripts/package.sh [OUTDIR]      (default artifacts/package); prints the package's path last
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/publish.sh
out=${1:-artifacts/package}
version=$(bridge_version)
[ -n "$version" ] || { echo "package.sh: no <Version> in src/Directory.Build.props" >&2; exit 1; }
deb="$out/blech-bridge_${version}_amd64.deb"
stage=$(mktemp -d /tmp/blech-bridge-package.XXXXXX)
trap 'rm -rf "$stage"' EXIT
root=$stage/blech-bridge
umask 022

lib=$root/usr/lib/blech-bridge
publish_cli "$lib"
install -m 0755 scripts/keepalived/blech-bridge-notify "$lib/blech-bridge-notify"
install -d "$lib/blech-plugin/bridge/hooks" "$root/usr/bin" "$root/usr/share/man/man1" "$root/usr/lib/systemd/system" \
  "$root/etc/cron.d" "$root/etc/blech-bridge" "$root/usr/share/doc/blech-bridge"
install -m 0755 scripts/blech-plugin/install.sh scripts/blech-plugin/make-spool "$lib/blech-plugin/"
install -m 0644 scripts/blech-plugin/README.md "$lib/blech-plugin/"
install -m 0644 scripts/blech-plugin/bridge/plugin.ini "$lib/blech-plugin/bridge/"
install -m 0755 scripts/blech-plugin/bridge/hooks/resync scripts/blech-plugin/bridge/hooks/last-resync "$lib/blech-plugin/bridge/hooks/"
ln -s ../lib/blech-bridge/blech-bridge "$root/usr/bin/blech-bridge"
gzip -9n <scripts/package/blech-bridge.1 >"$root/usr/share/man/man1/blech-bridge.1.gz"
install -m 0644 scripts/systemd/blech-bridge-* "$root/usr/lib/systemd/system/"
# The cron file ships disabled: enabling it as well as the timers would run every sync twice.
sed -E 's/^([^#A-Z].*root blech-bridge )/#\1/' scripts/cron/blech-bridge >"$root/etc/cron.d/blech-bridge"
chmod 0644 "$root/etc/cron.d/blech-bridge"
install -m 0600 scripts/package/bridge.example.json "$root/etc/blech-bridge/bridge.json"
install -m 0644 README.md scripts/keepalived/keepalived.conf.sample "$root/usr/share/doc/blech-bridge/"

install -d "$root/DEBIAN"
install -m 0755 scripts/package/debian/postinst scripts/package/debian/prerm scripts/package/debian/postrm "$root/DEBIAN/"
printf '%s\n' /etc/blech-bridge/bridge.json /etc/cron.d/blech-bridge >"$root/DEBIAN/conffiles"
cat >"$root/DEBIAN/control" <<CONTROL
Package: blech-bridge
Version: $version
Architecture: amd64
Maintainer: Bridge maintainers <root@localhost>
Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)
Depends: libc6, libgcc-s1, libstdc++6, libssl3 | libssl1.1, zlib1g
Recommends: apache2, keepalived
Suggests: bind9
Section: admin
Priority: optional
Description: keeps a Blech hosting standby ready to take over
 blech-bridge copies sites, DNS zones and mailboxes from the active machine's
 Blech database into the standby's, bound to the floating service address,
 rewrites the standby's Apache files from its own address to that address,
 keeps zone serials moving forward and puts back what Blech's push undoes.
 It runs from cron or systemd timers, from keepalived on failover, and from
 Blech's "Resync standby now" button. See blech-bridge(1).
CONTROL

mkdir -p "$out"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
