#!/usr/bin/env bash
# Builds the BFD socket addon (UDP with TTL 255 sent and the received TTL reported, RFC 5881 GTSM) with
# plain gcc against Node's headers; skipped when up to date (--force rebuilds).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/build/bfd_socket.node"
[[ -f $out && $out -nt $here/bfd_socket.c && ${1:-} != --force ]] && exit 0
[[ -f /usr/include/node/node_api.h ]] || { echo "bfd_socket: /usr/include/node/node_api.h missing" >&2; exit 1; }
mkdir -p "$here/build"
${CC:-gcc} -std=gnu11 -O2 -Wall -Wextra -fPIC -shared -DNAPI_VERSION=8 -DNODE_GYP_MODULE_NAME=bfd_socket \
  -I/usr/include/node -o "$out.tmp" "$here/bfd_socket.c"
mv "$out.tmp" "$out"
echo "bfd_socket: built $out"
