package interop_test

// Tests of package flask against real Flask: Flask makes cookies that the
// Go codec reads, and the Go codec makes cookies that a Flask application
// loads in a request. Each interpreter runs one batch (testdata/flask/
// peer.py) whose clock the test sets: Flask signs a cookie the Go codec
// made again at that cookie's own second, and the two must match byte for
// byte.

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cookiecodec/cookiecodec"
	"github.com/cookiecodec/cookiecodec/flask"
)

const flaskMaxAge = 31 * 24 * 3600 // Flask's default, in seconds

var (
	flaskCurrent  = []byte("interop current secret key, 32 bytes")
	flaskFallback = []byte("interop previous secret key")
	flaskWrong    = []byte("another application's secret key")
)

// flaskMade are the sessions peer.py's CASES hold, as the Go codec must
// decode them.
var flaskMade = map[string]cookiecodec.Session{
	"plain": {"user": "harry", "id": int64(42), "admin": false, "nothing": nil, "ratio": 0.5},
	"unicode": {
		"name":     "Zoë 😀 ✓",
		"controls": "\x00\x1f\x7f\n\"\\</script>&\u2028",
		"ключ":     "значение",
	},
	"big_ints": {
		"big":          json.Number("1180591620717411303424"),
		"negative_big": json.Number("-1180591620717411303424"),
		"max_int64":    int64(math.MaxInt64),
		"min_int64":    int64(math.MinInt64),
		"max_uint64":   uint64(math.MaxUint64),
		"above_uint64": json.Number("18446744073709551616"),
	},
	"nested": {
		"a":    map[string]any{"b": []any{int64(1), map[string]any{"c": []any{[]any{}}}, map[string]any{}}},
		"list": []any{int64(1), "x", nil, true, 2.5},
	},
	"tags": {
		"tuple":  flask.Tuple{int64(1), "two", flask.Tuple{int64(3)}},
		"bytes":  []byte("\x00\xffhi"),
		"markup": flask.Markup("<b>hi</b>"),
		"uuid":   flask.UUID{0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0},
		"when":   time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC),
	},
	"di":         {" t": []any{int64(1), map[string]any{" m": "not markup"}}},
	"compressed": {"text": strings.Repeat("hello world ", 200)},
}

// A goMade case is a session the Go codec writes and the Python types
// Flask must load its top-level values as.
type goMade struct {
	s     cookiecodec.Session
	types map[string]string
}

var goMadeCases = map[string]goMade{
	"plain": {
		cookiecodec.Session{"user": "harry", "id": 42, "admin": true, "nothing": nil, "ratio": 0.25},
		map[string]string{"user": "str", "id": "int", "admin": "bool", "nothing": "NoneType", "ratio": "float"},
	},
	"tags": {
		cookiecodec.Session{
			"tuple":  flask.Tuple{1, "two", flask.Tuple{}},
			"bytes":  []byte{0, 1, 0xfe, 0xff},
			"markup": flask.Markup("<i>x</i> &amp;"),
			"uuid":   flask.UUID{15: 1},
			"when":   time.Date(2024, 2, 29, 12, 30, 45, 999, time.UTC),
			"local":  time.Date(2024, 7, 1, 2, 0, 0, 0, time.FixedZone("CEST", 2*3600)),
			"list":   []string{"a", "b"},
			"map":    map[string]any{"k": int8(-3)},
			"sess":   cookiecodec.Session{"nested": uint16(7)},
		},
		map[string]string{"tuple": "tuple", "bytes": "bytes", "markup": "Markup", "uuid": "UUID", "when": "datetime",
			"local": "datetime", "list": "list", "map": "dict", "sess": "dict"},
	},
	"big_ints": {
		cookiecodec.Session{
			"number": json.Number("-123456789012345678901234567890"),
			"uint64": uint64(math.MaxUint64),
			"big":    new(big.Int).Lsh(big.NewInt(1), 100),
		},
		map[string]string{"number": "int", "uint64": "int", "big": "int"},
	},
	"longest_ints": {
		cookiecodec.Session{
			"number": json.Number("-" + strings.Repeat("9", flask.MaxIntDigits)),
			"big":    new(big.Int).Sub(new(big.Int).Exp(big.NewInt(10), big.NewInt(flask.MaxIntDigits), nil), big.NewInt(1)),
		},
		map[string]string{"number": "int", "big": "int"},
	},
	"floats": {
		cookiecodec.Session{"f": []any{0.1, 1e16, 1e15, 1e-5, 1e-4, math.Copysign(0, -1), 5e-324, math.MaxFloat64,
			float32(0.1), 1.0, -2.5e-7, math.NaN(), math.Inf(1), math.Inf(-1)}},
		map[string]string{"f": "list"},
	},
	"unicode": {
		cookiecodec.Session{"s": "\x00\x1f\x7f<>&'\"\\/\u2028😀é\ufffd", "ключ": "v", "": "empty key"},
		map[string]string{"s": "str", "ключ": "str", "": "str"},
	},
	"di": {
		cookiecodec.Session{" d": map[string]any{" u": "x"}},
		map[string]string{" d": "dict"},
	},
	"compressed": {
		cookiecodec.Session{"text": strings.Repeat("abc ", 500)},
		map[string]string{"text": "str"},
	},
	"permanent": {
		cookiecodec.Session{"_permanent": true, "user": "ron"},
		map[string]string{"_permanent": "bool", "user": "str"},
	},
}

func newFlaskCodec(t *testing.T, secrets ...[]byte) *flask.Codec {
	t.Helper()
	c, err := flask.New(flask.Options{SecretKeys: secrets})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// issuedAt returns the timestamp of a Flask cookie.
func issuedAt(t *testing.T, v string) int64 {
	t.Helper()
	u, err := flask.InspectUnverified(v)
	if err != nil {
		t.Fatalf("InspectUnverified(%q) err = %v", v, err)
	}
	return u.IssuedAt.Unix()
}

// payloadOf returns the payload field of a Flask cookie.
func payloadOf(v string) string {
	v = v[:strings.LastIndexByte(v, '.')]
	return v[:strings.LastIndexByte(v, '.')]
}

// flaskTamper changes the character at i to another base64url one.
func flaskTamper(v string, i int) string {
	c := byte('A')
	if v[i] == 'A' {
		c = 'B'
	}
	return v[:i] + string(c) + v[i+1:]
}

func TestFlaskInterop(t *testing.T) {
	for _, py := range flaskPythons {
		t.Run(py.name, func(t *testing.T) {
			t.Parallel()
			requireFlaskPeer(t, py.path)
			testFlaskPeer(t, py.path)
		})
	}
}

// A flaskCheck verifies the result of one op.
type flaskCheck struct {
	name  string
	check func(t *testing.T, r flaskResult, reply flaskReply)
}

func testFlaskPeer(t *testing.T, python string) {
	var ops []flaskOp
	var checks []flaskCheck
	add := func(name string, op flaskOp, check func(t *testing.T, r flaskResult, reply flaskReply)) {
		ops = append(ops, op)
		checks = append(checks, flaskCheck{name, check})
	}
	cur, fb := hex.EncodeToString(flaskCurrent), hex.EncodeToString(flaskFallback)
	reader := newFlaskCodec(t, flaskCurrent, flaskFallback)
	now := time.Now().Unix()

	// Flask makes, Go decodes.
	decodes := func(want cookiecodec.Session, stale bool) func(*testing.T, flaskResult, flaskReply) {
		return func(t *testing.T, r flaskResult, _ flaskReply) {
			s, info, err := reader.Decode("session", r.Cookie)
			if err != nil {
				t.Fatalf("Decode(%q) err = %v", r.Cookie, err)
			}
			if diff := cmp.Diff(want, s); diff != "" {
				t.Errorf("Decode(%q) mismatch (-want +got):\n%s", r.Cookie, diff)
			}
			if info.Stale != stale || !info.IssuedAt.Equal(time.Unix(now, 0)) || info.Compressed != strings.HasPrefix(r.Cookie, ".") {
				t.Errorf("Decode(%q) info = %+v, want stale %v, issued at %d", r.Cookie, info, stale, now)
			}
			// Written back, the payload is Flask's own.
			again, err := reader.Encode("session", s)
			if err != nil {
				t.Fatalf("Encode(decoded) err = %v", err)
			}
			if !info.Compressed && payloadOf(again) != payloadOf(r.Cookie) {
				t.Errorf("Encode(decoded) = %q, want Flask's payload %q", again, payloadOf(r.Cookie))
			}
		}
	}
	for name, want := range flaskMade {
		add("flask made "+name, flaskOp{Op: "make", Case: name, Secret: cur, At: now}, decodes(want, false))
	}
	add("flask made with fallback key", flaskOp{Op: "make", Case: "plain", Secret: fb, At: now}, decodes(flaskMade["plain"], true))
	rejects := func(target error, detail string) func(*testing.T, flaskResult, flaskReply) {
		return func(t *testing.T, r flaskResult, _ flaskReply) {
			s, _, err := reader.Decode("session", r.Cookie)
			if !errors.Is(err, target) || s != nil || !strings.Contains(err.Error(), detail) {
				t.Errorf("Decode(%q) = %v, %v, want %v saying %q", r.Cookie, s, err, target, detail)
			}
		}
	}
	add("flask made with wrong key", flaskOp{Op: "make", Case: "plain", Secret: hex.EncodeToString(flaskWrong), At: now},
		rejects(cookiecodec.ErrInvalid, "signature does not match"))
	add("flask made expired", flaskOp{Op: "make", Case: "plain", Secret: cur, At: now - flaskMaxAge - 3600},
		rejects(cookiecodec.ErrExpired, "(max age 744h)"))
	add("flask made in the future", flaskOp{Op: "make", Case: "plain", Secret: cur, At: now + 3600},
		rejects(cookiecodec.ErrInvalid, "in the future (skew 0s)"))
	add("flask made, tampered", flaskOp{Op: "make", Case: "tags", Secret: cur, At: now},
		func(t *testing.T, r flaskResult, _ flaskReply) {
			for i := 1; i < len(r.Cookie); i += 7 {
				if r.Cookie[i] == '.' {
					continue
				}
				v := flaskTamper(r.Cookie, i)
				if s, _, err := reader.Decode("session", v); !errors.Is(err, cookiecodec.ErrInvalid) || s != nil {
					t.Errorf("Decode(%q) = %v, %v, want ErrInvalid", v, s, err)
				}
			}
		})

	// Go makes, Flask loads in a request.
	loads := func(s cookiecodec.Session, types map[string]string) func(*testing.T, flaskResult, flaskReply) {
		want, err := flask.MarshalTagged(s)
		if err != nil {
			t.Fatal(err)
		}
		return func(t *testing.T, r flaskResult, _ flaskReply) {
			if !r.Loaded || r.Verdict != "ok" {
				t.Fatalf("Flask did not load the cookie: verdict %s", r.Verdict)
			}
			if r.Tagged != string(want) {
				t.Errorf("Flask loaded\n%s\nwant\n%s", r.Tagged, want)
			}
			if types != nil {
				if diff := cmp.Diff(types, r.Types); diff != "" {
					t.Errorf("Flask's Python types mismatch (-want +got):\n%s", diff)
				}
			}
		}
	}
	writer := newFlaskCodec(t, flaskCurrent)
	// load has Flask load v at the second Go signed it, and sign what it
	// loaded again at that second.
	load := func(v, secret string, fallbacks ...string) flaskOp {
		at := issuedAt(t, v)
		return flaskOp{Op: "load", Cookie: v, Secret: secret, Fallbacks: fallbacks, Now: at, ResignAt: at}
	}
	encode := func(c *flask.Codec, s cookiecodec.Session) string {
		v, err := c.Encode("session", s)
		if err != nil {
			t.Fatalf("Encode(%v) err = %v", s, err)
		}
		return v
	}
	for name, tc := range goMadeCases {
		v := encode(writer, tc.s)
		check := loads(tc.s, tc.types)
		add("go made "+name, load(v, cur),
			func(t *testing.T, r flaskResult, reply flaskReply) {
				check(t, r, reply)
				checkResigned(t, v, r.Resigned)
			})
	}
	verdict := func(want string, loaded bool) func(*testing.T, flaskResult, flaskReply) {
		return func(t *testing.T, r flaskResult, _ flaskReply) {
			if r.Verdict != want || r.Loaded != loaded {
				t.Errorf("Flask: verdict %s, loaded %v; want %s, %v", r.Verdict, r.Loaded, want, loaded)
			}
		}
	}
	plain := goMadeCases["plain"].s
	v := encode(writer, plain)
	at := issuedAt(t, v)
	add("go made, loaded at max age", flaskOp{Op: "load", Cookie: v, Secret: cur, Now: at + flaskMaxAge}, verdict("ok", true))
	add("go made, loaded after max age", flaskOp{Op: "load", Cookie: v, Secret: cur, Now: at + flaskMaxAge + 1}, verdict("SignatureExpired", false))
	add("go made, loaded a second before", flaskOp{Op: "load", Cookie: v, Secret: cur, Now: at - 1}, verdict("SignatureExpired", false))
	add("go made, tampered", load(flaskTamper(v, 3), cur), verdict("BadTimeSignature", false))
	add("go made, wrong key", load(v, hex.EncodeToString(flaskWrong)), verdict("BadTimeSignature", false))
	add("go made, key is Flask's fallback", load(v, hex.EncodeToString(flaskWrong), cur),
		func(t *testing.T, r flaskResult, reply flaskReply) {
			// Flask 2.2 has no SECRET_KEY_FALLBACKS.
			if reply.Fallbacks {
				verdict("ok", true)(t, r, reply)
			} else {
				verdict("BadTimeSignature", false)(t, r, reply)
			}
		})
	other := newFlaskCodec(t, []byte("x"))
	add("go made, one-byte secret", load(encode(other, plain), hex.EncodeToString([]byte("x"))), loads(plain, nil))

	// Random sessions: Flask loads each and signs it again byte for byte.
	rng := rand.New(rand.NewPCG(6, 2026))
	for i := range 150 {
		s := randomFlaskSession(rng)
		v, err := writer.Encode("session", s)
		if errors.Is(err, cookiecodec.ErrTooLarge) {
			continue
		}
		if err != nil {
			t.Fatalf("Encode(random %d) err = %v", i, err)
		}
		check := loads(s, nil)
		add(fmt.Sprintf("go made random %d", i), load(v, cur),
			func(t *testing.T, r flaskResult, reply flaskReply) {
				check(t, r, reply)
				checkResigned(t, v, r.Resigned)
			})
	}

	reply := runFlaskPeer(t, python, ops)
	t.Logf("%s: Flask %s, %d cases in one run", python, reply.Flask, len(ops))
	for i, c := range checks {
		r := reply.Results[i]
		if r.Error != "" {
			t.Errorf("%s: peer: %s", c.name, r.Error)
			continue
		}
		t.Run(c.name, func(t *testing.T) { c.check(t, r, reply) })
	}
}

// checkResigned compares a cookie Go made with the one Flask makes for the
// same session at the same second. Where Flask leaves the payload
// uncompressed, the cookies must be identical. Flask's zlib and Go's
// compress/zlib write different bytes, Go's usually a few more, so a
// compressed payload only has to be accepted (which the caller checked),
// and near the break-even point Flask may compress where Go does not.
func checkResigned(t *testing.T, goCookie, flaskCookie string) {
	t.Helper()
	goZ, flaskZ := strings.HasPrefix(goCookie, "."), strings.HasPrefix(flaskCookie, ".")
	switch {
	case !flaskZ && goCookie != flaskCookie:
		t.Errorf("Encode = %q, Flask signs %q", goCookie, flaskCookie)
	case goZ != flaskZ:
		t.Logf("Flask compressed, Go did not (%d and %d bytes)", len(flaskCookie), len(goCookie))
	}
}

// randomFlaskSession returns a small session of every type the codec
// writes, with keys that sometimes look like tags.
func randomFlaskSession(rng *rand.Rand) cookiecodec.Session {
	s := cookiecodec.Session{}
	for range rng.IntN(6) + 1 {
		s[randomFlaskKey(rng)] = randomFlaskValue(rng, 1)
	}
	return s
}

var flaskTagKeys = []string{" t", " b", " m", " u", " d", " di"}

func randomFlaskKey(rng *rand.Rand) string {
	if rng.IntN(6) == 0 {
		return flaskTagKeys[rng.IntN(len(flaskTagKeys))]
	}
	return randomFlaskText(rng, 8)
}

func randomFlaskText(rng *rand.Rand, maxLen int) string {
	var b strings.Builder
	for range rng.IntN(maxLen + 1) {
		switch rng.IntN(5) {
		case 0:
			b.WriteRune(rune(rng.IntN(0x80)))
		case 1:
			b.WriteRune(rune(0x80 + rng.IntN(0x800-0x80)))
		case 2:
			r := rune(0x800 + rng.IntN(0x10000-0x800))
			if r >= 0xd800 && r < 0xe000 {
				r = 0xfffd
			}
			b.WriteRune(r)
		case 3:
			b.WriteRune(rune(0x10000 + rng.IntN(0x10ffff-0x10000)))
		default:
			b.WriteByte(byte('a' + rng.IntN(26)))
		}
	}
	return b.String()
}

func randomFlaskValue(rng *rand.Rand, depth int) any {
	n := 12
	if depth >= 4 {
		n = 9 // no containers
	}
	switch rng.IntN(n) {
	case 0:
		return nil
	case 1:
		return rng.IntN(2) == 0
	case 2:
		switch rng.IntN(3) {
		case 0:
			return rng.Int64() >> rng.IntN(64)
		case 1:
			return rng.Uint64()
		default:
			n := new(big.Int).Lsh(big.NewInt(rng.Int64()), uint(64+rng.IntN(100)))
			return json.Number(n.String())
		}
	case 3:
		switch rng.IntN(3) {
		case 0:
			return math.Float64frombits(rng.Uint64())
		case 1:
			return float64(rng.IntN(1000000)) / float64(int64(1)<<rng.IntN(40))
		default:
			return rng.NormFloat64() * math.Pow(10, float64(rng.IntN(60)-30))
		}
	case 4:
		return randomFlaskText(rng, 12)
	case 5:
		b := make([]byte, rng.IntN(10))
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		return b
	case 6:
		return flask.Markup(randomFlaskText(rng, 8))
	case 7:
		var u flask.UUID
		for i := range u {
			u[i] = byte(rng.IntN(256))
		}
		return u
	case 8:
		return time.Unix(rng.Int64N(253402300799+59011459200)-59011459200, rng.Int64N(1e9)).UTC()
	case 9:
		l := make([]any, rng.IntN(4))
		for i := range l {
			l[i] = randomFlaskValue(rng, depth+1)
		}
		return l
	case 10:
		l := make(flask.Tuple, rng.IntN(4))
		for i := range l {
			l[i] = randomFlaskValue(rng, depth+1)
		}
		return l
	default:
		m := map[string]any{}
		for range rng.IntN(4) {
			m[randomFlaskKey(rng)] = randomFlaskValue(rng, depth+1)
		}
		return m
	}
}
