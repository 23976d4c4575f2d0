package interop_test

// Differential tests of the session payload (cbor.go) against
// github.com/fxamacker/cbor/v2, an independent CBOR implementation.
//
// The session payload is meant to be the core deterministic encoding of
// RFC 8949 section 4.2.1 restricted to a few types, so for every session:
//
//   - what MarshalSession writes, fxamacker decodes without complaint in its
//     strictest mode and to the same values, and re-encodes with its core
//     deterministic options to the identical bytes;
//   - what fxamacker's core deterministic encoder writes for the same Go
//     values is byte for byte what MarshalSession writes, and
//     UnmarshalSession accepts it;
//   - what UnmarshalSession accepts, fxamacker accepts too and decodes to
//     the same values (here and in FuzzCBORDifferential).
//
// The mapping between the two libraries, beyond plain CBOR:
//
//   - Integers: fxamacker decodes every unsigned integer as uint64;
//     cookiecodec decodes those up to math.MaxInt64 as int64. fxValue
//     converts.
//   - Times: cookiecodec writes a whole second as tag 1 over an integer and
//     anything finer as tag 0 over RFC 3339 text in UTC with the shortest
//     exact fraction. fxamacker writes the first with Time: TimeUnix and the
//     second with Time: TimeRFC3339NanoUTC (both with TimeTag:
//     EncTagRequired), but no single mode of it chooses per value, so the
//     tests wrap each time in fxTime, which picks the mode per value.
//     fxamacker decodes tag 1 in the local zone; fxValue converts to UTC.
//   - The zero time.Time: fxamacker writes it as null (even with a required
//     tag); cookiecodec writes its instant like any other (tag 1 over
//     -62135596800) so that it round-trips. fxTime writes that tag itself.
//   - Nil []byte, []any and maps: fxamacker writes null unless NilContainers
//     is NilContainerAsEmpty; cookiecodec writes them empty.
//   - NaN: both write every NaN as f9 7e00 (NaNConvert7e00 is part of
//     fxamacker's core deterministic options); ±Inf as half floats.
//   - Nesting: fxamacker's default limit of 32 levels counts maps and
//     arrays as MaxSessionDepth does, the session itself included, and does
//     not count a time's tag; fxDec sets the limit to MaxSessionDepth
//     explicitly and TestCBORDeepest checks the two agree.

import (
	"bytes"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec"
	"github.com/fxamacker/cbor/v2"
	"github.com/google/go-cmp/cmp"
)

// fxDec is fxamacker's decoder as strict as it goes: duplicate keys,
// indefinite lengths and invalid UTF-8 are errors.
var fxDec = mustDecMode(cbor.DecOptions{
	DupMapKey:       cbor.DupMapKeyEnforcedAPF,
	IndefLength:     cbor.IndefLengthForbidden,
	UTF8:            cbor.UTF8RejectInvalid,
	MaxNestedLevels: cookiecodec.MaxSessionDepth,
	DefaultMapType:  reflect.TypeFor[map[string]any](),
	IntDec:          cbor.IntDecConvertNone,
})

// fxEnc is fxamacker's core deterministic encoder; fxUnixTime and
// fxNanoTime are the same with the two time forms cookiecodec writes.
var (
	fxEnc      = mustEncMode(fxCoreDet())
	fxUnixTime = mustEncMode(fxCoreDet(func(o *cbor.EncOptions) {
		o.Time, o.TimeTag = cbor.TimeUnix, cbor.EncTagRequired
	}))
	fxNanoTime = mustEncMode(fxCoreDet(func(o *cbor.EncOptions) {
		o.Time, o.TimeTag = cbor.TimeRFC3339NanoUTC, cbor.EncTagRequired
	}))
)

func fxCoreDet(edit ...func(*cbor.EncOptions)) cbor.EncOptions {
	o := cbor.CoreDetEncOptions()
	o.NilContainers = cbor.NilContainerAsEmpty
	for _, e := range edit {
		e(&o)
	}
	return o
}

func mustDecMode(o cbor.DecOptions) cbor.DecMode {
	m, err := o.DecMode()
	if err != nil {
		panic(err)
	}
	return m
}

func mustEncMode(o cbor.EncOptions) cbor.EncMode {
	m, err := o.EncMode()
	if err != nil {
		panic(err)
	}
	return m
}

// fxTime is a time.Time that fxamacker encodes in the form cookiecodec
// writes for it.
type fxTime time.Time

// MarshalCBOR implements cbor.Marshaler.
func (t fxTime) MarshalCBOR() ([]byte, error) {
	tt := time.Time(t)
	switch {
	case tt.IsZero():
		return fxEnc.Marshal(cbor.Tag{Number: 1, Content: tt.Unix()})
	case tt.Nanosecond() == 0:
		return fxUnixTime.Marshal(tt)
	}
	return fxNanoTime.Marshal(tt)
}

// fxInput returns v with every time.Time wrapped as an fxTime, for
// fxamacker to encode. Other values are unchanged.
func fxInput(v any) any {
	switch v := v.(type) {
	case time.Time:
		return fxTime(v)
	case cookiecodec.Session:
		return fxInput(map[string]any(v))
	case map[string]any:
		if v == nil {
			return v
		}
		m := make(map[string]any, len(v))
		for k, x := range v {
			m[k] = fxInput(x)
		}
		return m
	case []any:
		if v == nil {
			return v
		}
		a := make([]any, len(v))
		for i, x := range v {
			a[i] = fxInput(x)
		}
		return a
	}
	return v
}

// fxValue maps a value fxamacker decoded to what UnmarshalSession returns
// for the same bytes.
func fxValue(v any) any {
	switch v := v.(type) {
	case uint64:
		if v <= math.MaxInt64 {
			return int64(v)
		}
	case time.Time:
		return v.UTC()
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, x := range v {
			m[k] = fxValue(x)
		}
		return m
	case []any:
		a := make([]any, len(v))
		for i, x := range v {
			a[i] = fxValue(x)
		}
		return a
	}
	return v
}

// cborDecoded maps a value put in a session to what UnmarshalSession returns
// for it, following the normalisations documented on cookiecodec.Session.
func cborDecoded(v any) any {
	switch v := v.(type) {
	case int, int8, int16, int32, int64:
		return reflect.ValueOf(v).Int()
	case uint, uint8, uint16, uint32, uint64:
		if u := reflect.ValueOf(v).Uint(); u > math.MaxInt64 {
			return u
		} else {
			return int64(u)
		}
	case float32:
		return float64(v)
	case []byte:
		return append([]byte{}, v...)
	case time.Time:
		return v.UTC()
	case []string:
		a := make([]any, len(v))
		for i, s := range v {
			a[i] = s
		}
		return a
	case cookiecodec.Session:
		return cborDecoded(map[string]any(v))
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, x := range v {
			m[k] = cborDecoded(x)
		}
		return m
	case []any:
		a := make([]any, len(v))
		for i, x := range v {
			a[i] = cborDecoded(x)
		}
		return a
	}
	return v
}

// sameValues compares decoded values: floats by their bits (any NaN equal
// to any NaN, but 0 not equal to -0), times by instant and location.
var sameValues = cmp.Options{
	cmp.Comparer(sameFloat),
	cmp.Comparer(sameTime),
}

func sameFloat(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || math.IsNaN(a) && math.IsNaN(b)
}

func sameTime(a, b time.Time) bool {
	return a.Equal(b) && a.Location() == b.Location()
}

// diffValues returns "" if the decoded values want and got are equal under
// sameValues, and otherwise a description of the difference. It walks the
// values itself because cmp.Diff takes time exponential in the depth of
// nested slices; cmp.Diff only describes differences in shallow values.
func diffValues(want, got any) string {
	if equalValues(want, got) {
		return ""
	}
	if cborDepth(want) <= 8 && cborDepth(got) <= 8 {
		return cmp.Diff(want, got, sameValues)
	}
	return fmt.Sprintf("-%#v\n+%#v", want, got)
}

func equalValues(a, b any) bool {
	switch a := a.(type) {
	case float64:
		b, ok := b.(float64)
		return ok && sameFloat(a, b)
	case time.Time:
		b, ok := b.(time.Time)
		return ok && sameTime(a, b)
	case []byte:
		b, ok := b.([]byte)
		return ok && bytes.Equal(a, b) && (a == nil) == (b == nil)
	case []any:
		b, ok := b.([]any)
		if !ok || len(a) != len(b) || (a == nil) != (b == nil) {
			return false
		}
		for i := range a {
			if !equalValues(a[i], b[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		b, ok := b.(map[string]any)
		if !ok || len(a) != len(b) || (a == nil) != (b == nil) {
			return false
		}
		for k, x := range a {
			y, ok := b[k]
			if !ok || !equalValues(x, y) {
				return false
			}
		}
		return true
	case nil, bool, int64, uint64, string:
		return a == b
	}
	return false // not a decoded value
}

// checkSession runs every differential check on one session.
func checkSession(t *testing.T, s cookiecodec.Session) {
	t.Helper()
	want := cborDecoded(s)

	ours, err := cookiecodec.MarshalSession(s)
	if err != nil {
		t.Fatalf("MarshalSession(%v) err = %v", s, err)
	}
	if err := fxDec.Wellformed(ours); err != nil {
		t.Fatalf("fxamacker Wellformed(%x) = %v", ours, err)
	}
	var fx any
	if err := fxDec.Unmarshal(ours, &fx); err != nil {
		t.Fatalf("fxamacker Unmarshal(%x) err = %v", ours, err)
	}
	if diff := diffValues(want, fxValue(fx)); diff != "" {
		t.Errorf("fxamacker Unmarshal(%x) differs from the session (-want +got):\n%s", ours, diff)
	}
	again, err := fxEnc.Marshal(fxInput(fx))
	if err != nil {
		t.Fatalf("fxamacker re-encoding of %x: err = %v", ours, err)
	}
	if !bytes.Equal(again, ours) {
		t.Errorf("fxamacker core deterministic re-encoding differs:\nMarshalSession %x\nfxamacker      %x", ours, again)
	}

	theirs, err := fxEnc.Marshal(fxInput(s))
	if err != nil {
		t.Fatalf("fxamacker Marshal(%v) err = %v", s, err)
	}
	if !bytes.Equal(theirs, ours) {
		t.Errorf("encodings of %v differ:\nMarshalSession %x\nfxamacker      %x", s, ours, theirs)
	}
	got, err := cookiecodec.UnmarshalSession(theirs)
	if err != nil {
		t.Fatalf("UnmarshalSession(%x) (fxamacker's encoding) err = %v", theirs, err)
	}
	if diff := diffValues(want, map[string]any(got)); diff != "" {
		t.Errorf("UnmarshalSession(%x) (-want +got):\n%s", theirs, diff)
	}
	if diff := diffValues(fxValue(fx), map[string]any(got)); diff != "" {
		t.Errorf("decoders disagree on %x (-fxamacker +cookiecodec):\n%s", theirs, diff)
	}
}

// TestCBORRandomSessions runs checkSession over sessions of the seeded
// generator, and checks that they held every kind of value in genKinds.
func TestCBORRandomSessions(t *testing.T) {
	g := newSessionGen(1)
	n := 1500
	if testing.Short() {
		n = 400
	}
	seen := map[string]bool{}
	for range n {
		s := g.session()
		if !t.Run("", func(t *testing.T) { checkSession(t, s) }) {
			t.Logf("failing session: %#v", s)
			return
		}
		genKinds(s, 1, seen)
	}
	for _, k := range allGenKinds {
		if !seen[k] {
			t.Errorf("no session of the %d held a value of kind %q", n, k)
		}
	}
}

// TestCBORDeepest checks a session nested as deeply as cookiecodec allows,
// with a time in its innermost container.
func TestCBORDeepest(t *testing.T) {
	for _, tc := range []struct {
		name string
		wrap func(any) any
	}{
		{"maps", func(v any) any { return map[string]any{"k": v} }},
		{"arrays", func(v any) any { return []any{v} }},
		{"mixed", func(v any) any { return []any{map[string]any{"k": v}} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Wrap until MarshalSession refuses: the last session it took is
			// the deepest.
			var deepest cookiecodec.Session
			var v any = []any{time.Unix(1, 5).UTC(), "leaf"}
			for {
				s := cookiecodec.Session{"root": v}
				if _, err := cookiecodec.MarshalSession(s); err != nil {
					break
				}
				deepest, v = s, tc.wrap(v)
			}
			if got := cborDepth(deepest); got != cookiecodec.MaxSessionDepth {
				t.Fatalf("deepest session MarshalSession takes has depth %d, want MaxSessionDepth = %d", got, cookiecodec.MaxSessionDepth)
			}
			s := deepest
			checkSession(t, s)
		})
	}
}

// cborDepth returns how deeply maps and arrays nest in v, v itself included.
func cborDepth(v any) int {
	d := 0
	switch v := v.(type) {
	case cookiecodec.Session:
		return cborDepth(map[string]any(v))
	case map[string]any:
		for _, x := range v {
			d = max(d, cborDepth(x))
		}
	case []any:
		for _, x := range v {
			d = max(d, cborDepth(x))
		}
	default:
		return 0
	}
	return d + 1
}

// TestCBOREdgeValues checks one-value sessions at the boundaries of every
// CBOR head size and float width, and the time forms.
func TestCBOREdgeValues(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    any
	}{
		{"nil", nil},
		{"false", false},
		{"true", true},
		{"int 23", 23},
		{"int 24", 24},
		{"uint8 255", uint8(255)},
		{"int16 256", int16(256)},
		{"uint16 65535", uint16(65535)},
		{"int32 65536", int32(65536)},
		{"uint32 max", uint32(math.MaxUint32)},
		{"int64 2^32", int64(1) << 32},
		{"int64 max", int64(math.MaxInt64)},
		{"uint64 2^63", uint64(1) << 63},
		{"uint64 max", uint64(math.MaxUint64)},
		{"int8 -1", int8(-1)},
		{"int -24", -24},
		{"int -25", -25},
		{"int -256", -256},
		{"int -257", -257},
		{"int -65537", -65537},
		{"int64 -2^32-1", -(int64(1) << 32) - 1},
		{"int64 min", int64(math.MinInt64)},
		{"float 0", 0.0},
		{"float -0", math.Copysign(0, -1)},
		{"float 1.5", 1.5},
		{"float half max", 65504.0},
		{"float above half max", 65520.0},
		{"float half smallest subnormal", math.Ldexp(1, -24)},
		{"float half largest subnormal", math.Ldexp(1023, -24)},
		{"float half smallest normal", math.Ldexp(1, -14)},
		{"float below half subnormal", math.Ldexp(1, -25)},
		{"float half needing 12 bits", 1 + math.Ldexp(1, -11)},
		{"float32 0.1", float32(0.1)},
		{"float32 smallest subnormal", math.Float32frombits(1)},
		{"float32 max", float32(math.MaxFloat32)},
		{"float64 0.1", 0.1},
		{"float64 smallest subnormal", math.SmallestNonzeroFloat64},
		{"float64 max", math.MaxFloat64},
		{"+Inf", math.Inf(1)},
		{"-Inf", math.Inf(-1)},
		{"NaN", math.NaN()},
		{"NaN with payload", math.Float64frombits(0x7ff8_0000_dead_beef)},
		{"negative NaN", math.Float64frombits(0xfff8_0000_0000_0001)},
		{"float32 signalling NaN", math.Float32frombits(0x7f80_0001)},
		{"empty string", ""},
		{"string 23 bytes", strings.Repeat("a", 23)},
		{"string 24 bytes", strings.Repeat("a", 24)},
		{"string 256 bytes", strings.Repeat("é", 128)},
		{"unicode", "Grüße, 日本, 😀, \u2028, \U0010ffff, \x00"},
		{"nil bytes", []byte(nil)},
		{"bytes", []byte{0, 0xff, 0x80}},
		{"bytes 300", bytes.Repeat([]byte{0xa5}, 300)},
		{"empty list", []any{}},
		{"nil list", []any(nil)},
		{"strings", []string{"a", "", "ü"}},
		{"empty map", map[string]any{}},
		{"nil map", map[string]any(nil)},
		{"nested Session", cookiecodec.Session{"x": 1}},
		{"time unix epoch", time.Unix(0, 0)},
		{"time whole second", time.Date(2026, 11, 28, 1, 45, 0, 0, time.UTC)},
		{"time before 1970", time.Date(1901, 12, 13, 20, 45, 52, 0, time.UTC)},
		{"time zero", time.Time{}},
		{"time year 10000", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"time year -1", time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"time milliseconds", time.Date(2026, 1, 2, 3, 4, 5, 678_000_000, time.UTC)},
		{"time microseconds", time.Date(2026, 1, 2, 3, 4, 5, 678_900, time.UTC)},
		{"time nanosecond", time.Date(2026, 1, 2, 3, 4, 5, 1, time.UTC)},
		{"time before 1970 fraction", time.Date(1969, 12, 31, 23, 59, 59, 500_000_000, time.UTC)},
		{"time year 0 fraction", time.Date(0, 1, 1, 0, 0, 0, 1, time.UTC)},
		{"time year 9999 fraction", time.Date(9999, 12, 31, 23, 59, 59, 999_999_999, time.UTC)},
		{"time other zone", time.Date(2026, 6, 1, 12, 0, 0, 0, time.FixedZone("x", 5*3600+1800))},
		{"time other zone fraction", time.Date(2026, 6, 1, 12, 0, 0, 250_000_000, time.FixedZone("x", -7*3600))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkSession(t, cookiecodec.Session{"v": tc.v})
		})
	}
}

// TestCBORKeyOrder checks map key order where length-first and bytewise
// order disagree with plain string order or with order by runes.
func TestCBORKeyOrder(t *testing.T) {
	keys := []string{"", "a", "b", "B", "aa", "é", "z", "zz", "日", "😀", "ab", "ba", "\x00", "\x7f", "aaa", strings.Repeat("k", 24), strings.Repeat("k", 23)}
	s := cookiecodec.Session{}
	for i, k := range keys {
		s[k] = i
	}
	checkSession(t, s)
}
