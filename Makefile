# make test runs everything CI runs except the fuzz smoke run.
# Set COOKIECODEC_REQUIRE_PEERS=1 to turn "peer not installed" skips
# (Flask, Chromium, redis-server) into failures, as CI does.

GO ?= go
FUZZTIME ?= 2m

.PHONY: test fmtcheck vet unit interop fuzz bench

test: fmtcheck vet unit interop

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

# fuzz runs every fuzz target for FUZZTIME each.
fuzz:
	./.ci/fuzz $(FUZZTIME)

# bench runs the comparison suite of interop/ (cookiecodec against
# gorilla/securecookie and the raw primitive pipelines; 6 to 9 minutes on
# 2 cores), keeps the raw results in bench.txt for benchstat, and prints the
# table of ratios with each target. It fails if a target is missed. The
# BENCHCOUNT runs of the suite are interleaved, so that a burst of other work
# on the machine spoils one sample of many benchmarks rather than every
# sample of one.
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
