package main

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec"
)

// typedSession holds every value type a native session decodes to, at
// the edges where plain JSON loses them.
func typedSession() cookiecodec.Session {
	return cookiecodec.Session{
		"small":   int64(-12),
		"big":     int64(math.MaxInt64),
		"edge":    int64(1<<53 + 1),
		"neg":     int64(math.MinInt64),
		"u":       uint64(math.MaxUint64),
		"f":       0.1,
		"f32":     float64(float32(0.1)),
		"whole":   3.0,
		"tiny":    5e-324,
		"nan":     math.NaN(),
		"inf":     math.Inf(1),
		"ninf":    math.Inf(-1),
		"negzero": math.Copysign(0, -1),
		"bytes":   []byte{0xfb, 0xff, 0x00},
		"empty":   []byte{},
		"t":       time.Date(2026, 11, 28, 1, 2, 3, 4, time.UTC),
		"tsec":    time.Date(2026, 11, 28, 1, 2, 3, 0, time.UTC),
		"far":     time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		"bc":      time.Date(-5, 6, 1, 0, 0, 0, 0, time.UTC),
		"year0":   time.Date(0, 1, 1, 0, 0, 0, 500, time.UTC),
		"s":       "{\"$bytes\": \"x\"}",
		"list":    []any{int64(1), nil, true, []byte("a"), []any{}},
		"tagmap":  map[string]any{"$bytes": int64(1)},
		"twomap":  map[string]any{"$x": int64(1), "y": "z"},
		"m":       map[string]any{"k": map[string]any{}},
	}
}

// TestTypedRoundTrip checks that decode --typed, then encode --typed,
// gives a session that marshals to the very payload bytes it started
// from.
func TestTypedRoundTrip(t *testing.T) {
	secret := envKeys(t)
	ring, err := cookiecodec.ParseKeyring(secret)
	if err != nil {
		t.Fatal(err)
	}
	codec, err := cookiecodec.New(ring, cookiecodec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := typedSession()
	want, err := cookiecodec.MarshalSession(s)
	if err != nil {
		t.Fatal(err)
	}
	value, err := codec.Encode("session", s)
	if err != nil {
		t.Fatal(err)
	}
	r := runCmd(t, "", "decode", "--typed", value)
	r.want(t, exitOK)
	for _, w := range []string{
		`"big": {` + "\n" + `    "$int": "9223372036854775807"`, `"$uint": "18446744073709551615"`, `"edge": {`,
		`"small": -12`, `"f": 0.1`, `"$float32": "0.1"`, `"whole": 3.0`, `"$float": "NaN"`, `"$float": "-Infinity"`,
		`"negzero": -0.0`, `"$bytes": "+/8A"`, `"$time": "2026-11-28T01:02:03.000000004Z"`, `"$map": {`,
		`"$unix": "253402300800"`, `"$unix": "-62311939200"`, `"$time": "0000-01-01T00:00:00.0000005Z"`,
	} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("decode --typed printed\n%s\nwant it to contain %s", r.stdout, w)
		}
	}
	r2 := runCmd(t, r.stdout, "encode", "--typed")
	r2.want(t, exitOK)
	u, err := cookiecodec.InspectUnverified(strings.TrimSpace(r2.stdout))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(u.Payload, want) {
		t.Errorf("decode --typed | encode --typed changed the payload:\n got %x\nwant %x", u.Payload, want)
	}
	// Plain JSON loses the types: the same trip changes the payload.
	plain := runCmd(t, "", "decode", value)
	if r := runCmd(t, plain.stdout, "encode"); r.code == exitOK {
		if u, err := cookiecodec.InspectUnverified(strings.TrimSpace(r.stdout)); err == nil && bytes.Equal(u.Payload, want) {
			t.Error("the plain JSON round trip kept the payload: the test session does not exercise --typed")
		}
	}
	// --json wraps the typed session with the metadata.
	r = runCmd(t, "", "decode", "--typed", "--json", value)
	r.want(t, exitOK)
	if !strings.Contains(r.stdout, `"session": {`) || !strings.Contains(r.stdout, `"$uint"`) {
		t.Errorf("decode --typed --json printed %.300s", r.stdout)
	}
}

func TestTypedParseErrors(t *testing.T) {
	envKeys(t)
	for _, tc := range []struct{ in, want string }{
		{`{"a":{"$what":"x"}}`, "JSON input at a.$what: unknown typed value, want one of $int, $uint"},
		{`{"a":{"$int":"x"}}`, "JSON input at a.$int: $int holds a decimal int64"},
		{`{"a":{"$int":1}}`, "$int holds a string"},
		{`{"a":{"$uint":"-1"}}`, "$uint holds a decimal uint64"},
		{`{"a":{"$float":"nan"}}`, "$float holds a float64, NaN, Infinity or -Infinity"},
		{`{"a":{"$float32":"1e300"}}`, "$float32 holds a finite float32"},
		{`{"a":{"$bytes":"+/8"}}`, "$bytes holds standard base64"},
		{`{"a":{"$time":"yesterday"}}`, "$time holds an RFC 3339 time"},
		{`{"a":{"$map":1}}`, "$map holds an object"},
		{`{"a":{"$int":"1","b":2}}`, "a member beside a typed value"},
		{`{"a":{"b":2,"$int":"1"}}`, "beside others"},
		{`{"$bytes":"AA=="}`, "JSON input is a typed value, not a session"},
	} {
		r := runCmd(t, tc.in, "encode", "--typed")
		r.want(t, exitUsage, tc.want)
	}
	// Without --typed, '$' keys are plain keys.
	runCmd(t, `{"a":{"$int":"x"}}`, "encode").want(t, exitOK)
	runCmd(t, "{}", "encode", "--typed", "--format", "flask").want(t, exitUsage, "--typed apply to the native format only")
}

func TestTypedViewRejectsUnknown(t *testing.T) {
	if _, err := typedValue(map[string]any{"x": struct{}{}}); err == nil || !strings.Contains(err.Error(), "has no typed JSON form") {
		t.Errorf("typedValue of a struct: err = %v", err)
	}
}

// TestTypedDepthLimit checks that typed JSON nests exactly as deep as a
// session may: a typed scalar ({"$bytes": ""}) at the deepest level, or a
// map of '$' keys wrapped in {"$map": ...}, is no level of its own, and
// one container more is refused.
func TestTypedDepthLimit(t *testing.T) {
	// nest returns a session holding the container v inside lists, so
	// that v is at depth, the session's top-level map being depth 1.
	nest := func(v any, depth int) cookiecodec.Session {
		for range depth - 2 {
			v = []any{v}
		}
		return cookiecodec.Session{"k": v}
	}
	const max = cookiecodec.MaxSessionDepth
	for name, s := range map[string]cookiecodec.Session{
		"bytes at the limit":     nest([]any{[]byte{}, int64(-17)}, max),
		"time at the limit":      nest([]any{time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)}, max),
		"uint at the limit":      nest([]any{uint64(math.MaxUint64)}, max),
		"$map at the limit":      nest(map[string]any{"$int": int64(1)}, max),
		"$map holding a list":    nest(map[string]any{"$x": []any{int64(1)}}, max-1),
		"empty map at the limit": nest(map[string]any{}, max),
	} {
		t.Run(name, func(t *testing.T) {
			p, err := cookiecodec.MarshalSession(s)
			if err != nil {
				t.Fatal(err)
			}
			typedRoundTrip(t, p)
		})
	}
	for name, js := range map[string]string{
		"list beyond":    `{"k": ` + strings.Repeat("[", max) + strings.Repeat("]", max) + `}`,
		"map beyond":     `{"k": ` + strings.Repeat("[", max-1) + `{"a": 1}` + strings.Repeat("]", max-1) + `}`,
		"empty beyond":   `{"k": ` + strings.Repeat("[", max-1) + `{}` + strings.Repeat("]", max-1) + `}`,
		"$map beyond":    `{"k": ` + strings.Repeat("[", max-1) + `{"$map": {}}` + strings.Repeat("]", max-1) + `}`,
		"scalar, beyond": `{"k": ` + strings.Repeat("[", max) + `{"$bytes": ""}` + strings.Repeat("]", max) + `}`,
	} {
		if _, err := parseTypedSession([]byte(js)); err == nil || !strings.Contains(err.Error(), "nests deeper than 32") {
			t.Errorf("%s: parseTypedSession err = %v, want nests deeper than 32", name, err)
		}
	}
}
