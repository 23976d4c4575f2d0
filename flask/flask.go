// Package flask reads and writes Flask's session cookies, so that a Go
// service can share a login session with a Flask application: while an
// application moves from Python to Go piece by piece, or beside one that
// stays.
//
// A [Codec] has the shape of the native [cookiecodec.Codec]: [Codec.Encode]
// and [Codec.Decode] take a [cookiecodec.Session] and return the same
// [cookiecodec.Info] and errors, so code written against one works with the
// other.
//
//	codec, err := flask.New(flask.Options{SecretKeys: [][]byte{[]byte(os.Getenv("FLASK_SECRET_KEY"))}})
//	if err != nil {
//		log.Fatal(err) // FLASK_SECRET_KEY is unset or empty
//	}
//	s, info, err := codec.Decode("session", cookie.Value)
//	user, ok := cookiecodec.Get[string](s, "user")
//
// # The format
//
// Flask (flask.sessions.SecureCookieSessionInterface) signs the session
// with itsdangerous' URLSafeTimedSerializer: salt "cookie-session", key
// derivation "hmac", HMAC-SHA1. The cookie is payload "." timestamp "."
// signature in base64url without padding, where the timestamp is the Unix
// time in big-endian bytes without leading zeros and the payload is the
// session in Flask's tagged JSON, zlib-compressed behind a leading "." when
// that saves at least two bytes. This package writes that format byte for
// byte: for the same session, secret and second, [Codec.Encode] returns the
// cookie Flask sets when the payload is not compressed. Go's compress/zlib
// writes other bytes than Python's zlib, usually a few more, so a
// compressed payload differs from Flask's, and a session near the
// break-even point may be compressed by Flask and not by Encode. Flask
// accepts both.
//
// The tagged JSON (flask.json.tag) carries Python types JSON lacks. They
// decode to Go types that encode back to the same tags, so a session read
// and written back is unchanged for the Flask side:
//
//	Python            tag    Go
//	tuple             " t"   Tuple
//	bytes             " b"   []byte
//	markupsafe.Markup " m"   Markup
//	uuid.UUID         " u"   UUID
//	datetime          " d"   time.Time, in UTC, to the second
//	int                      int64, uint64 above math.MaxInt64, json.Number beyond
//	                         (at most MaxIntDigits digits, as in Python)
//	float                    float64
//	str, bool, None          string, bool, nil
//	list, dict               []any, map[string]any
//
// A dict with one key that looks like a tag is escaped with " di";
// [MarshalTagged] and [UnmarshalTagged] handle that and the rest of the
// tagged JSON on their own, for tools. [InspectUnverified] reads a cookie
// without a key, and [LooksLikeFlask] tells a Flask cookie from a native
// token.
//
// Flask stores session.permanent as the key "_permanent"; it is an
// ordinary key here. Permanent or not, Flask rejects a session cookie
// older than PERMANENT_SESSION_LIFETIME, as [Codec.Decode] does with
// [Options.MaxAge]; "_permanent" only decides whether the cookie Flask sets
// outlives the browser session.
//
// # Key management
//
// The secrets are Flask's SECRET_KEY and SECRET_KEY_FALLBACKS, as bytes (a
// Python str secret is its UTF-8 encoding). Flask accepts a secret of any
// length, and so does this package; use at least 32 random bytes, as
// anyone who guesses the secret can forge any session. Each secret has a
// [cookiecodec.KeyID], see [KeyID], which [cookiecodec.Info] reports so
// that logs and tools can say which secret opened a cookie without
// showing it.
//
// # Key rotation
//
// [Options.SecretKeys] lists the current secret first and fallbacks after
// it. [Codec.Encode] signs with the current secret; [Codec.Decode] tries
// each secret in order and reports a cookie opened with a fallback as
// [cookiecodec.Info.Stale], so that the caller re-issues it under the
// current secret. Flask 3.1 reads SECRET_KEY_FALLBACKS the same way but
// does not single these cookies out: it signs a cookie again only when it
// sets it anyway (the session changed, or it is permanent and
// SESSION_REFRESH_EACH_REQUEST is on). Flask before 3.1 has no fallbacks:
// changing its secret logs everyone out of the Flask side.
//
// # Security properties
//
// The format is Flask's, with Flask's limits:
//
//   - The session is signed, not encrypted: the client can read it.
//   - The cookie name is not signed: a cookie made for one name opens under
//     another, and under any application that shares the secret and salt.
//     Encode and Decode take the name only to match the native codec.
//   - A stolen cookie replays until it expires, [Options.MaxAge] after it
//     was signed; there is no revocation but changing the secret.
//   - Compression is always on when it saves bytes, as in Flask, so the
//     cookie's length depends on its content: an attacker who can put
//     chosen text into a session that also holds a secret, and watch the
//     cookie's length, can guess the secret piece by piece (as in CRIME).
//   - HMAC-SHA1 is sound as a MAC, but the key derivation is not a password
//     hash: a weak secret falls to an offline guess from one cookie.
//
// Decoding verifies the signature before it decodes the timestamp or the
// payload, and inflates at most [cookiecodec.MaxInflatedSize] bytes.
package flask

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unsafe"

	"github.com/cookiecodec/cookiecodec"
)

// Defaults applied to the zero fields of [Options].
const (
	// DefaultSalt is the salt Flask's session interface uses.
	DefaultSalt = "cookie-session"
	// DefaultMaxAge is Flask's default PERMANENT_SESSION_LIFETIME: 31 days.
	DefaultMaxAge = 31 * 24 * time.Hour
	// DefaultMaxLength is the longest cookie value, in bytes: 4096, the
	// least that browsers accept for a whole cookie.
	DefaultMaxLength = 4096
)

// Options configure a [Codec]. Only SecretKeys is required; the zero value
// of every other field behaves as Flask's defaults do.
type Options struct {
	// SecretKeys are Flask's SECRET_KEY followed by its
	// SECRET_KEY_FALLBACKS: the first signs and every one verifies. Each
	// must be non-empty, of any length, and none may repeat. An Options
	// prints, and marshals to JSON, their ids ([KeyID]) in their place,
	// but fmt calls no method for the verbs %p and %w or inside an
	// unexported field, and prints them there: drop the Options once
	// [New] has it.
	SecretKeys [][]byte

	// Salt is itsdangerous' salt. Empty means [DefaultSalt], Flask's;
	// other values serve other users of URLSafeTimedSerializer with
	// key_derivation="hmac".
	Salt string

	// MaxAge is how long a cookie is valid after it was signed, in whole
	// seconds: Flask's PERMANENT_SESSION_LIFETIME. Zero means
	// [DefaultMaxAge]. It must be at least one second.
	MaxAge time.Duration

	// Skew is how far in the future a cookie's timestamp may be before the
	// cookie is rejected, for servers whose clocks differ. Zero means
	// none, as in Flask, which rejects any cookie signed after its own
	// current second; [cookiecodec.DefaultSkew] is a reasonable value
	// beside servers with other clocks. Skew does not extend MaxAge. It
	// must not be negative, and counts in whole seconds (a fraction is
	// dropped).
	Skew time.Duration

	// MaxLength is the longest cookie value, in bytes, that the codec
	// writes or reads. Zero means [DefaultMaxLength]; it must be at least
	// 31, the length of the shortest cookie. Longer values are rejected
	// before any decoding.
	MaxLength int
}

// String describes o with the ids of its secret keys ([KeyID]) in place of
// the keys: flask.Options{SecretKeys: [1a2b3c4d], Salt: "cookie-session",
// MaxAge: 1h0m0s, Skew: 0s, MaxLength: 0}.
func (o Options) String() string {
	var b strings.Builder
	b.WriteString("flask.Options{SecretKeys: [")
	for i, id := range o.secretKeyIDs() {
		if i > 0 {
			b.WriteString(" ")
		}
		b.WriteString(id)
	}
	fmt.Fprintf(&b, "], Salt: %q, MaxAge: %v, Skew: %v, MaxLength: %d}", o.Salt, o.MaxAge, o.Skew, o.MaxLength)
	return b.String()
}

// GoString is the same as [Options.String], so %#v does not reveal the
// secret keys.
func (o Options) GoString() string { return o.String() }

// Format prints [Options.String] for every verb, so that no fmt verb, and
// no log/slog text handler, reveals the secret keys.
func (o Options) Format(f fmt.State, verb rune) { fmt.Fprint(f, o.String()) }

// MarshalJSON writes o with the ids of its secret keys, as SecretKeyIDs,
// in place of the keys, so that an Options logged as JSON does not leak
// them.
func (o Options) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		SecretKeyIDs []string
		Salt         string
		MaxAge       time.Duration
		Skew         time.Duration
		MaxLength    int
	}{o.secretKeyIDs(), o.Salt, o.MaxAge, o.Skew, o.MaxLength})
}

// secretKeyIDs returns the ids of o.SecretKeys, "empty" for an empty key.
func (o Options) secretKeyIDs() []string {
	ids := make([]string, len(o.SecretKeys))
	for i, secret := range o.SecretKeys {
		ids[i] = "empty"
		if len(secret) > 0 {
			ids[i] = KeyID(secret).String()
		}
	}
	return ids
}

// A Codec reads and writes Flask session cookies. It is immutable and safe
// for concurrent use.
type Codec struct {
	keys      []*signingKey // current first
	maxAge    int64         // seconds
	skew      int64         // seconds
	maxLength int

	now func() time.Time // time.Now, except in tests
}

// KeyID returns the id that [cookiecodec.Info] reports for a cookie
// verified with secret: the first four bytes of
// HMAC-SHA256(secret, "cookiecodec flask key id"). It identifies the
// secret without revealing it; it lets someone test a guess of the secret
// offline, as any cookie signed with the secret already does.
//
// KeyID is a function, where [cookiecodec.KeyID] is a type, because a Flask
// secret key is a byte string rather than a [cookiecodec.Key] with an id of
// its own: KeyID(secret) is the cookiecodec.KeyID value of that secret.
func KeyID(secret []byte) cookiecodec.KeyID {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("cookiecodec flask key id"))
	return cookiecodec.KeyID(binary.BigEndian.Uint32(m.Sum(nil)))
}

// New returns a Codec for opts.
func New(opts Options) (*Codec, error) {
	if len(opts.SecretKeys) == 0 {
		return nil, errors.New("flask: no secret keys")
	}
	salt := opts.Salt
	if salt == "" {
		salt = DefaultSalt
	}
	c := &Codec{now: time.Now}
	for i, secret := range opts.SecretKeys {
		if len(secret) == 0 {
			return nil, fmt.Errorf("flask: secret key %d of %d is empty", i+1, len(opts.SecretKeys))
		}
		k := newSigningKey(secret, salt)
		for j, prev := range c.keys {
			if hmac.Equal(prev.derived[:], k.derived[:]) {
				return nil, fmt.Errorf("flask: secret key %d of %d repeats key %d", i+1, len(opts.SecretKeys), j+1)
			}
		}
		c.keys = append(c.keys, k)
	}
	switch {
	case opts.MaxAge == 0:
		c.maxAge = int64(DefaultMaxAge / time.Second)
	case opts.MaxAge < time.Second:
		return nil, fmt.Errorf("flask: MaxAge %v is less than one second", opts.MaxAge)
	default:
		c.maxAge = int64(opts.MaxAge / time.Second)
	}
	if opts.Skew < 0 {
		return nil, fmt.Errorf("flask: Skew %v is negative", opts.Skew)
	}
	c.skew = int64(opts.Skew / time.Second)
	switch {
	case opts.MaxLength == 0:
		c.maxLength = DefaultMaxLength
	case opts.MaxLength < minCookieLen:
		return nil, fmt.Errorf("flask: MaxLength %d is less than %d, the shortest cookie", opts.MaxLength, minCookieLen)
	default:
		c.maxLength = opts.MaxLength
	}
	return c, nil
}

// MaxAge returns how long a cookie is valid after it was signed.
func (c *Codec) MaxAge() time.Duration { return time.Duration(c.maxAge) * time.Second }

// MaxLength returns the longest cookie value, in bytes, that the codec
// writes or reads.
func (c *Codec) MaxLength() int { return c.maxLength }

// KeyIDs returns the ids of the codec's secrets ([KeyID]), the current
// one first.
func (c *Codec) KeyIDs() []cookiecodec.KeyID {
	ids := make([]cookiecodec.KeyID, len(c.keys))
	for i, k := range c.keys {
		ids[i] = k.id
	}
	return ids
}

// Encode returns the Flask cookie value for s, signed now with the current
// secret, as Flask's session interface writes it. name is not part of
// Flask's format and is ignored. Encode fails as [MarshalTagged] does for a
// session it cannot write, and with [cookiecodec.ErrTooLarge] if the value
// would be longer than MaxLength or the JSON longer than
// [cookiecodec.MaxInflatedSize].
func (c *Codec) Encode(name string, s cookiecodec.Session) (string, error) {
	return c.encode(s, c.now())
}

func (c *Codec) encode(s cookiecodec.Session, now time.Time) (string, error) {
	ts := now.Unix()
	if ts <= 0 || ts > maxUnixSeconds {
		return "", fmt.Errorf("flask: time %d is outside the range of Flask timestamps", ts)
	}
	js, err := MarshalTagged(s)
	if err != nil {
		return "", err
	}
	if len(js) > cookiecodec.MaxInflatedSize {
		return "", fmt.Errorf("%w: session is %d bytes of JSON, more than the %d a cookie can carry", cookiecodec.ErrTooLarge, len(js), cookiecodec.MaxInflatedSize)
	}
	body, compressed := js, false
	if z, ok := compress(js); ok {
		body, compressed = z, true
	}
	n := base64.RawURLEncoding.EncodedLen(len(body)) + 1 + maxTSLen + 1 + sigLen
	if compressed {
		n++
	}
	out := make([]byte, 0, n)
	if compressed {
		out = append(out, '.')
	}
	out = b64.AppendEncode(out, body)
	out = append(out, '.')
	out = appendTimestamp(out, ts)
	if l := len(out) + 1 + sigLen; l > c.maxLength {
		return "", fmt.Errorf("%w: %d bytes, %d more than MaxLength %d", cookiecodec.ErrTooLarge, l, l-c.maxLength, c.maxLength)
	}
	signed := unsafe.String(unsafe.SliceData(out), len(out))
	out = c.keys[0].appendSignature(append(out, '.'), signed)
	// out is never written again, so it can back the string directly.
	return unsafe.String(unsafe.SliceData(out), len(out)), nil
}

// Decode verifies a Flask session cookie and returns its session, as
// Flask's session interface reads it. name is not part of Flask's format
// and is ignored: the cookie opens under any name. Every failure returns a
// nil session and an error that wraps [cookiecodec.ErrInvalid] or, for an
// authentic cookie older than MaxAge, [cookiecodec.ErrExpired]. A cookie
// verified with a fallback secret is reported as
// [cookiecodec.Info.Stale].
func (c *Codec) Decode(name, value string) (cookiecodec.Session, cookiecodec.Info, error) {
	if len(value) > c.maxLength {
		return nil, cookiecodec.Info{}, fmt.Errorf("%w: %d bytes, longer than MaxLength %d", cookiecodec.ErrInvalid, len(value), c.maxLength)
	}
	p, err := split(value)
	if err != nil {
		return nil, cookiecodec.Info{}, err
	}
	var sig [sha1Size + 1]byte
	if n, err := b64.Decode(sig[:], []byte(p.signature)); err != nil || n != sha1Size {
		return nil, cookiecodec.Info{}, fmt.Errorf("%w: signature is not canonical base64url", cookiecodec.ErrInvalid)
	}
	var key *signingKey
	stale := false
	for i, k := range c.keys {
		if k.verify(p.signed, sig[:sha1Size]) {
			key, stale = k, i > 0
			break
		}
	}
	if key == nil {
		return nil, cookiecodec.Info{}, fmt.Errorf("%w: signature does not match", cookiecodec.ErrInvalid)
	}

	// The cookie is authentic from here on.
	ts, err := parseTimestamp(p.timestamp)
	if err != nil {
		return nil, cookiecodec.Info{}, err
	}
	info := cookiecodec.Info{KeyID: key.id, IssuedAt: time.Unix(ts, 0).UTC(), Compressed: p.compressed, Stale: stale}
	if err := c.checkAge(ts); err != nil {
		return nil, cookiecodec.Info{}, err
	}
	payload, err := decodePayload(p)
	if err != nil {
		return nil, cookiecodec.Info{}, err
	}
	s, err := unmarshalTagged(payload)
	if err != nil {
		return nil, cookiecodec.Info{}, fmt.Errorf("%w: session payload: %v", cookiecodec.ErrInvalid, err)
	}
	return s, info, nil
}

const sha1Size = 20

// checkAge rejects a cookie signed at Unix time ts that is older than
// MaxAge or from further in the future than Skew. Like itsdangerous, it
// compares whole seconds.
func (c *Codec) checkAge(ts int64) error {
	now := c.now().Unix()
	if ahead := ts - now; ahead > c.skew {
		return fmt.Errorf("%w: signed %s in the future (skew %s)", cookiecodec.ErrInvalid, formatSeconds(ahead), formatSeconds(c.skew))
	}
	if age := now - ts; age > c.maxAge {
		return fmt.Errorf("%w %s ago (max age %s)", cookiecodec.ErrExpired, formatSeconds(age-c.maxAge), formatSeconds(c.maxAge))
	}
	return nil
}

// formatSeconds prints n seconds without zero units: "2h13m", "45s",
// "744h".
func formatSeconds(n int64) string {
	if n <= 0 {
		return "0s"
	}
	var s string
	if h := n / 3600; h > 0 {
		s = fmt.Sprintf("%dh%dm%ds", h, n%3600/60, n%60)
	} else if m := n / 60; m > 0 {
		s = fmt.Sprintf("%dm%ds", m, n%60)
	} else {
		s = fmt.Sprintf("%ds", n)
	}
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}
