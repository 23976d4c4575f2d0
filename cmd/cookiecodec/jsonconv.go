package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/cookiecodec/cookiecodec"
)

// maxJSONInput is the most JSON, in bytes, that encode reads from stdin:
// 1 MiB, far more than a cookie can carry.
const maxJSONInput = 1 << 20

// readJSONInput reads stdin through a limit.
func readJSONInput(stdin io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(stdin, maxJSONInput+1))
	if err != nil {
		return nil, fmt.Errorf("reading stdin: %v", err)
	}
	if len(b) > maxJSONInput {
		return nil, fmt.Errorf("JSON input is more than %d bytes", maxJSONInput)
	}
	return b, nil
}

// parseSession parses a JSON object into a Session. Integers, written
// without fraction or exponent, become int64, or uint64 above
// math.MaxInt64, exactly; other numbers become float64. Duplicate keys,
// trailing data and numbers outside those ranges are errors.
func parseSession(data []byte) (cookiecodec.Session, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	tok, err := d.Token()
	if err == io.EOF {
		return nil, errors.New("no JSON input: want a JSON object")
	}
	if err != nil {
		return nil, jsonError(err)
	}
	if tok != json.Delim('{') {
		return nil, errors.New("JSON input is not an object")
	}
	m, err := parseObject(d, "", 1)
	if err != nil {
		return nil, err
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, errors.New("trailing data after the JSON object")
	}
	return cookiecodec.Session(m), nil
}

// parseValue parses the value that starts with tok, found at path.
func parseValue(d *json.Decoder, tok json.Token, path string, depth int) (any, error) {
	switch t := tok.(type) {
	case json.Delim:
		if depth >= cookiecodec.MaxSessionDepth {
			return nil, fmt.Errorf("JSON input at %s nests deeper than %d", pathOrTop(path), cookiecodec.MaxSessionDepth)
		}
		if t == '{' {
			return parseObject(d, path, depth+1)
		}
		return parseArray(d, path, depth+1)
	case json.Number:
		v, err := parseNumber(string(t))
		if err != nil {
			return nil, fmt.Errorf("JSON input at %s: %v", pathOrTop(path), err)
		}
		return v, nil
	default: // string, bool, nil
		return t, nil
	}
}

func parseObject(d *json.Decoder, path string, depth int) (map[string]any, error) {
	m := map[string]any{}
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, jsonError(err)
		}
		if tok == json.Delim('}') {
			return m, nil
		}
		k := tok.(string) // the decoder only returns strings as object keys
		p := path + "." + k
		if _, dup := m[k]; dup {
			return nil, fmt.Errorf("JSON input has the key %s twice", strconv.Quote(p[1:]))
		}
		if tok, err = d.Token(); err != nil {
			return nil, jsonError(err)
		}
		if m[k], err = parseValue(d, tok, p, depth); err != nil {
			return nil, err
		}
	}
}

func parseArray(d *json.Decoder, path string, depth int) ([]any, error) {
	l := []any{}
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, jsonError(err)
		}
		if tok == json.Delim(']') {
			return l, nil
		}
		v, err := parseValue(d, tok, path+"["+strconv.Itoa(len(l))+"]", depth)
		if err != nil {
			return nil, err
		}
		l = append(l, v)
	}
}

// parseNumber turns a JSON number into int64, uint64 or float64.
func parseNumber(s string) (any, error) {
	if !strings.ContainsAny(s, ".eE") {
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return i, nil
		}
		if u, err := strconv.ParseUint(s, 10, 64); err == nil {
			return u, nil
		}
		return nil, fmt.Errorf("integer %s is outside the 64-bit range", shorten(s))
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, fmt.Errorf("number %s is outside the float64 range", shorten(s))
	}
	return f, nil
}

// jsonError words a decoder error without quoting the input.
func jsonError(err error) error {
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("JSON input ends too early")
	}
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return fmt.Errorf("invalid JSON input at byte %d: %v", syn.Offset, err)
	}
	return fmt.Errorf("invalid JSON input: %v", err)
}

func pathOrTop(path string) string {
	if path == "" {
		return "the top level"
	}
	return strings.TrimPrefix(path, ".")
}

// shorten cuts a string from the command line or the input to a length
// fit for an error message.
func shorten(s string) string {
	const maxLen = 60
	if len(s) > maxLen {
		return s[:maxLen] + "..."
	}
	return s
}

// jsonView converts a decoded session value into values that encoding/json
// prints as the CLI promises: integers exactly, floats always with a
// fraction or exponent (so that encode reads them back as floats), []byte
// as standard base64, times as RFC 3339 in UTC. JSON has no NaN or
// infinity: those print as the strings "NaN", "Infinity" and "-Infinity",
// and notes collects the paths where that happened. Types the view does
// not know are printed with %v and noted.
type jsonView struct {
	notes []string
	// other converts values of other formats (Flask's tagged types); it
	// returns ok false for types it does not know either.
	other func(v any, path string) (any, bool)
}

func (j *jsonView) value(v any, path string) any {
	switch t := v.(type) {
	case nil, bool, string:
		return t
	case int64:
		return json.Number(strconv.FormatInt(t, 10))
	case uint64:
		return json.Number(strconv.FormatUint(t, 10))
	case json.Number:
		return t
	case float64:
		return j.float(t, path)
	case []byte:
		return base64.StdEncoding.EncodeToString(t)
	case time.Time:
		return t.UTC().Format(time.RFC3339Nano)
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = j.value(e, path+"["+strconv.Itoa(i)+"]")
		}
		return out
	case map[string]any:
		return j.object(t, path)
	case cookiecodec.Session:
		return j.object(t, path)
	}
	if j.other != nil {
		if out, ok := j.other(v, path); ok {
			return out
		}
	}
	j.notes = append(j.notes, fmt.Sprintf("%s holds a %T, printed as text", pathOrTop(path), v))
	return fmt.Sprint(v)
}

func (j *jsonView) object(m map[string]any, path string) map[string]any {
	out := make(map[string]any, len(m))
	for k, e := range m {
		out[k] = j.value(e, path+"."+k)
	}
	return out
}

func (j *jsonView) float(f float64, path string) any {
	switch {
	case math.IsNaN(f):
		j.notes = append(j.notes, pathOrTop(path)+" is NaN, which JSON cannot hold: printed as the string \"NaN\"")
		return "NaN"
	case math.IsInf(f, 1):
		j.notes = append(j.notes, pathOrTop(path)+" is infinite, which JSON cannot hold: printed as the string \"Infinity\"")
		return "Infinity"
	case math.IsInf(f, -1):
		j.notes = append(j.notes, pathOrTop(path)+" is infinite, which JSON cannot hold: printed as the string \"-Infinity\"")
		return "-Infinity"
	}
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	return json.Number(s)
}

// writeJSON prints v as indented JSON, with '<', '>' and '&' unescaped.
func writeJSON(w io.Writer, v any) error {
	e := json.NewEncoder(w)
	e.SetEscapeHTML(false)
	e.SetIndent("", "  ")
	return e.Encode(v)
}
