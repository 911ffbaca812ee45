#!/bin/sh
# fetch-rie.sh ARCH DEST: the AWS Lambda Runtime Interface Emulator from the pinned aws-sam-cli
# wheel on PyPI (samcli/local/rapid/aws-lambda-rie-<arch>), checked against its pinned sha256.
set -eu
arch=$1 dest=$2
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/layer/versions.env"
case $arch in x86_64) want=$RIE_X86_64_SHA256 ;; arm64) want=$RIE_ARM64_SHA256 ;; *) echo "fetch-rie: unknown arch $arch" >&2; exit 2 ;; esac
cache=${LAMBDA_NODE_CACHE:-$here/.toolchain/cache}
mkdir -p "$cache"
whl=$cache/aws_sam_cli-$SAM_CLI_VERSION-py3-none-any.whl
[ -f "$whl" ] || python3 -m pip download --quiet --no-deps --dest "$cache" "aws-sam-cli==$SAM_CLI_VERSION"
tmp=$(mktemp -d)
python3 - "$whl" "samcli/local/rapid/aws-lambda-rie-$arch" "$tmp/rie" <<'PY'
import sys, zipfile, shutil
with zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as src, open(sys.argv[3], "wb") as dst:
    shutil.copyfileobj(src, dst)
PY
got=$(sha256sum "$tmp/rie" | cut -d' ' -f1)
if [ "$got" != "$want" ]; then
  echo "fetch-rie: sha256 mismatch for aws-lambda-rie-$arch: got $got, want $want" >&2
  rm -rf "$tmp"; exit 1
fi
mkdir -p "$(dirname "$dest")"
chmod 755 "$tmp/rie"; mv "$tmp/rie" "$dest"; rm -rf "$tmp"
echo "aws-lambda-rie-$arch (aws-sam-cli $SAM_CLI_VERSION, sha256 $got) in $dest"
