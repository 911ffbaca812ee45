#!/bin/sh
# /lambda-entrypoint.sh, as in AWS's Lambda base images: the handler is the image's CMD (the one
# argument); without a Runtime API (local run) the RIE serves one in front of the bootstrap, on
# Lambda (AWS_LAMBDA_RUNTIME_API set) the bootstrap runs directly. One difference, on purpose:
# with no argument a _HANDLER already in the environment is kept (AWS's script exits 142).
if [ $# -gt 1 ]; then
  echo "entrypoint requires the handler name to be the first argument" 1>&2
  exit 142
fi
if [ $# -eq 1 ]; then
  export _HANDLER="$1"
elif [ -z "${_HANDLER:-}" ]; then
  echo "entrypoint requires the handler name to be the first argument (or _HANDLER set)" 1>&2
  exit 142
fi

RUNTIME_ENTRYPOINT=/var/runtime/bootstrap
if [ -z "${AWS_LAMBDA_RUNTIME_API:-}" ]; then
  exec /usr/local/bin/aws-lambda-rie "$RUNTIME_ENTRYPOINT"
else
  exec "$RUNTIME_ENTRYPOINT"
fi
