#!/usr/bin/env bash
# Builds the AF_PACKET addon into reference/l2/native/build/Release/af_packet.node.
# Plain gcc against Node's headers in /usr/include/node (like reference/bgp/native); with
# LBCONFORM_USE_GYP=1, node-gyp from node_modules with binding.gyp instead (offline: --nodedir=/usr).
# Skips the build when it is up to date (--force rebuilds).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
out="$here/build/Release/af_packet.node"
if [[ -f $out && $out -nt $here/af_packet.c && $out -nt $here/binding.gyp && ${1:-} != --force ]]; then
  exit 0
fi
if [[ ! -f /usr/include/node/node_api.h ]]; then
  echo "af_packet: /usr/include/node/node_api.h missing (Debian: apt-get install libnode-dev or nodejs headers)" >&2
  exit 1
fi
gyp="$root/node_modules/.bin/node-gyp"
if [[ ${LBCONFORM_USE_GYP:-} == 1 && -x $gyp ]]; then
  (cd "$here" && "$gyp" rebuild --nodedir=/usr --loglevel=error >/dev/null)
else
  mkdir -p "$here/build/Release"
  ${CC:-gcc} -std=gnu11 -O2 -Wall -Wextra -Wno-unused-parameter -fPIC -shared \
    -DNAPI_VERSION=8 -DNODE_GYP_MODULE_NAME=af_packet -I/usr/include/node \
    -o "$out.tmp" "$here/af_packet.c"
  mv "$out.tmp" "$out"
fi
echo "af_packet: built $out"
