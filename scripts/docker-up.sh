#!/bin/sh
# docker-up.sh: make a Docker engine answer `docker info`, for the Docker tests and `make image`.
# Quiet when one already answers. Otherwise installs docker.io (apt-get) when dockerd is missing,
# starts dockerd in the background (log: build/dockerd.log) and waits up to 60 s for it.
# Exits 1 with one line on stderr when no engine can be had.
set -eu
docker info >/dev/null 2>&1 && exit 0

here=$(cd "$(dirname "$0")/.." && pwd)
say() { echo "docker-up: $*" >&2; }

if ! command -v dockerd >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    say "no Docker engine answers and dockerd is missing (install Docker, or run as root on Debian/Ubuntu)"
    exit 1
  fi
  say "installing docker.io"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq docker.io >/dev/null
fi
if ! command -v docker >/dev/null 2>&1; then
  say "dockerd is installed but the docker CLI is missing"
  exit 1
fi

# A dockerd already started (by us or anyone) may only be slow to answer: start another only if none runs.
if ! pidof dockerd >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then
    say "dockerd is not running and starting it needs root"
    exit 1
  fi
  mkdir -p "$here/build"
  log=$here/build/dockerd.log
  say "starting dockerd (log: $log)"
  # setsid + nohup: the engine outlives this script and the make that called it.
  setsid nohup dockerd >"$log" 2>&1 </dev/null &
fi

i=0
while [ $i -lt 60 ]; do
  docker info >/dev/null 2>&1 && { say "Docker engine up"; exit 0; }
  sleep 1
  i=$((i + 1))
done
say "no answer from the Docker engine after 60 s (see build/dockerd.log)"
exit 1
