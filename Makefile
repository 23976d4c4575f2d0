# make test runs everything CI runs except the fuzz smoke run. It needs cgo
# and a C compiler (go test -race), for the interop tests Debian's
# python3-flask and chromium, and for redisstore's Debian's redis-server;
# tests whose peer is missing are skipped, and make test ends by naming what
# was missing. Set COOKIECODEC_REQUIRE_PEERS=1 to turn those skips into
# failures, as CI does.

GO ?= go
# FUZZTIME is the budget of each fuzz target: an execution count (Nx), so
# that the run's verdict does not depend on the clock; see .ci/fuzz.
FUZZTIME ?= 2000000x

# Tests skipped for a missing peer append a line to this file.
export COOKIECODEC_SKIPLOG := $(CURDIR)/.skipped-peers

.PHONY: test prereq fmtcheck vet unit interop peers fuzz bench

test: prereq fmtcheck vet unit interop peers

prereq:
	@rm -f $(COOKIECODEC_SKIPLOG)
	@if [ "$$($(GO) env CGO_ENABLED)" != 1 ]; then \
	  echo "make test: go test -race needs cgo and a C compiler: install gcc (apt-get install gcc) and set CGO_ENABLED=1"; exit 2; fi

fmtcheck:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...
	cd interop && $(GO) vet ./...
	cd redisstore && $(GO) vet ./...

unit:
	$(GO) test -race ./...
	cd redisstore && $(GO) test -race ./...

interop:
	cd interop && $(GO) test -race ./...

# peers prints what the interop tests skipped and how to install it.
peers:
	@if [ -s $(COOKIECODEC_SKIPLOG) ]; then \
	  n=$$(wc -l < $(COOKIECODEC_SKIPLOG)); \
	  echo "make test: $$n tests SKIPPED for missing peers (COOKIECODEC_REQUIRE_PEERS=1 fails instead):"; \
	  cut -f1,2 $(COOKIECODEC_SKIPLOG) | sort | uniq -c | sed -E 's/^ *([0-9]+) ([^\t]*)\t(.*)/  \2 (\1 tests): \3/'; \
	  rm -f $(COOKIECODEC_SKIPLOG); \
	else echo "make test: no test skipped for a missing peer"; fi

# fuzz runs every fuzz target for FUZZTIME each.
fuzz:
	./.ci/fuzz $(FUZZTIME)

# bench runs the comparison suite of interop/ (cookiecodec against
# gorilla/securecookie and the raw primitive pipelines; 6 to 9 minutes on
# 2 cores), keeps the raw results in bench.txt for benchstat, and prints the
# table of ratios with each target. It fails if a target is missed beyond
# the noise of the runs (see interop/cmd/benchtable). The BENCHCOUNT runs of
# the suite are interleaved, so that a burst of other work on the machine
# spoils one sample of many benchmarks rather than every sample of one.
BENCHCOUNT ?= 6
BENCHTIME ?= 0.3s
bench:
	@echo "running the interop benchmarks ($(BENCHCOUNT) runs of $(BENCHTIME)); raw results in bench.txt"
	cd interop && $(GO) test -c -o ../interop.test .
	@rm -f bench.txt
	cd interop && for i in $$(seq $(BENCHCOUNT)); do \
	  ../interop.test -test.run '^$$' -test.bench '^Benchmark(Session|Payload|Serialize|Keyring)$$' -test.benchtime $(BENCHTIME) >> ../bench.txt || exit 1; \
	  ../interop.test -test.run '^$$' -test.bench '^BenchmarkParallel$$' -test.cpu 1,$$(nproc) -test.benchtime $(BENCHTIME) >> ../bench.txt || exit 1; \
	done
	@rm -f interop.test
	cd interop && $(GO) run ./cmd/benchtable ../bench.txt
