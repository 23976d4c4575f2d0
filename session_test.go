package cookiecodec

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

//go:generate go test -run ^TestSessionVectors$ -update-session-vectors

var updateSessionVectors = flag.Bool("update-session-vectors", false, "rewrite testdata/session from the tables in session_test.go")

// sessionVector is one file of testdata/session: a payload and whether a
// decoder must accept it.
type sessionVector struct {
	Description string `json:"description"`
	// Diagnostic is the payload in CBOR diagnostic notation (RFC 8949
	// section 8), for valid payloads.
	Diagnostic string `json:"diagnostic,omitempty"`
	Payload    string `json:"payload_hex"`
	Valid      bool   `json:"valid"`
	// Repaired is, for invalid payloads, the payload with its one defect
	// mended, which decodes.
	Repaired string `json:"repaired_hex,omitempty"`
}

var validSessions = []struct {
	name  string
	s     Session
	hex   string
	diag  string
	extra string // what the case shows, when the name does not say
}{
	{"empty", Session{}, "a0", `{}`, ""},
	{"seed", Session{"client_name": "Harry", "pwd": "12345678"},
		"a263707764683132333435363738" + "6b636c69656e745f6e616d65654861727279",
		`{"pwd": "12345678", "client_name": "Harry"}`, "shorter keys sort first"},
	{"key_order", Session{"b": 1, "a": 2, "aa": 3, "B": 4},
		"a4614204616102616201626161" + "03", `{"B": 4, "a": 2, "b": 1, "aa": 3}`, "bytewise order of the encoded keys"},
	{"uint_boundaries", Session{"a": 23, "b": 24, "c": 255, "d": 256, "e": 65535, "f": 65536, "g": int64(math.MaxUint32) + 1},
		"a7616117616218186163" + "18ff" + "6164190100" + "616519ffff" + "61661a00010000" + "61671b0000000100000000",
		`{"a": 23, "b": 24, "c": 255, "d": 256, "e": 65535, "f": 65536, "g": 4294967296}`, ""},
	{"int_extremes", Session{"max": int64(math.MaxInt64), "min": int64(math.MinInt64), "neg": -1, "umax": uint64(math.MaxUint64)},
		"a4636d61781b7fffffffffffffff636d696e3b7fffffffffffffff636e65672064756d61781bffffffffffffffff",
		`{"max": 9223372036854775807, "min": -9223372036854775808, "neg": -1, "umax": 18446744073709551615}`, ""},
	{"negative_boundaries", Session{"a": -24, "b": -25, "c": -256, "d": -257},
		"a4616137616238186163" + "38ff" + "6164390100", `{"a": -24, "b": -25, "c": -256, "d": -257}`, ""},
	{"floats_half", Session{"a": 0.0, "b": math.Copysign(0, -1), "c": 1.5, "d": 65504.0, "e": 5.960464477539063e-08},
		"a56161f900006162f980006163f93e006164f97bff6165f90001",
		`{"a": 0.0, "b": -0.0, "c": 1.5, "d": 65504.0, "e": 5.960464477539063e-8}`, "shortest float form"},
	{"floats_single_double", Session{"a": float32(0.1), "b": 0.1, "c": 1e300},
		"a36161fa3dcccccd6162fb3fb999999999999a6163fb7e37e43c8800759c",
		`{"a": 0.10000000149011612, "b": 0.1, "c": 1.0e+300}`, ""},
	{"float_specials", Session{"inf": math.Inf(1), "nan": math.NaN(), "ninf": math.Inf(-1)},
		"a363696e66f97c00636e616ef97e00646e696e66f9fc00",
		`{"inf": Infinity, "nan": NaN, "ninf": -Infinity}`, "every NaN is f97e00"},
	{"simple", Session{"f": false, "n": nil, "t": true}, "a36166f4616ef66174f5", `{"f": false, "n": null, "t": true}`, ""},
	{"strings", Session{"": "", "u": "ünï©ødé ✓", "long": "abcdefghijklmnopqrstuvwxyz"},
		"a360606175" + "70c3bc6ec3afc2a9c3b864c3a920e29c93" + "646c6f6e67781a6162636465666768696a6b6c6d6e6f707172737475767778797a",
		`{"": "", "u": "ünï©ødé ✓", "long": "abcdefghijklmnopqrstuvwxyz"}`, ""},
	{"bytes", Session{"e": []byte{}, "b": []byte{0, 1, 0xff}}, "a2616243" + "0001ff616540", `{"b": h'0001ff', "e": h''}`, ""},
	{"time_whole_second", Session{"t": time.Date(2026, 11, 28, 1, 2, 3, 0, time.UTC)},
		"a16174c11a6b0a280b", `{"t": 1(1795827723)}`, "tag 1 over Unix seconds"},
	{"time_before_1970", Session{"t": time.Date(1969, 12, 31, 23, 59, 0, 0, time.UTC)},
		"a16174c1383b", `{"t": 1(-60)}`, ""},
	{"time_whole_second_year_10000", Session{"t": time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
		"a16174c11b0000003afff44180", `{"t": 1(253402300800)}`, "a whole second outside years 0 to 9999 is tag 1 too"},
	{"time_fraction", Session{"t": time.Date(2026, 11, 28, 1, 2, 3, 120000000, time.UTC)},
		"a16174c0" + "77323032362d31312d32385430313a30323a30332e31325a", `{"t": 0("2026-11-28T01:02:03.12Z")}`, "tag 0 over RFC 3339 text"},
	{"time_year_0_leap_day", Session{"a": time.Date(0, 2, 29, 0, 0, 0, 1, time.UTC)},
		tag0("0000-02-29T00:00:00.000000001Z"), `{"a": 0("0000-02-29T00:00:00.000000001Z")}`, "year 0 is a leap year; nine digits of fraction"},
	{"time_year_9999", Session{"a": time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)},
		tag0("9999-12-31T23:59:59.999999999Z"), `{"a": 0("9999-12-31T23:59:59.999999999Z")}`, "the last time tag 0 holds"},
	{"nested", Session{"cart": []any{int64(1), "two", []any{}, map[string]any{"k": []string{"x"}}}, "m": map[string]any{}},
		"a2616da064636172748401" + "6374776f80a1616b816178", `{"m": {}, "cart": [1, "two", [], {"k": ["x"]}]}`, ""},
}

var invalidSessions = []struct {
	name     string
	hex      string
	why      string // what the error says
	repaired string // the payload with its one defect mended, which decodes
}{
	{"empty_input", "", "truncated", "a0"},
	{"top_level_array", "80", "top level is not a map", "a0"},
	{"trailing_byte", "a000", "trailing data", "a0"},
	{"int_not_shortest_1", "a161611817", "argument 23 not in shortest form", "a1616117"},
	{"int_not_shortest_2", "a16161190018", "argument 24 not in shortest form", "a161611818"},
	{"int_not_shortest_4", "a161611a0000ffff", "argument 65535 not in shortest form", "a1616119ffff"},
	{"int_not_shortest_8", "a161611b00000000ffffffff", "argument 4294967295 not in shortest form", "a161611affffffff"},
	{"length_not_shortest", "a1616178016a", "argument 1 not in shortest form", "a16161616a"},
	{"map_length_not_shortest", "b801616101", "argument 1 not in shortest form", "a1616101"},
	{"reserved_info", "a161611c", "reserved additional information", "a1616100"},
	{"indefinite_map", "bf6161f6ff", "indefinite length", "a16161f6"},
	{"indefinite_text", "a161617f6161ff", "indefinite length", "a161616161"},
	{"unsorted_keys", "a2616201616102", "out of order", "a2616102616201"},
	{"longer_key_first", "a262616101616202", "out of order", "a261620262616101"},
	{"duplicate_keys", "a2616101616102", "out of order or repeated", "a2616101616202"},
	{"int_key", "a10101", "not a text string", "a1616101"},
	{"bytes_key", "a1416101", "not a text string", "a1616101"},
	{"invalid_utf8_value", "a1616162fffe", "not valid UTF-8", "a16161626869"},
	{"invalid_utf8_key", "a161ff01", "not valid UTF-8", "a1616101"},
	{"truncated_map", "a1", "truncated", "a16161f6"},
	{"truncated_text", "a1616165616263", "truncated", "a1616163616263"},
	{"huge_text_length", "a161615affffffff", "truncated", "a1616160"},
	{"huge_array_length", "a161619bffffffffffffffff", "truncated", "a1616180"},
	{"huge_map_length", "bb7fffffffffffffff", "truncated", "a0"},
	{"key_longer_than_rest", "a2793030" + "30", "truncated", "a2613030613130"}, // the head takes bytes owed to the second entry
	{"negint_below_int64", "a161613b8000000000000000", "below the int64 range", "a161613b7fffffffffffffff"},
	{"undefined", "a16161f7", "simple value", "a16161f6"},
	{"simple_0", "a16161e0", "simple value", "a16161f4"},
	{"simple_extended", "a16161f820", "simple value", "a16161f5"},
	{"float64_not_shortest", "a16161fb3ff8000000000000", "not in shortest form", "a16161f93e00"},
	{"float32_not_shortest", "a16161fa3fc00000", "not in shortest form", "a16161f93e00"},
	{"float64_of_float32", "a16161fb3fb99999a0000000", "not in shortest form", "a16161fa3dcccccd"},
	{"nan_payload", "a16161f97e01", "not in shortest form", "a16161f97e00"},
	{"nan_double", "a16161fb7ff8000000000000", "not in shortest form", "a16161f97e00"},
	{"truncated_float", "a16161fb3ff8", "truncated", "a16161fb3ff8000000000001"},
	{"tag_bignum", "a16161c24101", "tag 2", "a161614101"},
	{"tag_uri", "a16161d82060", "tag 32", "a1616160"},
	{"tag1_float", "a16161c1fb41d954a3c6000000", "tag 1", "a16161c11a65528f18"},
	{"tag1_text", "a16161c16130", "tag 1", "a16161c100"},
	{"tag0_whole_second", tag0("1970-01-01T00:00:00Z"), "tag 0", "a16161c100"},
	{"tag0_offset", tag0("1970-01-01T00:00:00.5+00:00"), "tag 0", tag0("1970-01-01T00:00:00.5Z")},
	{"tag0_trailing_zero", tag0("1970-01-01T00:00:00.50Z"), "tag 0", tag0("1970-01-01T00:00:00.5Z")},
	{"tag0_lowercase_t", tag0("1970-01-01t00:00:00.5Z"), "tag 0", tag0("1970-01-01T00:00:00.5Z")},
	{"tag0_lowercase_z", tag0("1970-01-01T00:00:00.5z"), "tag 0", tag0("1970-01-01T00:00:00.5Z")},
	{"tag0_space", tag0("1970-01-01 00:00:00.5Z"), "tag 0", tag0("1970-01-01T00:00:00.5Z")},
	{"tag0_comma", tag0("1970-01-01T00:00:00,5Z"), "tag 0", tag0("1970-01-01T00:00:00.5Z")},
	{"tag0_empty_fraction", tag0("1970-01-01T00:00:00.Z"), "tag 0", tag0("1970-01-01T00:00:00.1Z")},
	{"tag0_ten_digits", tag0("1970-01-01T00:00:00.1000000001Z"), "tag 0", tag0("1970-01-01T00:00:00.100000001Z")},
	{"tag0_short_year", tag0("970-01-01T00:00:00.5Z"), "tag 0", tag0("0970-01-01T00:00:00.5Z")},
	{"tag0_year_10000", tag0("10000-01-01T00:00:00.5Z"), "tag 0", tag0("9999-01-01T00:00:00.5Z")},
	{"tag0_month_13", tag0("1970-13-01T00:00:00.5Z"), "tag 0", tag0("1970-12-01T00:00:00.5Z")},
	{"tag0_day_0", tag0("1970-01-00T00:00:00.5Z"), "tag 0", tag0("1970-01-01T00:00:00.5Z")},
	{"tag0_april_31", tag0("2026-04-31T00:00:00.5Z"), "tag 0", tag0("2026-04-30T00:00:00.5Z")},
	{"tag0_february_29_1900", tag0("1900-02-29T00:00:00.5Z"), "tag 0", tag0("1900-02-28T00:00:00.5Z")},
	{"tag0_hour_24", tag0("1970-01-01T24:00:00.5Z"), "tag 0", tag0("1970-01-01T23:00:00.5Z")},
	{"tag0_minute_60", tag0("1970-01-01T00:60:00.5Z"), "tag 0", tag0("1970-01-01T00:59:00.5Z")},
	{"tag0_leap_second", tag0("2016-12-31T23:59:60.5Z"), "tag 0", tag0("2016-12-31T23:59:59.5Z")},
	{"tag0_not_time", tag0("nonon"), "tag 0", tag0("1970-01-01T00:00:00.5Z")},
	{"nested_tag", "a16161c1c100", "tag 1", "a16161c100"},
	{"too_deep", deepArrays(MaxSessionDepth), "nested deeper than 32", deepArrays(MaxSessionDepth - 1)},
}

// Two sets name the invalid payloads whose defect is in the CBOR itself:
// notWellFormed those that are not well-formed (RFC 8949, appendix C),
// and longHead those that write an argument in more bytes than needed.
// Every other invalid payload is well-formed with shortest arguments and
// breaks another rule of the session subset, which TestSessionVectors
// checks: a stray truncation or long argument would hide the rule a
// vector is named after.
var (
	notWellFormed = map[string]bool{
		"empty_input": true, "trailing_byte": true, "reserved_info": true,
		"truncated_map": true, "truncated_text": true, "truncated_float": true,
		"huge_text_length": true, "huge_array_length": true, "huge_map_length": true,
		"key_longer_than_rest": true,
	}
	longHead = map[string]bool{
		"int_not_shortest_1": true, "int_not_shortest_2": true, "int_not_shortest_4": true,
		"int_not_shortest_8": true, "length_not_shortest": true, "map_length_not_shortest": true,
	}
)

// cborShape reports whether p is exactly one well-formed CBOR data item,
// following the pseudocode of RFC 8949, appendix C, and whether an
// argument (of major types 0 to 6) in it is longer than it needs to be.
func cborShape(p []byte) (wellFormed, long bool) {
	c := cborCheck{p: p}
	off, ok := c.item(0, 0, false)
	return ok && off == len(p), c.long
}

type cborCheck struct {
	p    []byte
	long bool // an argument not in its shortest form was read
}

// item checks the item at p[off:] and returns the offset after it. With
// breakOK, a break (0xff) is an item of its own, reported as offset -1.
func (c *cborCheck) item(off, depth int, breakOK bool) (int, bool) {
	p := c.p
	if off >= len(p) || depth > 1000 {
		return 0, false
	}
	mt, ai := p[off]>>5, p[off]&0x1f
	off++
	var arg uint64
	switch {
	case ai < 24:
		arg = uint64(ai)
	case ai <= 27:
		n := 1 << (ai - 24)
		if len(p)-off < n {
			return 0, false
		}
		for _, b := range p[off : off+n] {
			arg = arg<<8 | uint64(b)
		}
		off += n
		if mt == 7 && ai == 24 && arg < 32 {
			return 0, false
		}
		if mt != 7 && (ai == 24 && arg < 24 || ai > 24 && arg < 1<<(8<<(ai-25))) {
			c.long = true
		}
	case ai == 31:
		switch mt {
		case 2, 3: // chunks of the same major type, definite
			for {
				if off < len(p) && p[off] == 0xff {
					return off + 1, true
				}
				if off >= len(p) || p[off]>>5 != mt || p[off]&0x1f == 31 {
					return 0, false
				}
				var ok bool
				if off, ok = c.item(off, depth+1, false); !ok {
					return 0, false
				}
			}
		case 4, 5:
			for n := 0; ; n++ {
				next, ok := c.item(off, depth+1, true)
				if !ok {
					return 0, false
				}
				if next < 0 {
					return off + 1, mt == 4 || n%2 == 0
				}
				off = next
			}
		case 7:
			return -1, breakOK
		}
		return 0, false
	default: // 28 to 30
		return 0, false
	}
	switch mt {
	case 2, 3:
		if arg > uint64(len(p)-off) {
			return 0, false
		}
		return off + int(arg), true
	case 4, 5:
		if mt == 5 {
			if arg > math.MaxUint64/2 {
				return 0, false
			}
			arg *= 2
		}
		for ; arg > 0; arg-- {
			var ok bool
			if off, ok = c.item(off, depth+1, false); !ok {
				return 0, false
			}
		}
		return off, true
	case 6:
		return c.item(off, depth+1, false)
	}
	return off, true
}

// tag0 returns a session whose key "a" holds tag 0 over text, of at most
// 255 bytes.
func tag0(text string) string {
	head := []byte{0xc0, 0x60 | byte(len(text))}
	if len(text) >= 24 {
		head = []byte{0xc0, 0x78, byte(len(text))}
	}
	return "a16161" + hex.EncodeToString(append(head, text...))
}

// deepArrays returns a session whose key "a" holds arrays nested so that
// the innermost sits at depth d+1.
func deepArrays(d int) string {
	return "a16161" + strings.Repeat("81", d) + "00"
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

func TestMarshalSession(t *testing.T) {
	for _, tc := range validSessions {
		t.Run(tc.name, func(t *testing.T) {
			got, err := MarshalSession(tc.s)
			if err != nil {
				t.Fatalf("MarshalSession() err = %v", err)
			}
			if want := mustHex(t, tc.hex); string(got) != string(want) {
				t.Errorf("MarshalSession() = %x, want %x", got, want)
			}
		})
	}
}

func TestUnmarshalSession(t *testing.T) {
	for _, tc := range validSessions {
		t.Run(tc.name, func(t *testing.T) {
			got, err := UnmarshalSession(mustHex(t, tc.hex))
			if err != nil {
				t.Fatalf("UnmarshalSession(%s) err = %v", tc.hex, err)
			}
			if diff := cmp.Diff(normalize(tc.s), got, cmpopts.EquateNaNs()); diff != "" {
				t.Errorf("UnmarshalSession(%s) mismatch (-want +got):\n%s", tc.hex, diff)
			}
		})
	}
}

func TestUnmarshalSessionRejects(t *testing.T) {
	for _, tc := range invalidSessions {
		t.Run(tc.name, func(t *testing.T) {
			got, err := UnmarshalSession(mustHex(t, tc.hex))
			if err == nil || !strings.Contains(err.Error(), tc.why) {
				t.Fatalf("UnmarshalSession(%s) = %v, %v; want error containing %q", tc.hex, got, err, tc.why)
			}
			if got != nil {
				t.Errorf("UnmarshalSession(%s) returned a session with its error", tc.hex)
			}
		})
	}
}

func TestSessionDepthLimit(t *testing.T) {
	ok := mustHex(t, deepArrays(MaxSessionDepth-1))
	if _, err := UnmarshalSession(ok); err != nil {
		t.Errorf("UnmarshalSession(depth %d) err = %v", MaxSessionDepth, err)
	}
	var v any = int64(0)
	for range MaxSessionDepth - 1 {
		v = []any{v}
	}
	p, err := MarshalSession(Session{"a": v})
	if err != nil {
		t.Fatalf("MarshalSession(depth %d) err = %v", MaxSessionDepth, err)
	}
	if string(p) != string(ok) {
		t.Errorf("MarshalSession(depth %d) = %x, want %x", MaxSessionDepth, p, ok)
	}
	if _, err := MarshalSession(Session{"a": []any{v}}); err == nil || !strings.Contains(err.Error(), "nested deeper") {
		t.Errorf("MarshalSession(depth %d) err = %v, want nested deeper", MaxSessionDepth+1, err)
	}
	var m any = map[string]any{}
	for range MaxSessionDepth {
		m = map[string]any{"m": m}
	}
	if _, err := MarshalSession(Session{"a": m}); err == nil || !strings.Contains(err.Error(), "nested deeper") {
		t.Errorf("MarshalSession(maps deeper than %d) err = %v, want nested deeper", MaxSessionDepth, err)
	}
}

func TestMarshalSessionErrors(t *testing.T) {
	type named int
	for _, tc := range []struct {
		name string
		s    Session
		want string
	}{
		{"chan", Session{"cart": []any{1, 2, make(chan int)}}, `session["cart"][2]: unsupported type chan int`},
		{"named_type", Session{"id": named(1)}, `session["id"]: unsupported type cookiecodec.named`},
		{"nested_map", Session{"a": map[string]any{"b": struct{}{}}}, `session["a"]["b"]: unsupported type struct {}`},
		{"pointer", Session{"p": new(int)}, `session["p"]: unsupported type *int`},
		{"bad_utf8", Session{"s": "\xff"}, `session["s"]: string is not valid UTF-8`},
		{"bad_utf8_key", Session{"\xff": 1}, `session["\xff"]: key is not valid UTF-8`},
		{"bad_utf8_key_after_8_bytes", Session{"abcdefgh\xff": 1}, `session["abcdefgh\xff"]: key is not valid UTF-8`},
		{"bad_utf8_long_key", Session{"abcdefghijklmnop\xff": 1}, `session["abcdefghijklmnop\xff"]: key is not valid UTF-8`},
		{"bad_utf8_in_strings", Session{"l": []string{"a", "\xfe"}}, `session["l"][1]: string is not valid UTF-8`},
		{"time_out_of_range", Session{"t": time.Date(10000, 1, 1, 0, 0, 0, 1, time.UTC)}, `session["t"]: time 10000-01-01 with a fraction of a second is outside years 0 to 9999`},
		{"time_before_year_0", Session{"t": time.Date(-1, 12, 31, 23, 59, 59, 5e8, time.UTC)}, `session["t"]: time -1-12-31 with a fraction of a second is outside years 0 to 9999`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := MarshalSession(tc.s)
			if err == nil || err.Error() != "cookiecodec: "+tc.want {
				t.Errorf("MarshalSession() err = %v, want %q", err, "cookiecodec: "+tc.want)
			}
		})
	}
}

// TestEncoderKeepsNoReferences checks that an encoder, which the pool keeps
// between calls, holds no value of the sessions it encoded, even when
// nested large maps moved its stack of entries to a larger array.
func TestEncoderKeepsNoReferences(t *testing.T) {
	large := func(prefix string, nested any) map[string]any {
		m := make(map[string]any, smallMap+1)
		for i := range smallMap + 1 {
			m[fmt.Sprintf("%s%02d", prefix, i)] = fmt.Sprintf("value %d", i)
		}
		m[prefix+"nested"] = nested
		return m
	}
	s := Session(large("outer", large("inner", nil)))
	for _, bad := range []bool{false, true} {
		name := "ok"
		if bad {
			name = "error"
			s["outernested"].(map[string]any)["zz"] = make(chan int)
		}
		t.Run(name, func(t *testing.T) {
			e := &encoder{keys: make([]mapEntry, 0, 1)}
			_, err := e.appendMap(nil, s, 1)
			if (err != nil) != bad {
				t.Fatalf("appendMap err = %v", err)
			}
			if len(e.keys) != 0 {
				t.Fatalf("len(e.keys) = %d after appendMap, want 0", len(e.keys))
			}
			for i, en := range e.keys[:cap(e.keys)] {
				if en.k != "" || en.v != nil {
					t.Fatalf("e.keys[%d] = %q after appendMap, want it cleared", i, en.k)
				}
			}
		})
	}
}

// normalize returns s as decoding returns it: the normalisations of the
// Session documentation.
func normalize(s Session) Session {
	if s == nil {
		return Session{}
	}
	return Session(normalizeValue(map[string]any(s)).(map[string]any))
}

func normalizeValue(v any) any {
	switch v := v.(type) {
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		i, u, neg, _ := integer(v)
		if neg {
			return i
		}
		if u > math.MaxInt64 {
			return u
		}
		return int64(u)
	case float32:
		return float64(v)
	case time.Time:
		return v.UTC()
	case []string:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = x
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = normalizeValue(x)
		}
		return out
	case Session:
		return normalizeValue(map[string]any(v))
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = normalizeValue(x)
		}
		return out
	}
	return v
}

// randomSession returns a session of every supported type, nested up to
// depth levels.
func randomSession(r *rand.Rand, depth int) Session {
	s := Session{}
	for range r.IntN(8) {
		s[randomString(r)] = randomValue(r, depth)
	}
	return s
}

func randomString(r *rand.Rand) string {
	const alphabet = "abcAZ_-09 é✓\U0001F600"
	runes := []rune(alphabet)
	b := make([]rune, r.IntN(12))
	for i := range b {
		b[i] = runes[r.IntN(len(runes))]
	}
	return string(b)
}

func randomValue(r *rand.Rand, depth int) any {
	n := 17
	if depth <= 1 {
		n = 13 // no containers
	}
	switch r.IntN(n) {
	case 0:
		return nil
	case 1:
		return r.IntN(2) == 0
	case 2:
		return int64(r.Uint64())
	case 3:
		return int(r.Int32N(1000)) - 500
	case 4:
		return uint64(r.Uint64())
	case 5:
		return []any{uint8(r.Uint32()), int16(r.Uint32()), uint32(r.Uint32()), int8(r.Uint32())}[r.IntN(4)]
	case 6:
		return []float64{r.Float64() * 1e6, float64(float32(r.Float64())), 1.5, -0.25, math.Inf(1), math.NaN(), math.SmallestNonzeroFloat64, math.MaxFloat64}[r.IntN(8)]
	case 7:
		return float32(r.NormFloat64())
	case 8:
		return randomString(r)
	case 9:
		b := make([]byte, r.IntN(20))
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		return b
	case 10:
		return time.Unix(r.Int64N(1<<35)-1<<34, 0).In(time.FixedZone("X", 3600))
	case 11:
		return time.Unix(r.Int64N(1<<34), r.Int64N(1e9))
	case 12:
		return []string{randomString(r), randomString(r)}[:r.IntN(3)]
	case 13, 14:
		l := make([]any, r.IntN(5))
		for i := range l {
			l[i] = randomValue(r, depth-1)
		}
		return l
	case 15:
		return map[string]any(randomSession(r, depth-1))
	default:
		return randomSession(r, depth-1)
	}
}

func TestSessionRoundTripProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	ring, err := NewKeyring(GenerateKey())
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(ring, Options{Encrypt: true, MaxLength: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2000 {
		s := randomSession(r, 4)
		p, err := MarshalSession(s)
		if err != nil {
			t.Fatalf("case %d: MarshalSession() err = %v", i, err)
		}
		got, err := UnmarshalSession(p)
		if err != nil {
			t.Fatalf("case %d: UnmarshalSession(%x) err = %v", i, p, err)
		}
		if diff := cmp.Diff(normalize(s), got, cmpopts.EquateNaNs()); diff != "" {
			t.Fatalf("case %d: round trip mismatch (-want +got):\n%s", i, diff)
		}
		again, err := MarshalSession(got)
		if err != nil || string(again) != string(p) {
			t.Fatalf("case %d: re-encoding = %x, %v; want %x", i, again, err, p)
		}
		v, err := c.Encode("session", s)
		if err != nil {
			t.Fatalf("case %d: Encode() err = %v", i, err)
		}
		dec, _, err := c.Decode("session", v)
		if err != nil {
			t.Fatalf("case %d: Decode() err = %v", i, err)
		}
		if diff := cmp.Diff(got, dec, cmpopts.EquateNaNs()); diff != "" {
			t.Fatalf("case %d: Decode mismatch (-want +got):\n%s", i, diff)
		}
	}
}

func TestDecodeRejectsBadPayload(t *testing.T) {
	ring, err := NewKeyring(GenerateKey())
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(ring, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// An authentic token whose payload is not a canonical session: keys
	// "zzzzzzz" then "passwd", out of order. The error must not quote them.
	v, err := c.Seal("session", mustHex(t, "a2677a7a7a7a7a7a7a016670617373776402"))
	if err != nil {
		t.Fatal(err)
	}
	s, _, err := c.Decode("session", v)
	if !errors.Is(err, ErrInvalid) || s != nil {
		t.Errorf("Decode(unsorted payload) = %v, %v; want nil, ErrInvalid", s, err)
	}
	if err != nil && strings.Contains(err.Error(), "passwd") {
		t.Errorf("Decode(unsorted payload) err = %v, which quotes the payload", err)
	}
	if _, err := c.Encode("session", Session{"c": make(chan int)}); err == nil || errors.Is(err, ErrInvalid) {
		t.Errorf("Encode(chan) err = %v, want an unsupported type error", err)
	}
	big := Session{"x": strings.Repeat("a", DefaultMaxLength)}
	if _, err := c.Encode("session", big); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Encode(4 KiB string) err = %v, want ErrTooLarge", err)
	}
}

func TestGet(t *testing.T) {
	s, err := UnmarshalSession(mustHex(t, "a76161016162206163637369786164f5616541ff6166816178616718ff"))
	if err != nil {
		t.Fatal(err)
	}
	s["big"] = uint64(math.MaxUint64)
	s["m"] = map[string]any{"k": int64(1)}
	check := func(name string, got, want any, ok, wantOK bool) {
		t.Helper()
		if ok != wantOK || (ok && !cmp.Equal(got, want)) {
			t.Errorf("%s = %v, %v; want %v, %v", name, got, ok, want, wantOK)
		}
	}
	i, ok := Get[int](s, "a")
	check("Get[int](a)", i, 1, ok, true)
	i8, ok := Get[int8](s, "b")
	check("Get[int8](b)", i8, int8(-1), ok, true)
	u8, ok := Get[uint8](s, "g")
	check("Get[uint8](g)", u8, uint8(255), ok, true)
	_, ok = Get[int8](s, "g")
	check("Get[int8](g) out of range", nil, nil, ok, false)
	_, ok = Get[uint](s, "b")
	check("Get[uint](negative)", nil, nil, ok, false)
	u64, ok := Get[uint64](s, "big")
	check("Get[uint64](big)", u64, uint64(math.MaxUint64), ok, true)
	_, ok = Get[int64](s, "big")
	check("Get[int64](big)", nil, nil, ok, false)
	str, ok := Get[string](s, "c")
	check("Get[string](c)", str, "six", ok, true)
	_, ok = Get[int](s, "c")
	check("Get[int](string)", nil, nil, ok, false)
	bo, ok := Get[bool](s, "d")
	check("Get[bool](d)", bo, true, ok, true)
	by, ok := Get[[]byte](s, "e")
	check("Get[[]byte](e)", by, []byte{0xff}, ok, true)
	ss, ok := Get[[]string](s, "f")
	check("Get[[]string](f)", ss, []string{"x"}, ok, true)
	sub, ok := Get[Session](s, "m")
	check("Get[Session](m)", sub, Session{"k": int64(1)}, ok, true)
	_, ok = Get[string](s, "missing")
	check("Get[string](missing)", nil, nil, ok, false)
	f32, ok := Get[float32](Session{"f": 1.5}, "f")
	check("Get[float32](1.5)", f32, float32(1.5), ok, true)
	_, ok = Get[float32](Session{"f": 0.1}, "f")
	check("Get[float32](0.1)", nil, nil, ok, false)
}

// TestSessionVectors checks the files of testdata/session against the
// tables above, or rewrites them with -update-session-vectors.
func TestSessionVectors(t *testing.T) {
	dir := filepath.Join("testdata", "session")
	want := map[string]sessionVector{}
	for _, tc := range validSessions {
		desc := strings.ReplaceAll(tc.name, "_", " ")
		if tc.extra != "" {
			desc += ": " + tc.extra
		}
		want["valid_"+tc.name+".json"] = sessionVector{Description: desc, Diagnostic: tc.diag, Payload: tc.hex, Valid: true}
	}
	for _, tc := range invalidSessions {
		desc := strings.ReplaceAll(tc.name, "_", " ") + ": " + tc.why
		want["invalid_"+tc.name+".json"] = sessionVector{Description: desc, Payload: tc.hex, Repaired: tc.repaired}
	}
	if *updateSessionVectors {
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, v := range want {
			b, err := json.MarshalIndent(v, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, name), append(b, '\n'), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	got := loadSessionVectors(t)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("testdata/session differs from the tables (run go generate) (-want +got):\n%s", diff)
	}
	for name, v := range got {
		_, err := UnmarshalSession(mustHex(t, v.Payload))
		if (err == nil) != v.Valid {
			t.Errorf("%s: UnmarshalSession err = %v, want valid = %v", name, err, v.Valid)
		}
		if v.Valid == (v.Repaired != "") {
			t.Errorf("%s: valid = %v, repaired_hex = %q: every invalid payload, and only those, has a repair", name, v.Valid, v.Repaired)
			continue
		}
		// The repair, and well-formedness where the defect is not about
		// it, show that the payload fails by its own defect only.
		if v.Repaired != "" {
			base := strings.TrimSuffix(strings.TrimPrefix(name, "invalid_"), ".json")
			wf, long := cborShape(mustHex(t, v.Payload))
			if wf != !notWellFormed[base] || wf && long != longHead[base] {
				t.Errorf("%s: well-formed CBOR = %v, with a long argument = %v; want %v, %v", name, wf, long, !notWellFormed[base], longHead[base])
			}
			p := mustHex(t, v.Repaired)
			s, err := UnmarshalSession(p)
			if err != nil {
				t.Errorf("%s: repaired_hex %s: UnmarshalSession err = %v", name, v.Repaired, err)
				continue
			}
			if again, err := MarshalSession(s); err != nil || string(again) != string(p) {
				t.Errorf("%s: repaired_hex %s re-encodes to %x, %v", name, v.Repaired, again, err)
			}
		}
	}
}

func loadSessionVectors(t testing.TB) map[string]sessionVector {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "session", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	vs := map[string]sessionVector{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var v sessionVector
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		vs[filepath.Base(f)] = v
	}
	return vs
}

// TestMapKeyOrder checks the encoder's order of small and large maps whose
// keys tie on length or on their first bytes, by the decoder, which
// rejects keys out of canonical order.
func TestMapKeyOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	lengths := []int{0, 1, 2, 7, 8, 9, 254, 255, 256, 300}
	for i := range 500 {
		s := Session{}
		for range 1 + r.IntN(20) {
			b := make([]byte, lengths[r.IntN(len(lengths))])
			for j := range b {
				b[j] = "ab\xc3\xa9"[r.IntN(2)] // few letters: many shared prefixes
			}
			s[string(b)] = i
		}
		p, err := MarshalSession(s)
		if err != nil {
			t.Fatalf("MarshalSession: %v", err)
		}
		if _, err := UnmarshalSession(p); err != nil {
			t.Fatalf("UnmarshalSession(MarshalSession(%d keys)) err = %v, want nil", len(s), err)
		}
	}
}

func TestValidText(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for range 2000 {
		b := make([]byte, r.IntN(40))
		for j := range b {
			b[j] = "aZ\x7f\x80\xc3\xa9\xe2\x82\xac\xff"[r.IntN(10)]
			if r.IntN(4) > 0 {
				b[j] = 'a' // mostly ASCII, so that the fast path runs
			}
		}
		if got, want := validText(string(b)), utf8.ValidString(string(b)); got != want {
			t.Fatalf("validText(%q) = %v, want %v", b, got, want)
		}
	}
}

// TestDecodeTextValidity checks the decoder's word-at-a-time check of short
// strings: a byte that is not ASCII at any place of a key or a value of 1
// to 20 bytes, with the payload ending right after the string or going on,
// is accepted exactly when the string is valid UTF-8.
func TestDecodeTextValidity(t *testing.T) {
	for n := 1; n <= 20; n++ {
		for i := range n {
			for _, c := range []string{"\xff", "\x80", "é"} {
				s := []byte(strings.Repeat("a", n))
				s = slices.Replace(s, i, min(i+len(c), n), []byte(c)...)[:n]
				valid := utf8.Valid(s)
				for _, sess := range []Session{
					{string(s): 1},
					{"k": string(s)},
					{"k": string(s), "kkkkkkkkkkkkkkkkkkkk": 1},
				} {
					p := mustMarshalUnchecked(sess)
					_, err := UnmarshalSession(p)
					if (err == nil) != valid {
						t.Errorf("UnmarshalSession(%x) err = %v, want valid %v", p, err, valid)
					}
					_, err = ViewSession(p)
					if (err == nil) != valid {
						t.Errorf("ViewSession(%x) err = %v, want valid %v", p, err, valid)
					}
				}
			}
		}
	}
}

// mustMarshalUnchecked encodes a session of string keys and values of
// strings or small integers as MarshalSession would, without checking that
// the strings are UTF-8.
func mustMarshalUnchecked(s Session) []byte {
	keys := slices.SortedFunc(maps.Keys(s), lessKey)
	p := appendHead(nil, majorMap, uint64(len(keys)))
	for _, k := range keys {
		p = appendText(p, k)
		switch v := s[k].(type) {
		case string:
			p = appendText(p, v)
		case int:
			p = appendInt(p, int64(v))
		}
	}
	return p
}

func TestIsASCII(t *testing.T) {
	for n := range 40 {
		b := []byte(strings.Repeat("a", n))
		if !isASCII(string(b)) {
			t.Fatalf("isASCII(%q) = false, want true", b)
		}
		for i := range n {
			b[i] = 0x80
			if isASCII(string(b)) {
				t.Fatalf("isASCII(%q) = true, want false", b)
			}
			b[i] = 'a'
		}
	}
}

// TestSortKey checks that sortKey never orders two keys against lessKey,
// for keys of every length around its loads' boundaries.
func TestSortKey(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	key := func() string {
		b := make([]byte, r.IntN(12))
		if r.IntN(8) == 0 {
			b = make([]byte, 250+r.IntN(10))
		}
		for j := range b {
			b[j] = "a\x00\x7f\x80\xff"[r.IntN(5)]
		}
		return string(b)
	}
	for range 20000 {
		a, b := key(), key()
		if r.IntN(2) == 0 && len(a) > 0 {
			// b is a with one byte changed: keys alike but for one byte.
			c := []byte(a)
			c[r.IntN(len(c))] = "a\x00\x7f\x80\xff"[r.IntN(5)]
			b = string(c)
		}
		ka, kb := sortKey(a), sortKey(b)
		if less := lessKey(a, b); ka < kb && less >= 0 || ka > kb && less <= 0 {
			t.Fatalf("sortKey(%q) = %#x, sortKey(%q) = %#x; lessKey = %d", a, ka, b, kb, less)
		}
		// Equal integers only for keys alike in length and first 7 bytes.
		if ka == kb && len(a) < 255 && (len(a) != len(b) || a[:min(7, len(a))] != b[:min(7, len(b))]) {
			t.Fatalf("sortKey(%q) = sortKey(%q) = %#x", a, b, ka)
		}
	}
}
