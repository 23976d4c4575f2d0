// Package cookiecodec seals session state into HTTP cookie values and opens
// it again: authenticated with HMAC-SHA256 or encrypted with
// XChaCha20-Poly1305, bound to the cookie's name, stamped with the time it
// was issued, and keyed by a [Keyring] that rotates without logging anyone
// out.
//
// A [Codec] works on bytes ([Codec.Seal], [Codec.Open]) or on a [Session],
// a map of typed values ([Codec.Encode], [Codec.Decode]). [Codec.DecodeView]
// verifies a cookie and reads values from it in place, for the request that
// only reads a user id or a CSRF token; [Codec.AppendEncode] writes into a
// caller's buffer without allocating. The token format is versioned and
// specified in SPEC.md, with test vectors.
//
//	key := cookiecodec.GenerateKey()
//	ring, _ := cookiecodec.NewKeyring(key)
//	codec, _ := cookiecodec.New(ring, cookiecodec.Options{Encrypt: true})
//	value, _ := codec.Encode("session", cookiecodec.Session{"user": "Harry"})
//	s, info, err := codec.Decode("session", value)
//
// # Key management
//
// A [Key] is a secret of at least [MinKeySize] bytes, made by [GenerateKey]
// and stored in its text form ([Key.ExportSecret], [ParseKey]): a key file
// written with mode 0600, a secret store, or the COOKIECODEC_KEYS
// environment variable. Each key has a 32-bit [KeyID] derived from the
// secret, which every token carries, so that the codec picks the key to try
// by id instead of trying every key. The MAC and encryption keys are derived
// from the secret with HKDF-SHA256 under distinct labels; the secret itself
// never keys a primitive. A Key never prints its secret through fmt.
//
// # Key rotation
//
// A keyring has one primary key, which seals, and decode-only keys, which
// only open. To rotate the keys of a fleet of servers:
//
//  1. add a new key as decode-only and roll it out to every server;
//  2. promote it to primary once every server has it: servers that still run
//     the old keyring can already open what the new primary seals;
//  3. keep the old primary as decode-only for [Options.MaxAge], then remove
//     it.
//
// A token opened with a decode-only key is reported as [Info.Stale]; the
// caller re-issues it under the primary, so sessions move to the new key as
// users come back.
//
// # Security properties
//
// Every token is authenticated: a client cannot change it, move it to a
// cookie of another name, or forge one without a key. What a token does not
// give:
//
//   - Confidentiality without [Options.Encrypt]: a signed-only token's
//     payload is only base64-encoded, so the client can read it.
//   - Revocation: a stolen token replays until it expires ([Options.MaxAge]
//     after it was issued), or until its key is removed from the keyring.
//     Keep server-side state for what must be revoked sooner.
//   - Freshness between tokens: an older token of the same user opens as
//     well as a newer one until it expires.
//   - Length hiding: with [Options.Compress], the token's length depends on
//     the payload's content. If an attacker can put chosen text into a session
//     that also holds a secret, and observe the cookie's length, compression
//     lets them guess the secret piece by piece (as in CRIME and BREACH).
//     Compression is off by default for this reason.
package cookiecodec

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
)

// Defaults applied to the zero fields of [Options].
const (
	// DefaultMaxAge is Flask's permanent-session lifetime: 31 days.
	DefaultMaxAge = 31 * 24 * time.Hour
	// DefaultSkew is how far in the future a token's issue time may lie,
	// to allow for clocks that differ between servers.
	DefaultSkew = time.Minute
	// DefaultMaxLength is the longest token value, in bytes: 4096, the
	// least that browsers accept for a whole cookie.
	DefaultMaxLength = 4096
)

var (
	// ErrInvalid is returned by [Codec.Open] and [Codec.Decode] for every
	// token they reject other than an expired one: malformed, too long, of
	// an unknown version or key, tampered with, or sealed for another
	// cookie name; and, after authentication, issued further in the future
	// than [Options.Skew] allows, or carrying a compressed body or a
	// session that does not decode. The error wraps it with a detail for
	// logs.
	ErrInvalid = errors.New("cookiecodec: invalid cookie")

	// ErrExpired is returned by [Codec.Open] and [Codec.Decode] for an
	// authentic token issued more than [Options.MaxAge] ago.
	ErrExpired = errors.New("cookiecodec: cookie expired")

	// ErrTooLarge is returned by [Codec.Seal] and [Codec.Encode] when the
	// token would be longer than [Options.MaxLength], or when compressing
	// a payload longer than [MaxInflatedSize] bytes. The error says by how
	// many bytes.
	ErrTooLarge = errors.New("cookiecodec: cookie too large")
)

// Options configure a [Codec]. The zero value is a safe default: signed,
// uncompressed, tokens valid for 31 days, one minute of clock skew, 4096
// bytes at most.
type Options struct {
	// Encrypt seals with XChaCha20-Poly1305, so the client cannot read the
	// payload. Without it, tokens are signed with HMAC-SHA256 and readable.
	Encrypt bool

	// Compress DEFLATEs the payload before sealing when that makes it
	// shorter. Read the length side channel in the package documentation
	// before turning it on for sessions that hold secrets.
	Compress bool

	// AcceptAnyMode lets the codec open tokens of the other mode (signed
	// when Encrypt is set, encrypted when it is not), reporting them as
	// [Info.Stale] so they are re-issued. Set it on every server while
	// switching Encrypt across a fleet; by default the mode is fixed.
	AcceptAnyMode bool

	// MaxAge is how long a token is valid after it was issued, counted in
	// whole seconds (a fraction is dropped). Zero means [DefaultMaxAge].
	// It must be at least one second.
	MaxAge time.Duration

	// Skew is how far in the future a token's issue time may be before the
	// token is rejected, for servers whose clocks differ, counted in whole
	// seconds (a fraction is dropped). Zero means [DefaultSkew]; it must
	// not be negative. Skew does not extend MaxAge.
	Skew time.Duration

	// MaxLength is the longest token, in bytes, that the codec seals or
	// opens. Zero means [DefaultMaxLength]; it must be at least 72, the
	// length of the shortest encrypted token. Longer values are rejected
	// before any decoding.
	MaxLength int
}

// A Codec seals and opens cookie values. It is immutable and safe for
// concurrent use.
type Codec struct {
	keys          KeySource
	encrypt       bool
	compress      bool
	acceptAnyMode bool
	maxAge        time.Duration
	skew          time.Duration
	maxLength     int

	now  func() time.Time // time.Now, except in tests
	rand io.Reader        // crypto/rand.Reader, except in tests
}

// New returns a Codec that takes its keys from keys, which may be a
// [*Keyring].
func New(keys KeySource, opts Options) (*Codec, error) {
	if keys == nil {
		return nil, errors.New("cookiecodec: nil key source")
	}
	if ring := keys.Keyring(); ring == nil || ring.primary.IsZero() {
		return nil, errors.New("cookiecodec: key source has no primary key")
	}
	c := &Codec{
		keys:          keys,
		encrypt:       opts.Encrypt,
		compress:      opts.Compress,
		acceptAnyMode: opts.AcceptAnyMode,
		maxAge:        opts.MaxAge,
		skew:          opts.Skew,
		maxLength:     opts.MaxLength,
		now:           time.Now,
		rand:          rand.Reader,
	}
	switch {
	case c.maxAge == 0:
		c.maxAge = DefaultMaxAge
	case c.maxAge < time.Second:
		return nil, fmt.Errorf("cookiecodec: MaxAge %v is less than one second", opts.MaxAge)
	}
	switch {
	case c.skew == 0:
		c.skew = DefaultSkew
	case c.skew < 0:
		return nil, fmt.Errorf("cookiecodec: Skew %v is negative", opts.Skew)
	}
	switch {
	case c.maxLength == 0:
		c.maxLength = DefaultMaxLength
	case c.maxLength < minTokenLen:
		return nil, fmt.Errorf("cookiecodec: MaxLength %d is less than %d, the shortest token", opts.MaxLength, minTokenLen)
	}
	return c, nil
}

// MaxAge returns how long a token is valid after it was issued.
func (c *Codec) MaxAge() time.Duration { return c.maxAge }

// MaxLength returns the longest token, in bytes, that the codec seals or
// opens.
func (c *Codec) MaxLength() int { return c.maxLength }

// Info describes an opened token.
type Info struct {
	// KeyID is the id of the key that opened the token.
	KeyID KeyID
	// IssuedAt is when the token was sealed, to the second, in UTC.
	IssuedAt time.Time
	// Encrypted and Compressed report the token's mode.
	Encrypted, Compressed bool
	// Stale reports that the token should be re-issued: it was opened with
	// a decode-only key, or (with Options.AcceptAnyMode) it is in the
	// other mode.
	Stale bool
}

// Seal returns a token that carries payload, for the cookie called name,
// which must be 1 to 255 bytes long and, as RFC 6265 requires of a cookie
// name, made of HTTP token characters (letters, digits and
// !#$%&'*+-.^_`|~). It fails with [ErrTooLarge] if the
// token would be longer than [Options.MaxLength].
func (c *Codec) Seal(name string, payload []byte) (string, error) {
	return c.seal(name, payload, c.now(), c.rand)
}

// AppendSeal appends the token that [Codec.Seal] would return to dst and
// returns the extended buffer. It allocates only when dst lacks the room,
// growing it once; on error it returns nil.
func (c *Codec) AppendSeal(dst []byte, name string, payload []byte) ([]byte, error) {
	s := getScratch()
	defer putScratch(s)
	return c.appendSeal(dst, s, name, payload, c.now(), c.rand)
}

// Open authenticates a token sealed for the cookie called name and returns
// its payload. A name that Seal refuses (empty, longer than 255 bytes, or
// holding a character that is not an HTTP token character) opens no token. Every failure returns a nil payload and an error that wraps
// [ErrInvalid] or, for an authentic but expired token, [ErrExpired].
func (c *Codec) Open(name, value string) ([]byte, Info, error) {
	p, s, info, err := c.open(name, value)
	if err != nil {
		return nil, Info{}, err
	}
	defer putScratch(s)
	return bytes.Clone(p), info, nil
}

func modeName(encrypted bool) string {
	if encrypted {
		return "encrypted"
	}
	return "signed"
}

// checkAge sets info.IssuedAt and rejects tokens issued more than Skew in
// the future or more than MaxAge in the past. It runs only after
// authentication. Both limits compare whole seconds without overflow, since
// an authentic issue time may still be any 64-bit value.
func (c *Codec) checkAge(issuedAt uint64, info *Info) error {
	if issuedAt > math.MaxInt64 {
		return fmt.Errorf("%w: issue time out of range", ErrInvalid)
	}
	now, iat := c.now().Unix(), int64(issuedAt)
	info.IssuedAt = time.Unix(iat, 0).UTC()
	if iat > now {
		// iat > now, so the difference is positive and fits a uint64.
		ahead := uint64(iat) - uint64(now)
		if ahead > uint64(c.skew/time.Second) {
			return fmt.Errorf("%w: issued %s in the future (skew %s)", ErrInvalid, formatSeconds(ahead), formatDuration(c.skew))
		}
		return nil
	}
	if age := uint64(now) - uint64(iat); age > uint64(c.maxAge/time.Second) {
		return fmt.Errorf("%w %s ago (max age %s)", ErrExpired, formatSeconds(age-uint64(c.maxAge/time.Second)), formatDuration(c.maxAge))
	}
	return nil
}

// formatSeconds is [formatDuration] for a count of seconds that may not
// fit a time.Duration.
func formatSeconds(s uint64) string {
	const maxSeconds = uint64(math.MaxInt64 / int64(time.Second))
	if s > maxSeconds {
		return fmt.Sprintf("%ds", s)
	}
	return formatDuration(time.Duration(s) * time.Second)
}

// formatDuration prints d rounded to the second without zero units:
// "2h13m", "45s", "744h".
func formatDuration(d time.Duration) string {
	d = d.Round(time.Second)
	if d < time.Second {
		return "0s"
	}
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}
