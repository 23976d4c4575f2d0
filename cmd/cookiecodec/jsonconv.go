package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

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
// trailing data and numbers outside those ranges are errors. Time and
// memory are linear in the input's length: the position of a value is kept
// as a stack and becomes text only for an error.
func parseSession(data []byte) (cookiecodec.Session, error) {
	return parseSessionJSON(data, false)
}

// parseTypedSession parses typed JSON (see typedValue) into a Session.
func parseTypedSession(data []byte) (cookiecodec.Session, error) {
	return parseSessionJSON(data, true)
}

func parseSessionJSON(data []byte, typed bool) (cookiecodec.Session, error) {
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
	p := &jsonParser{d: d, typed: typed}
	v, err := p.object(1)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("JSON input is a typed value, not a session: wrap it as {\"$map\": ...} for a session of one '$' key")
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, errors.New("trailing data after the JSON object")
	}
	return cookiecodec.Session(m), nil
}

// A jsonParser reads a session from a JSON token stream.
type jsonParser struct {
	d     *json.Decoder
	path  jsonPath
	typed bool // read typed JSON: objects of one '$' member are values
}

// value parses the value that starts with tok.
func (p *jsonParser) value(tok json.Token, depth int) (any, error) {
	switch t := tok.(type) {
	case json.Delim:
		// In typed JSON an object may be a scalar ({"$bytes": ""}), which
		// nests nothing: beyond the limit, objectTags decides once it has
		// read the object's first member.
		if depth >= cookiecodec.MaxSessionDepth && !(t == '{' && p.typed) {
			return nil, p.tooDeep()
		}
		if t == '{' {
			return p.object(depth + 1)
		}
		return p.array(depth + 1)
	case json.Number:
		v, err := parseNumber(string(t))
		if err != nil {
			return nil, fmt.Errorf("JSON input at %s: %v", &p.path, err)
		}
		return v, nil
	default: // string, bool, nil
		return t, nil
	}
}

func (p *jsonParser) tooDeep() error {
	return fmt.Errorf("JSON input at %s nests deeper than %d", &p.path, cookiecodec.MaxSessionDepth)
}

// object parses an object, or with typed set a typed value written as one.
func (p *jsonParser) object(depth int) (any, error) { return p.objectTags(depth, p.typed) }

// objectTags is object, reading an object of one '$' member as a typed
// value only if tags is set.
func (p *jsonParser) objectTags(depth int, tags bool) (any, error) {
	// Beyond the limit only a typed scalar may stand (see value).
	deep := depth > cookiecodec.MaxSessionDepth
	if deep && !tags {
		return nil, p.tooDeep()
	}
	m := map[string]any{}
	var tagged any // the typed value, once its member is read
	for {
		tok, err := p.d.Token()
		if err != nil {
			return nil, jsonError(err)
		}
		if tok == json.Delim('}') {
			if tagged != nil {
				return tagged, nil
			}
			if deep {
				return nil, p.tooDeep()
			}
			return m, nil
		}
		k := tok.(string) // the decoder only returns strings as object keys
		p.path.pushKey(k)
		if tagged != nil {
			return nil, fmt.Errorf("JSON input at %s: a member beside a typed value", &p.path)
		}
		if deep && (k == "$map" || !strings.HasPrefix(k, "$")) {
			p.path.pop()
			return nil, p.tooDeep()
		}
		if tags && strings.HasPrefix(k, "$") {
			if len(m) > 0 {
				return nil, fmt.Errorf("JSON input at %s: a typed value's '$' member beside others; wrap the object as {\"$map\": ...}", &p.path)
			}
			if !slices.Contains(typedTags, k) {
				return nil, fmt.Errorf("JSON input at %s: unknown typed value, want one of %s", &p.path, strings.Join(typedTags, ", "))
			}
			v, err := p.parseTyped(k, depth)
			if err != nil {
				return nil, err
			}
			p.path.pop()
			tagged = v
			continue
		}
		if _, dup := m[k]; dup {
			return nil, fmt.Errorf("JSON input has the key %s twice", strconv.Quote(p.path.String()))
		}
		if tok, err = p.d.Token(); err != nil {
			return nil, jsonError(err)
		}
		if m[k], err = p.value(tok, depth); err != nil {
			return nil, err
		}
		p.path.pop()
	}
}

func (p *jsonParser) array(depth int) ([]any, error) {
	l := []any{}
	for {
		tok, err := p.d.Token()
		if err != nil {
			return nil, jsonError(err)
		}
		if tok == json.Delim(']') {
			return l, nil
		}
		p.path.pushIndex(len(l))
		v, err := p.value(tok, depth)
		if err != nil {
			return nil, err
		}
		p.path.pop()
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
		return nil, fmt.Errorf("integer of %d digits is outside the 64-bit range", len(strings.TrimPrefix(s, "-")))
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, fmt.Errorf("number of %d characters is outside the float64 range", len(s))
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
