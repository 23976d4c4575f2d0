package gorilla

import (
	"bytes"
	"crypto/aes"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/cookiecodec/cookiecodec"
)

// This file splits the envelope securecookie.Encode writes:
//
//	cookie = b64(timestamp "|" b64(body) "|" mac)
//	mac    = HMAC(hashKey, name "|" timestamp "|" b64(body))
//
// where b64 is base64url with padding and timestamp is decimal.

// strictURL is padded base64url that rejects non-zero padding bits. Like
// every base64.Encoding it skips "\r" and "\n", which [split] rejects
// first.
var strictURL = base64.URLEncoding.Strict()

// An envelope is a decoded cookie value split into its fields. All of them
// alias raw.
type envelope struct {
	raw       []byte // the decoded value
	signed    []byte // timestamp "|" b64(body): what the MAC covers after the name
	timestamp []byte
	body      []byte // b64(body)
	mac       []byte
}

// split decodes value into dst, which it grows as needed, and splits it as
// securecookie does: on the first two "|", the MAC being all that follows
// the second (it may itself contain "|").
func split(dst []byte, value string) (envelope, error) {
	if len(value) == 0 {
		return envelope{}, fmt.Errorf("%w: empty value", cookiecodec.ErrInvalid)
	}
	if strings.ContainsAny(value, "\r\n") {
		return envelope{}, fmt.Errorf("%w: not canonical padded base64url", cookiecodec.ErrInvalid)
	}
	n := strictURL.DecodedLen(len(value))
	if cap(dst) < n {
		dst = make([]byte, 0, n)
	}
	raw := dst[:n]
	n, err := strictURL.Decode(raw, unsafe.Slice(unsafe.StringData(value), len(value)))
	if err != nil {
		return envelope{}, fmt.Errorf("%w: not canonical padded base64url", cookiecodec.ErrInvalid)
	}
	raw = raw[:n]
	i := bytes.IndexByte(raw, '|')
	if i < 0 {
		return envelope{}, fmt.Errorf("%w: no timestamp field", cookiecodec.ErrInvalid)
	}
	j := bytes.IndexByte(raw[i+1:], '|')
	if j < 0 {
		return envelope{}, fmt.Errorf("%w: no MAC field", cookiecodec.ErrInvalid)
	}
	j += i + 1
	return envelope{
		raw:       raw,
		signed:    raw[:j],
		timestamp: raw[:i],
		body:      raw[i+1 : j],
		mac:       raw[j+1:],
	}, nil
}

// parseTimestamp parses the timestamp field as securecookie does, with
// strconv.ParseInt in base 10.
func parseTimestamp(b []byte) (int64, error) {
	ts, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: invalid timestamp", cookiecodec.ErrInvalid)
	}
	return ts, nil
}

// decodeBody decodes the b64(body) field into a new slice.
func decodeBody(b64 []byte) ([]byte, error) {
	if bytes.ContainsAny(b64, "\r\n") {
		return nil, fmt.Errorf("%w: body is not canonical padded base64url", cookiecodec.ErrInvalid)
	}
	body := make([]byte, strictURL.DecodedLen(len(b64)))
	n, err := strictURL.Decode(body, b64)
	if err != nil {
		return nil, fmt.Errorf("%w: body is not canonical padded base64url", cookiecodec.ErrInvalid)
	}
	return body[:n], nil
}

// MaxUnverifiedLength is the longest value, in bytes, that
// [InspectUnverified] reads: enough for a body of
// [cookiecodec.MaxInflatedSize] bytes behind a 16-byte IV, the longest
// timestamp and a 64-byte MAC, far beyond the 4096 bytes browsers keep for
// a cookie.
const MaxUnverifiedLength = (len("-9223372036854775808||") + ((cookiecodec.MaxInflatedSize + aes.BlockSize + 2) / 3 * 4) + 64 + 2) / 3 * 4

// Unverified describes a securecookie value read by [InspectUnverified],
// without any key. None of it is authenticated: anyone can write a cookie
// that shows any of these values. Use it to debug cookies, never to trust
// one.
type Unverified struct {
	// IssuedAt is the time the cookie claims it was made, in UTC.
	IssuedAt time.Time
	// Body is the serialized value, or with a block key its IV and
	// ciphertext: the two cannot be told apart without the keys.
	Body []byte
	// MACLength is the length of the MAC, in bytes: 32 for HMAC-SHA256.
	MACLength int
}

// InspectUnverified reads a securecookie value without verifying its
// MAC, for debugging: its timestamp and its body. It checks the shape as
// [Decoder.Decode] does, but not the MAC, the age or the body, and returns
// an error wrapping [cookiecodec.ErrInvalid] for a value that is not a
// well-formed securecookie value. A nil error says nothing about whether
// the cookie is authentic.
func InspectUnverified(value string) (Unverified, error) {
	if len(value) > MaxUnverifiedLength {
		return Unverified{}, fmt.Errorf("%w: %d bytes, longer than %d", cookiecodec.ErrInvalid, len(value), MaxUnverifiedLength)
	}
	env, err := split(nil, value)
	if err != nil {
		return Unverified{}, err
	}
	if !isDecimal(env.timestamp) {
		return Unverified{}, fmt.Errorf("%w: invalid timestamp", cookiecodec.ErrInvalid)
	}
	ts, err := parseTimestamp(env.timestamp)
	if err != nil {
		return Unverified{}, err
	}
	body, err := decodeBody(env.body)
	if err != nil {
		return Unverified{}, err
	}
	return Unverified{IssuedAt: time.Unix(ts, 0).UTC(), Body: body, MACLength: len(env.mac)}, nil
}

// LooksLikeGorilla reports whether value has the shape of a securecookie
// value: padded base64url of a decimal timestamp, a base64url body and a
// MAC of at least 16 bytes, joined by "|". It is cheap and verifies
// nothing; native cookiecodec tokens start with a version byte that is no
// digit, and Flask's contain dots, so it tells the three apart.
func LooksLikeGorilla(value string) bool {
	u, err := InspectUnverified(value)
	return err == nil && u.MACLength >= 16
}

// isDecimal reports whether b is an optional "-" and one or more ASCII
// digits, as strconv.FormatInt writes an int64.
func isDecimal(b []byte) bool {
	if len(b) > 0 && b[0] == '-' {
		b = b[1:]
	}
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
