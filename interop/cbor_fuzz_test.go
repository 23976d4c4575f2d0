package interop_test

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec"
	"github.com/fxamacker/cbor/v2"
)

// FuzzCBORDifferential runs UnmarshalSession and fxamacker on the same
// bytes. If UnmarshalSession accepts them, fxamacker must too, decode them
// to the same values, and re-encode them with its core deterministic
// options to the same bytes. If UnmarshalSession rejects them, they must
// not be a canonical encoding of a session: something fxamacker decodes to
// values a session holds, within MaxSessionDepth, and re-encodes to the
// same bytes.
//
// It is seeded from the session vectors in ../testdata/session and from
// sessions of the seeded generator.
func FuzzCBORDifferential(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("..", "testdata", "session", "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	if len(files) == 0 {
		f.Fatal("no seeds in ../testdata/session")
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		var v struct {
			Payload string `json:"payload_hex"`
		}
		if err := json.Unmarshal(b, &v); err != nil {
			f.Fatalf("%s: %v", name, err)
		}
		p, err := hex.DecodeString(v.Payload)
		if err != nil {
			f.Fatalf("%s: payload_hex: %v", name, err)
		}
		f.Add(p)
	}
	g := newSessionGen(2)
	for range 32 {
		p, err := cookiecodec.MarshalSession(g.session())
		if err != nil {
			f.Fatal(err)
		}
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, p []byte) {
		if err := differential(p); err != nil {
			t.Fatal(err)
		}
	})
}

// differential checks p as FuzzCBORDifferential says, returning what
// differs.
func differential(p []byte) error {
	ours, err := cookiecodec.UnmarshalSession(p)
	var fx any
	fxErr := fxDec.Unmarshal(p, &fx)
	if err != nil {
		if fxErr != nil || !inSession(fx, 1) {
			return nil
		}
		if again, fxErr := fxEnc.Marshal(fxInput(fx)); fxErr == nil && bytes.Equal(again, p) {
			return fmt.Errorf("UnmarshalSession(%x) err = %v, but it is the canonical encoding of %#v", p, err, fx)
		}
		return nil
	}
	if fxErr != nil {
		return fmt.Errorf("UnmarshalSession(%x) accepts; fxamacker err = %v", p, fxErr)
	}
	if diff := diffValues(fxValue(fx), map[string]any(ours)); diff != "" {
		return fmt.Errorf("decoders disagree on %x (-fxamacker +cookiecodec):\n%s", p, diff)
	}
	again, err := fxEnc.Marshal(fxInput(fx))
	if err != nil {
		return fmt.Errorf("fxamacker re-encoding of %x: err = %v", p, err)
	}
	if !bytes.Equal(again, p) {
		return fmt.Errorf("UnmarshalSession accepts %x, which fxamacker re-encodes as %x", p, again)
	}
	return nil
}

// TestCBORExhaustiveSmall runs the differential check on {"a": X} for every
// X of one or two bytes, and of three bytes after each head of a number
// with a 16-bit argument: every half-precision float and 16-bit integer;
// then on samples of the wider numbers.
func TestCBORExhaustiveSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("a sweep of about 300,000 inputs; run without -short")
	}
	prefix := []byte{0xa1, 0x61, 0x61}
	check := func(x ...byte) bool {
		t.Helper()
		if err := differential(append(prefix[:3:3], x...)); err != nil {
			t.Error(err)
			return false
		}
		return true
	}
	for b0 := range 256 {
		if !check(byte(b0)) {
			return
		}
		for b1 := range 256 {
			if !check(byte(b0), byte(b1)) {
				return
			}
		}
	}
	for _, head := range []byte{0x19, 0x39, 0xf9} {
		for n := range 1 << 16 {
			if !check(head, byte(n>>8), byte(n)) {
				return
			}
		}
	}

	// Samples of the 32- and 64-bit arguments, as numbers and as times, with
	// arguments of every length so that non-shortest forms come up, and
	// floats that are exact in a narrower width.
	r := rand.New(rand.NewPCG(3, 3))
	for range 1 << 12 {
		u := r.Uint64() >> r.IntN(64)
		f32 := math.Float32bits(float32(math.Ldexp(float64(r.IntN(2048)), r.IntN(60)-40)))
		f64 := math.Float64bits(math.Ldexp(float64(r.Uint32()>>r.IntN(32)), r.IntN(300)-150))
		for _, x := range [][]byte{
			binary.BigEndian.AppendUint32([]byte{0x1a}, uint32(u)),
			binary.BigEndian.AppendUint32([]byte{0x3a}, uint32(u)),
			binary.BigEndian.AppendUint32([]byte{0xc1, 0x3a}, uint32(u)),
			binary.BigEndian.AppendUint32([]byte{0xfa}, uint32(u)),
			binary.BigEndian.AppendUint32([]byte{0xfa}, f32),
			binary.BigEndian.AppendUint64([]byte{0x1b}, u),
			binary.BigEndian.AppendUint64([]byte{0x3b}, u),
			binary.BigEndian.AppendUint64([]byte{0xc1, 0x1b}, u),
			binary.BigEndian.AppendUint64([]byte{0xfb}, r.Uint64()),
			binary.BigEndian.AppendUint64([]byte{0xfb}, f64),
		} {
			if !check(x...) {
				return
			}
		}
	}

	// Every one-character substitution, deletion and insertion in the
	// text of tag 0 times.
	for _, text := range []string{"2026-01-02T03:04:05.5Z", "0000-12-31T23:59:59.000000001Z", "1969-12-31T23:59:59.99Z"} {
		for i := range len(text) + 1 {
			variants := []string{text[:i] + text[min(i+1, len(text)):]}
			for _, c := range "0123456789.:-+TZtz ,_" {
				variants = append(variants, text[:i]+string(c)+text[i:])
				if i < len(text) {
					variants = append(variants, text[:i]+string(c)+text[i+1:])
				}
			}
			for _, v := range variants {
				head := []byte{0xc0, 0x78, byte(len(v))}
				if len(v) < 24 {
					head = []byte{0xc0, 0x60 | byte(len(v))}
				}
				if !check(append(head, v...)...) {
					return
				}
			}
		}
	}
}

// inSession reports whether v, decoded by fxamacker at depth, holds only
// values a session does, nested no deeper than MaxSessionDepth; at depth 1
// it must be a map.
func inSession(v any, depth int) bool {
	if depth > cookiecodec.MaxSessionDepth {
		return false
	}
	switch v := v.(type) {
	case map[string]any:
		for _, x := range v {
			if !inSession(x, depth+1) {
				return false
			}
		}
		return true
	case []any:
		for _, x := range v {
			if depth == 1 || !inSession(x, depth+1) {
				return false
			}
		}
		return depth > 1
	}
	if depth == 1 {
		return false
	}
	switch v.(type) {
	case nil, bool, int64, uint64, float64, string, []byte, time.Time:
		return true
	}
	return false
}

// TestCBORNotCanonical checks inputs that are well-formed CBOR for
// fxamacker but not in the canonical form: fxamacker decodes them to values
// it re-encodes differently, and UnmarshalSession rejects them.
func TestCBORNotCanonical(t *testing.T) {
	for _, tc := range []struct {
		name, hex string
	}{
		{"int not shortest", "a161611801"},
		{"int 16 bits for 8", "a16161190018"},
		{"negative int not shortest", "a161613800"},
		{"length not shortest", "a16161780161"},
		{"map length not shortest", "b8016161f6"},
		{"keys unsorted", "a2616201616101"},
		{"keys bytewise but not length first", "a2626161016162f6"},
		{"float32 that fits half", "a16161fa3fc00000"},
		{"float64 that fits float32", "a16161fb3ff8000000000000"},
		{"NaN with payload", "a16161f97e01"},
		{"NaN as float64", "a16161fb7ff8000000000000"},
		{"time tag 0 without fraction", "a16161c074323032362d30312d30325430333a30343a30355a"},
		{"time tag 0 with offset", "a16161c0781b323032362d30312d30325430333a30343a30352e352b30313a3030"},
		{"time tag 0 trailing zero", "a16161c077323032362d30312d30325430333a30343a30352e35305a"},
		{"time tag 1 float", "a16161c1fb41da55cca1600000"},
		{"undefined", "a16161f7"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := hex.DecodeString(tc.hex)
			if err != nil {
				t.Fatal(err)
			}
			var fx any
			if err := fxDec.Unmarshal(p, &fx); err != nil {
				t.Fatalf("fxamacker Unmarshal(%x) err = %v, want well-formed input", p, err)
			}
			again, err := fxEnc.Marshal(fxInput(fx))
			if err == nil && bytes.Equal(again, p) {
				t.Fatalf("fxamacker re-encodes %x identically: the case is canonical", p)
			}
			if s, err := cookiecodec.UnmarshalSession(p); err == nil {
				t.Errorf("UnmarshalSession(%x) = %v, want error", p, s)
			}
		})
	}
}

// TestCBOROutsideSubset checks inputs that fxamacker decodes and re-encodes
// to the same bytes, so canonical CBOR, but that hold what a session does
// not: UnmarshalSession rejects them by design.
func TestCBOROutsideSubset(t *testing.T) {
	for _, tc := range []struct {
		name, hex string
	}{
		{"negative int below int64", "a161613b8000000000000000"},
		{"smallest CBOR negative int", "a161613bffffffffffffffff"},
		{"bignum tag 2", "a16161c249010000000000000000"},
		{"simple value 16", "a16161f0"},
		{"unknown tag", "a16161d86400"},
		{"top level array", "80"},
		{"top level text", "6161"},
		{"top level time", "c100"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := hex.DecodeString(tc.hex)
			if err != nil {
				t.Fatal(err)
			}
			var fx any
			if err := fxDec.Unmarshal(p, &fx); err != nil {
				t.Fatalf("fxamacker Unmarshal(%x) err = %v, want well-formed input", p, err)
			}
			again, err := fxEnc.Marshal(fxInput(fx))
			if err != nil || !bytes.Equal(again, p) {
				t.Fatalf("fxamacker re-encodes %x as %x, %v: the case is not canonical", p, again, err)
			}
			if s, err := cookiecodec.UnmarshalSession(p); err == nil {
				t.Errorf("UnmarshalSession(%x) = %v, want error", p, s)
			}
		})
	}

	// Nesting one level deeper than MaxSessionDepth.
	// {"": [[...[null]...]]} with MaxSessionDepth arrays.
	p := append([]byte{0xa1, 0x60}, bytes.Repeat([]byte{0x81}, cookiecodec.MaxSessionDepth)...)
	p = append(p, 0xf6)
	deep := fxDecWithDepth(cookiecodec.MaxSessionDepth + 1)
	var fx any
	if err := deep.Unmarshal(p, &fx); err != nil {
		t.Fatalf("fxamacker Unmarshal(%x) err = %v", p, err)
	}
	if got := cborDepth(fx); got != cookiecodec.MaxSessionDepth+1 {
		t.Fatalf("test input has depth %d, want %d", got, cookiecodec.MaxSessionDepth+1)
	}
	if s, err := cookiecodec.UnmarshalSession(p); err == nil {
		t.Errorf("UnmarshalSession(%x) = %v, want error", p, s)
	}
	if err := fxDec.Unmarshal(p, &fx); err == nil {
		t.Errorf("fxamacker with MaxNestedLevels = MaxSessionDepth accepts depth %d", cookiecodec.MaxSessionDepth+1)
	}
}

func fxDecWithDepth(levels int) cbor.DecMode {
	return mustDecMode(cbor.DecOptions{
		DupMapKey:       cbor.DupMapKeyEnforcedAPF,
		IndefLength:     cbor.IndefLengthForbidden,
		MaxNestedLevels: levels,
		DefaultMapType:  reflect.TypeFor[map[string]any](),
	})
}

// TestCBOREncodeRefused checks values MarshalSession refuses: fxamacker
// refuses them too, or writes what its own strict decoder rejects.
func TestCBOREncodeRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    cookiecodec.Session
	}{
		{"fraction in year 10000", cookiecodec.Session{"t": time.Date(10000, 1, 1, 0, 0, 0, 1, time.UTC)}},
		{"fraction in year -1", cookiecodec.Session{"t": time.Date(-1, 12, 31, 23, 59, 59, 5e8, time.UTC)}},
		{"string not UTF-8", cookiecodec.Session{"s": "\xff"}},
		{"key not UTF-8", cookiecodec.Session{"\xc3": 1}},
		{"list element not UTF-8", cookiecodec.Session{"l": []string{"ok", "\xed\xa0\x80"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if p, err := cookiecodec.MarshalSession(tc.s); err == nil {
				t.Fatalf("MarshalSession(%q) = %x, want error", tc.s, p)
			}
			p, err := fxEnc.Marshal(fxInput(tc.s))
			if err != nil {
				return
			}
			var fx any
			if err := fxDec.Unmarshal(p, &fx); err == nil {
				t.Errorf("fxamacker writes %q as %x and reads it back; MarshalSession refuses it", tc.s, p)
			}
		})
	}
}
