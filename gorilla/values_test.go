package gorilla

import (
	"crypto/sha256"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec"
	"github.com/google/go-cmp/cmp"
)

// deep nests v in n one-element slices.
func deep(n int, v any) any {
	for range n {
		v = []any{v}
	}
	return v
}

// deepMap nests n maps, the innermost empty.
func deepMap(n int) map[string]any {
	m := map[string]any{}
	for range n - 1 {
		m = map[string]any{"m": m}
	}
	return m
}

func TestGobValues(t *testing.T) {
	const now = 1_800_000_000
	d := newTestDecoder(t, Options{}, now)
	for _, tc := range []struct {
		name string
		in   any // the value securecookie serializes
		want cookiecodec.Session
		err  string
	}{
		{"integer types", map[any]any{"a": int8(-1), "b": uint16(7), "c": uint64(1 << 63), "d": int32(5)},
			cookiecodec.Session{"a": int64(-1), "b": int64(7), "c": uint64(1 << 63), "d": int64(5)}, ""},
		{"float32", map[any]any{"f": float32(0.5)}, cookiecodec.Session{"f": 0.5}, ""},
		{"basic slices", map[any]any{"s": []string{"x", "y"}, "i": []int{1, 2}},
			cookiecodec.Session{"s": []any{"x", "y"}, "i": []any{int64(1), int64(2)}}, ""},
		{"nil map value", map[any]any{"m": map[string]any(nil)}, cookiecodec.Session{"m": map[string]any{}}, ""},
		{"nested interface map", map[any]any{"m": map[any]any{"k": "v"}}, cookiecodec.Session{"m": map[string]any{"k": "v"}}, ""},
		{"time in UTC", map[any]any{"t": time.Date(2020, 1, 2, 3, 4, 5, 6, time.FixedZone("X", -3600))},
			cookiecodec.Session{"t": time.Date(2020, 1, 2, 4, 4, 5, 6, time.UTC)}, ""},
		{"time beyond year 9999 in whole seconds", map[any]any{"t": time.Date(12000, 1, 1, 0, 0, 0, 0, time.UTC)},
			cookiecodec.Session{"t": time.Date(12000, 1, 1, 0, 0, 0, 0, time.UTC)}, ""},
		{"time beyond year 9999 with a fraction", map[any]any{"t": time.Date(12000, 1, 1, 0, 0, 0, 5, time.UTC)}, nil,
			`the value at "t" is a time with a fraction of a second outside years 0 to 9999`},
		{"as deep as a session may be", map[any]any{"d": deep(cookiecodec.MaxSessionDepth-1, "x")},
			cookiecodec.Session{"d": deep(cookiecodec.MaxSessionDepth-1, "x")}, ""},
		{"too deep", map[any]any{"d": deep(cookiecodec.MaxSessionDepth, "x")}, nil,
			"is nested deeper than 32"},
		{"maps as deep as a session may be", map[any]any{"d": deepMap(cookiecodec.MaxSessionDepth - 1)},
			cookiecodec.Session{"d": deepMap(cookiecodec.MaxSessionDepth - 1)}, ""},
		{"maps too deep", map[any]any{"d": deepMap(cookiecodec.MaxSessionDepth)}, nil,
			"is nested deeper than 32"},
		{"bool key", map[any]any{true: 1}, nil, "the session has a key of type bool; a session's keys are strings"},
		{"int key in a nested map", map[any]any{"m": map[any]any{3: "secret value"}}, nil, `the value at "m" has a key of type int`},
		{"invalid UTF-8 string", map[any]any{"s": "\xff"}, nil, `the value at "s" is a string that is not valid UTF-8`},
		{"invalid UTF-8 key", map[any]any{"\xff": 1}, nil, "the session has a key that is not valid UTF-8"},
		{"complex", map[any]any{"c": []complex128{1i}}, nil, `the value at "c"[0] has type complex128`},
		{"top level not a map", []any{"x"}, nil, "gob body"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := seal(sha256.New, testHashKey, "s", now, gobBody(t, tc.in))
			s, _, err := d.Decode("s", v)
			if tc.err != "" {
				if s != nil || !errors.Is(err, cookiecodec.ErrInvalid) || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Decode(%v) = %v, %v; want ErrInvalid saying %q", tc.in, s, err, tc.err)
				}
				if strings.Contains(err.Error(), "secret value") {
					t.Fatalf("Decode(%v) err = %v names a value", tc.in, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Decode(%v) err = %v", tc.in, err)
			}
			if _, err := cookiecodec.MarshalSession(s); err != nil {
				t.Errorf("MarshalSession(Decode(%v)) err = %v: it would not re-issue natively", tc.in, err)
			}
			// reflect.DeepEqual, as go-cmp's report on deep nesting is slow.
			if !reflect.DeepEqual(tc.want, s) {
				t.Errorf("Decode(%v) = %v, want %v", tc.in, s, tc.want)
			}
		})
	}
}

func TestJSONValues(t *testing.T) {
	const now = 1_800_000_000
	d := newTestDecoder(t, Options{Serializer: JSON}, now)
	for _, tc := range []struct {
		body string
		want cookiecodec.Session
		err  string
	}{
		{`{"a":1,"b":-0,"c":1.5,"d":1e3,"e":9223372036854775808,"f":123456789012345678901234567890}` + "\n",
			cookiecodec.Session{"a": int64(1), "b": int64(0), "c": 1.5, "d": 1000.0, "e": uint64(1 << 63), "f": 1.2345678901234568e29}, ""},
		{` {"s":"\u00e9","n":null,"l":[true,{"x":[]}]} `, cookiecodec.Session{"s": "é", "n": nil, "l": []any{true, map[string]any{"x": []any{}}}}, ""},
		{`{}`, cookiecodec.Session{}, ""},
		{`{"a":1}{"b":2}`, nil, "data after the top-level value"},
		{`{"a":1} x`, nil, "data after the top-level value"},
		{`[1]`, nil, "top level is an array, not an object"},
		{`"x"`, nil, "top level is a string, not an object"},
		{`null`, nil, "top level is null, not an object"},
		{`{"a":1e400}`, nil, `the value at "a" is a number out of the range of float64`},
		{`{"a":`, nil, "json body: malformed JSON"},
		{`{"a":Q}`, nil, "json body: malformed JSON at byte 6"},
		{``, nil, "json body"},
		{`{"d":` + strings.Repeat("[", cookiecodec.MaxSessionDepth) + strings.Repeat("]", cookiecodec.MaxSessionDepth) + `}`, nil, "nested deeper than 32"},
	} {
		v := seal(sha256.New, testHashKey, "s", now, []byte(tc.body))
		s, _, err := d.Decode("s", v)
		if tc.err != "" {
			if s != nil || !errors.Is(err, cookiecodec.ErrInvalid) || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Decode(%s) = %v, %v; want ErrInvalid saying %q", tc.body, s, err, tc.err)
			}
			if err != nil && strings.Contains(err.Error(), "Q") {
				t.Errorf("Decode(%s) err = %v quotes the body", tc.body, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Decode(%s) err = %v", tc.body, err)
			continue
		}
		if diff := cmp.Diff(tc.want, s); diff != "" {
			t.Errorf("Decode(%s) (-want +got):\n%s", tc.body, diff)
		}
	}
}
