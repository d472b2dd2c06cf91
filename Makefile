# Two entry points (see README): `make conformance` and `make test`. Both install what is missing first.
SHELL := /bin/bash
OUT ?= out
ARGS ?=

.PHONY: deps build conformance test typecheck lint format unit integration features bench clean doctor pack

# Every runtime TypeScript file compiled to dist/ (esbuild, about a second), so no command transpiles at
# run time; rebuilt only when a source is newer than the stamp (bin/lbconform falls back to the sources).
SOURCES := $(shell find cli common reference implementations netns harness tools features reports -name '*.ts' ! -name '*.test.ts' 2>/dev/null)
dist/.build-stamp: $(SOURCES) scripts/build.ts
	@node_modules/.bin/tsx scripts/build.ts

build: deps dist/.build-stamp

deps:
	@scripts/install-deps.sh

# The conformance suite against the reference speaker; reports in $(OUT)/conformance/.
conformance: deps build
	@bin/lbconform run --out $(OUT)/conformance $(ARGS)

# Every test: typecheck, lint, unit, integration (root), features. Ends with "N passed, N failed".
test: deps build
	@node_modules/.bin/tsx scripts/test-all.ts --out $(OUT)/test

typecheck: deps
	@node_modules/.bin/tsc --noEmit -p .

lint: deps
	@node_modules/.bin/biome ci .

format: deps
	@node_modules/.bin/biome check --write .

# No root, milliseconds per test (CONTRIBUTING: test tiers).
unit: deps
	@node_modules/.bin/tsx scripts/test-tiers.ts unit

# Root only: namespaces, FRR, the speaker process; skipped with the reason otherwise.
integration: deps
	@node_modules/.bin/tsx scripts/test-tiers.ts integration

features: deps build
	@bin/lbconform run --out $(OUT)/features $(ARGS)

bench: deps build
	@npm run --silent bench

# Checks this machine can run the suite (root, namespaces, veth, bridge, TCP MD5, AF_PACKET, routers).
doctor: build
	@bin/lbconform doctor $(ARGS)

# The npm package (compiled JavaScript, features, fixtures, native addons) in $(OUT)/pack/.
pack: deps
	@node_modules/.bin/tsx scripts/pack.ts $(OUT)/pack

clean:
	rm -rf $(OUT) .tap dist
