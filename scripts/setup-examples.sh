#!/bin/sh
# setup-examples.sh: what test/examples needs beyond the npm devDependencies, installed only when
# missing: a Python venv at .toolchain/venv-examples with moto[server], the AWS CLI v1 and the SAM CLI
# pinned in scripts/examples-requirements.txt, and zip/unzip (the AWS CLI example zips the function;
# the SAM test unpacks the layer zip). Reinstalls the venv when the requirements file changes.
# Usage: scripts/setup-examples.sh [venv dir]   (default .toolchain/venv-examples)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
venv=${1:-$here/.toolchain/venv-examples}
req=$here/scripts/examples-requirements.txt
say() { echo "setup-examples: $*" >&2; }

apt_install() {
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    say "missing:$* (install them, or run as root on Debian/Ubuntu)"
    exit 1
  fi
  say "installing$*"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

need=""
command -v zip >/dev/null 2>&1 || need="$need zip"
command -v unzip >/dev/null 2>&1 || need="$need unzip"
command -v python3 >/dev/null 2>&1 || need="$need python3"
[ -z "$need" ] || apt_install $need

# The stamp holds the sha256 of the requirements the venv was built from.
want=$(sha256sum "$req" | cut -d' ' -f1)
if [ -f "$venv/.installed" ] && [ "$(cat "$venv/.installed")" = "$want" ]; then
  exit 0
fi

rm -rf "$venv"
if ! python3 -m venv "$venv" >/dev/null 2>&1; then
  # Debian's python3 ships venv (ensurepip) separately.
  rm -rf "$venv"
  apt_install python3-venv
  python3 -m venv "$venv"
fi
say "installing moto[server], awscli, aws-sam-cli into $venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req"
for tool in moto_server aws sam; do
  [ -x "$venv/bin/$tool" ] || { say "$tool missing from $venv after install"; exit 1; }
done
echo "$want" >"$venv/.installed"
