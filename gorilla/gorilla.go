// Package gorilla reads the cookies of gorilla/securecookie, and so of
// gorilla/sessions' CookieStore, so that a service moving to cookiecodec
// keeps the users who are logged in: httpsession opens their old cookie
// with a [Decoder] and re-issues it in the native format (see
// [github.com/cookiecodec/cookiecodec/httpsession.Legacy]).
//
// It only reads: there is no encoder, so nothing new is ever written in
// gorilla's format. It depends on the standard library alone.
//
//	dec, err := gorilla.New(gorilla.Options{
//		Keys: []gorilla.KeyPair{{HashKey: hashKey, BlockKey: blockKey}},
//	})
//	s, info, err := dec.Decode("session", cookie.Value)
//
// # The format
//
// securecookie.Encode(name, value) writes
//
//	b64(timestamp "|" b64(body) "|" HMAC(hashKey, name "|" timestamp "|" b64(body)))
//
// where b64 is base64url with padding, timestamp is the Unix time in
// decimal, and body is the serialized value, encrypted when there is a
// block key: a random 16-byte IV followed by the value XORed with AES-CTR
// under the block key. The HMAC is HMAC-SHA256 unless securecookie's
// HashFunc changed it ([Options.HashFunc]). The cookie's name is part of
// what the HMAC covers, so a cookie opens only under the name it was made
// for.
//
// The serializer is securecookie's GobEncoder by default ([Gob]), which
// gorilla/sessions uses to store its map[interface{}]interface{}, or its
// JSONEncoder ([JSON]). Values convert to a [cookiecodec.Session] as
// [cookiecodec.Codec.Decode] returns them, so that the session re-encodes
// natively:
//
//	gob value                    Session value
//	string, bool, nil            string, bool, nil
//	int, int8 ... int64, uint... int64 (uint64 above math.MaxInt64)
//	float32, float64             float64
//	[]byte                       []byte
//	time.Time                    time.Time, in UTC (with a fraction of a
//	                             second, in years 0 to 9999 only)
//	map with string keys         map[string]any
//	slice or array               []any
//
// A map key that is not a string, a struct other than time.Time, or any
// other type is an error naming the type and where it is. Under [JSON] a
// number without a fraction or exponent is an int64 (uint64 above
// math.MaxInt64) and any other a float64, where gorilla's own decoder
// returns float64 for every number.
//
// Under [Gob], the types an interface value holds must be registered with
// encoding/gob, as they were in the application that wrote the cookie.
// [New] registers, under the names gob.Register gives them, the types a
// session commonly holds beyond gob's basic ones: map[string]interface{},
// map[interface{}]interface{}, []interface{}, []map[string]interface{} and
// time.Time. A type registered under another name stays as it is.
//
// # Key management
//
// The keys are the hash and block keys given to securecookie.New or
// sessions.NewCookieStore, as bytes. Each hash key has a
// [cookiecodec.KeyID], see [KeyID], which [cookiecodec.Info] reports so
// that logs can say which key opened a cookie without showing it. A
// [Decoder] never prints its keys. A [Key], and the [KeyPair] and [Options]
// that hold keys, print only their lengths through encoding/json, log/slog
// and fmt, except where fmt calls no method: the verbs %p and %w, and
// inside an unexported struct field. A Key is the caller's own []byte;
// keep it out of such printing, as any []byte holding a secret.
//
// # Key rotation
//
// [Options.Keys] lists the key pairs in the order
// securecookie.CodecsFromPairs takes them; [Decoder.Decode] tries each in
// turn, as securecookie.DecodeMulti does, and reports a cookie opened by
// any pair but the first as [cookiecodec.Info.Stale].
//
// # Security properties
//
// Decode checks the length of the cookie before it decodes any base64,
// compares the HMAC in constant time, and verifies it before it parses the
// timestamp, decrypts or deserializes anything. Every rejection is a nil
// session and an error wrapping [cookiecodec.ErrInvalid], or
// [cookiecodec.ErrExpired] for an authentic cookie older than
// [Options.MaxAge]. gorilla's format has these limits, which this package
// keeps:
//
//   - Without a block key the body is only base64-encoded: the client can
//     read it.
//   - With a block key the body is encrypted with AES-CTR and authenticated
//     with the HMAC, so the two keys must differ and both stay secret.
//   - A stolen cookie replays until it expires, MaxAge after it was made.
//
// It decodes more strictly than securecookie in two ways that gorilla's
// own encoder never meets: base64 must be canonical (securecookie also
// skips newlines and ignores padding bits), and a JSON body must hold one
// object and nothing after it but white space.
package gorilla

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"sync"
	"time"
	"unsafe"

	"github.com/cookiecodec/cookiecodec"
)

// Defaults applied to the zero fields of [Options], as securecookie.New
// and sessions.NewCookieStore set them.
const (
	// DefaultMaxAge is securecookie's and gorilla/sessions' default
	// lifetime of a cookie: 30 days.
	DefaultMaxAge = 30 * 24 * time.Hour
	// DefaultMaxLength is securecookie's default longest cookie value, in
	// bytes: 4096.
	DefaultMaxLength = 4096
)

// A Serializer names the way securecookie turned the value into bytes.
type Serializer int

const (
	// Gob is securecookie.GobEncoder, the default of securecookie.New and
	// of gorilla/sessions' CookieStore.
	Gob Serializer = iota
	// JSON is securecookie.JSONEncoder.
	JSON
)

// String returns "gob" or "json".
func (s Serializer) String() string {
	switch s {
	case Gob:
		return "gob"
	case JSON:
		return "json"
	}
	return fmt.Sprintf("Serializer(%d)", int(s))
}

// Options configure a [Decoder]. Only Keys is required; the zero value of
// every other field behaves as securecookie's defaults do.
type Options struct {
	// Keys are the key pairs given to securecookie.CodecsFromPairs or
	// sessions.NewCookieStore, tried in order. Each needs a hash key.
	Keys []KeyPair

	// Serializer is the serializer the cookies were written with. The
	// zero value is [Gob], securecookie's default.
	Serializer Serializer

	// HashFunc is the hash of the HMAC, as set with securecookie's
	// HashFunc. Nil means sha256.New, securecookie's default.
	HashFunc func() hash.Hash

	// MaxAge is how long a cookie is valid after it was made, in whole
	// seconds (a fraction is dropped): securecookie's MaxAge, which
	// sessions.CookieStore.MaxAge also sets. Zero means [DefaultMaxAge].
	// It must be at least one second: for cookies made with MaxAge(0),
	// which never expire, give the longest age to accept.
	MaxAge time.Duration

	// MinAge rejects a cookie made less than MinAge ago, in whole
	// seconds, as securecookie's MinAge does ("timestamp is too new").
	// Zero means no minimum, securecookie's default. It must not be
	// negative.
	MinAge time.Duration

	// Skew is how far in the future a cookie's timestamp may lie before
	// the cookie is rejected, in whole seconds. Zero means no limit, as in
	// securecookie, which accepts any future timestamp unless MinAge is
	// set; [cookiecodec.DefaultSkew] is a reasonable value. It must not be
	// negative.
	Skew time.Duration

	// MaxLength is the longest cookie value, in bytes, that the decoder
	// reads: securecookie's MaxLength. Zero means [DefaultMaxLength]. Longer
	// values are rejected before any decoding.
	MaxLength int
}

// A Decoder opens cookies made by gorilla/securecookie. It is immutable
// and safe for concurrent use.
type Decoder struct {
	pairs      []*pair
	serializer Serializer
	macSize    int
	maxAge     int64 // seconds
	minAge     int64 // seconds; 0 for none
	skew       int64 // seconds; -1 for no limit
	maxLength  int

	now func() time.Time // time.Now, except in tests
}

// A pair is one key pair, ready to use.
type pair struct {
	id    cookiecodec.KeyID
	macs  sync.Pool    // of hash.Hash: HMACs keyed with the hash key
	block cipher.Block // nil without a block key
}

// New returns a Decoder for opts. It copies the keys.
func New(opts Options) (*Decoder, error) {
	if len(opts.Keys) == 0 {
		return nil, errors.New("gorilla: no key pairs")
	}
	switch opts.Serializer {
	case Gob:
		registerGobTypes()
	case JSON:
	default:
		return nil, fmt.Errorf("gorilla: unknown %v", opts.Serializer)
	}
	hf := opts.HashFunc
	if hf == nil {
		hf = sha256.New
	}
	d := &Decoder{serializer: opts.Serializer, macSize: hf().Size(), now: time.Now}
	for i, kp := range opts.Keys {
		if len(kp.HashKey) == 0 {
			return nil, fmt.Errorf("gorilla: key pair %d of %d has no hash key", i+1, len(opts.Keys))
		}
		hashKey := []byte(kp.HashKey.clone())
		p := &pair{id: KeyID(hashKey)}
		p.macs.New = func() any { return hmac.New(hf, hashKey) }
		if len(kp.BlockKey) > 0 {
			// aes.NewCipher copies the key into its schedule.
			b, err := aes.NewCipher(kp.BlockKey)
			if err != nil {
				return nil, fmt.Errorf("gorilla: block key of pair %d of %d is %d bytes; AES takes 16, 24 or 32", i+1, len(opts.Keys), len(kp.BlockKey))
			}
			p.block = b
		}
		d.pairs = append(d.pairs, p)
	}
	switch {
	case opts.MaxAge == 0:
		d.maxAge = int64(DefaultMaxAge / time.Second)
	case opts.MaxAge < time.Second:
		return nil, fmt.Errorf("gorilla: MaxAge %v is less than one second", opts.MaxAge)
	default:
		d.maxAge = int64(opts.MaxAge / time.Second)
	}
	if opts.MinAge < 0 {
		return nil, fmt.Errorf("gorilla: MinAge %v is negative", opts.MinAge)
	}
	d.minAge = int64(opts.MinAge / time.Second)
	switch {
	case opts.Skew < 0:
		return nil, fmt.Errorf("gorilla: Skew %v is negative", opts.Skew)
	case opts.Skew == 0:
		d.skew = -1
	default:
		d.skew = int64(opts.Skew / time.Second)
	}
	minLen := base64.URLEncoding.EncodedLen(len("0||") + d.macSize)
	switch {
	case opts.MaxLength == 0:
		d.maxLength = DefaultMaxLength
	case opts.MaxLength < minLen:
		return nil, fmt.Errorf("gorilla: MaxLength %d is less than %d, the shortest cookie", opts.MaxLength, minLen)
	default:
		d.maxLength = opts.MaxLength
	}
	return d, nil
}

// KeyID returns the id that [cookiecodec.Info] reports for a cookie
// verified with hashKey: the first four bytes of
// HMAC-SHA256(hashKey, "cookiecodec gorilla key id"). It identifies the
// key without revealing it.
func KeyID(hashKey []byte) cookiecodec.KeyID {
	m := hmac.New(sha256.New, hashKey)
	m.Write([]byte("cookiecodec gorilla key id"))
	return cookiecodec.KeyID(binary.BigEndian.Uint32(m.Sum(nil)))
}

// MaxAge returns how long a cookie is valid after it was made.
func (d *Decoder) MaxAge() time.Duration { return time.Duration(d.maxAge) * time.Second }

// KeyIDs returns the ids of the decoder's hash keys ([KeyID]), in the
// order they are tried.
func (d *Decoder) KeyIDs() []cookiecodec.KeyID {
	ids := make([]cookiecodec.KeyID, len(d.pairs))
	for i, p := range d.pairs {
		ids[i] = p.id
	}
	return ids
}

// Serializer returns the serializer the decoder reads.
func (d *Decoder) Serializer() Serializer { return d.serializer }

// maxPooled is the largest buffer, in bytes, that Decode returns to
// scratchPool.
const maxPooled = 16 << 10

// scratchPool holds the buffers the outer base64 decodes into.
var scratchPool = sync.Pool{New: func() any {
	b := make([]byte, 0, base64.URLEncoding.DecodedLen(DefaultMaxLength))
	return &b
}}

// Decode verifies a cookie made by securecookie.Encode (or
// sessions.CookieStore.Save) for the cookie called name and returns its
// value as a session. Every failure returns a nil session and an error
// that wraps [cookiecodec.ErrInvalid], or [cookiecodec.ErrExpired] for an
// authentic cookie made more than MaxAge ago. [cookiecodec.Info] reports
// the id of the hash key that verified it, the time the cookie was made,
// whether it was encrypted, and as Stale a cookie opened by any key pair
// but the first.
func (d *Decoder) Decode(name, value string) (cookiecodec.Session, cookiecodec.Info, error) {
	if len(value) > d.maxLength {
		return nil, cookiecodec.Info{}, fmt.Errorf("%w: %d bytes, longer than MaxLength %d", cookiecodec.ErrInvalid, len(value), d.maxLength)
	}
	bp := scratchPool.Get().(*[]byte)
	defer func() {
		b := (*bp)[:cap(*bp)]
		if len(b) > maxPooled {
			return // one long cookie does not keep its buffer alive
		}
		clear(b)
		*bp = b[:0]
		scratchPool.Put(bp)
	}()
	env, err := split((*bp)[:0], value)
	if err != nil {
		return nil, cookiecodec.Info{}, err
	}
	*bp = env.raw
	if len(env.mac) != d.macSize {
		return nil, cookiecodec.Info{}, fmt.Errorf("%w: MAC is %d bytes, want %d", cookiecodec.ErrInvalid, len(env.mac), d.macSize)
	}
	var first error
	for i, p := range d.pairs {
		if !p.verify(name, env.signed, env.mac) {
			continue
		}
		// The cookie is authentic from here on.
		s, info, err := d.open(p, env)
		if err == nil {
			info.Stale = i > 0
			return s, info, nil
		}
		if first == nil {
			first = err
		}
		// securecookie.DecodeMulti goes on to the next pair after any
		// error, which matters only for pairs that share a hash key.
	}
	if first != nil {
		return nil, cookiecodec.Info{}, first
	}
	return nil, cookiecodec.Info{}, fmt.Errorf("%w: MAC does not match", cookiecodec.ErrInvalid)
}

// verify reports whether mac is the HMAC of name "|" signed under p's hash
// key, comparing in constant time.
func (p *pair) verify(name string, signed, mac []byte) bool {
	h := p.macs.Get().(hash.Hash)
	defer p.macs.Put(h)
	h.Reset()
	h.Write(unsafe.Slice(unsafe.StringData(name), len(name)))
	h.Write([]byte{'|'})
	h.Write(signed)
	var sum [64]byte
	return hmac.Equal(h.Sum(sum[:0]), mac)
}

// open checks the age of an authentic cookie, decrypts its body with p's
// block key if it has one, and deserializes it.
func (d *Decoder) open(p *pair, env envelope) (cookiecodec.Session, cookiecodec.Info, error) {
	ts, err := parseTimestamp(env.timestamp)
	if err != nil {
		return nil, cookiecodec.Info{}, err
	}
	if err := d.checkAge(ts); err != nil {
		return nil, cookiecodec.Info{}, err
	}
	info := cookiecodec.Info{KeyID: p.id, IssuedAt: time.Unix(ts, 0).UTC(), Encrypted: p.block != nil}
	body, err := decodeBody(env.body)
	if err != nil {
		return nil, cookiecodec.Info{}, err
	}
	defer clear(body)
	if p.block != nil {
		n := p.block.BlockSize()
		if len(body) <= n {
			return nil, cookiecodec.Info{}, fmt.Errorf("%w: encrypted body is %d bytes, not longer than its %d-byte IV", cookiecodec.ErrInvalid, len(body), n)
		}
		iv, ct := body[:n], body[n:]
		cipher.NewCTR(p.block, iv).XORKeyStream(ct, ct)
		body = ct
	}
	var s cookiecodec.Session
	switch d.serializer {
	case JSON:
		s, err = decodeJSON(body)
	default:
		s, err = decodeGob(body)
	}
	if err != nil {
		return nil, cookiecodec.Info{}, fmt.Errorf("%w: %s body: %v", cookiecodec.ErrInvalid, d.serializer, err)
	}
	return s, info, nil
}

// checkAge applies securecookie's checks to an authentic timestamp ts, in
// its order: MinAge ("timestamp is too new"), then MaxAge ("expired
// timestamp"); and Skew, which securecookie lacks. Any int64 may come from
// a key holder, so the comparisons avoid overflow.
func (d *Decoder) checkAge(ts int64) error {
	now := d.now().Unix()
	if ts > now {
		ahead := uint64(ts) - uint64(now)
		if d.skew >= 0 && ahead > uint64(d.skew) {
			return fmt.Errorf("%w: timestamp is too new: made %s in the future (skew %s)", cookiecodec.ErrInvalid, formatSeconds(ahead), formatSeconds(uint64(d.skew)))
		}
		if d.minAge > 0 {
			return fmt.Errorf("%w: timestamp is too new: made in the future (min age %s)", cookiecodec.ErrInvalid, formatSeconds(uint64(d.minAge)))
		}
		return nil
	}
	age := uint64(now) - uint64(ts)
	if d.minAge > 0 && age < uint64(d.minAge) {
		return fmt.Errorf("%w: timestamp is too new: made %s ago (min age %s)", cookiecodec.ErrInvalid, formatSeconds(age), formatSeconds(uint64(d.minAge)))
	}
	if age > uint64(d.maxAge) {
		return fmt.Errorf("%w: expired timestamp: %s ago (max age %s)", cookiecodec.ErrExpired, formatSeconds(age-uint64(d.maxAge)), formatSeconds(uint64(d.maxAge)))
	}
	return nil
}

// formatSeconds prints n seconds as a time.Duration does, or as a count of
// seconds beyond its range.
func formatSeconds(n uint64) string {
	const maxSeconds = uint64(1<<63-1) / uint64(time.Second)
	if n > maxSeconds {
		return fmt.Sprintf("%ds", n)
	}
	return (time.Duration(n) * time.Second).String()
}
