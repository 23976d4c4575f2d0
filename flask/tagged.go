package flask

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/cookiecodec/cookiecodec"
)

// Flask's tags (flask/json/tag.py). A tagged value is a one-member object
// whose key is the tag.
const (
	tagDict     = " di" // a one-key dict whose key is itself a tag
	tagTuple    = " t"
	tagBytes    = " b"
	tagMarkup   = " m"
	tagUUID     = " u"
	tagDateTime = " d"
)

func isTag(k string) bool {
	switch k {
	case tagDict, tagTuple, tagBytes, tagMarkup, tagUUID, tagDateTime:
		return true
	}
	return false
}

// httpDate is the layout of the " d" tag: werkzeug's http_date, the
// IMF-fixdate of RFC 9110, always in GMT.
const httpDate = "Mon, 02 Jan 2006 15:04:05 GMT"

// MarshalTagged returns s in Flask's tagged JSON, byte for byte as Flask
// writes a session inside a request: keys sorted, non-ASCII characters
// escaped, no spaces, floats as Python's repr writes them.
//
// Values may be those a [cookiecodec.Session] holds (nil, bool, any Go
// integer type, float32, float64, string, []byte, time.Time, []any,
// []string, map[string]any and cookiecodec.Session) and, for Python's
// types, [Tuple], [Markup], [UUID], and [json.Number] or *big.Int for
// integers of up to [MaxIntDigits] digits, the most Python reads. Times
// are written in UTC to the second, as Flask does, and must fall in the
// years 100 to 9999: Flask reads earlier years back as different ones. Strings and keys must be valid UTF-8. Maps and
// arrays nest at most [cookiecodec.MaxSessionDepth] deep. The error names
// the path of a value it cannot write, never the value.
func MarshalTagged(s cookiecodec.Session) ([]byte, error) {
	e := encoders.Get().(*encoder)
	defer putEncoder(e)
	p, err := e.appendMap(nil, s, 1)
	if err != nil {
		return nil, fmt.Errorf("flask: %w", err)
	}
	return p, nil
}

// UnmarshalTagged parses Flask's tagged JSON, as Flask reads a session
// cookie's payload: tagged values decode to [Tuple], []byte, [Markup],
// [UUID] and time.Time (in UTC); untagged values to the types the native
// session decoder produces (nil, bool, int64, float64, string, []any,
// map[string]any), with integers beyond uint64 as [json.Number] and
// integers above math.MaxInt64 as uint64; an integer of more than
// [MaxIntDigits] digits is an error, as in Python. The top level must be an
// object. Errors give an offset into data, never its content.
//
// It is stricter than Flask only on text Flask never writes: duplicate
// keys, unpaired surrogates, malformed tags such as a " t" that is not an
// array or a " d" that is not an HTTP date in GMT (Flask would fail with an
// exception or turn them into other values), and nesting deeper than
// [cookiecodec.MaxSessionDepth].
func UnmarshalTagged(data []byte) (cookiecodec.Session, error) {
	s, err := unmarshalTagged(data)
	if err != nil {
		return nil, fmt.Errorf("flask: malformed tagged JSON: %w", err)
	}
	return s, nil
}

func unmarshalTagged(data []byte) (cookiecodec.Session, error) {
	p := parser{data: data, hook: untag}
	v, err := p.parse()
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("top level is not an object")
	}
	if d := depth(m); d > cookiecodec.MaxSessionDepth {
		return nil, fmt.Errorf("nested deeper than %d", cookiecodec.MaxSessionDepth)
	}
	return cookiecodec.Session(m), nil
}

// depth returns how deeply maps, arrays and tuples nest in v, counting v.
func depth(v any) int {
	var max int
	switch v := v.(type) {
	case map[string]any:
		for _, x := range v {
			max = maxInt(max, depth(x))
		}
	case []any:
		for _, x := range v {
			max = maxInt(max, depth(x))
		}
	case Tuple:
		for _, x := range v {
			max = maxInt(max, depth(x))
		}
	default:
		return 0
	}
	return max + 1
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// untag is Flask's TaggedJSONSerializer.untag: it turns a one-member
// object whose key is a tag into the tagged value. Its members are already
// untagged, so untagging is recursive, from the inside out.
func untag(m map[string]any) (any, error) {
	if len(m) != 1 {
		return m, nil
	}
	for k, v := range m {
		if !isTag(k) {
			return m, nil
		}
		fail := func(want string) error { return fmt.Errorf("malformed %q tag: want %s", k, want) }
		if k == tagDict {
			// {" di": {"key__": value}} is {"key": value}.
			inner, ok := v.(map[string]any)
			if !ok || len(inner) != 1 {
				return nil, fail("an object with one key")
			}
			for ik, iv := range inner {
				if !strings.HasSuffix(ik, "__") {
					return nil, fail(`a key ending in "__"`)
				}
				return map[string]any{ik[:len(ik)-2]: iv}, nil
			}
		}
		if k == tagTuple {
			l, ok := v.([]any)
			if !ok {
				return nil, fail("an array")
			}
			return Tuple(l), nil
		}
		s, ok := v.(string)
		if !ok {
			return nil, fail("a string")
		}
		switch k {
		case tagBytes:
			b, err := base64.StdEncoding.Strict().DecodeString(s)
			if err != nil {
				return nil, fail("standard base64")
			}
			return b, nil
		case tagMarkup:
			return Markup(s), nil
		case tagUUID:
			u, err := ParseUUID(s)
			if err != nil {
				return nil, fail("32 hexadecimal digits")
			}
			return u, nil
		case tagDateTime:
			t, err := parseHTTPDate(s)
			if err != nil {
				return nil, fail("an HTTP date")
			}
			return t, nil
		}
	}
	panic("flask: internal error: unhandled tag")
}

// parseHTTPDate reads the " d" tag as werkzeug's parse_date does for the
// dates http_date writes, including Python's email.utils rule that a year
// below 100 is 19yy above 68 and 20yy otherwise: Flask writes
// datetime(50, 1, 1) as year "0050" and reads it back as 2050.
func parseHTTPDate(s string) (time.Time, error) {
	t, err := time.Parse(httpDate, s)
	if err != nil {
		return time.Time{}, err
	}
	if y := t.Year(); y < 100 {
		add := 2000
		if y > 68 {
			add = 1900
		}
		t = t.AddDate(add, 0, 0)
	}
	return t.UTC(), nil
}

// encoder holds the reusable state of one encoding.
type encoder struct {
	keys []string // a stack of the keys of the maps being encoded
}

var encoders = sync.Pool{New: func() any { return &encoder{keys: make([]string, 0, 32)} }}

func putEncoder(e *encoder) {
	clear(e.keys[:cap(e.keys)])
	e.keys = e.keys[:0]
	encoders.Put(e)
}

// pathError records where in a session a value that cannot be written is.
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

func errDepth() error {
	return fmt.Errorf("nested deeper than %d", cookiecodec.MaxSessionDepth)
}

// appendMap appends m, a map at depth, with sorted keys. A one-key map
// whose key is a tag is escaped with the " di" tag, as Flask does.
func (e *encoder) appendMap(dst []byte, m map[string]any, depth int) ([]byte, error) {
	if depth > cookiecodec.MaxSessionDepth {
		return nil, errDepth()
	}
	if len(m) == 1 {
		for k, v := range m {
			if !isTag(k) {
				break
			}
			dst = append(dst, `{" di":{`...)
			dst = appendString(dst, k+"__")
			dst = append(dst, ':')
			dst, err := e.appendValue(dst, v, depth)
			if err != nil {
				return nil, wrapPath(err, "["+strconv.Quote(k)+"]")
			}
			return append(dst, '}', '}'), nil
		}
	}
	start := len(e.keys)
	for k := range m {
		e.keys = append(e.keys, k)
	}
	keys := e.keys[start:]
	// Python sorts str keys by code point, which is byte order for UTF-8.
	slices.Sort(keys)
	defer func() { e.keys = e.keys[:start] }()
	dst = append(dst, '{')
	var err error
	for i, k := range keys {
		if !utf8.ValidString(k) {
			return nil, wrapPath(errors.New("key is not valid UTF-8"), "["+strconv.QuoteToASCII(k)+"]")
		}
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, k)
		dst = append(dst, ':')
		if dst, err = e.appendValue(dst, m[k], depth); err != nil {
			return nil, wrapPath(err, "["+strconv.Quote(k)+"]")
		}
	}
	return append(dst, '}'), nil
}

// appendTag appends the start of a value tagged with tag: {"tag":
func appendTag(dst []byte, tag string) []byte {
	dst = append(dst, `{"`...)
	dst = append(dst, tag...)
	return append(dst, `":`...)
}

// appendValue appends v, which sits inside a map or array at depth.
func (e *encoder) appendValue(dst []byte, v any, depth int) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case bool:
		return strconv.AppendBool(dst, v), nil
	case string:
		if !utf8.ValidString(v) {
			return nil, errors.New("string is not valid UTF-8")
		}
		return appendString(dst, v), nil
	case int64:
		return strconv.AppendInt(dst, v, 10), nil
	case int:
		return strconv.AppendInt(dst, int64(v), 10), nil
	case int8:
		return strconv.AppendInt(dst, int64(v), 10), nil
	case int16:
		return strconv.AppendInt(dst, int64(v), 10), nil
	case int32:
		return strconv.AppendInt(dst, int64(v), 10), nil
	case uint:
		return strconv.AppendUint(dst, uint64(v), 10), nil
	case uint8:
		return strconv.AppendUint(dst, uint64(v), 10), nil
	case uint16:
		return strconv.AppendUint(dst, uint64(v), 10), nil
	case uint32:
		return strconv.AppendUint(dst, uint64(v), 10), nil
	case uint64:
		return strconv.AppendUint(dst, v, 10), nil
	case json.Number:
		if !isCanonicalInt(string(v)) {
			return nil, errors.New("json.Number is not an integer in canonical form")
		}
		if err := checkIntDigits(len(strings.TrimPrefix(string(v), "-"))); err != nil {
			return nil, err
		}
		return append(dst, v...), nil
	case *big.Int:
		if v == nil {
			return nil, errors.New("nil *big.Int")
		}
		// An integer below 10^MaxIntDigits has at most maxIntBits bits:
		// refuse longer ones before converting them, which costs more
		// than linear time.
		if v.BitLen() > maxIntBits {
			return nil, fmt.Errorf("integer of more than %d digits, which Python refuses", MaxIntDigits)
		}
		start := len(dst)
		dst = v.Append(dst, 10)
		digits := len(dst) - start
		if v.Sign() < 0 {
			digits--
		}
		if err := checkIntDigits(digits); err != nil {
			return nil, err
		}
		return dst, nil
	case float64:
		return appendFloat(dst, v), nil
	case float32:
		return appendFloat(dst, float64(v)), nil
	case []byte:
		dst = appendTag(dst, tagBytes)
		dst = append(dst, '"')
		dst = base64.StdEncoding.AppendEncode(dst, v)
		return append(dst, '"', '}'), nil
	case Markup:
		if !utf8.ValidString(string(v)) {
			return nil, errors.New("Markup is not valid UTF-8")
		}
		dst = appendTag(dst, tagMarkup)
		dst = appendString(dst, string(v))
		return append(dst, '}'), nil
	case UUID:
		dst = appendTag(dst, tagUUID)
		dst = append(dst, '"')
		dst = hex.AppendEncode(dst, v[:])
		return append(dst, '"', '}'), nil
	case time.Time:
		t := v.UTC()
		if y := t.Year(); y < 100 || y > 9999 {
			return nil, fmt.Errorf("time in year %d: Flask reads back only years 100 to 9999", y)
		}
		dst = appendTag(dst, tagDateTime)
		dst = append(dst, '"')
		dst = t.AppendFormat(dst, httpDate)
		return append(dst, '"', '}'), nil
	case map[string]any:
		return e.appendMap(dst, v, depth+1)
	case cookiecodec.Session:
		return e.appendMap(dst, v, depth+1)
	case Tuple:
		dst = appendTag(dst, tagTuple)
		dst, err := e.appendArray(dst, v, depth)
		if err != nil {
			return nil, err
		}
		return append(dst, '}'), nil
	case []any:
		return e.appendArray(dst, v, depth)
	case []string:
		if depth+1 > cookiecodec.MaxSessionDepth {
			return nil, errDepth()
		}
		dst = append(dst, '[')
		for i, x := range v {
			if !utf8.ValidString(x) {
				return nil, wrapPath(errors.New("string is not valid UTF-8"), "["+strconv.Itoa(i)+"]")
			}
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendString(dst, x)
		}
		return append(dst, ']'), nil
	}
	return nil, fmt.Errorf("unsupported type %T", v)
}

// appendArray appends the array l, nested inside a container at depth.
func (e *encoder) appendArray(dst []byte, l []any, depth int) ([]byte, error) {
	if depth+1 > cookiecodec.MaxSessionDepth {
		return nil, errDepth()
	}
	dst = append(dst, '[')
	var err error
	for i, x := range l {
		if i > 0 {
			dst = append(dst, ',')
		}
		if dst, err = e.appendValue(dst, x, depth+1); err != nil {
			return nil, wrapPath(err, "["+strconv.Itoa(i)+"]")
		}
	}
	return append(dst, ']'), nil
}

// maxIntBits is the bit length of 10^MaxIntDigits - 1, the largest
// integer of MaxIntDigits digits.
const maxIntBits = 14285

// checkIntDigits refuses an integer of more than MaxIntDigits digits.
func checkIntDigits(digits int) error {
	if digits > MaxIntDigits {
		return fmt.Errorf("integer of %d digits, more than the %d that Python reads", digits, MaxIntDigits)
	}
	return nil
}

// isCanonicalInt reports whether s is -?(0|[1-9][0-9]*), not "-0".
func isCanonicalInt(s string) bool {
	if strings.HasPrefix(s, "-") {
		s = s[1:]
		if s == "0" {
			return false
		}
	}
	if s == "" || s[0] == '0' && len(s) > 1 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}
