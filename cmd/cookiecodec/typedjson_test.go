package main

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec"
)

// everyType is a session with every type a Session may hold, at the edges
// where plain JSON loses them.
func everyType() cookiecodec.Session {
	deep := any("bottom")
	for range cookiecodec.MaxSessionDepth - 1 {
		deep = []any{deep}
	}
	return cookiecodec.Session{
		"nil": nil, "true": true, "false": false,
		"text": "héllo \u2028 <&>", "empty": "",
		"int": int(-7), "int8": int8(-128), "int16": int16(32767), "int32": int32(-1 << 31),
		"int64 2^53": int64(1 << 53), "int64 2^53+1": int64(1<<53 + 1), "int64 -2^53-1": int64(-1<<53 - 1),
		"int64 min": int64(math.MinInt64), "int64 max": int64(math.MaxInt64),
		"uint": uint(7), "uint8": uint8(255), "uint16": uint16(65535), "uint32": uint32(math.MaxUint32),
		"uint64 2^60": uint64(1 << 60), "uint64 max": uint64(math.MaxUint64),
		"float32 0.1": float32(0.1), "float64 0.1": 0.1, "float 1": 1.0, "float -0": math.Copysign(0, -1),
		"float32 max": float32(math.MaxFloat32), "float32 tiny": float32(math.SmallestNonzeroFloat32),
		"float64 max": math.MaxFloat64, "float64 tiny": math.SmallestNonzeroFloat64, "float 1e21": 1e21,
		"NaN": math.NaN(), "+Inf": math.Inf(1), "-Inf": math.Inf(-1),
		"bytes": []byte{0, 1, 0xfe, 0xff}, "no bytes": []byte{},
		"second":      time.Date(2026, 11, 28, 1, 2, 3, 0, time.UTC),
		"nanosecond":  time.Date(2026, 11, 28, 1, 2, 3, 1, time.FixedZone("x", 3600)),
		"year 0":      time.Date(0, 1, 1, 0, 0, 0, 500, time.UTC),
		"year 9999":   time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		"year 10000":  time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		"year -5":     time.Date(-5, 6, 1, 0, 0, 0, 0, time.UTC),
		"unix max":    time.Unix(math.MaxInt64, 0),
		"list":        []any{int64(1), "two", 3.5, []byte("4"), nil, []any{}, map[string]any{}},
		"strings":     []string{"a", "b"},
		"map":         map[string]any{"a": map[string]any{"b": []any{int64(1)}}},
		"session":     cookiecodec.Session{"x": true},
		"dollar":      map[string]any{"$bytes": int64(1)},
		"dollar map":  map[string]any{"$map": map[string]any{"$time": "not a time"}},
		"two dollars": map[string]any{"$bytes": "x", "$time": "y"},
		"deep":        deep,
	}
}

// roundTrip checks that s in typed JSON reads back as a session with the
// payload of s, and returns the typed JSON.
func roundTrip(t *testing.T, s cookiecodec.Session) []byte {
	t.Helper()
	want, err := cookiecodec.MarshalSession(s)
	if err != nil {
		t.Fatal(err)
	}
	js, err := marshalTyped(s)
	if err != nil {
		t.Fatalf("marshalTyped: %v", err)
	}
	back, err := parseTypedSession(js)
	if err != nil {
		t.Fatalf("parseTypedSession(%s): %v", js, err)
	}
	got, err := cookiecodec.MarshalSession(back)
	if err != nil {
		t.Fatalf("MarshalSession(parsed) err = %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("typed JSON %s reads back as payload\n%x\nwant\n%x", js, got, want)
	}
	return js
}

func TestTypedRoundTrip(t *testing.T) {
	s := everyType()
	roundTrip(t, s)
	p, err := cookiecodec.MarshalSession(s)
	if err != nil {
		t.Fatal(err)
	}
	// What decode --typed prints: the decoded session, whose types the
	// decoder normalized (uint64(1<<60) is an int64), prints the same
	// after a round trip.
	decoded, err := cookiecodec.UnmarshalSession(p)
	if err != nil {
		t.Fatal(err)
	}
	js := roundTrip(t, decoded)
	back, err := parseTypedSession(js)
	if err != nil {
		t.Fatal(err)
	}
	if again, err := marshalTyped(back); err != nil || !bytes.Equal(again, js) {
		t.Errorf("the session read back prints\n%s\nwant\n%s", again, js)
	}
	// What the notation promises, value by value.
	for _, want := range []string{
		`"int": -7,`, `"int64 2^53": 9007199254740992,`, `"int64 2^53+1": {
    "$int64": "9007199254740993"
  },`, `"int64 -2^53-1": {
    "$int64": "-9007199254740993"
  },`, `"uint64 max": {
    "$uint64": "18446744073709551615"
  },`, `"float32 0.1": {
    "$float32": 0.1
  },`, `"float64 0.1": {
    "$float64": 0.1
  },`, `"float 1": {
    "$float32": 1
  },`, `"float -0": {
    "$float32": -0
  },`, `"NaN": {
    "$float64": "NaN"
  },`, `"-Inf": {
    "$float32": "-Inf"
  },`, `"bytes": {
    "$bytes": "AAH+/w=="
  },`, `"nanosecond": {
    "$time": "2026-11-28T00:02:03.000000001Z"
  },`, `"second": {
    "$time": "2026-11-28T01:02:03Z"
  },`, `"year 0": {
    "$time": "0000-01-01T00:00:00.0000005Z"
  },`, `"year 10000": {
    "$unix": "253402300800"
  },`, `"dollar": {
    "$map": {
      "$bytes": 1
    }
  },`, `"dollar map": {
    "$map": {
      "$map": {
        "$map": {
          "$time": "not a time"
        }
      }
    }
  },`, `"two dollars": {
    "$bytes": "x",
    "$time": "y"
  },`, `"text": "héllo \u2028 <&>",`,
	} {
		if !strings.Contains(string(js), want) {
			t.Errorf("typed JSON lacks\n%s\nin\n%s", want, js)
		}
	}
}

// randomValue returns a random session value of any type, nested at most
// depth more levels.
func randomValue(rng *rand.Rand, depth int) any {
	n := 20
	if depth == 0 {
		n = 17
	}
	switch rng.IntN(n) {
	case 0:
		return nil
	case 1:
		return rng.IntN(2) == 0
	case 2:
		return randomText(rng)
	case 3:
		return int64(rng.Uint64())
	case 4:
		return rng.Uint64()
	case 5:
		return rng.Int64N(1<<54) - 1<<53
	case 6:
		return math.Float64frombits(rng.Uint64())
	case 7:
		return math.Float32frombits(rng.Uint32())
	case 8:
		return float64(rng.IntN(1000)) / 8
	case 9:
		b := make([]byte, rng.IntN(8))
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	case 10:
		return time.Unix(rng.Int64N(1<<40)-1<<39, 0)
	case 11:
		return time.Unix(rng.Int64N(253402300799+62167219200)-62167219200, rng.Int64N(1e9)).UTC()
	case 12:
		return time.Unix(int64(rng.Uint64()), 0)
	case 13:
		return []string{randomText(rng), randomText(rng)}
	case 14:
		return int8(rng.Uint32())
	case 15:
		return uint16(rng.Uint32())
	case 16:
		return []any{math.NaN(), math.Inf(1), math.Inf(-1)}
	case 17, 18:
		m := map[string]any{}
		for range rng.IntN(4) {
			k := randomText(rng)
			if rng.IntN(3) == 0 {
				k = "$" + k
			}
			m[k] = randomValue(rng, depth-1)
		}
		return m
	}
	l := make([]any, rng.IntN(4))
	for i := range l {
		l[i] = randomValue(rng, depth-1)
	}
	return l
}

func randomText(rng *rand.Rand) string {
	const alphabet = "ab$\"\\\n\x00é\u2028"
	runes := []rune(alphabet)
	var b strings.Builder
	for range rng.IntN(5) {
		b.WriteRune(runes[rng.IntN(len(runes))])
	}
	return b.String()
}

func TestTypedRoundTripRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for range 2000 {
		s := cookiecodec.Session{}
		for range rng.IntN(6) {
			s[randomText(rng)] = randomValue(rng, 1+rng.IntN(cookiecodec.MaxSessionDepth-2))
		}
		if len(s) == 1 && rng.IntN(2) == 0 {
			for k, v := range s {
				delete(s, k)
				s["$"+k] = v // a top level escaped with $map
			}
		}
		roundTrip(t, s)
	}
}

// sessionVectors is the directory of the session payload vectors, found
// before TestMain changes the directory.
var sessionVectors = func() string {
	wd, err := os.Getwd()
	if err != nil {
		panic(err)
	}
	return filepath.Join(wd, "..", "..", "testdata", "session")
}()

// FuzzTypedRoundTrip checks that every payload the session decoder accepts
// prints as typed JSON that reads back as the same payload.
func FuzzTypedRoundTrip(f *testing.F) {
	p, err := cookiecodec.MarshalSession(everyType())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(p)
	files, _ := filepath.Glob(filepath.Join(sessionVectors, "*.json"))
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		var v struct {
			PayloadHex string `json:"payload_hex"`
		}
		if json.Unmarshal(data, &v) != nil {
			continue
		}
		if b, err := hex.DecodeString(v.PayloadHex); err == nil {
			f.Add(b)
		}
	}
	if len(files) == 0 {
		f.Fatal("no session vectors in testdata/session")
	}
	f.Fuzz(func(t *testing.T, p []byte) {
		s, err := cookiecodec.UnmarshalSession(p)
		if err != nil {
			return
		}
		js, err := marshalTyped(s)
		if err != nil {
			t.Fatalf("marshalTyped(decoded %x): %v", p, err)
		}
		back, err := parseTypedSession(js)
		if err != nil {
			t.Fatalf("parseTypedSession(%s): %v", js, err)
		}
		got, err := cookiecodec.MarshalSession(back)
		if err != nil || !bytes.Equal(got, p) {
			t.Fatalf("payload %x prints as %s, which reads back as %x, %v", p, js, got, err)
		}
	})
}

func TestTypedParseErrors(t *testing.T) {
	const levels = cookiecodec.MaxSessionDepth + 1
	deep := strings.Repeat(`{"a":`, levels) + "1" + strings.Repeat("}", levels)
	deepMaps := strings.Repeat(`{"$map":{"$a":`, levels) + "1" + strings.Repeat("}}", levels)
	deepArrays := `{"a":` + strings.Repeat("[", levels-1) + strings.Repeat("]", levels-1) + "}"
	for _, tc := range []struct {
		name, in, want string
	}{
		{"bytes not a string", `{"a":{"$bytes":1}}`, "typed JSON at a.$bytes: $bytes wants a string of standard base64, with padding"},
		{"bytes unpadded", `{"a":{"$bytes":"AA"}}`, "typed JSON at a.$bytes: $bytes wants a string of standard base64"},
		{"bad time", `{"a":[1,{"$time":"yesterday"}]}`, `typed JSON at a[1].$time: $time wants a string of RFC 3339 text, such as "2006-01-02T15:04:05.999999999Z"`},
		{"time without zone", `{"a":{"$time":"2026-11-28T01:02:03"}}`, "$time wants a string of RFC 3339 text"},
		{"int64 fraction", `{"a":{"$int64":"1.5"}}`, "typed JSON at a.$int64: $int64 wants a string of decimal digits, from -9223372036854775808 to 9223372036854775807"},
		{"int64 overflow", `{"a":{"$int64":"9223372036854775808"}}`, "$int64 wants a string of decimal digits"},
		{"int64 bool", `{"a":{"$int64":true}}`, "$int64 wants a string of decimal digits"},
		{"uint64 negative", `{"a":{"$uint64":"-1"}}`, "typed JSON at a.$uint64: $uint64 wants a string of decimal digits, from 0 to 18446744073709551615"},
		{"unix not digits", `{"a":{"$unix":"soon"}}`, "typed JSON at a.$unix: $unix wants a string of decimal digits"},
		{"float32 overflow", `{"a":{"$float32":1e39}}`, "typed JSON at a.$float32: $float32 number of 4 characters is outside the float32 range"},
		{"float64 overflow", `{"a":{"$float64":1e400}}`, "$float64 number of 5 characters is outside the float64 range"},
		{"float name", `{"a":{"$float64":"nan"}}`, `typed JSON at a.$float64: $float64 wants a number, or "NaN", "Inf" or "-Inf"`},
		{"float null", `{"a":{"$float32":null}}`, `$float32 wants a number`},
		{"unknown tag", `{"a":{"b":{"$bytez":"AA=="}}}`, `typed JSON at a.b.$bytez: unknown tag "$bytez": tags are $bytes, $time, $unix, $int64, $uint64, $float32, $float64 and $map; write a map whose one key begins with "$" as {"$map": {...}}`},
		{"map not an object", `{"$map":[1]}`, "typed JSON at $map: $map wants an object"},
		{"top-level typed value", `{"$bytes":"AA=="}`, `typed JSON at the top level is a $bytes value, not a session`},
		{"plain number too big", `{"a":[1,123456789012345678901]}`, "typed JSON at a[1]: integer of 21 digits is outside the 64-bit range"},
		{"duplicate key", `{"a":{"b":1,"b":2}}`, `JSON input has the key "a.b" twice`},
		{"too deep", deep, "nests deeper than 32"},
		{"too deep in $map", deepMaps, "nests deeper than 32"},
		{"too deep in arrays", deepArrays, "nests deeper than 32"},
		{"not UTF-8", "{\"a\":\"\xff\"}", "JSON input is not valid UTF-8 at byte 6"},
		{"not an object", `[1]`, "JSON input is not an object"},
		{"empty", ``, "no JSON input: want a JSON object"},
		{"trailing", `{"a":1} {}`, "trailing data after the JSON object"},
		{"syntax", `{"a":}`, "invalid JSON input at byte 5"},
		{"truncated", `{"a":{"$int64":"1"`, "JSON input ends too early"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := parseTypedSession([]byte(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) || s != nil {
				t.Errorf("parseTypedSession(%q) = %v, %v; want an error containing %q", tc.in, s, err, tc.want)
			}
		})
	}
}

// TestTypedDepth checks the nesting limit at its edge: the deepest session
// the encoder takes reads back, with $map escapes too.
func TestTypedDepth(t *testing.T) {
	var v any = int64(1)
	var escaped any = int64(1)
	for range cookiecodec.MaxSessionDepth - 1 {
		v = map[string]any{"a": v}
		escaped = map[string]any{"$a": escaped}
	}
	roundTrip(t, cookiecodec.Session{"a": v})
	roundTrip(t, cookiecodec.Session{"$a": escaped})
	roundTrip(t, cookiecodec.Session{"a": []any{map[string]any{"b": []any{}}}})
}

// TestTypedCLI drives decode --typed and encode --typed through run: a
// cookie decoded, printed, read back and encoded again carries the same
// payload, and the flags refuse the Flask format.
func TestTypedCLI(t *testing.T) {
	cleanEnv(t)
	keys := mustInitKeys(t)
	s := everyType()
	delete(s, "deep")
	delete(s, "unix max") // keeps the cookie under 4096 bytes with the rest
	want, err := cookiecodec.MarshalSession(s)
	if err != nil {
		t.Fatal(err)
	}
	js, err := marshalTyped(s)
	if err != nil {
		t.Fatal(err)
	}
	value := encodeOK(t, string(js), "--keys", keys, "--typed")
	r := runCmd(t, "", "decode", "--keys", keys, "--typed", value)
	r.want(t, exitOK, "format:    native v1\n")
	printed := r.stdout
	again := encodeOK(t, printed, "--keys", keys, "--typed")
	ring := loadKeys(t, keys).Keyring()
	codec, err := cookiecodec.New(ring, cookiecodec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{value, again} {
		got, _, err := codec.Decode("session", v)
		if err != nil {
			t.Fatal(err)
		}
		p, err := cookiecodec.MarshalSession(got)
		if err != nil || !bytes.Equal(p, want) {
			t.Errorf("cookie of the typed JSON holds payload %x, %v; want %x", p, err, want)
		}
	}
	if r := runCmd(t, "", "decode", "--keys", keys, "--typed", again); r.stdout != printed {
		t.Errorf("decode --typed of the re-encoded cookie printed\n%s\nwant\n%s", r.stdout, printed)
	}

	r = runCmd(t, "", "decode", "--keys", keys, "--typed", "--json", value)
	r.want(t, exitOK)
	var wrapped struct {
		Format  string          `json:"format"`
		Session json.RawMessage `json:"session"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &wrapped); err != nil || wrapped.Format != "native" {
		t.Fatalf("decode --typed --json printed %q: %v", r.stdout, err)
	}
	if back, err := parseTypedSession(wrapped.Session); err != nil {
		t.Errorf("the session of decode --typed --json does not read back: %v", err)
	} else if p, _ := cookiecodec.MarshalSession(back); !bytes.Equal(p, want) {
		t.Errorf("the session of decode --typed --json reads back as %x, want %x", p, want)
	}

	// Without --typed, plain JSON loses the types: the payload differs.
	plain := runCmd(t, "", "decode", "--keys", keys, value).stdout
	if r := runCmd(t, plain, "encode", "--keys", keys, "--typed"); r.code == exitOK {
		if got, _, err := codec.Decode("session", strings.TrimSpace(r.stdout)); err == nil {
			if p, _ := cookiecodec.MarshalSession(got); bytes.Equal(p, want) {
				t.Errorf("plain JSON kept every type, so this test shows nothing")
			}
		}
	}

	r = runCmd(t, `{"a":{"$bytes":1}}`, "encode", "--keys", keys, "--typed")
	r.want(t, exitUsage, "cookiecodec: error: typed JSON at a.$bytes: $bytes wants a string of standard base64, with padding\n")
	r = runCmd(t, `{"a":1}`, "encode", "--format", "flask", "--typed")
	r.want(t, exitUsage, "--typed applies to the native format only")
	t.Setenv(envFlaskSecret, "Qm8bT3xKp_7vZ2wYn-LcR5dHs1gFj9eAuXo4iNtEkMy")
	flaskValue := encodeOK(t, `{"a":1}`, "--format", "flask")
	r = runCmd(t, "", "decode", "--typed", flaskValue)
	r.want(t, exitUsage, "--typed applies to native cookies only, and this is a Flask cookie: use --tagged")
}

// TestTypedLinear feeds parseTypedSession input shaped to make a path per
// element costly: a long key over many typed values, and a long key path
// with an error at its end. Allocation stays within a constant of the
// input, and the error stays short.
func TestTypedLinear(t *testing.T) {
	longKey := strings.Repeat("k", 256<<10)
	many := `{"` + longKey + `":[` + strings.Repeat(`{"$bytes":"AA=="},`, 20<<10) + `{"$bytes":"A"}]}`
	deep := strings.Repeat(`{"`+longKey[:16<<10]+`":`, 31) + `{"$float32":1e39}` + strings.Repeat("}", 31)
	for _, tc := range []struct {
		name, in, want string
	}{
		{"long key over many elements", many, "[20480].$bytes: $bytes wants"},
		{"deep under long keys", deep, "outside the float32 range"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			n := allocated(func() { _, err = parseTypedSession([]byte(tc.in)) })
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %.300v, want it to contain %q", err, tc.want)
			}
			if limit := uint64(64*len(tc.in) + 1<<20); n > limit {
				t.Errorf("parsing %d bytes allocated %d bytes, want at most %d", len(tc.in), n, limit)
			}
			if len(err.Error()) > 1024 {
				t.Errorf("error of %d bytes, want at most 1024: %.300s", len(err.Error()), err)
			}
		})
	}
}
