package cookiecodec

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"sync"

	"golang.org/x/crypto/chacha20poly1305"
)

// MinKeySize is the minimum length of a key's secret, in bytes.
const MinKeySize = 32

// keyTextMaxLen bounds the text form accepted by [ParseKey], in characters,
// so that a stray file or variable is rejected before it is decoded.
const keyTextMaxLen = 1024

// HKDF labels of format v1. The secret is never used directly: the key id,
// the MAC key and the encryption key are independent HKDF-SHA256 outputs.
const (
	labelKeyID = "cookiecodec v1 key id"
	labelMAC   = "cookiecodec v1 hmac-sha256 key"
	labelEnc   = "cookiecodec v1 xchacha20poly1305 key"
)

// A KeyID identifies a [Key] inside a token. It is derived from the secret, so
// it reveals nothing about it, and it prints as 8 lowercase hex digits.
type KeyID uint32

// String returns id as 8 lowercase hexadecimal digits, as in "1a2b3c4d".
func (id KeyID) String() string {
	var b [8]byte
	const hex = "0123456789abcdef"
	for i := 7; i >= 0; i-- {
		b[i] = hex[id&0xf]
		id >>= 4
	}
	return string(b[:])
}

// ParseKeyID parses the 8-hex-digit form returned by [KeyID.String].
func ParseKeyID(s string) (KeyID, error) {
	// The input is not quoted in errors: a key pasted here by mistake must
	// not end up in a log.
	if len(s) != 8 {
		return 0, fmt.Errorf("cookiecodec: key id is %d characters, want 8 hexadecimal digits", len(s))
	}
	v, err := strconv.ParseUint(s, 16, 32)
	if err != nil {
		return 0, errors.New("cookiecodec: key id is not 8 hexadecimal digits")
	}
	return KeyID(v), nil
}

// A Key is a secret from which cookiecodec derives a key id, a MAC key and an
// encryption key. The zero Key is not valid.
//
// A Key never prints its secret: fmt verbs show only its id. Use
// [Key.ExportSecret] to write the secret out.
type Key struct {
	k *keyMaterial
}

type keyMaterial struct {
	id KeyID
	// sec holds the secret and the MAC key one pointer further away than
	// fmt follows. Printing a struct that holds a Key (a Keyring value,
	// say) with a verb it does not support makes fmt dereference the
	// *keyMaterial, but it prints the pointers it finds inside as
	// addresses.
	sec  *keySecrets
	aead cipherAEAD

	// macPool holds HMAC states keyed with mac, so that the hot path
	// neither allocates nor rehashes the key.
	macPool sync.Pool
}

type keySecrets struct {
	secret []byte
	mac    []byte // 32-byte HMAC-SHA256 key
}

// cipherAEAD is the subset of cipher.AEAD the codec uses; keeping it narrow
// documents that a key holds exactly one suite.
type cipherAEAD interface {
	Seal(dst, nonce, plaintext, additionalData []byte) []byte
	Open(dst, nonce, ciphertext, additionalData []byte) ([]byte, error)
}

// GenerateKey returns a new random Key of 32 bytes from [crypto/rand].
func GenerateKey() Key {
	secret := make([]byte, 32)
	rand.Read(secret)
	k, err := NewKey(secret)
	if err != nil {
		panic("cookiecodec: internal error: " + err.Error())
	}
	return k
}

// NewKey returns a Key for secret, which must be at least [MinKeySize] bytes
// of uniformly random data. NewKey copies secret.
func NewKey(secret []byte) (Key, error) {
	if len(secret) < MinKeySize {
		return Key{}, fmt.Errorf("cookiecodec: key is %d bytes, want at least %d", len(secret), MinKeySize)
	}
	sec := &keySecrets{secret: append([]byte(nil), secret...)}
	m := &keyMaterial{sec: sec}
	idBytes, err := hkdf.Key(sha256.New, sec.secret, nil, labelKeyID, 4)
	if err != nil {
		return Key{}, fmt.Errorf("cookiecodec: deriving key id: %v", err)
	}
	m.id = KeyID(binary.BigEndian.Uint32(idBytes))
	if sec.mac, err = hkdf.Key(sha256.New, sec.secret, nil, labelMAC, 32); err != nil {
		return Key{}, fmt.Errorf("cookiecodec: deriving mac key: %v", err)
	}
	m.macPool.New = func() any { return hmac.New(sha256.New, sec.mac) }
	encKey, err := hkdf.Key(sha256.New, sec.secret, nil, labelEnc, chacha20poly1305.KeySize)
	if err != nil {
		return Key{}, fmt.Errorf("cookiecodec: deriving encryption key: %v", err)
	}
	if m.aead, err = chacha20poly1305.NewX(encKey); err != nil {
		return Key{}, fmt.Errorf("cookiecodec: %v", err)
	}
	return Key{m}, nil
}

var errKeyText = errors.New("cookiecodec: key is not unpadded base64url text")

// ParseKey parses the text form of a key: its secret in base64url without
// padding, as returned by [Key.ExportSecret]. The error never contains s.
func ParseKey(s string) (Key, error) {
	if len(s) > keyTextMaxLen {
		return Key{}, fmt.Errorf("cookiecodec: key text is %d characters, want at most %d", len(s), keyTextMaxLen)
	}
	secret, err := decodeStrict(s)
	if err != nil {
		return Key{}, errKeyText
	}
	return NewKey(secret)
}

// ExportSecret returns the key's secret in its text form, base64url without
// padding (43 characters for a 32-byte secret). Treat the result as the key
// itself: anyone who has it can forge and read cookies.
func (k Key) ExportSecret() string {
	if k.k == nil {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString(k.k.sec.secret)
}

// ID returns the key's id. The zero Key has id 0.
func (k Key) ID() KeyID {
	if k.k == nil {
		return 0
	}
	return k.k.id
}

// IsZero reports whether k is the zero Key, which is not valid.
func (k Key) IsZero() bool { return k.k == nil }

// Equal reports whether k and other hold the same secret. It compares the
// secrets in constant time.
func (k Key) Equal(other Key) bool {
	if k.k == nil || other.k == nil {
		return k.k == other.k
	}
	return k.k.id == other.k.id && subtle.ConstantTimeCompare(k.k.sec.secret, other.k.sec.secret) == 1
}

// String returns "cookiecodec.Key(1a2b3c4d)": the id, never the secret.
func (k Key) String() string {
	if k.k == nil {
		return "cookiecodec.Key(zero)"
	}
	return "cookiecodec.Key(" + k.k.id.String() + ")"
}

// GoString is the same as [Key.String], so %#v does not reveal the secret.
func (k Key) GoString() string { return k.String() }

// Format prints [Key.String] for every verb, so that no fmt verb reveals the
// secret.
func (k Key) Format(f fmt.State, verb rune) { fmt.Fprint(f, k.String()) }

// MarshalText returns the key's id, not its secret, so that a Key logged as
// JSON does not leak. Use [Key.ExportSecret] to write the secret.
func (k Key) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// decodeStrict decodes unpadded base64url, rejecting every non-canonical
// form: padding, non-zero trailing bits, and the CR and LF characters that
// encoding/base64 otherwise skips.
func decodeStrict(s string) ([]byte, error) {
	for i := 0; i < len(s); i++ {
		if s[i] == '\r' || s[i] == '\n' {
			return nil, errors.New("line break in base64")
		}
	}
	return strictBase64.DecodeString(s)
}
