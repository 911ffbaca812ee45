#!/bin/sh
# stage.sh build/stage/<arch>-node<major>: lay out a directory exactly as the layer unpacks at /opt:
#   bootstrap  bin/node  lambda-node/runtime.cjs  lambda-node/managed.cjs
set -eu
dir=$1
name=$(basename "$dir")
arch=${name%-node*}
major=${name##*-node}
case $arch in x86_64) narch=x64 ;; arm64) narch=arm64 ;; *) echo "stage: unknown arch $arch" >&2; exit 2 ;; esac
here=$(cd "$(dirname "$0")/.." && pwd)
node_dir=$here/.toolchain/node$major-$narch
[ -x "$node_dir/bin/node" ] || "$here/scripts/fetch-node.sh" "$major" "$narch" "$node_dir"
rm -rf "$dir"; mkdir -p "$dir/bin" "$dir/lambda-node"
sed "s/^node_major=.*/node_major=$major/" "$here/bootstrap" > "$dir/bootstrap"; chmod 755 "$dir/bootstrap"
# A hard link where the file system allows it: the Node binary is 120 MB.
ln "$node_dir/bin/node" "$dir/bin/node" 2>/dev/null || cp "$node_dir/bin/node" "$dir/bin/node"
cp "$here/dist/runtime.cjs" "$dir/lambda-node/runtime.cjs"
cp "$here/dist/managed.cjs" "$dir/lambda-node/managed.cjs"
touch "$dir/.staged"
