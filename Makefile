# Two entry points (see README): `make conformance` and `make test`. Both install what is missing first.
SHELL := /bin/bash
OUT ?= out
ARGS ?=

.PHONY: deps conformance test typecheck lint format unit features bench clean

deps:
	@scripts/install-deps.sh

# The conformance suite against the reference speaker; reports in $(OUT)/conformance/.
conformance: deps
	@bin/lbconform run --out $(OUT)/conformance $(ARGS)

# Every test: typecheck, unit/property tests, features. Ends with "N passed, N failed".
test: deps
	@node_modules/.bin/tsx scripts/test-all.ts --out $(OUT)/test

typecheck: deps
	@node_modules/.bin/tsc --noEmit -p .

lint: deps
	@node_modules/.bin/biome ci .

format: deps
	@node_modules/.bin/biome check --write .

unit: deps
	@node_modules/.bin/tap

features: deps
	@bin/lbconform run --out $(OUT)/features $(ARGS)

bench: deps
	@npm run --silent bench

clean:
	rm -rf $(OUT) .tap
