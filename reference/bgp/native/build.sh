#!/usr/bin/env bash
# Builds the TCP MD5 (RFC 2385) addon with plain gcc against Node's headers; skipped when up to date.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/build/tcp_md5.node"
[[ -f $out && $out -nt $here/tcp_md5.c && ${1:-} != --force ]] && exit 0
[[ -f /usr/include/node/node_api.h ]] || { echo "tcp_md5: /usr/include/node/node_api.h missing" >&2; exit 1; }
mkdir -p "$here/build"
${CC:-gcc} -std=gnu11 -O2 -Wall -Wextra -fPIC -shared -DNAPI_VERSION=8 -DNODE_GYP_MODULE_NAME=tcp_md5 \
  -I/usr/include/node -o "$out.tmp" "$here/tcp_md5.c"
mv "$out.tmp" "$out"
echo "tcp_md5: built $out"
