package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cookiecodec/cookiecodec"
)

// This file is the typed JSON of decode --typed and encode --typed: JSON
// in which every value of a native session that plain JSON would lose
// carries its type, so that decode, edit and encode give back the same
// payload bytes. In the spirit of Flask's tagged JSON (see flask/tagged.go),
// a typed value is a one-member object whose key is the tag:
//
//	{"$bytes": "AAH/"}                          []byte, standard base64
//	{"$time": "2026-11-28T01:02:03.123456789Z"} time.Time, RFC 3339, in UTC
//	{"$unix": "253402300800"}                   time.Time, whole Unix seconds
//	{"$int64": "9007199254740993"}              int64 beyond ±2^53
//	{"$uint64": "18446744073709551615"}         uint64 beyond 2^53
//	{"$float32": 0.1}                           float of float32 precision
//	{"$float64": 0.1}                           float of float64 precision
//	{"$float64": "NaN"}                         also "Inf" and "-Inf"
//	{"$map": {"$bytes": 1}}                     a map whose one key begins with "$"
//
// Strings, booleans, null, integers within ±2^53, arrays and objects are
// plain JSON. Reading, a plain number is what encode makes of it without
// --typed (an integer without fraction or exponent is int64, or uint64
// above math.MaxInt64; another number is float64), so plain JSON means the
// same with and without --typed, except for one-member objects with a
// "$" key.

// Tags of the typed JSON.
const (
	typedBytes   = "$bytes"
	typedTime    = "$time"
	typedUnix    = "$unix"
	typedInt64   = "$int64"
	typedUint64  = "$uint64"
	typedFloat32 = "$float32"
	typedFloat64 = "$float64"
	typedMap     = "$map"
)

// maxExactInt is the largest integer magnitude, 2^53, that every JSON
// reader holds exactly (as a float64); larger ones are tagged.
const maxExactInt = 1 << 53

// printTyped prints a native session as typed JSON: the session on stdout
// and the metadata on stderr, or both in one object on stdout.
func (c *cli) printTyped(m meta, s cookiecodec.Session, asJSON bool) int {
	var w typedWriter
	out, err := w.object(s)
	if err != nil {
		c.errorf("%s", err)
		return exitRejected
	}
	if asJSON {
		err = writeJSON(c.stdout, struct {
			meta
			Session any `json:"session"`
		}{m, out})
	} else {
		m.print(c.stderr)
		err = writeJSON(c.stdout, out)
	}
	if err != nil {
		c.errorf("writing the session: %v", err)
		return exitUsage
	}
	return exitOK
}

// marshalTyped returns s in typed JSON, as decode --typed prints it.
func marshalTyped(s cookiecodec.Session) ([]byte, error) {
	var w typedWriter
	out, err := w.object(s)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := writeJSON(&b, out); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// A typedWriter converts session values into values that encoding/json
// prints as typed JSON.
type typedWriter struct {
	path jsonPath
}

func withTag(tag string, v any) map[string]any { return map[string]any{tag: v} }

// object converts a map, escaping it with "$map" when its one key begins
// with "$".
func (w *typedWriter) object(m map[string]any) (any, error) {
	out := make(map[string]any, len(m))
	for k, v := range m {
		w.path.pushKey(k)
		x, err := w.value(v)
		if err != nil {
			return nil, err
		}
		w.path.pop()
		out[k] = x
		if len(m) == 1 && strings.HasPrefix(k, "$") {
			return withTag(typedMap, out), nil
		}
	}
	return out, nil
}

func (w *typedWriter) value(v any) (any, error) {
	switch t := v.(type) {
	case nil, bool, string:
		return t, nil
	case int64:
		return typedInt(t), nil
	case int:
		return typedInt(int64(t)), nil
	case int8:
		return typedInt(int64(t)), nil
	case int16:
		return typedInt(int64(t)), nil
	case int32:
		return typedInt(int64(t)), nil
	case uint:
		return typedUint(uint64(t)), nil
	case uint8:
		return typedUint(uint64(t)), nil
	case uint16:
		return typedUint(uint64(t)), nil
	case uint32:
		return typedUint(uint64(t)), nil
	case uint64:
		return typedUint(t), nil
	case float64:
		return typedFloat(t), nil
	case float32:
		return typedFloat(float64(t)), nil
	case []byte:
		return withTag(typedBytes, base64.StdEncoding.EncodeToString(t)), nil
	case time.Time:
		t = t.UTC()
		if y := t.Year(); y >= 0 && y <= 9999 {
			return withTag(typedTime, t.Format(time.RFC3339Nano)), nil
		}
		if t.Nanosecond() != 0 {
			return nil, fmt.Errorf("session value at %s: a time in year %d with a fraction of a second, which a session cannot hold", &w.path, t.Year())
		}
		return withTag(typedUnix, strconv.FormatInt(t.Unix(), 10)), nil
	case map[string]any:
		return w.object(t)
	case cookiecodec.Session:
		return w.object(t)
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			w.path.pushIndex(i)
			x, err := w.value(e)
			if err != nil {
				return nil, err
			}
			w.path.pop()
			out[i] = x
		}
		return out, nil
	case []string:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = e
		}
		return out, nil
	}
	return nil, fmt.Errorf("session value at %s: unsupported type %T", &w.path, v)
}

func typedInt(n int64) any {
	if n >= -maxExactInt && n <= maxExactInt {
		return json.Number(strconv.FormatInt(n, 10))
	}
	return withTag(typedInt64, strconv.FormatInt(n, 10))
}

func typedUint(n uint64) any {
	if n <= maxExactInt {
		return json.Number(strconv.FormatUint(n, 10))
	}
	return withTag(typedUint64, strconv.FormatUint(n, 10))
}

// typedFloat tags f as $float32 when float32 holds it exactly (the rule by
// which Get[float32] reads it), so that it prints as short as it was
// written ("0.1", not "0.10000000149011612"), and $float64 otherwise.
func typedFloat(f float64) any {
	tag, bits := typedFloat64, 64
	if float64(float32(f)) == f {
		tag, bits = typedFloat32, 32
	}
	switch {
	case math.IsNaN(f):
		return withTag(tag, "NaN")
	case math.IsInf(f, 1):
		return withTag(tag, "Inf")
	case math.IsInf(f, -1):
		return withTag(tag, "-Inf")
	}
	return withTag(tag, json.Number(strconv.FormatFloat(f, 'g', -1, bits)))
}

// maxTypedNesting is how deeply the JSON of a typed session may nest: each
// level of the session may be a "$map" escape around an object.
const maxTypedNesting = 2*cookiecodec.MaxSessionDepth + 1

// parseTypedSession parses typed JSON into a Session. The JSON is read
// into a tree first and converted after, since whether an object is a
// typed value shows only at its end; both passes keep the position as a
// stack that becomes text only for an error, so time and memory are linear
// in the input.
func parseTypedSession(data []byte) (cookiecodec.Session, error) {
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("JSON input is not valid UTF-8 at byte %d", invalidUTF8At(data))
	}
	// A "$map" escape holds a map, never another escape: JSON nested
	// deeper than maxTypedNesting holds more than MaxSessionDepth maps
	// and arrays, and jsonParser says so.
	tree, err := parseObject(data, &jsonParser{keepNumbers: true, maxNesting: maxTypedNesting})
	if err != nil {
		return nil, err
	}
	r := &typedReader{}
	v, err := r.convertObject(tree, 1)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("typed JSON at the top level is a %s value, not a session: write a map whose one key begins with \"$\" as {\"$map\": {...}}", firstKey(tree))
	}
	return cookiecodec.Session(m), nil
}

func invalidUTF8At(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return len(data)
}

func firstKey(m map[string]any) string {
	for k := range m {
		return k
	}
	return ""
}

// A typedReader converts the JSON tree of a typed session.
type typedReader struct {
	path jsonPath
}

// errorf returns an error at the current path.
func (r *typedReader) errorf(format string, a ...any) error {
	return fmt.Errorf("typed JSON at %s: %s", &r.path, fmt.Sprintf(format, a...))
}

// convert turns a value of the tree, inside a container at level depth of
// the session, into a session value.
func (r *typedReader) convert(v any, depth int) (any, error) {
	switch t := v.(type) {
	case map[string]any:
		if depth >= cookiecodec.MaxSessionDepth && !isTypedValue(t) {
			return nil, r.errorf("nests deeper than %d", cookiecodec.MaxSessionDepth)
		}
		return r.convertObject(t, depth+1)
	case []any:
		if depth >= cookiecodec.MaxSessionDepth {
			return nil, r.errorf("nests deeper than %d", cookiecodec.MaxSessionDepth)
		}
		out := make([]any, len(t))
		for i, e := range t {
			r.path.pushIndex(i)
			x, err := r.convert(e, depth+1)
			if err != nil {
				return nil, err
			}
			r.path.pop()
			out[i] = x
		}
		return out, nil
	case json.Number:
		n, err := parseNumber(string(t))
		if err != nil {
			return nil, r.errorf("%v", err)
		}
		return n, nil
	}
	return v, nil // string, bool, nil
}

// isTypedValue reports whether m is a tagged value other than a map.
func isTypedValue(m map[string]any) bool {
	k := firstKey(m)
	return len(m) == 1 && strings.HasPrefix(k, "$") && k != typedMap
}

// convertObject converts an object that is the map at level depth, or a
// typed value.
func (r *typedReader) convertObject(m map[string]any, depth int) (any, error) {
	if len(m) != 1 || !strings.HasPrefix(firstKey(m), "$") {
		return r.members(m, depth)
	}
	tag := firstKey(m)
	r.path.pushKey(tag)
	v, err := r.tag(tag, m[tag], depth)
	if err != nil {
		return nil, err
	}
	r.path.pop()
	return v, nil
}

// members converts the members of the map at level depth.
func (r *typedReader) members(m map[string]any, depth int) (map[string]any, error) {
	out := make(map[string]any, len(m))
	for k, v := range m {
		r.path.pushKey(k)
		x, err := r.convert(v, depth)
		if err != nil {
			return nil, err
		}
		r.path.pop()
		out[k] = x
	}
	return out, nil
}

// tag converts the content v of a typed value.
func (r *typedReader) tag(tag string, v any, depth int) (any, error) {
	text, isText := v.(string)
	num, isNum := v.(json.Number)
	switch tag {
	case typedMap:
		m, ok := v.(map[string]any)
		if !ok {
			return nil, r.errorf("%s wants an object", tag)
		}
		return r.members(m, depth)
	case typedBytes:
		b, err := base64.StdEncoding.Strict().DecodeString(text)
		if !isText || err != nil {
			return nil, r.errorf("%s wants a string of standard base64, with padding", tag)
		}
		return b, nil
	case typedTime:
		t, err := time.Parse(time.RFC3339Nano, text)
		if !isText || err != nil {
			return nil, r.errorf("%s wants a string of RFC 3339 text, such as \"2006-01-02T15:04:05.999999999Z\"", tag)
		}
		return t.UTC(), nil
	case typedUnix, typedInt64, typedUint64:
		if isNum {
			text = string(num)
		}
		if !isText && !isNum {
			return nil, r.errorf("%s wants a string of decimal digits", tag)
		}
		if tag == typedUint64 {
			n, err := strconv.ParseUint(text, 10, 64)
			if err != nil {
				return nil, r.errorf("%s wants a string of decimal digits, from 0 to %d", tag, uint64(math.MaxUint64))
			}
			return n, nil
		}
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil {
			return nil, r.errorf("%s wants a string of decimal digits, from %d to %d", tag, int64(math.MinInt64), int64(math.MaxInt64))
		}
		if tag == typedUnix {
			return time.Unix(n, 0).UTC(), nil
		}
		return n, nil
	case typedFloat32, typedFloat64:
		bits := 64
		if tag == typedFloat32 {
			bits = 32
		}
		f, err := parseTypedFloat(text, isText, num, isNum, bits)
		if err != nil {
			return nil, r.errorf("%s %v", tag, err)
		}
		if bits == 32 {
			return float32(f), nil
		}
		return f, nil
	}
	return nil, r.errorf("unknown tag %s: tags are %s, %s, %s, %s, %s, %s, %s and %s; write a map whose one key begins with \"$\" as {\"$map\": {...}}",
		strconv.Quote(shorten(tag)), typedBytes, typedTime, typedUnix, typedInt64, typedUint64, typedFloat32, typedFloat64, typedMap)
}

// parseTypedFloat reads the content of a float tag: a JSON number, or the
// string "NaN", "Inf", "+Inf" or "-Inf".
func parseTypedFloat(text string, isText bool, num json.Number, isNum bool, bits int) (float64, error) {
	switch {
	case isText && text == "NaN":
		return math.NaN(), nil
	case isText && (text == "Inf" || text == "+Inf"):
		return math.Inf(1), nil
	case isText && text == "-Inf":
		return math.Inf(-1), nil
	case !isNum:
		return 0, errors.New(`wants a number, or "NaN", "Inf" or "-Inf"`)
	}
	f, err := strconv.ParseFloat(string(num), bits)
	if err != nil {
		return 0, fmt.Errorf("number of %d characters is outside the float%d range", len(num), bits)
	}
	return f, nil
}
