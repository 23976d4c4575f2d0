# make test runs everything CI runs except the fuzz smoke run.
# Set COOKIECODEC_REQUIRE_PEERS=1 to turn "peer not installed" skips
# (Flask, Chromium) into failures, as CI does.

GO ?= go
FUZZTIME ?= 2m

.PHONY: test fmtcheck vet unit interop fuzz bench

test: fmtcheck vet unit interop

fmtcheck:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...
	cd interop && $(GO) vet ./...

unit:
	$(GO) test -race ./...

interop:
	cd interop && $(GO) test -race ./...

# fuzz runs every fuzz target for FUZZTIME each.
fuzz:
	./.ci/fuzz $(FUZZTIME)
