package main

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/cookiecodec/cookiecodec"
)

// Typed JSON (decode --typed, encode --typed) carries a native session
// without loss: encode --typed of what decode --typed printed gives a
// session that marshals to the same payload bytes. Values JSON holds
// exactly print as JSON: strings, booleans, null, arrays, objects,
// integers within ±2^53, and floats that print with a fraction or an
// exponent. The rest print as an object of one member whose name starts
// with '$':
//
//	{"$int": "-9007199254740993"}      int64 beyond ±2^53
//	{"$uint": "18446744073709551615"}  uint64, above the int64 range
//	{"$float": "NaN"}                  also "Infinity", "-Infinity"
//	{"$float32": "0.1"}                a float the payload holds in 32 bits
//	{"$bytes": "+/8A"}                 []byte, standard base64 with padding
//	{"$time": "2026-11-28T01:02:03.000000004Z"}  time.Time, UTC, to the ns
//	{"$unix": "253402300800"}          time.Time outside years 0 to 9999, in Unix seconds
//	{"$map": {"$bytes": 1, "b": 2}}    an object with a key that starts with '$'
//
// Readers of typed JSON reject an unknown '$' name and a member beside one;
// inside "$map", keys are only keys.

// maxExactInt is the largest integer a float64, and so a JSON reader
// such as jq, holds exactly: 2^53.
const maxExactInt = 1 << 53

// typedValue converts a decoded session value to typed JSON.
func typedValue(v any) (any, error) {
	switch t := v.(type) {
	case nil, bool, string:
		return t, nil
	case int64:
		if t > maxExactInt || t < -maxExactInt {
			return map[string]any{"$int": strconv.FormatInt(t, 10)}, nil
		}
		return json.Number(strconv.FormatInt(t, 10)), nil
	case uint64:
		return map[string]any{"$uint": strconv.FormatUint(t, 10)}, nil
	case float64:
		switch {
		case math.IsNaN(t):
			return map[string]any{"$float": "NaN"}, nil
		case math.IsInf(t, 1):
			return map[string]any{"$float": "Infinity"}, nil
		case math.IsInf(t, -1):
			return map[string]any{"$float": "-Infinity"}, nil
		}
		if f32 := float32(t); float64(f32) == t {
			if s32, s64 := formatFloat(t, 32), formatFloat(t, 64); len(s32) < len(s64) {
				return map[string]any{"$float32": s32}, nil
			}
		}
		return json.Number(formatFloat(t, 64)), nil
	case []byte:
		return map[string]any{"$bytes": base64.StdEncoding.EncodeToString(t)}, nil
	case time.Time:
		t = t.UTC()
		if y := t.Year(); y < 0 || y > 9999 {
			// RFC 3339 has four-digit years; the payload holds whole
			// seconds outside them (a fraction of a second it refuses).
			if t.Nanosecond() != 0 {
				return nil, fmt.Errorf("a time in year %d with a fraction of a second has no typed JSON form, nor a payload", y)
			}
			return map[string]any{"$unix": strconv.FormatInt(t.Unix(), 10)}, nil
		}
		return map[string]any{"$time": t.Format(time.RFC3339Nano)}, nil
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			var err error
			if out[i], err = typedValue(e); err != nil {
				return nil, err
			}
		}
		return out, nil
	case map[string]any:
		return typedObject(t)
	case cookiecodec.Session:
		return typedObject(t)
	}
	return nil, fmt.Errorf("a %T has no typed JSON form", v)
}

func typedObject(m map[string]any) (any, error) {
	out := make(map[string]any, len(m))
	for k, e := range m {
		var err error
		if out[k], err = typedValue(e); err != nil {
			return nil, err
		}
	}
	for k := range m {
		if strings.HasPrefix(k, "$") {
			return map[string]any{"$map": out}, nil
		}
	}
	return out, nil
}

// parseTyped reads the value of a '$' member called tag; p has read the
// member's name.
func (p *jsonParser) parseTyped(tag string, depth int) (any, error) {
	tok, err := p.d.Token()
	if err != nil {
		return nil, jsonError(err)
	}
	if tag == "$map" {
		if tok != json.Delim('{') {
			return nil, fmt.Errorf("JSON input at %s: $map holds an object", &p.path)
		}
		// The wrapper is no level of its own: the map it holds is at
		// the wrapper's depth.
		return p.objectTags(depth, false)
	}
	s, ok := tok.(string)
	if !ok {
		return nil, fmt.Errorf("JSON input at %s: %s holds a string", &p.path, tag)
	}
	bad := func(what string) error {
		return fmt.Errorf("JSON input at %s: %s holds %s", &p.path, tag, what)
	}
	switch tag {
	case "$int":
		i, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, bad("a decimal int64")
		}
		return i, nil
	case "$uint":
		u, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return nil, bad("a decimal uint64")
		}
		if u <= math.MaxInt64 {
			return int64(u), nil
		}
		return u, nil
	case "$float":
		switch s {
		case "NaN":
			return math.NaN(), nil
		case "Infinity":
			return math.Inf(1), nil
		case "-Infinity":
			return math.Inf(-1), nil
		}
		// ParseFloat also takes "nan", "inf" and the like: only the three
		// spellings above name those.
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, bad("a float64, NaN, Infinity or -Infinity")
		}
		return f, nil
	case "$float32":
		f, err := strconv.ParseFloat(s, 32)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, bad("a finite float32")
		}
		return float64(float32(f)), nil
	case "$bytes":
		b, err := base64.StdEncoding.Strict().DecodeString(s)
		if err != nil {
			return nil, bad("standard base64")
		}
		return b, nil
	case "$time":
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return nil, bad("an RFC 3339 time")
		}
		return t.UTC(), nil
	case "$unix":
		sec, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, bad("decimal Unix seconds")
		}
		return time.Unix(sec, 0).UTC(), nil
	}
	return nil, errors.New("unreachable")
}

// typedTags are the '$' names of typed JSON.
var typedTags = []string{"$int", "$uint", "$float", "$float32", "$bytes", "$time", "$unix", "$map"}
