package main

import (
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec"
)

func TestParseSession(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     cookiecodec.Session
	}{
		{"empty", `{}`, cookiecodec.Session{}},
		{"white space", " \n{ }\n", cookiecodec.Session{}},
		{"scalars", `{"s":"x","t":true,"f":false,"n":null}`, cookiecodec.Session{"s": "x", "t": true, "f": false, "n": nil}},
		{"int64", `{"a":0,"b":-1,"c":9007199254740993,"d":-9223372036854775808}`,
			cookiecodec.Session{"a": int64(0), "b": int64(-1), "c": int64(9007199254740993), "d": int64(math.MinInt64)}},
		{"uint64 above int64", `{"a":9223372036854775808,"b":18446744073709551615}`,
			cookiecodec.Session{"a": uint64(1 << 63), "b": uint64(math.MaxUint64)}},
		{"floats", `{"a":1.0,"b":1e2,"c":-2.5E-3,"d":0.1}`,
			cookiecodec.Session{"a": 1.0, "b": 100.0, "c": -2.5e-3, "d": 0.1}},
		{"nested", `{"l":[1,"x",[],{}],"m":{"k":[null]}}`,
			cookiecodec.Session{"l": []any{int64(1), "x", []any{}, map[string]any{}}, "m": map[string]any{"k": []any{nil}}}},
		{"unicode escapes", `{"\u00e9":"\ud83d\ude00"}`, cookiecodec.Session{"é": "😀"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseSession([]byte(tc.in))
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("parseSession(%q) = %#v, %v, want %#v", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestJSONView(t *testing.T) {
	at := time.Date(2026, 11, 28, 1, 2, 3, 450000000, time.FixedZone("X", 3600))
	for _, tc := range []struct {
		name  string
		in    any
		want  string
		notes []string
	}{
		{"int64", int64(-9223372036854775808), "-9223372036854775808", nil},
		{"uint64", uint64(math.MaxUint64), "18446744073709551615", nil},
		{"whole float", 3.0, "3.0", nil},
		{"negative zero", math.Copysign(0, -1), "-0.0", nil},
		{"large float", 1e21, "1e+21", nil},
		{"small float", 1e-7, "1e-07", nil},
		{"float", 0.1, "0.1", nil},
		{"NaN", math.NaN(), `"NaN"`, []string{`x is NaN, which JSON cannot hold: printed as the string "NaN"`}},
		{"infinity", math.Inf(1), `"Infinity"`, []string{"x is infinite"}},
		{"minus infinity", math.Inf(-1), `"-Infinity"`, []string{"x is infinite"}},
		{"bytes", []byte{0xfb, 0xff, 0x00}, `"+/8A"`, nil},
		{"time in UTC", at, `"2026-11-28T00:02:03.45Z"`, nil},
		{"list", []any{int64(1), nil, []byte("a")}, `[1,null,"YQ=="]`, nil},
		{"map", map[string]any{"b": 2.0, "a": "<&>"}, `{"a":"<&>","b":2.0}`, nil},
		{"unknown type", struct{ A int }{1}, `"{1}"`, []string{"x holds a struct { A int }, printed as text"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := &jsonView{}
			v.path.pushKey("x")
			out := v.value(tc.in)
			var b strings.Builder
			if err := writeJSON(&b, out); err != nil {
				t.Fatal(err)
			}
			got := strings.Join(strings.Fields(b.String()), "")
			if got != tc.want {
				t.Errorf("view of %#v printed %s, want %s", tc.in, got, tc.want)
			}
			if len(v.notes) != len(tc.notes) {
				t.Fatalf("notes = %q, want %q", v.notes, tc.notes)
			}
			for i, n := range tc.notes {
				if !strings.Contains(v.notes[i], n) {
					t.Errorf("note %q, want it to contain %q", v.notes[i], n)
				}
			}
		})
	}
}

// TestJSONRoundTrip checks that what jsonView prints, parseSession reads
// back to the same values, for the types JSON can carry.
func TestJSONRoundTrip(t *testing.T) {
	s := cookiecodec.Session{
		"i": int64(math.MaxInt64), "j": int64(math.MinInt64), "u": uint64(math.MaxUint64),
		"f": 3.0, "g": 1e300, "h": 5e-324, "z": math.Copysign(0, -1), "s": "<x>", "b": true, "n": nil,
		"l": []any{int64(1), 2.5, []any{}}, "m": map[string]any{"k": map[string]any{}},
	}
	v := &jsonView{}
	var b strings.Builder
	if err := writeJSON(&b, v.object(s)); err != nil {
		t.Fatal(err)
	}
	got, err := parseSession([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, s) {
		t.Errorf("round trip through\n%s\ngave %#v, want %#v", b.String(), got, s)
	}
	if math.Signbit(got["z"].(float64)) != true {
		t.Error("round trip lost the sign of -0.0")
	}
}
