package cookiecodec

import (
	"bytes"
	"fmt"
	"math"
	"unsafe"
)

// A Session is the state a cookie carries: a map of names to values.
//
// Values may be nil, bool, any Go integer type, float32, float64, string,
// []byte, time.Time, []any, []string, map[string]any and Session, nested to
// [MaxSessionDepth]. Decoding normalises them: integers come back as int64
// (or uint64 above [math.MaxInt64]), floats as float64, times in UTC, []string
// as []any, and nested maps as map[string]any. [Get] reads a value back as
// the type it was stored as.
type Session map[string]any

// Encode serializes s and seals it for the cookie called name. It fails,
// naming the path of the value, if s holds a value of an unsupported type,
// and with [ErrTooLarge] if the cookie would be longer than MaxLength.
func (c *Codec) Encode(name string, s Session) (string, error) {
	out, err := c.AppendEncode(nil, name, s)
	if err != nil {
		return "", err
	}
	// out is never written again, so it can back the string directly, as
	// strings.Builder does.
	return unsafe.String(unsafe.SliceData(out), len(out)), nil
}

// AppendEncode appends the cookie value that [Codec.Encode] would return
// to dst and returns the extended buffer. It allocates only when dst lacks
// the room, growing it once, so that a caller who reuses its buffer
// encodes without allocating. On error it returns nil.
func (c *Codec) AppendEncode(dst []byte, name string, s Session) ([]byte, error) {
	sc := getScratch()
	defer putScratch(sc)
	p, err := sc.enc.appendMap(sc.enc.buf[:0], s, 1)
	if err != nil {
		return nil, fmt.Errorf("cookiecodec: %w", err)
	}
	sc.enc.buf = p
	return c.appendSeal(dst, sc, name, p, c.now(), c.rand)
}

// Decode opens a cookie made by [Codec.Encode] for the cookie called name
// and returns its session. Errors are as for [Codec.Open]; a payload that is
// authentic but not a canonical session is [ErrInvalid] too.
func (c *Codec) Decode(name, value string) (Session, Info, error) {
	p, sc, info, err := c.open(name, value)
	if err != nil {
		return nil, Info{}, err
	}
	defer putScratch(sc)
	s, err := unmarshalSession(p)
	if err != nil {
		return nil, Info{}, fmt.Errorf("%w: session payload: %v", ErrInvalid, err)
	}
	return s, info, nil
}

// MarshalSession returns the payload that [Codec.Encode] seals for s: its
// canonical CBOR form, specified in SPEC.md.
func MarshalSession(s Session) ([]byte, error) {
	sc := getScratch()
	defer putScratch(sc)
	p, err := sc.enc.appendMap(sc.enc.buf[:0], s, 1)
	if err != nil {
		return nil, fmt.Errorf("cookiecodec: %w", err)
	}
	sc.enc.buf = p
	return bytes.Clone(p), nil
}

// UnmarshalSession parses a session payload, rejecting anything that
// [MarshalSession] would not have produced byte for byte.
func UnmarshalSession(p []byte) (Session, error) {
	s, err := unmarshalSession(p)
	if err != nil {
		return nil, fmt.Errorf("cookiecodec: malformed session payload: %w", err)
	}
	return s, nil
}

func unmarshalSession(p []byte) (Session, error) {
	return decodeSession(&decoder{p: p, text: string(p)})
}

// decodeSession decodes or, with d.check, validates the session that is
// d's payload.
func decodeSession(d *decoder) (Session, error) {
	p := d.p
	major, _, n, err := d.head()
	if err != nil {
		return nil, err
	}
	if major != majorMap {
		return nil, fmt.Errorf("top level is not a map")
	}
	m, err := d.mapBody(n, 1)
	if err != nil {
		return nil, err
	}
	if d.off != len(p) {
		return nil, fmt.Errorf("%d bytes of trailing data", len(p)-d.off)
	}
	return Session(m), nil
}

// Get returns the value stored under key in s, a [Session] or a [View],
// as a T, and whether it is present and of that type. Integers convert to
// any Go integer type they fit in, so a value stored as an int reads back
// as an int after a round trip through a cookie.
//
// Package httpsession has a Get of the same name and meaning for its
// request-scoped *httpsession.Session, which holds a Session like this
// one; the method httpsession.Session.Get returns the stored value as it
// is, untyped, as indexing a Session does.
func Get[T any, S Session | map[string]any | View](s S, key string) (T, bool) {
	var v any
	var ok bool
	switch s := any(s).(type) {
	case Session:
		v, ok = s[key]
	case map[string]any:
		v, ok = s[key]
	case View:
		v, ok = s.Get(key)
	}
	if !ok {
		var zero T
		return zero, false
	}
	return convert[T](v)
}

// convert returns v as a T, with the conversions of [Get].
func convert[T any](v any) (T, bool) {
	var zero T
	if t, ok := v.(T); ok {
		return t, true
	}
	var r any
	switch p := any(&zero).(type) {
	case *int:
		if n, ok := asInt(v, math.MinInt, math.MaxInt); ok {
			r = int(n)
		}
	case *int8:
		if n, ok := asInt(v, math.MinInt8, math.MaxInt8); ok {
			r = int8(n)
		}
	case *int16:
		if n, ok := asInt(v, math.MinInt16, math.MaxInt16); ok {
			r = int16(n)
		}
	case *int32:
		if n, ok := asInt(v, math.MinInt32, math.MaxInt32); ok {
			r = int32(n)
		}
	case *int64:
		if n, ok := asInt(v, math.MinInt64, math.MaxInt64); ok {
			r = n
		}
	case *uint:
		if n, ok := asUint(v, math.MaxUint); ok {
			r = uint(n)
		}
	case *uint8:
		if n, ok := asUint(v, math.MaxUint8); ok {
			r = uint8(n)
		}
	case *uint16:
		if n, ok := asUint(v, math.MaxUint16); ok {
			r = uint16(n)
		}
	case *uint32:
		if n, ok := asUint(v, math.MaxUint32); ok {
			r = uint32(n)
		}
	case *uint64:
		if n, ok := asUint(v, math.MaxUint64); ok {
			r = n
		}
	case *float32:
		if f, ok := v.(float64); ok && float64(float32(f)) == f {
			r = float32(f)
		}
	case *map[string]any:
		if m, ok := v.(Session); ok {
			r = map[string]any(m)
		}
	case *Session:
		if m, ok := v.(map[string]any); ok {
			r = Session(m)
		}
	case *[]string:
		if l, ok := v.([]any); ok {
			ss := make([]string, len(l))
			for i, e := range l {
				if ss[i], ok = e.(string); !ok {
					return zero, false
				}
			}
			r = ss
		}
	default:
		_ = p
	}
	if r == nil {
		return zero, false
	}
	return r.(T), true
}

// asInt returns v as an int64 if it is an integer within [lo, hi], hi >= 0.
func asInt(v any, lo, hi int64) (int64, bool) {
	i, u, neg, ok := integer(v)
	switch {
	case !ok:
		return 0, false
	case neg:
		return i, i >= lo
	default:
		return int64(u), u <= uint64(hi)
	}
}

// asUint returns v as a uint64 if it is an integer within [0, hi].
func asUint(v any, hi uint64) (uint64, bool) {
	_, u, neg, ok := integer(v)
	return u, ok && !neg && u <= hi
}

// integer splits any Go integer into its value: i when negative, u when
// not. ok is false for other types.
func integer(v any) (i int64, u uint64, neg, ok bool) {
	switch n := v.(type) {
	case int:
		return signed(int64(n))
	case int8:
		return signed(int64(n))
	case int16:
		return signed(int64(n))
	case int32:
		return signed(int64(n))
	case int64:
		return signed(n)
	case uint:
		return 0, uint64(n), false, true
	case uint8:
		return 0, uint64(n), false, true
	case uint16:
		return 0, uint64(n), false, true
	case uint32:
		return 0, uint64(n), false, true
	case uint64:
		return 0, n, false, true
	}
	return 0, 0, false, false
}

func signed(n int64) (int64, uint64, bool, bool) {
	if n < 0 {
		return n, 0, true, true
	}
	return 0, uint64(n), false, true
}
