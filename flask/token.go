package flask

import (
	"bytes"
	"compress/zlib"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"hash"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/cookiecodec/cookiecodec"
	"github.com/cookiecodec/cookiecodec/internal/flate"
)

// This file handles the itsdangerous URLSafeTimedSerializer token that
// Flask's session cookie is:
//
//	cookie    = payload "." timestamp "." signature
//	payload   = b64(json) | "." b64(zlib(json))
//	timestamp = b64(big-endian Unix seconds, leading zero bytes dropped)
//	signature = b64(HMAC-SHA1(HMAC-SHA1(secret, salt), payload "." timestamp))
//
// where b64 is base64url without padding.

const (
	sigLen       = 27 // base64url characters of a 20-byte HMAC-SHA1
	maxTSLen     = 11 // base64url characters of an 8-byte timestamp
	minCookieLen = 1 + 1 + 1 + 1 + sigLen
)

// MaxUnverifiedLength is the longest value, in bytes, that
// [InspectUnverified] reads: 87423, the length of a cookie whose payload
// is [cookiecodec.MaxInflatedSize] bytes stored uncompressed, far beyond
// the 4096 bytes browsers keep for a cookie.
const MaxUnverifiedLength = 87423 // (MaxInflatedSize*8+5)/6 + len(".") + maxTSLen + len(".") + sigLen + len(".")

// parts are the fields of a cookie that has the right shape.
type parts struct {
	signed     string // payload "." timestamp: what the signature covers
	payload    string // base64url, without the compression marker
	compressed bool
	timestamp  string
	signature  string
}

// b64URLChar marks the bytes of the base64url alphabet.
var b64URLChar = func() (t [256]bool) {
	for _, c := range "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" {
		t[c] = true
	}
	return t
}()

// isB64URL reports whether s is non-empty and all base64url characters.
func isB64URL(s string) bool {
	for i := 0; i < len(s); i++ {
		if !b64URLChar[s[i]] {
			return false
		}
	}
	return s != ""
}

// split checks value's shape and splits it, as itsdangerous does, at its
// last two dots.
func split(value string) (parts, error) {
	if len(value) < minCookieLen {
		return parts{}, fmt.Errorf("%w: %d bytes, too short for a Flask cookie", cookiecodec.ErrInvalid, len(value))
	}
	i := strings.LastIndexByte(value, '.')
	j := strings.LastIndexByte(value[:max(i, 0)], '.')
	if j < 0 {
		return parts{}, fmt.Errorf("%w: not a Flask cookie: want payload.timestamp.signature", cookiecodec.ErrInvalid)
	}
	p := parts{signed: value[:i], payload: value[:j], timestamp: value[j+1 : i], signature: value[i+1:]}
	if strings.HasPrefix(p.payload, ".") {
		p.payload, p.compressed = p.payload[1:], true
	}
	if !isB64URL(p.payload) || !isB64URL(p.timestamp) || !isB64URL(p.signature) {
		return parts{}, fmt.Errorf("%w: not a Flask cookie: want payload.timestamp.signature in base64url", cookiecodec.ErrInvalid)
	}
	if len(p.signature) != sigLen {
		return parts{}, fmt.Errorf("%w: signature is %d characters, want %d", cookiecodec.ErrInvalid, len(p.signature), sigLen)
	}
	if len(p.timestamp) > maxTSLen {
		return parts{}, fmt.Errorf("%w: malformed timestamp", cookiecodec.ErrInvalid)
	}
	return p, nil
}

// LooksLikeFlask reports whether value has the shape of a Flask session
// cookie: base64url payload (with a leading "." if compressed), timestamp
// and 27-character signature, joined by dots. It is cheap and verifies
// nothing; native cookiecodec tokens never contain a dot, so it tells the
// two formats apart.
func LooksLikeFlask(value string) bool {
	if len(value) > MaxUnverifiedLength {
		return false
	}
	_, err := split(value)
	return err == nil
}

var b64 = base64.RawURLEncoding.Strict()

// parseTimestamp decodes the timestamp field: 1 to 8 big-endian bytes
// without leading zeros, as itsdangerous writes it.
func parseTimestamp(s string) (int64, error) {
	var buf [8]byte
	n, err := b64.Decode(buf[:], []byte(s))
	if err != nil || n == 0 || buf[0] == 0 {
		return 0, fmt.Errorf("%w: malformed timestamp", cookiecodec.ErrInvalid)
	}
	var full [8]byte
	copy(full[8-n:], buf[:n])
	ts := binary.BigEndian.Uint64(full[:])
	if ts > maxUnixSeconds {
		return 0, fmt.Errorf("%w: timestamp out of range", cookiecodec.ErrInvalid)
	}
	return int64(ts), nil
}

// maxUnixSeconds is the last second of year 9999, the largest time Python's
// datetime holds.
const maxUnixSeconds = 253402300799

// appendTimestamp appends the timestamp field for Unix time ts, ts > 0.
func appendTimestamp(dst []byte, ts int64) []byte {
	var full [8]byte
	binary.BigEndian.PutUint64(full[:], uint64(ts))
	b := full[:]
	for len(b) > 1 && b[0] == 0 {
		b = b[1:]
	}
	return b64.AppendEncode(dst, b)
}

// decodePayload decodes the payload field, inflating it if compressed.
func decodePayload(p parts) ([]byte, error) {
	raw, err := b64.DecodeString(p.payload)
	if err != nil {
		return nil, fmt.Errorf("%w: payload is not canonical base64url", cookiecodec.ErrInvalid)
	}
	if !p.compressed {
		return raw, nil
	}
	out, err := inflate(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", cookiecodec.ErrInvalid, err)
	}
	return out, nil
}

// inflate returns the zlib stream z inflated, failing beyond
// [cookiecodec.MaxInflatedSize] bytes or on trailing data.
func inflate(z []byte) ([]byte, error) {
	zr := bytes.NewReader(z)
	r, _ := zreaders.Get().(io.ReadCloser)
	if r == nil {
		var err error
		if r, err = zlib.NewReader(zr); err != nil {
			return nil, fmt.Errorf("corrupt compressed payload")
		}
	} else if err := r.(zlib.Resetter).Reset(zr, nil); err != nil {
		zreaders.Put(r)
		return nil, fmt.Errorf("corrupt compressed payload")
	}
	defer zreaders.Put(r)
	var buf bytes.Buffer
	buf.Grow(min(4*len(z), cookiecodec.MaxInflatedSize) + bytes.MinRead)
	n, err := buf.ReadFrom(io.LimitReader(r, cookiecodec.MaxInflatedSize+1))
	if err != nil {
		return nil, fmt.Errorf("corrupt compressed payload")
	}
	if n > cookiecodec.MaxInflatedSize {
		return nil, fmt.Errorf("payload inflates beyond %d bytes", cookiecodec.MaxInflatedSize)
	}
	if zr.Len() != 0 {
		return nil, fmt.Errorf("trailing data after compressed payload")
	}
	return buf.Bytes(), nil
}

// zreaders holds zlib readers, whose state is large, for reuse.
var zreaders sync.Pool

// zwriters holds compressors at the default zlib level, whose state is
// large, for reuse.
var zwriters = sync.Pool{New: func() any { return flate.NewCompressor(flate.DefaultCompression) }}

// compress returns p compressed with zlib at the default level, as
// Python's zlib.compress does, and whether Flask would use it: only when
// it saves at least two bytes. The bytes are those Go's compress/zlib
// writes (not always Python's, which Flask inflates alike), through
// internal/flate, which saves compress/flate's per-stream set-up.
func compress(p []byte) ([]byte, bool) {
	if cannotShrink(p) {
		return nil, false
	}
	c := zwriters.Get().(*flate.Compressor)
	z := c.AppendZlib(nil, p)
	zwriters.Put(c)
	return z, len(z) < len(p)-1
}

// Unverified describes a Flask cookie read by [InspectUnverified], without
// any key. None of it is authenticated: anyone can write a cookie that
// shows any of these values. Use it to debug cookies, never to trust one.
type Unverified struct {
	// IssuedAt is the time the cookie claims it was signed, in UTC.
	IssuedAt time.Time
	// Compressed reports that the payload is zlib-compressed.
	Compressed bool
	// Payload is the tagged JSON the cookie carries, inflated if
	// Compressed (at most [cookiecodec.MaxInflatedSize] bytes). Parse it
	// with [UnmarshalTagged].
	Payload []byte
}

// InspectUnverified reads a Flask cookie without verifying its signature,
// for debugging: its timestamp and its payload, which the client can read
// anyway. It checks the shape as [Codec.Decode] does, but not the
// signature, the age or the JSON, and returns an error wrapping
// [cookiecodec.ErrInvalid] for a value that is not a well-formed Flask
// cookie. A nil error says nothing about whether the cookie is authentic.
func InspectUnverified(value string) (Unverified, error) {
	if len(value) > MaxUnverifiedLength {
		return Unverified{}, fmt.Errorf("%w: %d bytes, longer than %d", cookiecodec.ErrInvalid, len(value), MaxUnverifiedLength)
	}
	p, err := split(value)
	if err != nil {
		return Unverified{}, err
	}
	ts, err := parseTimestamp(p.timestamp)
	if err != nil {
		return Unverified{}, err
	}
	payload, err := decodePayload(p)
	if err != nil {
		return Unverified{}, err
	}
	return Unverified{
		IssuedAt:   time.Unix(ts, 0).UTC(),
		Compressed: p.compressed,
		Payload:    payload,
	}, nil
}

// A signingKey is the key itsdangerous derives from one secret and the
// salt with key_derivation="hmac", as Flask configures it.
type signingKey struct {
	id cookiecodec.KeyID
	// derived is HMAC-SHA1(secret, salt), one pointer further away than
	// fmt follows. Printing a Codec with a verb fmt does not support for
	// pointers makes fmt dereference each *signingKey, but it prints the
	// pointers it finds inside as addresses.
	derived *[sha1.Size]byte
	pool    sync.Pool // of HMAC states keyed with derived
}

func newSigningKey(secret []byte, salt string) *signingKey {
	m := hmac.New(sha1.New, secret)
	m.Write([]byte(salt))
	k := &signingKey{id: KeyID(secret), derived: new([sha1.Size]byte)}
	m.Sum(k.derived[:0])
	k.pool.New = func() any { return hmac.New(sha1.New, k.derived[:]) }
	return k
}

// appendSignature appends the base64url HMAC-SHA1 of msg to dst.
func (k *signingKey) appendSignature(dst []byte, msg string) []byte {
	var sum [sha1.Size]byte
	return b64.AppendEncode(dst, k.sum(sum[:0], msg))
}

func (k *signingKey) sum(dst []byte, msg string) []byte {
	h := k.pool.Get().(hash.Hash)
	h.Reset()
	io.WriteString(h, msg)
	dst = h.Sum(dst)
	k.pool.Put(h)
	return dst
}

// verify reports whether sig, the decoded signature, is the one k makes
// for msg.
func (k *signingKey) verify(msg string, sig []byte) bool {
	var sum [sha1.Size]byte
	return hmac.Equal(k.sum(sum[:0], msg), sig)
}
