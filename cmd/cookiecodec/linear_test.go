package main

import (
	"bytes"
	"compress/flate"
	"math"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec"
)

// deflateBytes is the DEFLATE form of p, as a compressed token carries it.
func deflateBytes(t testing.TB, p []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := flate.NewWriter(&b, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(p)
	w.Close()
	return b.Bytes()
}

// allocated runs f and returns the bytes the whole process allocated
// meanwhile. Tests of this package do not run in parallel, so that is
// f's allocation, within the noise of the runtime's own.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestLinearInInput runs the command on inputs shaped to make a path per
// element or a note per value cost quadratic time, memory or output: a
// long key over many elements, NaNs by the thousand. It checks that
// allocation stays within a constant of the input (and of the output,
// which is itself linear), and that stderr stays short.
func TestLinearInInput(t *testing.T) {
	cleanEnv(t)
	at := time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC)
	pinNow(t, at)
	longKey := strings.Repeat("k", 31<<10)
	zeros := make([]any, 33000)
	for i := range zeros {
		zeros[i] = int64(0)
	}
	nans := make([]any, 20000)
	for i := range nans {
		nans[i] = math.NaN()
	}
	weird := make([]any, 4000)
	for i := range weird {
		weird[i] = []any{math.Inf(1), math.Inf(-1)}
	}
	var nested any = []any{math.NaN()}
	for range cookiecodec.MaxSessionDepth - 2 {
		nested = map[string]any{longKey[:1000]: nested}
	}
	for _, tc := range []struct {
		name string
		s    cookiecodec.Session
	}{
		{"long key over many elements", cookiecodec.Session{longKey: zeros}},
		{"NaNs", cookiecodec.Session{"n": nans}},
		{"infinities under a long key", cookiecodec.Session{longKey: weird}},
		{"nested long keys", cookiecodec.Session{"a": nested}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			payload, err := cookiecodec.MarshalSession(tc.s)
			if err != nil {
				t.Fatal(err)
			}
			z := deflateBytes(t, payload)
			value := forge(t, 2, 1, at.Unix(), z)
			if len(value) > 10000 {
				t.Fatalf("test cookie is %d bytes", len(value))
			}
			var r result
			n := allocated(func() { r = runCmd(t, "", "inspect", value) })
			r.want(t, exitOK)
			// The output holds every element: allocation may follow it.
			limit := uint64(64*len(payload) + 16*len(r.stdout) + 1<<20)
			if n > limit {
				t.Errorf("inspect of a %d-byte payload allocated %d bytes, want at most %d", len(payload), n, limit)
			}
			if len(r.stderr) > 4096 {
				t.Errorf("inspect wrote %d bytes to stderr, want at most 4096", len(r.stderr))
			}
			if strings.Count(r.stderr, "\n") > maxNotes+1 {
				t.Errorf("inspect wrote %d lines to stderr:\n%s", strings.Count(r.stderr, "\n"), r.stderr)
			}
		})
	}
}

// TestNotesSummarized checks that notes past maxNotes are counted in one
// line.
func TestNotesSummarized(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want string
	}{
		{maxNotes, ""},
		{maxNotes + 1, "and 1 more note like these, left out"},
		{maxNotes + 500, "and 500 more notes like these, left out"},
	} {
		v := &jsonView{}
		l := make([]any, tc.n)
		for i := range l {
			l[i] = math.NaN()
		}
		v.object(map[string]any{"x": l})
		h := v.hints()
		last := h[len(h)-1]
		if tc.want == "" {
			if len(h) != maxNotes || strings.Contains(last, "left out") {
				t.Errorf("%d NaNs: hints %q, want %d notes and no summary", tc.n, h, maxNotes)
			}
			continue
		}
		if len(h) != maxNotes+1 || last != tc.want {
			t.Errorf("%d NaNs: hints end %q (%d lines), want %q", tc.n, last, len(h), tc.want)
		}
	}
}

// TestEncodeLinear feeds encode JSON shaped like the inspect cases: a
// long key over many elements, deep nesting under long keys.
func TestEncodeLinear(t *testing.T) {
	cleanEnv(t)
	envKeys(t)
	longKey := strings.Repeat("k", 256<<10)
	many := `{"` + longKey + `":[` + strings.Repeat("0,", 120<<10) + `0]}`
	deep := strings.Repeat(`{"`+longKey[:16<<10]+`":`, 31) + `[1e400]` + strings.Repeat("}", 31)
	for _, tc := range []struct {
		name, in, wantErr string
	}{
		{"long key over many elements", many, "does not fit"},
		{"deep under long keys", deep, "outside the float64 range"},
		{"duplicate long key", `{"` + longKey + `":1,"` + longKey + `":2}`, "twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r result
			n := allocated(func() { r = runCmd(t, tc.in, "encode") })
			r.want(t, exitUsage)
			if limit := uint64(64*len(tc.in) + 1<<20); n > limit {
				t.Errorf("encode of %d bytes allocated %d bytes, want at most %d", len(tc.in), n, limit)
			}
			if len(r.stderr) > 1024 {
				t.Errorf("encode wrote %d bytes to stderr, want at most 1024:\n%.300s", len(r.stderr), r.stderr)
			}
		})
	}
}

// BenchmarkInspectLongKey measures inspect of the long-key shape.
func BenchmarkInspectLongKey(b *testing.B) {
	zeros := make([]any, 33000)
	for i := range zeros {
		zeros[i] = int64(0)
	}
	payload, err := cookiecodec.MarshalSession(cookiecodec.Session{strings.Repeat("k", 31<<10): zeros})
	if err != nil {
		b.Fatal(err)
	}
	value := forge(&testing.T{}, 2, 1, time.Now().Unix(), deflateBytes(b, payload))
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	for b.Loop() {
		var out, errb bytes.Buffer
		if run([]string{"inspect", value}, strings.NewReader(""), &out, &errb) != exitOK {
			b.Fatal(errb.String())
		}
	}
}
