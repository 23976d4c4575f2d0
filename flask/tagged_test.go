package flask

import (
	"encoding/json"
	"math"
	"math/big"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec"
)

var testUUID = UUID{0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0}

func TestMarshalTagged(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    cookiecodec.Session
		want string
	}{
		{"empty", cookiecodec.Session{}, `{}`},
		{"nil session", nil, `{}`},
		{"sorted keys", cookiecodec.Session{"b": 1, "a": 2, "é": 3, "Z": 4, "": 5}, `{"":5,"Z":4,"a":2,"b":1,"\u00e9":3}`},
		{"code point order", cookiecodec.Session{"\uffff": 1, "😀": 2}, `{"\uffff":1,"\ud83d\ude00":2}`},
		{"scalars", cookiecodec.Session{"n": nil, "t": true, "f": false, "s": "x"}, `{"f":false,"n":null,"s":"x","t":true}`},
		{"integers", cookiecodec.Session{"a": int8(-8), "b": int16(16), "c": int32(-32), "d": int64(math.MinInt64), "e": uint(1),
			"f": uint8(8), "g": uint16(16), "h": uint32(32), "i": uint64(math.MaxUint64), "j": 7},
			`{"a":-8,"b":16,"c":-32,"d":-9223372036854775808,"e":1,"f":8,"g":16,"h":32,"i":18446744073709551615,"j":7}`},
		{"big integers", cookiecodec.Session{"n": json.Number("-123456789012345678901234567890"), "b": new(big.Int).Lsh(big.NewInt(1), 70)},
			`{"b":1180591620717411303424,"n":-123456789012345678901234567890}`},
		{"floats", cookiecodec.Session{"a": 0.1, "b": float32(0.1), "c": 1e16, "d": math.NaN()},
			`{"a":0.1,"b":0.10000000149011612,"c":1e+16,"d":NaN}`},
		{"tuple", cookiecodec.Session{"t": Tuple{1, "a", Tuple{}, []any{2}}}, `{"t":{" t":[1,"a",{" t":[]},[2]]}}`},
		{"bytes", cookiecodec.Session{"b": []byte("\x00\xffhi"), "e": []byte{}}, `{"b":{" b":"AP9oaQ=="},"e":{" b":""}}`},
		{"markup", cookiecodec.Session{"m": Markup("<b>é</b>")}, `{"m":{" m":"<b>\u00e9</b>"}}`},
		{"uuid", cookiecodec.Session{"u": testUUID}, `{"u":{" u":"123456789abcdef0123456789abcdef0"}}`},
		{"time", cookiecodec.Session{"d": time.Date(2025, 3, 4, 5, 6, 7, 999999999, time.FixedZone("X", 3600))},
			`{"d":{" d":"Tue, 04 Mar 2025 04:06:07 GMT"}}`},
		{"time year 100", cookiecodec.Session{"d": time.Date(100, 1, 1, 0, 0, 0, 0, time.UTC)}, `{"d":{" d":"Fri, 01 Jan 0100 00:00:00 GMT"}}`},
		{"containers", cookiecodec.Session{"l": []any{1, []string{"a"}}, "m": map[string]any{"x": cookiecodec.Session{"y": nil}}},
			`{"l":[1,["a"]],"m":{"x":{"y":null}}}`},
		{"di top", cookiecodec.Session{" t": 1}, `{" di":{" t__":1}}`},
		{"di each tag", cookiecodec.Session{"a": map[string]any{" b": 1}, "b": map[string]any{" m": 1}, "c": map[string]any{" u": 1},
			"d": map[string]any{" d": 1}, "e": map[string]any{" di": 1}, "f": map[string]any{" t": Tuple{1}}},
			`{"a":{" di":{" b__":1}},"b":{" di":{" m__":1}},"c":{" di":{" u__":1}},"d":{" di":{" d__":1}},"e":{" di":{" di__":1}},"f":{" di":{" t__":{" t":[1]}}}}`},
		{"di nested", cookiecodec.Session{"x": map[string]any{" di": map[string]any{" di": 1}}}, `{"x":{" di":{" di__":{" di":{" di__":1}}}}}`},
		{"not di", cookiecodec.Session{"a": map[string]any{" t": 1, " b": 2}, "b": map[string]any{" x": 1}, "c": map[string]any{" t__": 1}},
			`{"a":{" b":2," t":1},"b":{" x":1},"c":{" t__":1}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := MarshalTagged(tc.s)
			if err != nil || string(got) != tc.want {
				t.Fatalf("MarshalTagged(%v) = %s, %v, want %s", tc.s, got, err, tc.want)
			}
		})
	}
}

func nested(n int) any {
	var v any = 1
	for range n {
		v = []any{v}
	}
	return v
}

func TestMarshalTaggedErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    cookiecodec.Session
		want string
	}{
		{"unsupported", cookiecodec.Session{"a": map[string]any{"b": []any{1, struct{}{}}}}, `flask: session["a"]["b"][1]: unsupported type struct {}`},
		{"pointer", cookiecodec.Session{"p": new(int)}, `session["p"]: unsupported type *int`},
		{"invalid utf-8 string", cookiecodec.Session{"s": "\xff"}, `session["s"]: string is not valid UTF-8`},
		{"invalid utf-8 in []string", cookiecodec.Session{"s": []string{"ok", "\xff"}}, `session["s"][1]: string is not valid UTF-8`},
		{"invalid utf-8 key", cookiecodec.Session{"\xff": 1}, `session["\xff"]: key is not valid UTF-8`},
		{"invalid utf-8 markup", cookiecodec.Session{"m": Markup("\xff")}, `Markup is not valid UTF-8`},
		{"json.Number float", cookiecodec.Session{"n": json.Number("1.5")}, "json.Number is not an integer"},
		{"json.Number leading zero", cookiecodec.Session{"n": json.Number("01")}, "json.Number is not an integer"},
		{"json.Number minus zero", cookiecodec.Session{"n": json.Number("-0")}, "json.Number is not an integer"},
		{"json.Number empty", cookiecodec.Session{"n": json.Number("")}, "json.Number is not an integer"},
		{"nil big.Int", cookiecodec.Session{"n": (*big.Int)(nil)}, "nil *big.Int"},
		{"json.Number too long", cookiecodec.Session{"n": json.Number(nines(MaxIntDigits + 1))}, `session["n"]: integer of 4301 digits, more than the 4300 that Python reads`},
		{"negative json.Number too long", cookiecodec.Session{"n": json.Number("-" + nines(MaxIntDigits+1))}, "integer of 4301 digits"},
		{"big.Int too long", cookiecodec.Session{"n": bigPow10(MaxIntDigits)}, `session["n"]: integer of 4301 digits`},
		{"negative big.Int too long", cookiecodec.Session{"n": new(big.Int).Neg(bigPow10(MaxIntDigits))}, "integer of 4301 digits"},
		{"huge big.Int", cookiecodec.Session{"n": new(big.Int).Lsh(big.NewInt(1), 1<<24)}, "integer of more than 4300 digits"},
		{"year 99", cookiecodec.Session{"d": time.Date(99, 12, 31, 23, 59, 59, 0, time.UTC)}, "time in year 99"},
		{"zero time", cookiecodec.Session{"d": time.Time{}}, "time in year 1"},
		{"year 10000", cookiecodec.Session{"d": time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, "time in year 10000"},
		{"too deep", cookiecodec.Session{"a": nested(cookiecodec.MaxSessionDepth)}, "nested deeper than 32"},
		{"too deep maps", cookiecodec.Session{"a": deepMaps(cookiecodec.MaxSessionDepth)}, "nested deeper than 32"},
		{"too deep []string", cookiecodec.Session{"a": wrap([]string{}, cookiecodec.MaxSessionDepth-1)}, "nested deeper than 32"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := MarshalTagged(tc.s)
			if err == nil || !strings.Contains(err.Error(), tc.want) || got != nil {
				t.Errorf("MarshalTagged() = %s, %v, want error containing %q", got, err, tc.want)
			}
		})
	}
	// The deepest session that fits.
	if _, err := MarshalTagged(cookiecodec.Session{"a": nested(cookiecodec.MaxSessionDepth - 1)}); err != nil {
		t.Errorf("MarshalTagged(depth %d) err = %v", cookiecodec.MaxSessionDepth, err)
	}
	if _, err := MarshalTagged(cookiecodec.Session{"a": deepMaps(cookiecodec.MaxSessionDepth - 1)}); err != nil {
		t.Errorf("MarshalTagged(maps, depth %d) err = %v", cookiecodec.MaxSessionDepth, err)
	}
}

// TestMarshalTaggedLongestIntegers checks that integers of MaxIntDigits
// digits, the most Python reads, are written.
func TestMarshalTaggedLongestIntegers(t *testing.T) {
	longest := new(big.Int).Sub(bigPow10(MaxIntDigits), big.NewInt(1))
	if longest.BitLen() != maxIntBits {
		t.Fatalf("10^%d-1 has %d bits, maxIntBits is %d", MaxIntDigits, longest.BitLen(), maxIntBits)
	}
	s := cookiecodec.Session{"a": longest, "b": new(big.Int).Neg(longest), "c": json.Number(nines(MaxIntDigits))}
	got, err := MarshalTagged(s)
	want := `{"a":` + nines(MaxIntDigits) + `,"b":-` + nines(MaxIntDigits) + `,"c":` + nines(MaxIntDigits) + `}`
	if err != nil || string(got) != want {
		t.Errorf("MarshalTagged(longest integers) = %.80s, %v, want %.80s", got, err, want)
	}
}

// bigPow10 returns 10^n, an integer of n+1 digits.
func bigPow10(n int) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil) }

func deepMaps(n int) any {
	var v any = 1
	for range n {
		v = map[string]any{"k": v}
	}
	return v
}

func wrap(v any, n int) any {
	for range n {
		v = []any{v}
	}
	return v
}

func TestUnmarshalTagged(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     cookiecodec.Session
	}{
		{"empty", `{}`, cookiecodec.Session{}},
		{"scalars", `{"a":1,"b":1.5,"c":"s","d":true,"e":null,"f":18446744073709551615,"g":18446744073709551616}`,
			cookiecodec.Session{"a": int64(1), "b": 1.5, "c": "s", "d": true, "e": nil, "f": uint64(math.MaxUint64), "g": json.Number("18446744073709551616")}},
		{"tuple", `{"t":{" t":[1,{" t":[]}]}}`, cookiecodec.Session{"t": Tuple{int64(1), Tuple{}}}},
		{"bytes", `{"b":{" b":"AP9oaQ=="},"e":{" b":""}}`, cookiecodec.Session{"b": []byte("\x00\xffhi"), "e": []byte{}}},
		{"markup", `{"m":{" m":"<b>\u00e9</b>"}}`, cookiecodec.Session{"m": Markup("<b>é</b>")}},
		{"uuid", `{"u":{" u":"123456789abcdef0123456789abcdef0"}}`, cookiecodec.Session{"u": testUUID}},
		{"uuid upper", `{"u":{" u":"123456789ABCDEF0123456789ABCDEF0"}}`, cookiecodec.Session{"u": testUUID}},
		{"uuid hyphens", `{"u":{" u":"12345678-9abc-def0-1234-56789abcdef0"}}`, cookiecodec.Session{"u": testUUID}},
		{"time", `{"d":{" d":"Tue, 04 Mar 2025 05:06:07 GMT"}}`, cookiecodec.Session{"d": time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)}},
		{"time year 50", `{"d":{" d":"Sun, 02 Jan 0050 03:04:05 GMT"}}`, cookiecodec.Session{"d": time.Date(2050, 1, 2, 3, 4, 5, 0, time.UTC)}},
		{"time year 69", `{"d":{" d":"Thu, 01 Jan 0069 00:00:00 GMT"}}`, cookiecodec.Session{"d": time.Date(1969, 1, 1, 0, 0, 0, 0, time.UTC)}},
		{"time year 0", `{"d":{" d":"Sat, 29 Feb 0000 00:00:00 GMT"}}`, cookiecodec.Session{"d": time.Date(2000, 2, 29, 0, 0, 0, 0, time.UTC)}},
		{"time year 100", `{"d":{" d":"Fri, 01 Jan 0100 00:00:00 GMT"}}`, cookiecodec.Session{"d": time.Date(100, 1, 1, 0, 0, 0, 0, time.UTC)}},
		{"di top", `{" di":{" t__":1}}`, cookiecodec.Session{" t": int64(1)}},
		{"di untags inside", `{"x":{" di":{" t__":{" t":[1]}}}}`, cookiecodec.Session{"x": map[string]any{" t": Tuple{int64(1)}}}},
		{"di of di", `{"x":{" di":{" di__":{" di":{" di__":1}}}}}`, cookiecodec.Session{"x": map[string]any{" di": map[string]any{" di": int64(1)}}}},
		{"di any key", `{"x":{" di":{"abc__":1}}}`, cookiecodec.Session{"x": map[string]any{"abc": int64(1)}}},
		{"two keys not tags", `{"x":{" t":1," b":2}}`, cookiecodec.Session{"x": map[string]any{" t": int64(1), " b": int64(2)}}},
		{"unknown tag", `{"x":{" x":1}}`, cookiecodec.Session{"x": map[string]any{" x": int64(1)}}},
		{"in lists", `{"l":[{" b":"eA=="},[{" m":"m"}]]}`, cookiecodec.Session{"l": []any{[]byte("x"), []any{Markup("m")}}}},
		{"whitespace", " { \"a\" : [ 1 , 2 ] } ", cookiecodec.Session{"a": []any{int64(1), int64(2)}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := UnmarshalTagged([]byte(tc.in))
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("UnmarshalTagged(%s) = %#v, %v, want %#v", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestUnmarshalTaggedErrors(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"not json", `{`, "flask: malformed tagged JSON: object key is not a string at offset 1"},
		{"array", `[]`, "top level is not an object"},
		{"string", `"s"`, "top level is not an object"},
		{"tuple at top", `{" t":[]}`, "top level is not an object"},
		{"tuple not array", `{"a":{" t":"abc"}}`, `malformed " t" tag: want an array`},
		{"bytes not string", `{"a":{" b":1}}`, `malformed " b" tag: want a string`},
		{"bytes not base64", `{"a":{" b":"!!"}}`, `malformed " b" tag: want standard base64`},
		{"bytes unpadded", `{"a":{" b":"eA"}}`, `malformed " b" tag: want standard base64`},
		{"bytes url alphabet", `{"a":{" b":"-_8="}}`, `malformed " b" tag: want standard base64`},
		{"markup not string", `{"a":{" m":1}}`, `malformed " m" tag: want a string`},
		{"uuid short", `{"a":{" u":"1234"}}`, `malformed " u" tag: want 32 hexadecimal digits`},
		{"uuid not hex", `{"a":{" u":"123456789abcdef0123456789abcdefg"}}`, `malformed " u" tag`},
		{"uuid bad hyphens", `{"a":{" u":"12345678-9abc-def0-1234_56789abcdef0"}}`, `malformed " u" tag`},
		{"date not string", `{"a":{" d":null}}`, `malformed " d" tag: want a string`},
		{"date other format", `{"a":{" d":"2025-03-04T05:06:07Z"}}`, `malformed " d" tag: want an HTTP date`},
		{"date bad day", `{"a":{" d":"Thu, 29 Feb 2001 00:00:00 GMT"}}`, `malformed " d" tag`},
		{"date other zone", `{"a":{" d":"Tue, 04 Mar 2025 05:06:07 UTC"}}`, `malformed " d" tag`},
		{"di not object", `{"a":{" di":1}}`, `malformed " di" tag: want an object with one key`},
		{"di empty", `{"a":{" di":{}}}`, `malformed " di" tag: want an object with one key`},
		{"di two keys", `{"a":{" di":{"a__":1,"b__":2}}}`, `malformed " di" tag: want an object with one key`},
		{"di no suffix", `{"a":{" di":{"abc":1}}}`, `malformed " di" tag: want a key ending in "__"`},
		{"di of tag", `{"a":{" di":{" t":[1]}}}`, `malformed " di" tag`},
		{"too deep", `{"a":` + strings.Repeat("[", 32) + strings.Repeat("]", 32) + `}`, "nested deeper than 32"},
		{"too deep tuples", `{"a":` + strings.Repeat(`{" t":[`, 32) + strings.Repeat("]}", 32) + `}`, "nested deeper than 32"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := UnmarshalTagged([]byte(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) || got != nil {
				t.Errorf("UnmarshalTagged(%s) = %v, %v, want error containing %q", tc.in, got, err, tc.want)
			}
		})
	}
	deepest := `{"a":` + strings.Repeat(`{" t":[`, 31) + strings.Repeat("]}", 31) + `}`
	if _, err := UnmarshalTagged([]byte(deepest)); err != nil {
		t.Errorf("UnmarshalTagged(depth 32) err = %v", err)
	}
}

func TestUUID(t *testing.T) {
	const s = "12345678-9abc-def0-1234-56789abcdef0"
	if got := testUUID.String(); got != s {
		t.Errorf("String() = %s, want %s", got, s)
	}
	b, err := json.Marshal(map[string]any{"u": testUUID})
	if err != nil || string(b) != `{"u":"`+s+`"}` {
		t.Errorf("json.Marshal(UUID) = %s, %v", b, err)
	}
	var u UUID
	if err := u.UnmarshalText([]byte(s)); err != nil || u != testUUID {
		t.Errorf("UnmarshalText(%s) = %v, %v", s, u, err)
	}
	for _, bad := range []string{"", "1234", s + "0", "12345678-9abc-def0-1234-56789abcdefg", "123456789abcdef0123456789abcdef"} {
		if _, err := ParseUUID(bad); err == nil {
			t.Errorf("ParseUUID(%q) err = nil", bad)
		}
	}
}
