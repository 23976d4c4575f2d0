package flask

import (
	"encoding/hex"
	"errors"
)

// A Tuple is a Python tuple, tagged " t". It decodes from a Flask cookie as
// a Tuple and is written back as one, so that Python code that expects a
// tuple still gets one. Read it with cookiecodec.Get[flask.Tuple], and
// convert it with []any(t) where a list will do.
type Tuple []any

// Markup is a markupsafe.Markup, tagged " m": text that Jinja inserts
// without escaping it. It is the HTML source, not escaped further.
type Markup string

// A UUID is a Python uuid.UUID, tagged " u", as its 16 bytes in big-endian
// order.
type UUID [16]byte

// String returns u in the canonical 36-character form,
// "12345678-1234-5678-1234-567812345678", as Python's str(uuid) does.
func (u UUID) String() string {
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], u[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], u[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], u[8:10])
	b[23] = '-'
	hex.Encode(b[24:], u[10:])
	return string(b[:])
}

// MarshalText returns the canonical 36-character form of u, so that
// encoding/json writes a UUID as a string.
func (u UUID) MarshalText() ([]byte, error) { return []byte(u.String()), nil }

// UnmarshalText parses a UUID as [ParseUUID] does.
func (u *UUID) UnmarshalText(text []byte) error {
	v, err := ParseUUID(string(text))
	if err != nil {
		return err
	}
	*u = v
	return nil
}

// ParseUUID parses a UUID from 32 hexadecimal digits, as Flask writes it
// in a cookie, or from the 36-character form with hyphens. Either case is
// accepted.
func ParseUUID(s string) (UUID, error) {
	var u UUID
	switch len(s) {
	case 32:
	case 36:
		if s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
			return UUID{}, errors.New("flask: malformed UUID")
		}
		s = s[0:8] + s[9:13] + s[14:18] + s[19:23] + s[24:]
	default:
		return UUID{}, errors.New("flask: malformed UUID: want 32 hexadecimal digits")
	}
	if _, err := hex.Decode(u[:], []byte(s)); err != nil {
		return UUID{}, errors.New("flask: malformed UUID: want 32 hexadecimal digits")
	}
	return u, nil
}
