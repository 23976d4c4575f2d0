package interop_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cookiecodec/cookiecodec"
)

// sessionGen makes random sessions from a fixed seed, covering every type
// a session holds at the boundaries of their encodings.
type sessionGen struct {
	r *rand.Rand
}

func newSessionGen(seed uint64) *sessionGen {
	return &sessionGen{r: rand.New(rand.NewPCG(seed, 0x636f6f6b6965))}
}

// session returns a session of up to 8 values nested up to 4 deep.
func (g *sessionGen) session() cookiecodec.Session {
	s := cookiecodec.Session{}
	for range g.r.IntN(9) {
		s[g.key()] = g.value(2)
	}
	return s
}

var genRunes = []rune("abcAZ_-09 é߀日本😀\x00\x7f\u0080\u2028\ufffd\U0010ffff")

func (g *sessionGen) text(maxLen int) string {
	var b strings.Builder
	for range g.r.IntN(maxLen + 1) {
		b.WriteRune(genRunes[g.r.IntN(len(genRunes))])
	}
	return b.String()
}

func (g *sessionGen) key() string {
	switch g.r.IntN(4) {
	case 0:
		return string(rune('a' + g.r.IntN(4))) // short keys that collide and sort
	case 1:
		return g.text(3)
	}
	return g.text(30)
}

// value returns a value to put at depth in a session.
func (g *sessionGen) value(depth int) any {
	const maxDepth = 5
	kind := g.r.IntN(14)
	if depth >= maxDepth && kind >= 11 {
		kind = g.r.IntN(11)
	}
	switch kind {
	case 0:
		return []any{nil, true, false}[g.r.IntN(3)]
	case 1, 2:
		return g.integer()
	case 3, 4:
		return g.float()
	case 5:
		s := g.text(30)
		if g.r.IntN(8) == 0 {
			s = strings.Repeat(s+"x", 1+g.r.IntN(40))
		}
		return s
	case 6:
		if g.r.IntN(8) == 0 {
			return []byte(nil)
		}
		b := make([]byte, g.r.IntN(40)+g.r.IntN(2)*g.r.IntN(300))
		for i := range b {
			b[i] = byte(g.r.Uint32())
		}
		return b
	case 7, 8:
		return g.time()
	case 9:
		l := make([]string, g.r.IntN(4))
		for i := range l {
			l[i] = g.text(8)
		}
		return l
	case 10:
		return []any{[]any{}, []any(nil), map[string]any{}, map[string]any(nil), cookiecodec.Session{}}[g.r.IntN(5)]
	case 11, 12:
		n := g.r.IntN(6)
		if g.r.IntN(10) == 0 {
			n = 24 + g.r.IntN(10) // a two-byte array head
		}
		l := make([]any, n)
		for i := range l {
			l[i] = g.value(depth + 1)
		}
		return l
	}
	m := map[string]any{}
	for range g.r.IntN(6) {
		m[g.key()] = g.value(depth + 1)
	}
	if g.r.IntN(4) == 0 {
		return cookiecodec.Session(m)
	}
	return m
}

// integer returns an integer of any Go integer type, its magnitude spread
// over every CBOR head size.
func (g *sessionGen) integer() any {
	u := g.r.Uint64() >> g.r.IntN(64)
	i := int64(u)
	if g.r.IntN(2) == 0 {
		i = -i - 1
	}
	switch g.r.IntN(11) {
	case 0:
		return int(i)
	case 1:
		return int8(i)
	case 2:
		return int16(i)
	case 3:
		return int32(i)
	case 4:
		return uint(u)
	case 5:
		return uint8(u)
	case 6:
		return uint16(u)
	case 7:
		return uint32(u)
	case 8:
		if g.r.IntN(2) == 0 {
			u |= 1 << 63 // above math.MaxInt64: decodes as uint64
		}
		return u
	}
	return i
}

// float returns a float32 or float64: special values, values exact in
// half or single precision, and arbitrary bit patterns (NaN payloads too).
func (g *sessionGen) float() any {
	switch g.r.IntN(6) {
	case 0:
		return []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), 65504, math.Ldexp(1, -24), math.MaxFloat64}[g.r.IntN(8)]
	case 1: // exact in half precision, subnormals included
		f := math.Ldexp(float64(g.r.IntN(2048)), g.r.IntN(41)-34)
		if g.r.IntN(2) == 0 {
			f = -f
		}
		return f
	case 2:
		return math.Float32frombits(g.r.Uint32())
	case 3:
		return float64(math.Float32frombits(g.r.Uint32()))
	case 4:
		return g.r.NormFloat64() * math.Pow(10, float64(g.r.IntN(40)-20))
	}
	return math.Float64frombits(g.r.Uint64())
}

// time returns a time in UTC or another zone: whole seconds over the range
// of int64 Unix seconds, and fractions within the years 0 to 9999, where
// RFC 3339 can write them.
func (g *sessionGen) time() time.Time {
	zones := []*time.Location{time.UTC, time.FixedZone("east", 5*3600+1800), time.FixedZone("west", -8*3600)}
	zone := zones[g.r.IntN(len(zones))]
	const year0, year10000 = -62167219200, 253402300800
	sec := year0 + g.r.Int64N(year10000-year0)
	switch g.r.IntN(6) {
	case 0:
		return time.Unix(int64(g.r.Uint64()>>g.r.IntN(64))-math.MaxInt64/2, 0).In(zone)
	case 1:
		return time.Unix(sec, 0).In(zone)
	case 2:
		return time.Unix(sec, int64(1+g.r.IntN(999))*1e6).In(zone)
	case 3:
		return time.Unix(sec, int64(1+g.r.IntN(999_999))*1e3).In(zone)
	case 4:
		return time.Time{}
	}
	return time.Unix(sec, 1+g.r.Int64N(999_999_999)).In(zone)
}

// allGenKinds lists the kinds of value genKinds tells apart.
var allGenKinds = []string{
	"nil", "bool", "int", "uint", "int8", "int16", "int32", "int64", "uint8",
	"uint16", "uint32", "uint64 above MaxInt64", "negative", "int64 beyond 32 bits",
	"float32", "half", "single", "double", "NaN", "Inf", "-0",
	"ASCII text", "non-ASCII text", "text of 24 bytes or more", "bytes", "nil bytes",
	"whole-second time", "fractional time", "zero time", "time outside UTC",
	"list", "empty list", "nil list", "list of 24 or more", "[]string",
	"map", "empty map", "nil map", "Session", "depth 4",
}

// genKinds records in seen the kinds of value v holds, v being at depth.
func genKinds(v any, depth int, seen map[string]bool) {
	if depth >= 4 {
		seen["depth 4"] = true
	}
	switch v := v.(type) {
	case nil:
		seen["nil"] = true
	case bool:
		seen["bool"] = true
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		seen[fmt.Sprintf("%T", v)] = true
		switch n := cborDecoded(v).(type) {
		case uint64:
			seen["uint64 above MaxInt64"] = true
		case int64:
			if n < 0 {
				seen["negative"] = true
			}
			if n < -1<<32 || n >= 1<<32 {
				seen["int64 beyond 32 bits"] = true
			}
		}
	case float32, float64:
		if _, ok := v.(float32); ok {
			seen["float32"] = true
		}
		f := cborDecoded(v).(float64)
		switch {
		case math.IsNaN(f):
			seen["NaN"] = true
		case math.IsInf(f, 0):
			seen["Inf"] = true
		case f == 0 && math.Signbit(f):
			seen["-0"] = true
		}
		if p, err := fxEnc.Marshal(f); err == nil {
			seen[map[int]string{3: "half", 5: "single", 9: "double"}[len(p)]] = true
		}
	case string:
		if strings.IndexFunc(v, func(r rune) bool { return r >= utf8.RuneSelf }) >= 0 {
			seen["non-ASCII text"] = true
		} else {
			seen["ASCII text"] = true
		}
		if len(v) >= 24 {
			seen["text of 24 bytes or more"] = true
		}
	case []byte:
		seen["bytes"] = true
		if v == nil {
			seen["nil bytes"] = true
		}
	case time.Time:
		switch {
		case v.IsZero():
			seen["zero time"] = true
		case v.Nanosecond() == 0:
			seen["whole-second time"] = true
		default:
			seen["fractional time"] = true
		}
		if v.Location() != time.UTC {
			seen["time outside UTC"] = true
		}
	case []string:
		seen["[]string"] = true
	case []any:
		seen["list"] = true
		seen["empty list"] = seen["empty list"] || len(v) == 0
		seen["nil list"] = seen["nil list"] || v == nil
		seen["list of 24 or more"] = seen["list of 24 or more"] || len(v) >= 24
		for _, x := range v {
			genKinds(x, depth+1, seen)
		}
	case cookiecodec.Session:
		if depth > 1 {
			seen["Session"] = true
		}
		genKinds(map[string]any(v), depth, seen)
	case map[string]any:
		seen["map"] = true
		seen["empty map"] = seen["empty map"] || len(v) == 0
		seen["nil map"] = seen["nil map"] || v == nil
		for _, x := range v {
			genKinds(x, depth+1, seen)
		}
	}
}
