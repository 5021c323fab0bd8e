# The two set-up commands are `make generate` (main job) and `make test` (all tests).
# Specs come from SPECS_MIRROR when set (CI: ../shared/specs), else from their upstream URLs.
SPECS_MIRROR ?= $(wildcard ../shared/specs)
export SPECS_MIRROR
GO ?= go
SPECS = $(GO) run ./internal/build/cmd/specs

.PHONY: generate specs fix check-gen bump drift test build-cost contract demo

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

## bump API=<name> NEW=<file-or-url> [APPLY=1 URL=<upstream raw url> VERSION=<v> COMMIT=<sha>] [V=1] [NOGO=1]:
## fix the new document with the API's steps and overlays (naming each that no longer applies), print its
## breaking changes over the fixed documents (oasdiff) and the Go API impact on gen/<package>/... (apidiff);
## APPLY=1 rewrites the lock entry, regenerates and builds. V=1 lists every change; NOGO=1 skips apidiff.
bump:
	@test -n "$(API)" -a -n "$(NEW)" || { echo "usage: make bump API=<name> NEW=<file-or-url> [APPLY=1 URL= VERSION= COMMIT=]"; exit 2; }
	$(SPECS) bump -api "$(API)" -new "$(NEW)" $(if $(filter 1,$(APPLY)),-apply) $(if $(URL),-url "$(URL)") \
		$(if $(VERSION),-version "$(VERSION)") $(if $(COMMIT),-commit "$(COMMIT)") $(if $(filter 1,$(V)),-v) $(if $(filter 1,$(NOGO)),-no-go)
	$(if $(filter 1,$(APPLY)),$(GO) build ./...)

## drift API=<name> HAR=<file> [OUT=<file>] [COVERAGE=1]: replay recorded traffic (HAR 1.2) against the fixed spec; per-operation
## drift report, typed coverage and a draft overlay (default specs/.cache/drift/<api>.overlay.yaml), checked by applying it.
## COVERAGE=1 prints only the typed coverage and fails (exit 3) unless its four counts are 0. See docs/contract.md.
drift:
	@test -n "$(API)" -a -n "$(HAR)" || { echo "usage: make drift API=<name> HAR=<file> [OUT=<overlay.yaml>] [COVERAGE=1]"; exit 2; }
	$(SPECS) fix
	$(GO) run ./internal/build/cmd/drift -api "$(API)" -har "$(HAR)" $(if $(OUT),-out "$(OUT)") $(if $(filter 1,$(COVERAGE)),-coverage)

.PHONY: spec-bump
## spec-bump [API=<name>] [NEW=<file-or-url>]: what the weekly workflow (.github/workflows/spec-bump.yml) runs, without
## the pull request: fetch each API's upstream document at its branch head (or take NEW), make bump where it changed,
## reports in specs/.cache/bump. Needs the internet unless NEW is a file.
spec-bump:
	NOPR=1 scripts/spec-bump.sh $(API) $(NEW)

## test: every test, race detector on (the README's test command; .ci/run calls it).
## vet runs with -race so the packages it compiles are the ones go test -race reuses:
## the large gen/ packages compile once.
## The contract suites run verbose, last, so their per-API coverage lines show in the output.
test: fix
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted"; exit 1; fi
	$(GO) vet -race ./...
	$(GO) test -race -count=1 $$($(GO) list ./... | grep -v /internal/tests/contracttest)
	$(GO) test -race -count=1 -v ./internal/tests/contracttest/...
	$(MAKE) fuzz

## fuzz: every fuzz target for FUZZTIME (20,000 inputs) in turn, from its committed seeds in testdata/fuzz (about a
## minute). A count, not a duration: with a duration Go's fuzzing coordinator can fail a target with "context deadline
## exceeded" when the deadline falls while a worker is busy (golang/go#75804; it did so twice in CI runs on a loaded
## machine, FuzzPathParameter and FuzzURL, with no failing input); a count has no deadline, load only slows it.
FUZZTIME ?= 20000x
FUZZ_TARGETS = ./auth:FuzzParseResponse ./retry:FuzzRetryAfter ./retry:FuzzRateLimitReset ./apierror:FuzzCheck \
	./paginate:FuzzCheckpoint ./paginate:FuzzOffsets ./paginate:FuzzWalk ./internal/runtime/redact:FuzzSecrets ./internal/runtime/redact:FuzzURL \
	./internal/tests/pathsegfuzz:FuzzPathParameter ./datetime:FuzzParse ./internal/build/cmd/drift:FuzzReplay \
	./scim:FuzzFilterRoundTrip ./scim:FuzzPatchPathRoundTrip ./internal/runtime/frontdoor:FuzzCredentialChecks \
	./ratelimit:FuzzObserveHeaders ./redisstore:FuzzBudgetReply ./internal/testkit/store:FuzzSCIMServe ./internal/testkit/store:FuzzAuth0Serve
.PHONY: fuzz
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		echo "== fuzz $${t#*:} ($${t%%:*}, $(FUZZTIME))"; \
		$(GO) test -run='^$$' -fuzz="^$${t#*:}\$$" -fuzztime=$(FUZZTIME) "$${t%%:*}"; \
	done

## build-cost: cold builds, one run: Auth0 task vs go-auth0 v1 vs floor, quick starts vs floor, all gen/ vs BASE (issue 19) into docs/build-cost.md.
## Slow (tens of CPU minutes), not in CI. Quick subset: make build-cost BUILDCOST_FLAGS='-only quickstart -quickstarts asgardeo -runs 1 -out /tmp/bc.md'
BUILDCOST_FLAGS ?=
build-cost:
	$(GO) run ./internal/build/cmd/buildcost -out docs/build-cost.md $(BUILDCOST_FLAGS)

.PHONY: bench-decode
## bench-decode: decode a 100-user Auth0 page and send GET /users through each client, mgmtapi vs go-auth0 v1 vs ogen,
## in one go test run (-count 3), and write the medians into docs/benchmarks.md ("Decoding", "Per request").
## bench/ is a separate module; the ogen client is generated first into bench/internal/ogenauth0 (gitignored, never
## committed) from the /users operations of specs/.cache/fixed/auth0.json (ogen cannot generate the whole document).
BENCH_COUNT ?= 3
bench-decode: fix
	cd bench && $(GO) run ./internal/ogenspec -in ../specs/.cache/fixed/auth0.json -paths /users -out .ogen/auth0-users.json
	cd bench && $(GO) tool ogen -clean -config ogen.yml -package ogenauth0 -target internal/ogenauth0 .ogen/auth0-users.json 2>.ogen/ogen.log
	cd bench && $(GO) test -tags ogen -run '^$$' -bench 'DecodeUsersPage|GetUsers' -benchmem -benchtime 1s -count $(BENCH_COUNT) . | tee .ogen/bench.txt
	cd bench && $(GO) run ./internal/benchdoc -in .ogen/bench.txt -doc ../docs/benchmarks.md

.PHONY: bench-auth
## bench-auth: auth.Source vs golang.org/x/oauth2 on one local token endpoint, one table (~30 s; see docs/benchmarks.md).
bench-auth:
	$(GO) run ./auth/internal/authbench

.PHONY: bench-fleet
## bench-fleet: N replicas per-process vs Redis-shared (token + budget), Redis killed, lease holder dead; writes docs/fleet.md (~2 min; needs redis-server).
bench-fleet:
	$(GO) run ./internal/tests/benchfleet -out docs/fleet.md

## contract: the Prism contract suites of every API (internal/tests/contracttest), verbose so the per-API coverage lines show.
contract: fix
	$(GO) test -race -count=1 -v ./internal/tests/contracttest/...

## demo: the documentation's sample (examples/demo), offline against a local token server and Prism unless the vendor variables are set.
demo: fix
	$(GO) run ./examples/demo

