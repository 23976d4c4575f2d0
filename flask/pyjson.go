package flask

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// This file reads and writes JSON as Python's json module does with the
// settings Flask uses for sessions inside a request: ensure_ascii=True,
// sort_keys=True, separators=(",", ":") and allow_nan=True.

// appendString appends s as a JSON string escaped as Python's
// ensure_ascii=True does: printable ASCII stays, except '"' and '\\'; \b,
// \f, \n, \r and \t use their short escapes; everything else, DEL
// included, is \u escaped with lowercase hex digits, as a UTF-16 surrogate
// pair beyond the Basic Multilingual Plane. '<', '>' and '&' are not
// escaped. s must be valid UTF-8.
func appendString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f && c != '"' && c != '\\' {
			i++
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"':
			dst = append(dst, '\\', '"')
		case '\\':
			dst = append(dst, '\\', '\\')
		case '\b':
			dst = append(dst, '\\', 'b')
		case '\f':
			dst = append(dst, '\\', 'f')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			i += size - 1
			units := [2]rune{r, 0}
			n := 1
			if r >= 0x10000 {
				units[0], units[1] = utf16.EncodeRune(r)
				n = 2
			}
			for _, u := range units[:n] {
				dst = append(dst, '\\', 'u', hex[u>>12&0xf], hex[u>>8&0xf], hex[u>>4&0xf], hex[u&0xf])
			}
		}
		i++
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// appendFloat appends f as Python's float.__repr__ writes it, which is what
// json.dumps uses: the shortest digits that round-trip; positional notation
// with at least one digit after the point when the decimal exponent is in
// [-4, 16), scientific notation with a signed exponent of at least two
// digits otherwise; NaN, Infinity and -Infinity for the special values.
func appendFloat(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	}
	var buf [32]byte
	e := strconv.AppendFloat(buf[:0], f, 'e', -1, 64)
	// e is [-]d[.ddd]e±dd[d]; Python's decpt is the exponent plus one.
	exp := 0
	for i := len(e) - 1; i >= 0; i-- {
		if e[i] == 'e' {
			exp, _ = strconv.Atoi(string(e[i+1:]))
			break
		}
	}
	if decpt := exp + 1; decpt > 16 || decpt <= -4 {
		return append(dst, e...)
	}
	start := len(dst)
	dst = strconv.AppendFloat(dst, f, 'f', -1, 64)
	for _, c := range dst[start:] {
		if c == '.' {
			return dst
		}
	}
	return append(dst, '.', '0')
}

// A jsonSyntaxError reports where a payload stops being JSON. It never
// quotes the payload.
type jsonSyntaxError struct {
	msg string
	off int
}

func (e *jsonSyntaxError) Error() string {
	return fmt.Sprintf("%s at offset %d", e.msg, e.off)
}

// objectHook turns a decoded JSON object, whose members are already
// decoded, into its value, as the object_hook of Python's json.loads does.
type objectHook func(m map[string]any) (any, error)

// MaxIntDigits is the most decimal digits, sign not counted, an integer
// in a Flask session may have: 4300, the default of Python's
// sys.get_int_max_str_digits(). Python refuses to convert a longer
// integer from or to text, so Flask rejects a cookie holding one and
// fails (an HTTP 500) when it writes one. [UnmarshalTagged] and
// [Codec.Decode] reject such an integer, and [MarshalTagged] and
// [Codec.Encode] refuse to write one.
const MaxIntDigits = 4300

// maxJSONDepth bounds the nesting of JSON containers the parser reads, so
// that recursion stays shallow. Tags wrap values in one or two extra
// objects, so this is well above what a session of MaxSessionDepth needs.
const maxJSONDepth = 128

// A parser reads one JSON text as Python's json.loads does, with two
// exceptions that only matter for text Python's own json.dumps never
// writes: duplicate object keys and unpaired UTF-16 surrogates in \u
// escapes are errors (Python keeps the last key and the lone surrogate).
// Like Python, it accepts NaN, Infinity and -Infinity, and any whitespace
// between tokens.
//
// Numbers decode as Python reads them: integer literals exactly, as int64,
// uint64 above math.MaxInt64, or [json.Number] beyond, up to
// [MaxIntDigits] digits, as Python refuses longer ones; literals with a
// fraction or an exponent as float64, rounding to ±Inf on overflow as
// Python's float() does.
type parser struct {
	data []byte
	off  int
	hook objectHook
}

func (p *parser) fail(msg string) error {
	return &jsonSyntaxError{msg: msg, off: p.off}
}

// parse reads the whole of data as one value.
func (p *parser) parse() (any, error) {
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.off != len(p.data) {
		return nil, p.fail("trailing data")
	}
	return v, nil
}

func (p *parser) space() {
	for p.off < len(p.data) {
		switch p.data[p.off] {
		case ' ', '\t', '\n', '\r':
			p.off++
		default:
			return
		}
	}
}

func (p *parser) literal(lit string, v any) (any, error) {
	if len(p.data)-p.off < len(lit) || string(p.data[p.off:p.off+len(lit)]) != lit {
		return nil, p.fail("invalid literal")
	}
	p.off += len(lit)
	return v, nil
}

func (p *parser) value(depth int) (any, error) {
	p.space()
	if p.off >= len(p.data) {
		return nil, p.fail("unexpected end of data")
	}
	switch c := p.data[p.off]; {
	case c == '{':
		return p.object(depth + 1)
	case c == '[':
		return p.array(depth + 1)
	case c == '"':
		return p.string()
	case c == 't':
		return p.literal("true", true)
	case c == 'f':
		return p.literal("false", false)
	case c == 'n':
		return p.literal("null", nil)
	case c == 'N':
		return p.literal("NaN", math.NaN())
	case c == 'I':
		return p.literal("Infinity", math.Inf(1))
	case c == '-' && p.off+1 < len(p.data) && p.data[p.off+1] == 'I':
		return p.literal("-Infinity", math.Inf(-1))
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	default:
		return nil, p.fail("unexpected byte")
	}
}

func (p *parser) object(depth int) (any, error) {
	if depth > maxJSONDepth {
		return nil, p.fail(fmt.Sprintf("nested deeper than %d", maxJSONDepth))
	}
	p.off++ // '{'
	m := map[string]any{}
	p.space()
	if p.off < len(p.data) && p.data[p.off] == '}' {
		p.off++
		return p.callHook(m)
	}
	for {
		p.space()
		if p.off >= len(p.data) || p.data[p.off] != '"' {
			return nil, p.fail("object key is not a string")
		}
		keyOff := p.off
		k, err := p.string()
		if err != nil {
			return nil, err
		}
		if _, dup := m[k]; dup {
			p.off = keyOff
			return nil, p.fail("duplicate object key")
		}
		p.space()
		if p.off >= len(p.data) || p.data[p.off] != ':' {
			return nil, p.fail("missing ':' after object key")
		}
		p.off++
		v, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		m[k] = v
		p.space()
		if p.off >= len(p.data) {
			return nil, p.fail("unexpected end of data")
		}
		switch p.data[p.off] {
		case ',':
			p.off++
		case '}':
			p.off++
			return p.callHook(m)
		default:
			return nil, p.fail("missing ',' or '}' in object")
		}
	}
}

// callHook passes the object that ends just before p.off to p.hook.
func (p *parser) callHook(m map[string]any) (any, error) {
	v, err := p.hook(m)
	if err != nil {
		return nil, &jsonSyntaxError{msg: err.Error(), off: p.off - 1}
	}
	return v, nil
}

func (p *parser) array(depth int) (any, error) {
	if depth > maxJSONDepth {
		return nil, p.fail(fmt.Sprintf("nested deeper than %d", maxJSONDepth))
	}
	p.off++ // '['
	a := []any{}
	p.space()
	if p.off < len(p.data) && p.data[p.off] == ']' {
		p.off++
		return a, nil
	}
	for {
		v, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		a = append(a, v)
		p.space()
		if p.off >= len(p.data) {
			return nil, p.fail("unexpected end of data")
		}
		switch p.data[p.off] {
		case ',':
			p.off++
		case ']':
			p.off++
			return a, nil
		default:
			return nil, p.fail("missing ',' or ']' in array")
		}
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// number reads -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?, the
// grammar of Python's scanner.
func (p *parser) number() (any, error) {
	d, start := p.data, p.off
	i := p.off
	if d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && isDigit(d[i]):
		for i < len(d) && isDigit(d[i]) {
			i++
		}
	default:
		return nil, p.fail("invalid number")
	}
	isFloat := false
	if i+1 < len(d) && d[i] == '.' && isDigit(d[i+1]) {
		isFloat = true
		i += 2
		for i < len(d) && isDigit(d[i]) {
			i++
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		j := i + 1
		if j < len(d) && (d[j] == '+' || d[j] == '-') {
			j++
		}
		if j < len(d) && isDigit(d[j]) {
			isFloat = true
			for i = j; i < len(d) && isDigit(d[i]); i++ {
			}
		}
	}
	if !isFloat {
		digits := i - start
		if d[start] == '-' {
			digits--
		}
		if digits > MaxIntDigits {
			return nil, p.fail(fmt.Sprintf("integer of %d digits, more than the %d that Python reads", digits, MaxIntDigits))
		}
	}
	p.off = i
	lit := string(d[start:i])
	if isFloat {
		if len(lit) > maxShortFloat {
			return parseLongFloat(lit), nil
		}
		f, err := strconv.ParseFloat(lit, 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			p.off = start
			return nil, p.fail("invalid number")
		}
		return f, nil
	}
	return parseInt(lit), nil
}

// maxShortFloat is the longest float literal, in bytes, that the parser
// hands to strconv.ParseFloat as it is. Python's repr writes at most 24.
const maxShortFloat = 100

// parseLongFloat returns the value of lit, a float literal of the JSON
// grammar, as Python's float() reads it: correctly rounded, whatever the
// number of digits and the exponent. strconv.ParseFloat misreads some long
// literals (golang/go#42436): "1" followed by 800 zeros and "e-800" gives
// 0.1, and an exponent beyond 10000 is cut short. parseLongFloat hands it
// the same value as 0.DIGITS e POINT, the digits without leading or
// trailing zeros and POINT in -400 to 400, which it reads right.
func parseLongFloat(lit string) float64 {
	neg := lit[0] == '-'
	if neg {
		lit = lit[1:]
	}
	mant, exp, _ := strings.Cut(strings.ToLower(lit), "e")
	intPart, frac, _ := strings.Cut(mant, ".")
	all := intPart + frac
	digits := strings.TrimLeft(all, "0")
	leadingZeros := len(all) - len(digits)
	// The value is 0.digits × 10^point.
	point := len(intPart) - leadingZeros + saturatedExponent(exp)
	digits = strings.TrimRight(digits, "0")
	var f float64
	switch {
	case digits == "" || point < -400: // below half the smallest subnormal, 5e-324
		f = 0
	case point > 400: // above the largest double, 1.8e308
		f = math.Inf(1)
	default:
		f, _ = strconv.ParseFloat("0."+digits+"e"+strconv.Itoa(point), 64)
	}
	if neg {
		f = -f
	}
	return f
}

// saturatedExponent returns the exponent exp, [-+]?[0-9]* ("" is 0),
// clamped to ±1e9, beyond which a literal of at most
// [cookiecodec.MaxInflatedSize] digits is 0 or infinite.
func saturatedExponent(exp string) int {
	neg := strings.HasPrefix(exp, "-")
	exp = strings.TrimLeft(exp, "+-")
	e := 0
	for i := 0; i < len(exp) && e < 1e9; i++ {
		e = e*10 + int(exp[i]-'0')
	}
	e = min(e, 1e9)
	if neg {
		return -e
	}
	return e
}

// parseInt returns the integer literal lit as int64, uint64 above
// math.MaxInt64, or json.Number beyond uint64. "-0" is 0, as in Python.
func parseInt(lit string) any {
	if n, err := strconv.ParseInt(lit, 10, 64); err == nil {
		return n
	}
	if n, err := strconv.ParseUint(lit, 10, 64); err == nil {
		return n
	}
	return json.Number(lit)
}

// string reads a JSON string as Python's strict decoder does: control
// characters must be escaped, escapes are the JSON ones. The text must be
// valid UTF-8, as Flask decodes the payload as UTF-8 before parsing it.
func (p *parser) string() (string, error) {
	p.off++ // '"'
	d := p.data
	start := p.off
	// Fast path: no escapes.
	for i := p.off; i < len(d); i++ {
		c := d[i]
		if c == '"' {
			s := d[start:i]
			if !utf8.Valid(s) {
				return "", p.fail("string is not valid UTF-8")
			}
			p.off = i + 1
			return string(s), nil
		}
		if c == '\\' {
			break
		}
		if c < 0x20 {
			p.off = i
			return "", p.fail("control character in string")
		}
	}
	var b []byte
	for {
		if p.off >= len(d) {
			return "", p.fail("unterminated string")
		}
		c := d[p.off]
		switch {
		case c == '"':
			p.off++
			if !utf8.Valid(b) {
				return "", p.fail("string is not valid UTF-8")
			}
			return string(b), nil
		case c < 0x20:
			return "", p.fail("control character in string")
		case c != '\\':
			b = append(b, c)
			p.off++
			continue
		}
		if p.off+1 >= len(d) {
			return "", p.fail("unterminated string")
		}
		esc := d[p.off+1]
		p.off += 2
		switch esc {
		case '"', '\\', '/':
			b = append(b, esc)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return "", p.fail("invalid \\u escape")
			}
			if utf16.IsSurrogate(r) {
				lo, ok := rune(0), false
				if r < 0xdc00 && p.off+1 < len(d) && d[p.off] == '\\' && d[p.off+1] == 'u' {
					p.off += 2
					lo, ok = p.hex4()
				}
				if r = utf16.DecodeRune(r, lo); !ok || r == utf8.RuneError {
					return "", p.fail("unpaired surrogate in \\u escape")
				}
			}
			b = utf8.AppendRune(b, r)
		default:
			p.off -= 2
			return "", p.fail("invalid escape")
		}
	}
}

// hex4 reads the four hexadecimal digits of a \u escape.
func (p *parser) hex4() (rune, bool) {
	if len(p.data)-p.off < 4 {
		return 0, false
	}
	var r rune
	for _, c := range p.data[p.off : p.off+4] {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	p.off += 4
	return r, true
}
