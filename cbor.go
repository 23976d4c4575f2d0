package cookiecodec

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The session payload is a canonical subset of CBOR (RFC 8949): the core
// deterministic encoding of section 4.2.1, restricted to the types a
// [Session] holds. See SPEC.md, "Session payload".

// MaxSessionDepth is how deeply maps and arrays may nest in a session, the
// session itself counting as depth 1.
const MaxSessionDepth = 32

// CBOR major types, shifted into the initial byte.
const (
	majorUint   = 0 << 5
	majorNegInt = 1 << 5
	majorBytes  = 2 << 5
	majorText   = 3 << 5
	majorArray  = 4 << 5
	majorMap    = 5 << 5
	majorTag    = 6 << 5
	majorSimple = 7 << 5

	cborFalse = 0xf4
	cborTrue  = 0xf5
	cborNull  = 0xf6
	cborF16   = 0xf9
	cborF32   = 0xfa
	cborF64   = 0xfb

	tagRFC3339 = 0 // time with a fraction of a second, as RFC 3339 text
	tagEpoch   = 1 // whole-second time, as an integer of Unix seconds
)

// appendHead appends a CBOR initial byte and argument in shortest form.
func appendHead(dst []byte, major byte, n uint64) []byte {
	switch {
	case n < 24:
		return append(dst, major|byte(n))
	case n <= math.MaxUint8:
		return append(dst, major|24, byte(n))
	case n <= math.MaxUint16:
		return binary.BigEndian.AppendUint16(append(dst, major|25), uint16(n))
	case n <= math.MaxUint32:
		return binary.BigEndian.AppendUint32(append(dst, major|26), uint32(n))
	}
	return binary.BigEndian.AppendUint64(append(dst, major|27), n)
}

func appendInt(dst []byte, n int64) []byte {
	if n < 0 {
		return appendHead(dst, majorNegInt, uint64(-(n + 1)))
	}
	return appendHead(dst, majorUint, uint64(n))
}

func appendText(dst []byte, s string) []byte {
	return append(appendHead(dst, majorText, uint64(len(s))), s...)
}

// appendFloat appends f in the shortest of half, single and double
// precision that holds it exactly. Every NaN becomes the quiet NaN 0xf97e00.
func appendFloat(dst []byte, f float64) []byte {
	if math.IsNaN(f) {
		return append(dst, cborF16, 0x7e, 0x00)
	}
	f32 := float32(f)
	if float64(f32) != f {
		return binary.BigEndian.AppendUint64(append(dst, cborF64), math.Float64bits(f))
	}
	if h, ok := toHalf(f32); ok {
		return binary.BigEndian.AppendUint16(append(dst, cborF16), h)
	}
	return binary.BigEndian.AppendUint32(append(dst, cborF32), math.Float32bits(f32))
}

// toHalf returns f as an IEEE 754 half-precision value, if it is one
// exactly. f is not NaN.
func toHalf(f float32) (uint16, bool) {
	bits := math.Float32bits(f)
	sign := uint16(bits>>16) & 0x8000
	exp := int((bits>>23)&0xff) - 127
	mant := bits & 0x7fffff
	switch {
	case bits&0x7fffffff == 0: // ±0
		return sign, true
	case exp == 128: // ±Inf
		return sign | 0x7c00, true
	case exp >= -14 && exp <= 15: // normal half
		if mant&0x1fff != 0 {
			return 0, false
		}
		return sign | uint16(exp+15)<<10 | uint16(mant>>13), true
	case exp >= -24 && exp < -14: // subnormal half: m × 2^-24
		sig := 0x800000 | mant
		shift := uint(-(exp + 1))
		if sig&(1<<shift-1) != 0 {
			return 0, false
		}
		return sign | uint16(sig>>shift), true
	}
	return 0, false
}

// fromHalf returns the value of an IEEE 754 half-precision number.
func fromHalf(h uint16) float64 {
	exp := int(h>>10) & 0x1f
	mant := float64(h & 0x3ff)
	var f float64
	switch exp {
	case 0:
		f = math.Ldexp(mant, -24)
	case 0x1f:
		if mant != 0 {
			f = math.NaN()
		} else {
			f = math.Inf(1)
		}
	default:
		f = math.Ldexp(1024+mant, exp-25)
	}
	if h&0x8000 != 0 {
		f = -f
	}
	return f
}

// unixYear0 and unixYear10000 are the Unix times, in seconds, of the starts
// of years 0 and 10000 UTC: the range of times with a fraction of a second
// that tag 0 holds.
const unixYear0, unixYear10000 = -62167219200, 253402300800

// appendTime appends a time.Time: a whole second as tag 1 over the Unix
// seconds, anything finer as tag 0 over RFC 3339 text in UTC with the
// shortest fraction that keeps every nanosecond.
func appendTime(dst []byte, t time.Time) ([]byte, error) {
	t = t.UTC()
	if t.Nanosecond() == 0 {
		return appendInt(append(dst, majorTag|tagEpoch), t.Unix()), nil
	}
	// The range is checked on the Unix seconds, which t holds, rather than
	// on t.Year(), which would compute the date once more than
	// appendRFC3339 does.
	if u := t.Unix(); u < unixYear0 || u >= unixYear10000 {
		y, mo, d := t.Date()
		return nil, fmt.Errorf("time %d-%02d-%02d with a fraction of a second is outside years 0 to 9999", y, mo, d)
	}
	dst = append(dst, majorTag|tagRFC3339)
	var buf [rfc3339Len]byte
	text := appendRFC3339(buf[:0], t)
	return append(appendHead(dst, majorText, uint64(len(text))), text...), nil
}

// lessKey orders map keys as RFC 8949 section 4.2.1 orders their encoded
// forms: shorter first, then bytewise.
func lessKey(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}

// keyBefore reports whether lessKey(a, b) < 0, in a function small enough
// to inline where the decoder checks every key's order.
func keyBefore(a, b string) bool {
	return len(a) < len(b) || len(a) == len(b) && a < b
}

// sortKey returns an integer that orders keys as lessKey does, except
// between keys it maps to the same integer: the length in the top byte,
// then the first seven bytes. Keys of 255 bytes or more all map to one
// integer, which leaves their order to lessKey.
func sortKey(k string) uint64 {
	return sortKeyOf(len(k), keyPrefix(k))
}

// sortKeyOf is sortKey of a key of n bytes whose keyPrefix is prefix.
func sortKeyOf(n int, prefix uint64) uint64 {
	if n >= 255 {
		return 255 << 56
	}
	return uint64(n)<<56 | prefix>>8
}

// keyPrefix returns the first eight bytes of k as a big-endian integer,
// zero-padded. A key shorter than eight bytes is read in two overlapping
// loads (or three bytes) instead of byte by byte: the bytes where the
// loads overlap are the same, so or-ing them in twice is harmless.
func keyPrefix(k string) uint64 {
	switch n := len(k); {
	case n >= 8:
		return be64(k)
	case n >= 4:
		return be32(k)<<32 | be32(k[n-4:])<<(64-8*n)
	case n > 0:
		return uint64(k[0])<<56 | uint64(k[n/2])<<(56-8*(n/2)) | uint64(k[n-1])<<(64-8*n)
	}
	return 0
}

// be64 returns the first eight bytes of s as a big-endian integer. The
// compiler makes it one load.
func be64(s string) uint64 {
	_ = s[7]
	return uint64(s[7]) | uint64(s[6])<<8 | uint64(s[5])<<16 | uint64(s[4])<<24 |
		uint64(s[3])<<32 | uint64(s[2])<<40 | uint64(s[1])<<48 | uint64(s[0])<<56
}

// be32 returns the first four bytes of s as a big-endian integer, widened
// for keyPrefix to shift into place. The compiler makes it one load.
func be32(s string) uint64 {
	_ = s[3]
	return uint64(s[3]) | uint64(s[2])<<8 | uint64(s[1])<<16 | uint64(s[0])<<24
}

// le64 returns the first eight bytes of s as a little-endian integer. The
// compiler makes it one load.
func le64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// le32 returns the first four bytes of s as a little-endian integer. The
// compiler makes it one load.
func le32(s string) uint32 {
	_ = s[3]
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

// validText reports whether s is valid UTF-8, checking for plain ASCII
// first, which nearly every key and string of a session is.
func validText(s string) bool {
	return isASCII(s) || utf8.ValidString(s)
}

// hi8 and hi4 are the top bits of eight and four bytes: a word of text
// and'ed with them is zero when its bytes are all ASCII.
const hi8, hi4 = 0x8080808080808080, 0x80808080

// isASCII reports whether s is only ASCII. It reads s in eight-byte words
// and ends with one word that overlaps the last one; a string shorter than
// eight bytes is two overlapping four-byte words, or at most three bytes.
// Session keys and strings are mostly that short, and a loop over their
// bytes one by one was a tenth of the encoder's instructions.
func isASCII(s string) bool {
	n := len(s)
	switch {
	case n >= 8:
		for t := s; len(t) >= 8; t = t[8:] {
			if le64(t)&hi8 != 0 {
				return false
			}
		}
		return le64(s[n-8:])&hi8 == 0
	case n >= 4:
		return (le32(s)|le32(s[n-4:]))&hi4 == 0
	case n > 0:
		return (s[0]|s[n/2]|s[n-1])&0x80 == 0
	}
	return true
}

// encoder holds the reusable state of one encoding.
type encoder struct {
	buf  []byte
	keys []mapEntry // a stack of the entries of the large maps being encoded
}

// A mapEntry is a key of a map being encoded, with its value, so that
// sorting the keys does not cost a map lookup per key afterwards.
type mapEntry struct {
	k string
	v any
}

// smallMap is the most entries appendMap sorts on its own stack frame;
// larger maps use the encoder's pooled stack.
const smallMap = 16

// pathError records where in a session an unsupported value is.
type pathError struct {
	path []string // outermost last
	err  error
}

func (e *pathError) Error() string {
	var b strings.Builder
	b.WriteString("session")
	for i := len(e.path) - 1; i >= 0; i-- {
		b.WriteString(e.path[i])
	}
	b.WriteString(": ")
	b.WriteString(e.err.Error())
	return b.String()
}

func (e *pathError) Unwrap() error { return e.err }

func wrapPath(err error, elem string) error {
	if pe, ok := err.(*pathError); ok {
		pe.path = append(pe.path, elem)
		return pe
	}
	return &pathError{path: []string{elem}, err: err}
}

// appendMap appends m with its keys sorted.
func (e *encoder) appendMap(dst []byte, m map[string]any, depth int) ([]byte, error) {
	if depth > MaxSessionDepth {
		return nil, fmt.Errorf("nested deeper than %d", MaxSessionDepth)
	}
	if len(m) > smallMap {
		start := len(e.keys)
		for k, v := range m {
			e.keys = append(e.keys, mapEntry{k, v})
		}
		entries := e.keys[start:]
		slices.SortFunc(entries, func(a, b mapEntry) int { return lessKey(a.k, b.k) })
		dst = appendHead(dst, majorMap, uint64(len(entries)))
		var err error
		for _, en := range entries {
			if dst, err = e.appendEntry(dst, en, depth); err != nil {
				break
			}
		}
		// Nested maps may have moved e.keys to a larger array, which then
		// holds a copy of entries: clear the entries where e.keys has them.
		clear(e.keys[start:])
		e.keys = e.keys[:start]
		if err != nil {
			return nil, err
		}
		return dst, nil
	}
	// A small map is sorted in arrays on this stack frame, where writing
	// needs no write barriers. Each entry is sorted as one integer: its
	// sortKey with the low four bits replaced by its index in entries.
	// Keys whose integers tie but for the index (the same length and first
	// six and a half bytes) are put in order by lessKey afterwards.
	var entries [smallMap]mapEntry
	var order [smallMap]uint64
	n := 0
	checkKeys := false // whether some key may not be ASCII
	for k, v := range m {
		if n == smallMap {
			return nil, errors.New("map changed while being encoded")
		}
		entries[n] = mapEntry{k, v}
		p := keyPrefix(k)
		order[n] = sortKeyOf(len(k), p)&^indexMask | uint64(n)
		// The prefix is all of a key of up to eight bytes, most keys, so
		// its top bits are their whole ASCII check, and the loop below
		// validates keys only for a map where one may not be ASCII.
		if p&hi8 != 0 || len(k) > 8 && !isASCII(k[8:]) {
			checkKeys = true
		}
		n++
	}
	for i := 1; i < n; i++ {
		x, j := order[i], i
		for ; j > 0 && order[j-1] > x; j-- {
			order[j] = order[j-1]
		}
		order[j] = x
	}
	for i := 1; i < n; i++ {
		if (order[i]^order[i-1])&^indexMask == 0 {
			sortTies(order[:n], entries[:n])
			break
		}
	}
	dst = appendHead(dst, majorMap, uint64(n))
	var err error
	for _, o := range order[:n] {
		en := &entries[o&indexMask]
		if checkKeys && !validText(en.k) {
			return nil, keyError(en.k)
		}
		dst = appendText(dst, en.k)
		// Strings and ints, most values of a session, are written here
		// rather than through appendValue's call and type switch.
		switch v := en.v.(type) {
		case string:
			if isASCII(v) {
				dst = appendText(dst, v)
				continue
			}
		case int:
			dst = appendInt(dst, int64(v))
			continue
		}
		if dst, err = e.appendValue(dst, en.v, depth); err != nil {
			return nil, wrapPath(err, "["+strconv.Quote(en.k)+"]")
		}
	}
	return dst, nil
}

// indexMask holds the index into entries in the integers appendMap sorts
// a small map by.
const indexMask = smallMap - 1

// sortTies puts in lessKey order the runs of order, sorted, whose entries
// have the same sortKey but for the bits of indexMask.
func sortTies(order []uint64, entries []mapEntry) {
	for i := 1; i < len(order); i++ {
		x, j := order[i], i
		for ; j > 0 && order[j-1]|indexMask == x|indexMask && lessKey(entries[order[j-1]&indexMask].k, entries[x&indexMask].k) > 0; j-- {
			order[j] = order[j-1]
		}
		order[j] = x
	}
}

// keyError is the error of a key that is not valid UTF-8.
func keyError(k string) error {
	return wrapPath(errors.New("key is not valid UTF-8"), "["+strconv.QuoteToASCII(k)+"]")
}

// appendEntry appends the key and value of one map entry.
func (e *encoder) appendEntry(dst []byte, en mapEntry, depth int) ([]byte, error) {
	if !validText(en.k) {
		return nil, keyError(en.k)
	}
	dst = appendText(dst, en.k)
	dst, err := e.appendValue(dst, en.v, depth)
	if err != nil {
		return nil, wrapPath(err, "["+strconv.Quote(en.k)+"]")
	}
	return dst, nil
}

// appendValue appends v, which sits inside a map or array at depth.
func (e *encoder) appendValue(dst []byte, v any, depth int) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return append(dst, cborNull), nil
	case bool:
		if v {
			return append(dst, cborTrue), nil
		}
		return append(dst, cborFalse), nil
	case string:
		if !validText(v) {
			return nil, errors.New("string is not valid UTF-8")
		}
		return appendText(dst, v), nil
	case []byte:
		return append(appendHead(dst, majorBytes, uint64(len(v))), v...), nil
	case int64:
		return appendInt(dst, v), nil
	case int:
		return appendInt(dst, int64(v)), nil
	case int8, int16, int32, uint, uint8, uint16, uint32, uint64:
		i, u, neg, _ := integer(v)
		if neg {
			return appendInt(dst, i), nil
		}
		return appendHead(dst, majorUint, u), nil
	case float64:
		return appendFloat(dst, v), nil
	case float32:
		return appendFloat(dst, float64(v)), nil
	case time.Time:
		return appendTime(dst, v)
	case map[string]any:
		return e.appendMap(dst, v, depth+1)
	case Session:
		return e.appendMap(dst, v, depth+1)
	case []any:
		if depth+1 > MaxSessionDepth {
			return nil, fmt.Errorf("nested deeper than %d", MaxSessionDepth)
		}
		dst = appendHead(dst, majorArray, uint64(len(v)))
		var err error
		for i, x := range v {
			if dst, err = e.appendValue(dst, x, depth+1); err != nil {
				return nil, wrapPath(err, "["+strconv.Itoa(i)+"]")
			}
		}
		return dst, nil
	case []string:
		if depth+1 > MaxSessionDepth {
			return nil, fmt.Errorf("nested deeper than %d", MaxSessionDepth)
		}
		dst = appendHead(dst, majorArray, uint64(len(v)))
		for i, x := range v {
			if !validText(x) {
				return nil, wrapPath(errors.New("string is not valid UTF-8"), "["+strconv.Itoa(i)+"]")
			}
			dst = appendText(dst, x)
		}
		return dst, nil
	}
	return nil, fmt.Errorf("unsupported type %T", v)
}
