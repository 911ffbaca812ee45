#!/bin/sh
# fetch-node.sh MAJOR ARCH DEST: unpack the pinned node-linux-<arch> npm package into DEST
# (DEST/bin/node). ARCH is x64 or arm64. The tarball's sha512 must match layer/versions.env.
set -eu
major=$1 arch=$2 dest=$3
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/layer/versions.env"
eval "version=\$NODE${major}_VERSION"
case $arch in x64) eval "want=\$NODE${major}_X64_INTEGRITY" ;; arm64) eval "want=\$NODE${major}_ARM64_INTEGRITY" ;; *) echo "fetch-node: unknown arch $arch" >&2; exit 2 ;; esac
cache=${LAMBDA_NODE_CACHE:-$here/.toolchain/cache}
mkdir -p "$cache"
tgz=$cache/node-linux-$arch-$version.tgz
if [ ! -f "$tgz" ]; then
  (cd "$cache" && npm pack --silent "node-linux-$arch@$version" >/dev/null)
fi
got="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
if [ "$got" != "$want" ]; then
  echo "fetch-node: integrity mismatch for $tgz: got $got, want $want" >&2
  rm -f "$tgz"; exit 1
fi
rm -rf "$dest.tmp"; mkdir -p "$dest.tmp"
# -m: stamped now, not 1985 as packed, so make sees the toolchain newer than what it was made from.
tar xzmf "$tgz" -C "$dest.tmp" --strip-components=1 package/bin/node package/LICENSE
rm -rf "$dest"; mv "$dest.tmp" "$dest"
# Run it only where it can run (an arm64 binary on x86_64 needs qemu).
host=$(uname -m); case $host in aarch64|arm64) host=arm64 ;; *) host=x64 ;; esac
[ "$host" != "$arch" ] || "$dest/bin/node" --version >/dev/null
echo "node $version ($arch) in $dest"
