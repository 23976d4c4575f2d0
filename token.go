package cookiecodec

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io"
	"slices"
	"sync"
	"time"
	"unsafe"
)

// The v1 token's layout, and sealing and opening it. See SPEC.md.

// Format v1 layout, in bytes.
const (
	version1    = 0x01
	headerSize  = 1 + 1 + 4 + 8 // version, flags, key id, issued-at
	macSize     = sha256.Size
	nonceSize   = 24 // XChaCha20-Poly1305
	aeadTagSize = 16 // Poly1305
	maxNameLen  = 255

	flagEncrypted  = 1 << 0
	flagCompressed = 1 << 1
	flagsKnown     = flagEncrypted | flagCompressed
)

// strictBase64 is unpadded base64url that rejects non-zero padding bits,
// for what is not on the hot path (key text). It is made once: Strict
// copies the whole Encoding, tables included.
var strictBase64 = base64.RawURLEncoding.Strict()

// adLabel starts the associated data of every v1 token, so that v1 MACs
// cannot be confused with any other use of the same key.
const adLabel = "cookiecodec v1\x00"

// minTokenLen is the length of the shortest token, in bytes: an encrypted
// one with an empty payload.
var minTokenLen = b64EncodedLen(headerSize + nonceSize + aeadTagSize)

type header struct {
	encrypted, compressed bool
	keyID                 KeyID
	issuedAt              uint64
}

func parseHeader(raw []byte) (header, error) {
	if len(raw) < headerSize {
		return header{}, fmt.Errorf("%w: %d bytes, too short for a token", ErrInvalid, len(raw))
	}
	if raw[0] != version1 {
		return header{}, fmt.Errorf("%w: unknown version %d", ErrInvalid, raw[0])
	}
	flags := raw[1]
	if flags&^flagsKnown != 0 {
		return header{}, fmt.Errorf("%w: unknown flags %#02x", ErrInvalid, flags&^flagsKnown)
	}
	return header{
		encrypted:  flags&flagEncrypted != 0,
		compressed: flags&flagCompressed != 0,
		keyID:      KeyID(binary.BigEndian.Uint32(raw[2:6])),
		issuedAt:   binary.BigEndian.Uint64(raw[6:14]),
	}, nil
}

// checkName accepts the cookie names of SPEC.md: 1 to 255 bytes, each an
// HTTP token character.
func checkName(name string) error {
	if name == "" || len(name) > maxNameLen {
		return fmt.Errorf("cookiecodec: cookie name must be 1 to %d bytes, not %d", maxNameLen, len(name))
	}
	for i := 0; i < len(name); i++ {
		if !tokenChar[name[i]] {
			return fmt.Errorf("cookiecodec: cookie name has byte %#02x at offset %d, which is not a token character", name[i], i)
		}
	}
	return nil
}

// tokenChar holds the characters of an HTTP token (RFC 9110, section
// 5.6.2), which RFC 6265 makes the characters of a cookie name: letters,
// digits and !#$%&'*+-.^_`|~.
var tokenChar = func() (t [256]bool) {
	for _, c := range "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" {
		t[c] = true
	}
	return t
}()

// appendAD appends the associated data of a v1 token to dst:
// label || uint8(len(name)) || name || header.
func appendAD(dst []byte, name string, header []byte) []byte {
	dst = append(dst, adLabel...)
	dst = append(dst, byte(len(name)))
	dst = append(dst, name...)
	return append(dst, header...)
}

// scratch holds the per-call state of Encode, Seal, Open and Decode,
// pooled so that the hot path allocates only its result: one pool
// operation gets the session encoder, the buffers and a keyed HMAC.
type scratch struct {
	enc encoder
	ad  []byte // associated data: label, name, header
	raw []byte // the token before base64url
	out []byte // plaintext or deflated payload
	sum [macSize]byte
	idx []byte // the key index of a View being made

	// mac is an HMAC-SHA256 state keyed for macKey, kept while the keys
	// that seal and open stay the same.
	mac    hash.Hash
	macKey *keyMaterial
}

var scratchPool = sync.Pool{New: func() any {
	return &scratch{
		enc: encoder{buf: make([]byte, 0, 512), keys: make([]mapEntry, 0, 32)},
		ad:  make([]byte, 0, len(adLabel)+1+maxNameLen+headerSize),
		raw: make([]byte, 0, DefaultMaxLength),
		out: make([]byte, 0, DefaultMaxLength),
	}
}}

func getScratch() *scratch { return scratchPool.Get().(*scratch) }

// putScratch returns s to the pool, dropping buffers grown beyond the
// default so that one large token does not pin memory. The encoder has
// cleared the entries it used, so the pool holds no reference to a
// session.
func putScratch(s *scratch) {
	if cap(s.raw) > 4*DefaultMaxLength || cap(s.out) > MaxInflatedSize || cap(s.enc.buf) > MaxInflatedSize || cap(s.idx) > maxIndexed {
		return
	}
	s.enc.keys = s.enc.keys[:0]
	scratchPool.Put(s)
}

// appendMAC appends HMAC-SHA256(k's mac key, ad || body) to dst.
func (s *scratch) appendMAC(dst []byte, k *keyMaterial, ad, body []byte) []byte {
	if s.macKey != k {
		s.mac, s.macKey = k.macPool.Get().(hash.Hash), k
	}
	h := s.mac
	h.Reset()
	h.Write(ad)
	h.Write(body)
	return h.Sum(dst)
}

// seal is Seal with the time and the nonce source as parameters, for tests.
func (c *Codec) seal(name string, payload []byte, now time.Time, nonces io.Reader) (string, error) {
	s := getScratch()
	defer putScratch(s)
	out, err := c.appendSeal(nil, s, name, payload, now, nonces)
	if err != nil {
		return "", err
	}
	// out is never written again, so it can back the string directly, as
	// strings.Builder does.
	return unsafe.String(unsafe.SliceData(out), len(out)), nil
}

// appendSeal appends the token for payload to dst, growing dst at most
// once, to exactly the token's length. payload may be in s.enc.buf.
func (c *Codec) appendSeal(dst []byte, s *scratch, name string, payload []byte, now time.Time, nonces io.Reader) ([]byte, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	if c.compress && len(payload) > MaxInflatedSize {
		return nil, fmt.Errorf("%w: payload is %d bytes, more than the %d a compressed token can carry", ErrTooLarge, len(payload), MaxInflatedSize)
	}
	if now.Unix() < 0 {
		return nil, errors.New("cookiecodec: issue time before 1970")
	}
	ring := c.keys.Keyring()
	if ring == nil || ring.primary.IsZero() {
		return nil, errors.New("cookiecodec: key source has no primary key")
	}
	k := ring.primary.k

	var flags byte
	body := payload
	if c.compress {
		if z, ok := deflate(s.out[:0], payload); ok {
			s.out, body = z, z
			flags |= flagCompressed
		}
	}
	rawLen := headerSize + len(body) + macSize
	if c.encrypt {
		flags |= flagEncrypted
		rawLen = headerSize + nonceSize + len(body) + aeadTagSize
	}
	n := b64EncodedLen(rawLen)
	if n > c.maxLength {
		return nil, fmt.Errorf("%w: %d bytes, %d more than MaxLength %d", ErrTooLarge, n, n-c.maxLength, c.maxLength)
	}

	raw := append(s.raw[:0], version1, flags)
	raw = binary.BigEndian.AppendUint32(raw, uint32(k.id))
	raw = binary.BigEndian.AppendUint64(raw, uint64(now.Unix()))
	s.ad = appendAD(s.ad[:0], name, raw[:headerSize])
	if c.encrypt {
		raw = raw[:headerSize+nonceSize]
		if _, err := io.ReadFull(nonces, raw[headerSize:]); err != nil {
			return nil, fmt.Errorf("cookiecodec: reading nonce: %v", err)
		}
		raw = k.aead.Seal(raw, raw[headerSize:], body, s.ad)
	} else {
		raw = append(raw, body...)
		raw = s.appendMAC(raw, k, s.ad, raw[headerSize:])
	}
	s.raw = raw

	dst = slices.Grow(dst, n)
	b64Encode(dst[len(dst):len(dst)+n], raw)
	return dst[:len(dst)+n], nil
}

// open is Open returning the payload in the buffers of a pooled scratch,
// valid until the caller returns it with putScratch. On error there is no
// scratch to return.
func (c *Codec) open(name, value string) ([]byte, *scratch, Info, error) {
	if err := checkName(name); err != nil {
		return nil, nil, Info{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	// Length first: nothing longer than MaxLength is decoded, or even
	// given a buffer.
	if len(value) > c.maxLength {
		return nil, nil, Info{}, fmt.Errorf("%w: %d bytes, longer than MaxLength %d", ErrInvalid, len(value), c.maxLength)
	}
	if len(value) < b64EncodedLen(headerSize+aeadTagSize) {
		return nil, nil, Info{}, fmt.Errorf("%w: %d bytes, too short for a token", ErrInvalid, len(value))
	}
	s := getScratch()
	p, info, err := c.openScratch(s, name, value)
	if err != nil {
		putScratch(s)
		return nil, nil, Info{}, err
	}
	return p, s, info, nil
}

// openScratch is open after the checks that need no buffer, decoding into
// s.
func (c *Codec) openScratch(s *scratch, name, value string) ([]byte, Info, error) {
	if n := b64DecodedLen(len(value)); cap(s.raw) < n {
		s.raw = make([]byte, 0, n)
	}
	n, ok := b64Decode(s.raw[:cap(s.raw)], value)
	if !ok {
		return nil, Info{}, fmt.Errorf("%w: not canonical base64url", ErrInvalid)
	}
	raw := s.raw[:n]

	h, err := parseHeader(raw)
	if err != nil {
		return nil, Info{}, err
	}
	info := Info{KeyID: h.keyID, Encrypted: h.encrypted, Compressed: h.compressed}
	if h.encrypted != c.encrypt {
		if !c.acceptAnyMode {
			return nil, Info{}, fmt.Errorf("%w: %s token, but the codec is configured for %s tokens", ErrInvalid, modeName(h.encrypted), modeName(c.encrypt))
		}
		info.Stale = true
	}
	ring := c.keys.Keyring()
	if ring == nil {
		return nil, Info{}, fmt.Errorf("%w: key source has no keyring", ErrInvalid)
	}
	// Most tokens are the primary's: compare its id before the map lookup.
	// Ids are unique within a keyring.
	k := ring.primary
	if k.k.id != h.keyID {
		var ok bool
		if k, ok = ring.byID[h.keyID]; !ok {
			return nil, Info{}, fmt.Errorf("%w: signed by unknown key %s", ErrInvalid, h.keyID)
		}
		info.Stale = true
	}

	s.ad = appendAD(s.ad[:0], name, raw[:headerSize])
	var body []byte
	if h.encrypted {
		if len(raw) < headerSize+nonceSize+aeadTagSize {
			return nil, Info{}, fmt.Errorf("%w: %d bytes, too short for an encrypted token", ErrInvalid, len(raw))
		}
		nonce := raw[headerSize : headerSize+nonceSize]
		body, err = k.k.aead.Open(s.out[:0], nonce, raw[headerSize+nonceSize:], s.ad)
		if err != nil {
			return nil, Info{}, fmt.Errorf("%w: decryption failed: tampered, or made for another name", ErrInvalid)
		}
		s.out = body
	} else {
		if len(raw) < headerSize+macSize {
			return nil, Info{}, fmt.Errorf("%w: %d bytes, too short for a signed token", ErrInvalid, len(raw))
		}
		body = raw[headerSize : len(raw)-macSize]
		sum := s.appendMAC(s.sum[:0], k.k, s.ad, body)
		if !hmac.Equal(sum, raw[len(raw)-macSize:]) {
			return nil, Info{}, fmt.Errorf("%w: signature does not match: tampered, or made for another name", ErrInvalid)
		}
	}

	// The token is authentic from here on.
	if err := c.checkAge(h.issuedAt, &info); err != nil {
		return nil, Info{}, err
	}
	if h.compressed {
		var dst []byte
		if h.encrypted {
			// body lives in s.out; inflate into the spare buffer.
			dst = s.raw[:0]
		} else {
			dst = s.out[:0]
		}
		p, err := inflate(dst, body)
		if err != nil {
			return nil, Info{}, fmt.Errorf("%w: %v", ErrInvalid, err)
		}
		if h.encrypted {
			s.raw = p
		} else {
			s.out = p
		}
		body = p
	}
	return body, info, nil
}
