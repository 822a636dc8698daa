#!/usr/bin/env bash
# Installs what the test suite needs on a fresh machine: the Debian packages of the real peers
# (libtorrent's Python binding for the system python3, opentracker, aria2, Transmission), clang for the Native AOT
# build, and the npm seed modules run under Node.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

need_apt=()
/usr/bin/python3 -c 'import libtorrent' >/dev/null 2>&1 || need_apt+=(python3-libtorrent)
[ -x /usr/bin/opentracker ] || need_apt+=(opentracker)
# The MSE interop tests run aria2 and Transmission (transmission-cli; the daemon for manual checks).
[ -x /usr/bin/aria2c ] || need_apt+=(aria2)
[ -x /usr/bin/transmission-cli ] || need_apt+=(transmission-cli)
[ -x /usr/bin/transmission-daemon ] || need_apt+=(transmission-daemon)
# The Native AOT build of bt (a packaging test, the benchmarks) links with clang and zlib.
[ -x /usr/bin/clang ] || need_apt+=(clang)
[ -f /usr/include/zlib.h ] || need_apt+=(zlib1g-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "install-test-deps: installing ${need_apt[*]} from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
/usr/bin/python3 -c 'import libtorrent; print("install-test-deps: libtorrent", libtorrent.__version__)'

echo "install-test-deps: npm ci in tests/interop-peers"
(cd "$root/tests/interop-peers" && npm ci --omit=optional --no-audit --no-fund --loglevel=error >/dev/null)
node -e 'console.log("install-test-deps: node", process.version)'
