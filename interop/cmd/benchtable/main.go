// Command benchtable reads the output of the interop benchmark suite (the
// standard `go test -bench` format, the one benchstat reads) and prints one
// table: what cookiecodec costs on each workload, its ratios to
// gorilla/securecookie and to the raw primitive pipelines, and for each
// target whether it was met. Every figure is the median of the runs, or
// with -min their minimum, which on a machine shared with other work is the
// better estimate of what the code itself costs: interference only ever
// adds time.
//
// Usage:
//
//	benchtable [file ...]
//
// With no file it reads standard input. It exits 0 when every target is met
// or missed only within the noise of the runs, 1 when one is missed beyond
// it, and 2 on bad input. A cell is judged on the median of the runs (or
// their minimum); one whose figure misses its target fails only if enough
// of the runs miss it for a one-sided sign test at the 5% level (6 of 6,
// 9 of 10), and is marked "~" otherwise.
package main

import (
	"cmp"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("benchtable", flag.ContinueOnError)
	fs.SetOutput(stderr)
	wall := fs.Bool("wall", false, "compare wall time (ns/op) instead of CPU time (cpu-ns/op)")
	useMin := fs.Bool("min", false, "take the least of the runs instead of the median")
	fs.Usage = func() {
		fmt.Fprint(stderr, `usage: benchtable [-min] [-wall] [file ...]

Reads the interop benchmark suite's output (from standard input without
files) and prints the table of ratios with their targets. Times are the
process's CPU time per operation (cpu-ns/op: the garbage collector's work
included, time waiting for a CPU excluded), or wall time with -wall.
Parallel throughput is always wall time. Figures are medians of the runs,
or with -min their minimum.

A cell whose figure misses its target fails only if enough runs miss it
for a one-sided sign test at 5% (6 of 6, 9 of 10); otherwise it is
marked ~. Exit status: 0 all targets met (or missed only within the
noise), 1 a target missed, 2 bad input.

Example, from interop/:
  go test -run '^$' -bench . -count 6 . > bench.txt
  go run ./cmd/benchtable bench.txt
`)
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	var in io.Reader = stdin
	if fs.NArg() > 0 {
		var readers []io.Reader
		for _, name := range fs.Args() {
			f, err := os.Open(name)
			if err != nil {
				fmt.Fprintf(stderr, "benchtable: error: %v\n", err)
				return 2
			}
			defer f.Close()
			readers = append(readers, f)
		}
		in = io.MultiReader(readers...)
	}
	res, err := parse(in)
	if err != nil {
		fmt.Fprintf(stderr, "benchtable: error: %v\n", err)
		return 2
	}
	if *wall || !res.has(cpuTime) {
		res.timeUnit = "ns/op"
	}
	res.useMin = *useMin
	if missed := render(stdout, res, tableRows(res)); missed > 0 {
		return 1
	}
	return 0
}

// workloads are the table's columns, as BenchmarkSession names them.
var workloads = []string{"seed", "typical", "512B", "1KB", "3KB"}

// Units of the suite. unitTime stands for the time unit the table compares:
// cpuTime unless told otherwise.
const (
	unitTime = "time"
	cpuTime  = "cpu-ns/op"
)

// A metric is one figure of a row for one workload.
type metric func(r *results, w string) (float64, bool)

func session(impl, op, unit string) metric {
	return func(r *results, w string) (float64, bool) {
		return r.figure("BenchmarkSession/"+w+"/"+impl+"/"+op, unit, 0)
	}
}

func payload(impl, op, unit string) metric {
	return func(r *results, w string) (float64, bool) {
		return r.figure("BenchmarkPayload/"+w+"/"+impl+"/"+op, unit, 0)
	}
}

func serialize(op, unit string) metric {
	return func(r *results, w string) (float64, bool) {
		return r.figure("BenchmarkSerialize/"+w+"/"+op, unit, 0)
	}
}

func ratio(num, den metric) metric {
	return func(r *results, w string) (float64, bool) {
		a, ok1 := num(r, w)
		b, ok2 := den(r, w)
		if !ok1 || !ok2 || b == 0 {
			return 0, false
		}
		return a / b, true
	}
}

// allowed is the reference of a ratio to a peer, for an at-most target: the
// most the floor target lets cookiecodec cost (allowance times the floor)
// against the peer, which misses the target whenever cookiecodec, within
// that allowance, does; or 0, which meets it, where cookiecodec misses the
// floor target too and so has nothing to excuse it.
func allowed(ours, floor, peer metric, allowance float64) metric {
	return func(r *results, w string) (float64, bool) {
		o, ok1 := ours(r, w)
		f, ok2 := floor(r, w)
		p, ok3 := peer(r, w)
		if !ok1 || !ok2 || !ok3 || p == 0 {
			return 0, false
		}
		if o > allowance*f {
			return 0, true
		}
		return allowance * f / p, true
	}
}

// sum returns the sum of two metrics.
func sum(a, b metric) metric {
	return func(r *results, w string) (float64, bool) {
		x, ok1 := a(r, w)
		y, ok2 := b(r, w)
		return x + y, ok1 && ok2
	}
}

// worst returns the larger of two metrics, for a target both must meet.
func worst(a, b metric) metric {
	return func(r *results, w string) (float64, bool) {
		x, ok1 := a(r, w)
		y, ok2 := b(r, w)
		return max(x, y), ok1 && ok2
	}
}

// fixed is a metric measured on one workload only, whatever the column.
func fixed(f func(r *results) (float64, bool)) metric {
	return func(r *results, _ string) (float64, bool) { return f(r) }
}

// A target bounds every figure of a row. The zero target is none: the row
// is information.
type target struct {
	atMost bool // the figure must be <= limit, else >= limit
	limit  float64
}

func (t target) set() bool { return t.atMost || t.limit != 0 }

func (t target) met(v float64) bool {
	if t.atMost {
		return v <= t.limit
	}
	return v >= t.limit
}

func (t target) String() string {
	switch {
	case !t.set():
		return ""
	case t.atMost:
		return "<= " + trimFloat(t.limit)
	}
	return ">= " + trimFloat(t.limit)
}

func atMost(v float64) target  { return target{atMost: true, limit: v} }
func atLeast(v float64) target { return target{limit: v} }

// A row is one line of the table; a row without a metric is a heading.
type row struct {
	label  string
	value  metric
	only   string // the one workload the row is measured on, if any
	target target
	format func(float64) string

	// reference, if set, is what the machine allows: a cell whose
	// reference misses the target too cannot be judged, and is marked "?"
	// instead of "!". A row whose only misses are such cells, or cells
	// missed within the noise ("~"), reports refLabel ("BUSY", "FLOOR",
	// "PEER") or "NOISE" instead of FAIL.
	reference metric
	refLabel  string
}

// Why a row's reference may keep it from being judged, by its label.
var refReasons = map[string]string{
	"BUSY":  "the machine did not let the share-nothing raw pipelines scale either",
	"FLOOR": "the floor itself misses them: the cryptography with none of the logic, plus for Encode the walk over the session's maps, for Decode the map, for a view the one value read, for Seal and Open the label, name and header a token authenticates",
	"PEER":  "gorilla is too close to the floor here: the floor itself misses them, or cookiecodec is within the floor target (1.5x the floor for Encode, 1.25x for Decode and a view), which allows missing them",
}

const (
	cc           = "cookiecodec-"
	gorillaJSON  = "gorilla-json-"
	gorillaGob   = "gorilla-gob-"
	floor        = "floor-"
	speedTarget  = 1.0 / 4.5 // at least 4.5x faster than gorilla with JSON
	viewTarget   = 1.0 / 8   // DecodeView and one Get at least 8x faster than gorilla's Decode
	rawTarget    = 1.5       // at most 1.5x the raw primitive pipeline
	encodeFloor  = 1.5       // Encode at most 1.5x its floor
	decodeFloor  = 1.25      // Decode at most 1.25x its floor
	lengthTarget = 0.75      // cookies at most 0.75x gorilla's length
	keysTarget   = 1.1       // decode with 64 keys at most 1.1x with one
	scaleShare   = 0.9       // parallel speed-up at least 0.9x the ideal
	flaskTarget  = 3         // the Flask codec's Encode at most 3x the native one, uncompressed
)

// tableRows lists the rows; the parallel target depends on the CPUs the
// benchmarks ran on.
func tableRows(r *results) []row {
	ns, bytes, ratioFmt := formatNs, formatInt, formatRatio
	rows := []row{
		{label: "cookiecodec, absolute"},
		{label: "session payload, bytes", value: session(cc+"signed", "encode", "B/payload"), format: bytes},
		{label: "signed: Encode", value: session(cc+"signed", "encode", unitTime), format: ns},
		{label: "  MarshalSession", value: serialize("marshal", unitTime), format: ns},
		{label: "    walk floor: ranging over the maps", value: serialize("walk", unitTime), format: ns},
		{label: "  Seal", value: payload(cc+"signed", "seal", unitTime), format: ns},
		{label: "signed: Decode", value: session(cc+"signed", "decode", unitTime), format: ns},
		{label: "  Open", value: payload(cc+"signed", "open", unitTime), format: ns},
		{label: "  UnmarshalSession", value: serialize("unmarshal", unitTime), format: ns},
		{label: "encrypted: Encode", value: session(cc+"encrypted", "encode", unitTime), format: ns},
		{label: "  Seal", value: payload(cc+"encrypted", "seal", unitTime), format: ns},
		{label: "encrypted: Decode", value: session(cc+"encrypted", "decode", unitTime), format: ns},
		{label: "  Open", value: payload(cc+"encrypted", "open", unitTime), format: ns},
		{label: "compressed: Encode", value: session(cc+"compressed", "encode", unitTime), format: ns},
		{label: "compressed: Decode", value: session(cc+"compressed", "decode", unitTime), format: ns},
		{label: "Encode allocs/op, signed|encrypted", value: worst(session(cc+"signed", "encode", "allocs/op"), session(cc+"encrypted", "encode", "allocs/op")), target: atMost(2), format: bytes},
		{label: "AppendEncode allocs/op, signed|encrypted", value: worst(session(cc+"signed", "append", "allocs/op"), session(cc+"encrypted", "append", "allocs/op")), target: atMost(0), format: bytes},
		{label: "DecodeView + Get", value: session(cc+"signed", "view", unitTime), format: ns},
		{label: "Decode allocs/op, signed|encrypted", value: worst(session(cc+"signed", "decode", "allocs/op"), session(cc+"encrypted", "decode", "allocs/op")), format: bytes},
		{label: "Seal allocs/op, signed|encrypted", value: worst(payload(cc+"signed", "seal", "allocs/op"), payload(cc+"encrypted", "seal", "allocs/op")), target: atMost(1), format: bytes},
		{label: "Open allocs/op, signed|encrypted", value: worst(payload(cc+"signed", "open", "allocs/op"), payload(cc+"encrypted", "open", "allocs/op")), target: atMost(1), format: bytes},

		{label: "time, cookiecodec / floor (the same bytes with none of the logic)"},
	}
	for _, mode := range []string{"signed", "encrypted"} {
		for _, f := range []struct {
			op    string
			limit float64
		}{{"encode", encodeFloor}, {"decode", decodeFloor}} {
			r := row{
				label:  fmt.Sprintf("%s: %s", mode, opName(f.op)),
				value:  ratio(session(cc+mode, f.op, unitTime), session(floor+mode, f.op, unitTime)),
				target: atMost(f.limit), format: ratioFmt,
			}
			if f.op == "encode" {
				// The floor leaves serialization out; no encoder of a Go
				// map can leave out iterating it.
				r.reference = ratio(sum(session(floor+mode, "encode", unitTime), serialize("walk", unitTime)), session(floor+mode, "encode", unitTime))
				r.refLabel = "FLOOR"
			}
			rows = append(rows, r)
		}
	}
	for _, mode := range []string{"signed", "encrypted"} {
		rows = append(rows, row{
			label:  fmt.Sprintf("%s: DecodeView + Get", mode),
			value:  ratio(session(cc+mode, "view", unitTime), session(floor+mode, "view", unitTime)),
			format: ratioFmt,
		})
	}
	// The targets against gorilla and against the floor agree only where
	// gorilla costs at least 4.5x (8x for a view) what the floor target
	// allows. Where it is closer to the floor, the floor target, the
	// physical one, decides: a cell within it is not judged against
	// gorilla, nor is one the floor itself misses. A gorilla Decode cell
	// can therefore fail only where the Decode floor cell fails too; a
	// gorilla Encode cell also where the walk excuses the floor cell, and a
	// view cell wherever the view is over 1.25x its floor: the view has no
	// floor target of its own, and is allowed what Decode is.
	allowance := map[string]float64{"encode": encodeFloor, "decode": decodeFloor, "view": decodeFloor}
	peerRef := func(mode, op, gop string) metric {
		f, g := session(floor+mode, op, unitTime), session(gorillaJSON+mode, gop, unitTime)
		return worst(ratio(f, g), allowed(session(cc+mode, op, unitTime), f, g, allowance[op]))
	}
	rows = append(rows, row{label: "time, cookiecodec / gorilla JSON"})
	for _, mode := range []string{"signed", "encrypted"} {
		for _, op := range []string{"encode", "decode"} {
			rows = append(rows, row{
				label:  fmt.Sprintf("%s: %s", mode, opName(op)),
				value:  ratio(session(cc+mode, op, unitTime), session(gorillaJSON+mode, op, unitTime)),
				target: atMost(speedTarget), format: ratioFmt,
				reference: peerRef(mode, op, op),
				refLabel:  "PEER",
			})
		}
	}
	for _, mode := range []string{"signed", "encrypted"} {
		rows = append(rows, row{
			label:  fmt.Sprintf("%s: DecodeView + Get / Decode", mode),
			value:  ratio(session(cc+mode, "view", unitTime), session(gorillaJSON+mode, "decode", unitTime)),
			target: atMost(viewTarget), format: ratioFmt,
			reference: peerRef(mode, "view", "decode"),
			refLabel:  "PEER",
		})
	}
	for _, mode := range []string{"signed", "encrypted"} {
		for _, op := range []string{"encode", "decode", "view"} {
			// gorilla has no view: its Decode is what a view replaces.
			gop := map[string]string{"view": "decode"}[op]
			rows = append(rows, row{
				label:  fmt.Sprintf("floor: %s %s / gorilla", mode, opName(op)),
				value:  ratio(session(floor+mode, op, unitTime), session(gorillaJSON+mode, cmp.Or(gop, op), unitTime)),
				format: ratioFmt,
			})
		}
	}
	for _, f := range []struct{ mode, op, raw string }{
		{"signed", "seal", "raw-hmac"}, {"signed", "open", "raw-hmac"},
		{"encrypted", "seal", "raw-xchacha"}, {"encrypted", "open", "raw-xchacha"},
	} {
		op := map[string]string{"seal": "encode", "open": "decode"}[f.op]
		rows = append(rows, row{
			label:  fmt.Sprintf("floor: %s %s / gorilla %s %s", f.raw, f.op, f.mode, opName(op)),
			value:  ratio(payload(f.raw, f.op, unitTime), session(gorillaJSON+f.mode, op, unitTime)),
			format: ratioFmt,
		})
	}
	for _, op := range []string{"encode", "decode"} {
		rows = append(rows, row{
			label:  "compressed vs encrypted: " + opName(op),
			value:  ratio(session(cc+"compressed", op, unitTime), session(gorillaJSON+"encrypted", op, unitTime)),
			format: ratioFmt,
		})
	}
	rows = append(rows, row{label: "time, cookiecodec / gorilla gob"})
	for _, mode := range []string{"signed", "encrypted"} {
		for _, op := range []string{"encode", "decode"} {
			rows = append(rows, row{
				label:  fmt.Sprintf("%s: %s", mode, opName(op)),
				value:  ratio(session(cc+mode, op, unitTime), session(gorillaGob+mode, op, unitTime)),
				format: ratioFmt,
			})
		}
	}
	rows = append(rows,
		row{label: "cookie length, cookiecodec / gorilla JSON"},
		row{label: "signed", value: ratio(session(cc+"signed", "encode", "B/cookie"), session(gorillaJSON+"signed", "encode", "B/cookie")), target: atMost(lengthTarget), format: ratioFmt},
		row{label: "encrypted", value: ratio(session(cc+"encrypted", "encode", "B/cookie"), session(gorillaJSON+"encrypted", "encode", "B/cookie")), target: atMost(lengthTarget), format: ratioFmt},
		row{label: "compressed vs encrypted", value: ratio(session(cc+"compressed", "encode", "B/cookie"), session(gorillaJSON+"encrypted", "encode", "B/cookie")), target: atMost(lengthTarget), format: ratioFmt},
		row{label: "gorilla JSON encrypted, bytes", value: session(gorillaJSON+"encrypted", "encode", "B/cookie"), format: bytes},

		row{label: "Flask codec (package flask) / native signed"},
		row{label: "Encode, session Flask does not compress", value: ratio(session("flask", "encode", unitTime), session(cc+"signed", "encode", unitTime)), only: "seed", target: atMost(flaskTarget), format: ratioFmt},
		row{label: "Encode (zlib from the typical session up)", value: ratio(session("flask", "encode", unitTime), session(cc+"signed", "encode", unitTime)), format: ratioFmt},
		row{label: "Decode", value: ratio(session("flask", "decode", unitTime), session(cc+"signed", "decode", unitTime)), format: ratioFmt},

		row{label: "time on the same payload, Seal|Open / raw pipeline"},
	)
	// The raw pipelines authenticate only the payload; a v1 token also
	// authenticates its label, name and header, which on a small payload
	// is one more SHA-256 block. The session floor does exactly a token's
	// cryptography (for Open, the view floor: verify, copy the payload out
	// and box the one value read, a little more than Open), so where it
	// misses the raw target, the format does, not the code.
	for _, f := range []struct{ mode, op, floorOp, raw, label string }{
		{"signed", "seal", "encode", "raw-hmac", "HMAC-SHA256"}, {"signed", "open", "view", "raw-hmac", "HMAC-SHA256"},
		{"encrypted", "seal", "encode", "raw-xchacha", "XChaCha20-Poly1305"}, {"encrypted", "open", "view", "raw-xchacha", "XChaCha20-Poly1305"},
	} {
		rows = append(rows, row{
			label:  fmt.Sprintf("%s %s / %s", f.mode, opName(f.op), f.label),
			value:  ratio(payload(cc+f.mode, f.op, unitTime), payload(f.raw, f.op, unitTime)),
			target: atMost(rawTarget), format: ratioFmt,
			reference: ratio(session(floor+f.mode, f.floorOp, unitTime), payload(f.raw, f.op, unitTime)),
			refLabel:  "FLOOR",
		})
	}
	rows = append(rows,
		row{label: "signed Encode / HMAC-SHA256 Seal", value: ratio(session(cc+"signed", "encode", unitTime), payload("raw-hmac", "seal", unitTime)), format: ratioFmt},
		row{label: "signed Decode / HMAC-SHA256 Open", value: ratio(session(cc+"signed", "decode", unitTime), payload("raw-hmac", "open", unitTime)), format: ratioFmt},

		row{label: "Decode as the keyring grows (typical session)"},
	)
	keyring := func(n int, impl string) func(r *results) (float64, bool) {
		return func(r *results) (float64, bool) {
			return r.figure(fmt.Sprintf("BenchmarkKeyring/keys=%d/%s/decode", n, impl), unitTime, 0)
		}
	}
	for _, impl := range []string{cc + "signed", cc + "encrypted", gorillaJSON + "signed"} {
		for _, n := range []int{8, 64} {
			rw := row{
				label:  fmt.Sprintf("%s, %d keys / 1", impl, n),
				value:  ratio(fixed(keyring(n, impl)), fixed(keyring(1, impl))),
				only:   "typical",
				format: ratioFmt,
			}
			if strings.HasPrefix(impl, cc) {
				rw.target = atMost(keysTarget)
			}
			rows = append(rows, rw)
		}
	}

	lo, hi := r.procsRange("BenchmarkParallel/")
	rows = append(rows, row{label: fmt.Sprintf("throughput, %d CPUs / %d (typical session)", hi, lo)})
	speedup := func(impl, op string) metric {
		name := "BenchmarkParallel/" + impl + "/" + op
		return fixed(func(r *results) (float64, bool) {
			one, ok1 := r.figure(name, "ns/op", lo)
			all, ok2 := r.figure(name, "ns/op", hi)
			if !ok1 || !ok2 || all == 0 || lo == hi {
				return 0, false
			}
			return one / all, true
		})
	}
	// The raw pipelines share nothing between goroutines: they scale as
	// far as the machine lets anything scale.
	raw := map[string]string{"signed": "raw-hmac", "encrypted": "raw-xchacha"}
	for _, impl := range []string{cc + "signed", cc + "encrypted", gorillaJSON + "signed", gorillaJSON + "encrypted", "raw-hmac", "raw-xchacha"} {
		for _, op := range []string{"encode", "decode"} {
			rw := row{
				label:  fmt.Sprintf("%s: %s", impl, opName(op)),
				value:  speedup(impl, op),
				only:   "typical",
				format: formatSpeedup,
			}
			if mode, ok := strings.CutPrefix(impl, cc); ok && hi > lo {
				rw.target = atLeast(scaleShare * float64(hi) / float64(lo))
				rw.reference, rw.refLabel = speedup(raw[mode], op), "BUSY"
			}
			rows = append(rows, rw)
		}
	}
	return rows
}

func opName(op string) string {
	switch op {
	case "encode":
		return "Encode"
	case "decode":
		return "Decode"
	case "view":
		return "DecodeView + Get"
	case "seal":
		return "Seal"
	case "open":
		return "Open"
	}
	return op
}
