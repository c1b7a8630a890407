#!/usr/bin/env bash
# Installs the Debian packages the demo, the tests and the failover drill need, when any is missing. Needs root for apt-get.
set -euo pipefail
need=()
command -v psql >/dev/null && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql postgresql-client)
command -v mariadbd >/dev/null || command -v mysqld >/dev/null || need+=(mariadb-server mariadb-client)
command -v apache2ctl >/dev/null || need+=(apache2)
command -v named-checkzone >/dev/null || need+=(bind9-utils)
[ -x /usr/sbin/named ] || need+=(bind9)
command -v dig >/dev/null || need+=(bind9-dnsutils)
command -v chromium >/dev/null || need+=(chromium)
# The failover drill (scripts/drill.sh): network namespaces, VRRP, a TLS certificate, an HTTP client.
command -v ip >/dev/null || need+=(iproute2)
command -v keepalived >/dev/null || [ -x /usr/sbin/keepalived ] || need+=(keepalived)
command -v curl >/dev/null || need+=(curl)
# The Debian package test (scripts/test-package.sh): man -w finds the installed man page.
command -v man >/dev/null && command -v mandb >/dev/null || need+=(man-db)
command -v openssl >/dev/null || need+=(openssl)
command -v unshare >/dev/null || need+=(util-linux)
# The installed command is Native AOT (scripts/lib/publish.sh): the .NET AOT compiler links with clang and zlib.
command -v clang >/dev/null || need+=(clang)
[ -e /usr/include/zlib.h ] || need+=(zlib1g-dev)
command -v dotnet >/dev/null || { echo "install-deps: the .NET SDK (dotnet) is not on PATH; see global.json for the version" >&2; exit 1; }
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "install-deps: missing ${need[*]}; run as root, or install them with apt-get" >&2
    exit 1
  fi
  echo "install-deps: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
