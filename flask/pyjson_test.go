package flask

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestAppendFloat(t *testing.T) {
	// want is Python's repr(float), which json.dumps writes.
	for _, tc := range []struct {
		f    float64
		want string
	}{
		{0, "0.0"},
		{math.Copysign(0, -1), "-0.0"},
		{1, "1.0"},
		{-1, "-1.0"},
		{0.1, "0.1"},
		{0.5, "0.5"},
		{100, "100.0"},
		{1e15, "1000000000000000.0"},
		{999999999999999.9, "999999999999999.9"},
		{9999999999999998, "9999999999999998.0"},
		{1e16, "1e+16"},
		{12345678901234567, "1.2345678901234568e+16"},
		{123456789012345678, "1.2345678901234568e+17"},
		{1e-3, "0.001"},
		{1e-4, "0.0001"},
		{0.00012345, "0.00012345"},
		{1e-5, "1e-05"},
		{1.2345e-5, "1.2345e-05"},
		{1e21, "1e+21"},
		{1e22, "1e+22"},
		{1e100, "1e+100"},
		{math.MaxFloat64, "1.7976931348623157e+308"},
		{5e-324, "5e-324"},
		{2.2250738585072014e-308, "2.2250738585072014e-308"},
		{1.0 / 3, "0.3333333333333333"},
		{2.0 / 3, "0.6666666666666666"},
		{1 << 53, "9007199254740992.0"},
		{3.14159, "3.14159"},
		{6.02214076e23, "6.02214076e+23"},
		{math.NaN(), "NaN"},
		{math.Inf(1), "Infinity"},
		{math.Inf(-1), "-Infinity"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			if got := string(appendFloat(nil, tc.f)); got != tc.want {
				t.Errorf("appendFloat(%v) = %s, want %s", tc.f, got, tc.want)
			}
		})
	}
}

func TestAppendString(t *testing.T) {
	// want is Python's json.dumps(s, ensure_ascii=True).
	for _, tc := range []struct{ name, s, want string }{
		{"empty", "", `""`},
		{"ascii", "hello, world", `"hello, world"`},
		{"html", "<a href='x'>&</a>", `"<a href='x'>&</a>"`},
		{"quote and backslash", `a"b\c/d`, `"a\"b\\c/d"`},
		{"short escapes", "\b\f\n\r\t", `"\b\f\n\r\t"`},
		{"controls", "\x00\x01\x1f", `"\u0000\u0001\u001f"`},
		{"del", "\x7f", `"\u007f"`},
		{"latin", "é", `"\u00e9"`},
		{"bmp", "✓\u2028\ufffd", `"\u2713\u2028\ufffd"`},
		{"astral", "😀", `"\ud83d\ude00"`},
		{"mixed", "a😀b", `"a\ud83d\ude00b"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(appendString(nil, tc.s)); got != tc.want {
				t.Errorf("appendString(%q) = %s, want %s", tc.s, got, tc.want)
			}
		})
	}
}

func parseJSON(data string) (any, error) {
	p := parser{data: []byte(data), hook: func(m map[string]any) (any, error) { return m, nil }}
	return p.parse()
}

// nines returns an integer literal of n digits, all 9.
func nines(n int) string { return strings.Repeat("9", n) }

func TestParser(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     any
	}{
		{"object", ` { "a" : 1 , "b":[true,false,null] } `, map[string]any{"a": int64(1), "b": []any{true, false, nil}}},
		{"empty containers", `[{},[]]`, []any{map[string]any{}, []any{}}},
		{"int64", `[0,-0,9223372036854775807,-9223372036854775808]`, []any{int64(0), int64(0), int64(math.MaxInt64), int64(math.MinInt64)}},
		{"uint64", `18446744073709551615`, uint64(math.MaxUint64)},
		{"big", `[18446744073709551616,-9223372036854775809]`, []any{json.Number("18446744073709551616"), json.Number("-9223372036854775809")}},
		{"longest integers", "[" + nines(MaxIntDigits) + ",-" + nines(MaxIntDigits) + "]", []any{json.Number(nines(MaxIntDigits)), json.Number("-" + nines(MaxIntDigits))}},
		{"float of more digits", "[" + nines(MaxIntDigits+1) + ".0,-" + nines(MaxIntDigits+1) + "e0]", []any{math.Inf(1), math.Inf(-1)}},
		{"floats", `[1.0,1e5,1E-2,-0.5,2.5e+3]`, []any{1.0, 1e5, 0.01, -0.5, 2500.0}},
		{"float overflow", `[1e400,-1e400]`, []any{math.Inf(1), math.Inf(-1)}},
		{"float underflow", `1e-400`, 0.0},
		{"specials", `[Infinity,-Infinity]`, []any{math.Inf(1), math.Inf(-1)}},
		{"escapes", `"\"\\\/\b\f\n\r\t\u00e9\u00E9"`, "\"\\/\b\f\n\r\téé"},
		{"surrogate pair", `"\ud83d\ude00"`, "😀"},
		{"raw utf-8", `"é😀"`, "é😀"},
		{"escape after raw", `"é\n"`, "é\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseJSON(tc.in)
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("parse(%s) = %#v, %v, want %#v", tc.in, got, err, tc.want)
			}
		})
	}
	if v, err := parseJSON("NaN"); err != nil || !math.IsNaN(v.(float64)) {
		t.Errorf("parse(NaN) = %v, %v", v, err)
	}
}

func TestParserErrors(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"empty", ``, "unexpected end of data at offset 0"},
		{"trailing", `{} x`, "trailing data at offset 3"},
		{"two values", `1 2`, "trailing data"},
		{"leading zero", `01`, "trailing data"},
		{"bare minus", `-`, "invalid number"},
		{"dot without digits", `1.`, "trailing data"},
		{"exponent without digits", `1e`, "trailing data"},
		{"plus", `+1`, "unexpected byte"},
		{"single quotes", `'a'`, "unexpected byte"},
		{"bad literal", `tru`, "invalid literal"},
		{"nan lowercase", `nan`, "invalid literal"},
		{"unterminated string", `"abc`, "unterminated string"},
		{"unterminated escape", `"\`, "unterminated string"},
		{"control character", "\"a\x01\"", "control character in string"},
		{"raw newline", "\"a\nb\"", "control character in string"},
		{"control after escape", "\"\\n\x01\"", "control character in string"},
		{"bad escape", `"\x"`, "invalid escape"},
		{"short unicode escape", `"\u12"`, "invalid \\u escape"},
		{"bad hex", `"\u12g4"`, "invalid \\u escape"},
		{"lone high surrogate", `"\ud83d"`, "unpaired surrogate"},
		{"lone low surrogate", `"\ude00"`, "unpaired surrogate"},
		{"high then not low", `"\ud83d\u0041"`, "unpaired surrogate"},
		{"invalid utf-8", "\"\xff\"", "not valid UTF-8"},
		{"invalid utf-8 with escape", "\"\\n\xff\"", "not valid UTF-8"},
		{"key not string", `{1:2}`, "object key is not a string"},
		{"missing colon", `{"a" 1}`, "missing ':'"},
		{"missing comma", `{"a":1 "b":2}`, "missing ',' or '}'"},
		{"trailing comma", `{"a":1,}`, "object key is not a string"},
		{"array trailing comma", `[1,]`, "unexpected byte"},
		{"array missing comma", `[1 2]`, "missing ',' or ']'"},
		{"unterminated array", `[1`, "unexpected end of data"},
		{"duplicate key", `{"a":1,"a":2}`, "duplicate object key at offset 7"},
		{"integer too long", "[1," + nines(MaxIntDigits+1) + "]", "integer of 4301 digits, more than the 4300 that Python reads at offset 3"},
		{"negative integer too long", "-" + nines(MaxIntDigits+1), "integer of 4301 digits"},
		{"too deep", strings.Repeat("[", maxJSONDepth+1) + strings.Repeat("]", maxJSONDepth+1), "nested deeper than 128"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := parseJSON(tc.in)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("parse(%q) = %v, %v, want error containing %q", tc.in, v, err, tc.want)
			}
		})
	}
	deepest := strings.Repeat("[", maxJSONDepth) + strings.Repeat("]", maxJSONDepth)
	if _, err := parseJSON(deepest); err != nil {
		t.Errorf("parse(depth %d) err = %v", maxJSONDepth, err)
	}
}

// TestParseLongFloat checks the parsing of float literals longer than
// maxShortFloat: on literals strconv.ParseFloat misreads, against their
// values, and on random doubles written with many more digits, against
// the doubles.
func TestParseLongFloat(t *testing.T) {
	zeros := func(n int) string { return strings.Repeat("0", n) }
	for _, tc := range []struct {
		lit  string
		want float64
	}{
		{"1" + zeros(800) + "e-800", 1},
		{"1" + zeros(800) + ".0", math.Inf(1)},
		{"-1" + zeros(4000) + "e-4000", -1},
		{"12" + zeros(4000) + ".5e-4001", 1.2},
		{"0." + zeros(5000) + "9e5001", 9},
		{"0." + zeros(20000) + "9e+20001", 9},
		{"1e" + strings.Repeat("9", 200), math.Inf(1)},
		{"-1e-" + strings.Repeat("9", 200), math.Copysign(0, -1)},
		{"0." + zeros(200) + "e99999", 0},
		{"-0." + zeros(200), math.Copysign(0, -1)},
		{"1." + zeros(200) + "1", 1},
		{"0.1" + zeros(200), 0.1},
		{"4.9406564584124654" + zeros(100) + "e-324", 5e-324},
		{"1.7976931348623157" + zeros(100) + "e308", math.MaxFloat64},
	} {
		if len(tc.lit) <= maxShortFloat {
			t.Fatalf("literal %q is short", tc.lit)
		}
		if got := parseLongFloat(tc.lit); got != tc.want || math.Signbit(got) != math.Signbit(tc.want) {
			t.Errorf("parseLongFloat(%.40q...) = %v, want %v", tc.lit, got, tc.want)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 1000 {
		f := math.Abs(math.Float64frombits(rng.Uint64()))
		if math.IsNaN(f) || math.IsInf(f, 0) {
			continue
		}
		mant, e, _ := strings.Cut(strconv.FormatFloat(f, 'e', -1, 64), "e")
		exp, err := strconv.Atoi(e)
		if err != nil {
			t.Fatal(err)
		}
		digits := strings.Replace(mant, ".", "", 1) // f = digits × 10^(exp+1-len(digits))
		k := 1 + rng.IntN(2000)
		for _, lit := range []string{
			digits[:1] + "." + digits[1:] + zeros(k) + "e" + e,
			"0." + zeros(k) + digits + "e" + strconv.Itoa(exp+1+k),
			"-" + digits + zeros(k) + "e" + strconv.Itoa(exp+1-len(digits)-k),
		} {
			want := f
			if lit[0] == '-' {
				want = -f
			}
			if got := parseLongFloat(lit); got != want {
				t.Fatalf("parseLongFloat(%.60q...) = %v, want %v", lit, got, want)
			}
		}
	}
}
