#!/bin/sh
# On an x86_64 machine: run arm64 ELF files (and arm64 containers) under qemu, so the arm64 layer
# is tested, not only built. Installs qemu-user-static + binfmt-support when missing, mounts
# binfmt_misc, and makes sure qemu-aarch64 is registered with flag F (the interpreter is opened at
# registration, so containers see it too). Idempotent; quiet when already set up.
set -eu
[ "$(uname -m)" = x86_64 ] || exit 0
entry=/proc/sys/fs/binfmt_misc/qemu-aarch64
ready() { [ -f "$entry" ] && grep -q '^enabled' "$entry" && grep -q '^flags: .*F' "$entry"; }
ready && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "setup-arm64-emulation: qemu-aarch64 is not registered and this is not root" >&2
  exit 1
fi
if ! command -v update-binfmts >/dev/null 2>&1 || [ ! -e /usr/libexec/qemu-binfmt/aarch64-binfmt-P ] && [ ! -e /usr/bin/qemu-aarch64-static ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-user-static binfmt-support >/dev/null
fi
[ -f /proc/sys/fs/binfmt_misc/register ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
update-binfmts --import qemu-aarch64 >/dev/null 2>&1 || true
update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || true
if ! ready; then
  echo "setup-arm64-emulation: qemu-aarch64 could not be registered with binfmt_misc" >&2
  exit 1
fi
echo "arm64 emulation: qemu-aarch64 registered"
