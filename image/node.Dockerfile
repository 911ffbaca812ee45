# lambda-node:<node-version>: the base for function images. The layer's contents (bootstrap,
# bin/node, lambda-node/, lib/) sit in /var/runtime, where AWS's base images keep their runtime:
# /var/runtime/bootstrap is what /lambda-entrypoint.sh runs, /var/runtime/lib is already on
# LD_LIBRARY_PATH, and /opt stays free for the layers a function image copies in.
#   FROM lambda-node:24
#   COPY index.mjs ${LAMBDA_TASK_ROOT}/
#   CMD ["index.handler"]
# BASE may be AWS's public.ecr.aws/lambda/provided:al2023 where a registry is reachable.
ARG BASE=lambda-node-base:al2023-x86_64
FROM ${BASE}
COPY runtime/ /var/runtime/
ENTRYPOINT ["/lambda-entrypoint.sh"]
