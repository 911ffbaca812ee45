# The test base image: a stand-in for public.ecr.aws/lambda/provided:al2023, FROM scratch because
# no registry is reachable. rootfs.tar (image/build.py base) holds glibc, dash as /bin/sh, busybox
# for mv and chmod, the RIE and /lambda-entrypoint.sh: no libstdc++, no node. Environment as in
# AWS's Dockerfile.provided.al2023.
FROM scratch
ADD rootfs.tar /
ENV LANG=en_US.UTF-8 \
    TZ=:/etc/localtime \
    PATH=/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin \
    LD_LIBRARY_PATH=/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib \
    LAMBDA_TASK_ROOT=/var/task \
    LAMBDA_RUNTIME_DIR=/var/runtime
WORKDIR /var/task
ENTRYPOINT ["/lambda-entrypoint.sh"]
