#!/usr/bin/env bash
# Builds the BGP socket addon (TCP MD5 RFC 2385, TTL / hop limit, listening sockets) with plain gcc
# against Node's headers; skipped when up to date.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/build/bgp_socket.node"
[[ -f $out && $out -nt $here/bgp_socket.c && ${1:-} != --force ]] && exit 0
[[ -f /usr/include/node/node_api.h ]] || { echo "bgp_socket: /usr/include/node/node_api.h missing" >&2; exit 1; }
mkdir -p "$here/build"
${CC:-gcc} -std=gnu11 -O2 -Wall -Wextra -fPIC -shared -DNAPI_VERSION=8 -DNODE_GYP_MODULE_NAME=bgp_socket \
  -I/usr/include/node -o "$out.tmp" "$here/bgp_socket.c"
mv "$out.tmp" "$out"
echo "bgp_socket: built $out"
