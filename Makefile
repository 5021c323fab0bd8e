# The two set-up commands are `make generate` (main job) and `make test` (all tests).
# Specs come from SPECS_MIRROR when set (CI: ../shared/specs), else from their upstream URLs.
SPECS_MIRROR ?= $(wildcard ../shared/specs)
export SPECS_MIRROR
GO ?= go
SPECS = $(GO) run ./internal/cmd/specs

.PHONY: generate specs fix check-gen spec-diff test build-cost contract demo

## generate: sync the pinned specs, apply our fixes, regenerate gen/ and build everything.
generate:
	$(GO) generate ./...
	$(GO) build ./...

## specs: copy or download the pinned specs into specs/.cache, verifying every sha256.
specs:
	$(SPECS) sync

## fix: specs + write the fixed specs (what gen/ and the contract tests use) to specs/.cache/fixed.
fix:
	$(SPECS) fix

## check-gen: regenerate into a temporary tree and fail, listing files, if gen/ differs.
check-gen:
	$(SPECS) check

## spec-diff API=<name> NEW=<file-or-url>: operations and schemas a new spec adds, removes or changes.
spec-diff:
	@test -n "$(API)" -a -n "$(NEW)" || { echo "usage: make spec-diff API=<name> NEW=<file-or-url>"; exit 2; }
	$(SPECS) diff -api "$(API)" -new "$(NEW)"

## test: every test, race detector on (the README's test command; .ci/run calls it).
## vet runs with -race so the packages it compiles are the ones go test -race reuses:
## the large gen/ packages compile once.
## The contract suites run verbose, last, so their per-API coverage lines show in the output.
test: fix
	$(GO) vet -race ./...
	$(GO) test -race -count=1 $$($(GO) list ./... | grep -v /internal/contracttest)
	$(GO) test -race -count=1 -v ./internal/contracttest/...

## build-cost: measure build time and memory of gen/ against raw oapi-codegen output into docs/build-cost.md.
build-cost: specs
	$(GO) run ./internal/cmd/buildcost -out docs/build-cost.md

.PHONY: bench-decode
## bench-decode: decode a 100-user Auth0 page, mgmtapi vs go-auth0 v1's model, one table (bench/, a separate module; see docs/benchmarks.md "Decoding").
bench-decode:
	cd bench && $(GO) test -run '^$$' -bench DecodeUsersPage -benchmem -benchtime 2s -count 1 .

.PHONY: bench-auth
## bench-auth: auth.Source vs golang.org/x/oauth2 on one local token endpoint, one table (~30 s; see docs/benchmarks.md).
bench-auth:
	$(GO) run ./auth/internal/authbench

## contract: the Prism contract suites of every API (internal/contracttest), verbose so the per-API coverage lines show.
contract: fix
	$(GO) test -race -count=1 -v ./internal/contracttest/...

## demo: the documentation's sample (examples/demo), offline against a local token server and Prism unless the vendor variables are set.
demo: fix
	$(GO) run ./examples/demo

