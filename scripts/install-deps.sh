#!/usr/bin/env bash
# Installs what `make test` / `make conformance` need, and nothing when it is already there.
# Debian packages first (routers, probes, capture), then the npm tree from package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(frr iproute2 iputils-arping iputils-ping ndisc6 tcpdump libpcap-dev gobgpd bird2 procps psmisc python3 make g++)

if [[ $(id -u) -ne 0 ]]; then
  echo "lbconform: must run as root (it creates network namespaces and starts routers)" >&2
  exit 2
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  echo "lbconform: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # frr/bird2 ship service units; policy-rc.d keeps them from starting daemons in the root namespace.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The distribution's frr/bird may have been started by a service manager: the suite runs its own
# instances in namespaces and never needs the root-namespace ones, but it leaves them alone.

# npm ci only when the lockfile changed since the last install (it wipes node_modules: slow).
stamp=node_modules/.lbconform-lock-stamp
if [[ ! -f $stamp ]] || ! cmp -s package-lock.json "$stamp"; then
  echo "lbconform: npm ci"
  npm ci --no-fund --no-audit --loglevel=error
  cp package-lock.json "$stamp"
fi

# Native addons of our own (TCP MD5 for BGP, AF_PACKET for ARP/NDP): plain gcc against Node's headers,
# rebuilt only when their source changed.
for build in reference/*/native/build.sh; do
  [[ -x $build ]] && "$build"
done
