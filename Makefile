# Two entry points (see README): `make conformance` and `make test`. Both install what is missing first.
SHELL := /bin/bash
OUT ?= out
ARGS ?=

.PHONY: deps conformance test typecheck lint format unit integration features bench clean

deps:
	@scripts/install-deps.sh

# The conformance suite against the reference speaker; reports in $(OUT)/conformance/.
conformance: deps
	@bin/lbconform run --out $(OUT)/conformance $(ARGS)

# Every test: typecheck, lint, unit, integration (root), features. Ends with "N passed, N failed".
test: deps
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

features: deps
	@bin/lbconform run --out $(OUT)/features $(ARGS)

bench: deps
	@npm run --silent bench

clean:
	rm -rf $(OUT) .tap
