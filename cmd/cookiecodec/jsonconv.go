package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
	p := &jsonParser{d: d}
	m, err := p.object(1)
	if err != nil {
		return nil, err
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, errors.New("trailing data after the JSON object")
	}
	return cookiecodec.Session(m), nil
}

// A jsonParser reads a session from a JSON token stream.
type jsonParser struct {
	d    *json.Decoder
	path jsonPath
}

// value parses the value that starts with tok.
func (p *jsonParser) value(tok json.Token, depth int) (any, error) {
	switch t := tok.(type) {
	case json.Delim:
		if depth >= cookiecodec.MaxSessionDepth {
			return nil, fmt.Errorf("JSON input at %s nests deeper than %d", &p.path, cookiecodec.MaxSessionDepth)
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

func (p *jsonParser) object(depth int) (map[string]any, error) {
	m := map[string]any{}
	for {
		tok, err := p.d.Token()
		if err != nil {
			return nil, jsonError(err)
		}
		if tok == json.Delim('}') {
			return m, nil
		}
		k := tok.(string) // the decoder only returns strings as object keys
		p.path.pushKey(k)
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
