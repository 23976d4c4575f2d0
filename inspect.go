package cookiecodec

import (
	"encoding/base64"
	"fmt"
	"strings"
	"time"
)

// MaxUnverifiedLength is the longest token, in bytes, that
// [InspectUnverified] reads: 87454, the length of an encrypted token that
// carries [MaxInflatedSize] bytes, more than twenty-one times the 4096
// bytes browsers keep for a cookie.
const MaxUnverifiedLength = ((headerSize+nonceSize+MaxInflatedSize+aeadTagSize)*8 + 5) / 6

// Unverified describes a token read by [InspectUnverified], without any
// key. None of it is authenticated: anyone can write a token that shows any
// of these values. Use it to debug cookies, never to trust one.
type Unverified struct {
	// Version is the format version byte; 1 is the only one defined.
	Version int
	// Encrypted and Compressed report the mode the header claims.
	Encrypted, Compressed bool
	// KeyID is the id of the key the token claims to be sealed with.
	KeyID KeyID
	// IssuedAt is the issue time the token claims, in UTC.
	IssuedAt time.Time
	// TokenLength is the length of the token text, in bytes.
	TokenLength int
	// BodyLength is the length of the sealed body, in bytes: the payload
	// as stored (deflated if Compressed) for a signed token, the
	// ciphertext without nonce and tag for an encrypted one.
	BodyLength int
	// Payload is the payload of a signed token, inflated if Compressed
	// (at most [MaxInflatedSize] bytes). It is nil for an encrypted token,
	// whose payload cannot be read without its key.
	Payload []byte
}

// InspectUnverified parses a native token without verifying it, for
// debugging: the header fields, the sizes and, for a signed token, the
// payload the client can read anyway. It checks the token's syntax as
// [Codec.Open] does (length, strict base64url, version, flags) and returns
// an error wrapping [ErrInvalid] for a value that is not a well-formed
// token. A nil error says nothing about whether the token is authentic.
func InspectUnverified(value string) (Unverified, error) {
	if len(value) > MaxUnverifiedLength {
		return Unverified{}, fmt.Errorf("%w: %d bytes, longer than MaxUnverifiedLength %d", ErrInvalid, len(value), MaxUnverifiedLength)
	}
	if len(value) < base64.RawURLEncoding.EncodedLen(headerSize+aeadTagSize) {
		return Unverified{}, fmt.Errorf("%w: %d bytes, too short for a token", ErrInvalid, len(value))
	}
	if strings.ContainsAny(value, "\r\n") {
		return Unverified{}, fmt.Errorf("%w: not base64url", ErrInvalid)
	}
	raw, err := decodeStrict(value)
	if err != nil {
		return Unverified{}, fmt.Errorf("%w: not canonical base64url", ErrInvalid)
	}
	h, err := parseHeader(raw)
	if err != nil {
		return Unverified{}, err
	}
	u := Unverified{
		Version:     int(raw[0]),
		Encrypted:   h.encrypted,
		Compressed:  h.compressed,
		KeyID:       h.keyID,
		TokenLength: len(value),
	}
	if h.issuedAt > uint64(maxUnixSeconds) {
		return Unverified{}, fmt.Errorf("%w: issue time out of range", ErrInvalid)
	}
	u.IssuedAt = time.Unix(int64(h.issuedAt), 0).UTC()
	if h.encrypted {
		if len(raw) < headerSize+nonceSize+aeadTagSize {
			return Unverified{}, fmt.Errorf("%w: %d bytes, too short for an encrypted token", ErrInvalid, len(raw))
		}
		u.BodyLength = len(raw) - headerSize - nonceSize - aeadTagSize
		return u, nil
	}
	if len(raw) < headerSize+macSize {
		return Unverified{}, fmt.Errorf("%w: %d bytes, too short for a signed token", ErrInvalid, len(raw))
	}
	body := raw[headerSize : len(raw)-macSize]
	u.BodyLength = len(body)
	if !h.compressed {
		u.Payload = append([]byte{}, body...)
		return u, nil
	}
	p, err := inflate([]byte{}, body)
	if err != nil {
		return Unverified{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	u.Payload = p
	return u, nil
}

// maxUnixSeconds is the largest issue time, in Unix seconds, that
// [InspectUnverified] turns into a time.Time: the end of year 9999, beyond
// which RFC 3339 has no form.
const maxUnixSeconds = 253402300799
